using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Casework.Testing;

/// <summary>
/// A PostgreSQL server for tests, shared by a test assembly. In order of preference:
/// <list type="number">
/// <item>the server named by <c>CASEWORK_TEST_POSTGRES</c> (an admin connection string);</item>
/// <item>a throwaway cluster: <c>initdb</c> in a temporary folder, started on a free loopback port (as the
/// <c>postgres</c> user when running as root), stopped and deleted on dispose;</item>
/// <item>none: <see cref="UnavailableReason"/> says why, and <see cref="RequireAvailable"/> skips the test,
/// or fails it when <c>CI=true</c>.</item>
/// </list>
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "CASEWORK_TEST_POSTGRES";

    private readonly string? clusterFolder;
    private readonly string? binFolder;
    private readonly string? runAs;
    private int databaseCounter;

    private PostgresServer(string? adminConnectionString, string? unavailableReason, string? clusterFolder = null,
        string? binFolder = null, string? runAs = null)
    {
        AdminConnectionString = adminConnectionString;
        UnavailableReason = unavailableReason;
        this.clusterFolder = clusterFolder;
        this.binFolder = binFolder;
        this.runAs = runAs;
    }

    public string? AdminConnectionString { get; }

    public string? UnavailableReason { get; }

    public bool IsAvailable => AdminConnectionString is not null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<PostgresServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new PostgresServer(configured, null);
        }

        var bin = FindBinFolder();
        if (bin is null)
        {
            return new PostgresServer(null,
                $"PostgreSQL is not available: {EnvironmentVariable} is not set and no initdb was found under /usr/lib/postgresql/*/bin.");
        }

        var folder = Path.Combine(Path.GetTempPath(), "casework-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        try
        {
            if (runAs is not null)
            {
                await RunAsync("chown", ["-R", runAs, folder], null);
            }

            var data = Path.Combine(folder, "data");
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], runAs);
            var port = FreePort();
            var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(folder, "server.log"), "-o", options, "-w", "-t", "60", "start"], runAs);
            var admin = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true";
            return new PostgresServer(admin, null, folder, bin, runAs);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            TryDelete(folder);
            return new PostgresServer(null, "Could not start a throwaway PostgreSQL cluster: " + ex.Message);
        }
    }

    /// <summary>Skips the calling test when no server is available, or fails it under <c>CI=true</c>.</summary>
    public void RequireAvailable()
    {
        if (IsAvailable)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail("CI=true requires PostgreSQL tests to run, but: " + UnavailableReason);
        }

        Assert.Skip(UnavailableReason!);
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default) =>
        CreateDatabaseAsync(prefix, template: null, cancellationToken);

    /// <summary>
    /// A fresh database as a copy of <paramref name="template"/> (a database of this cluster no one is connected to), or
    /// an empty one when it is null; its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? template, CancellationToken cancellationToken = default)
    {
        RequireAvailable();
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref databaseCounter)}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            var copy = template is null ? "" : $" TEMPLATE \"{template.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{copy}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Creates an ordinary login (no superuser, no CREATEDB, no CREATEROLE) for <paramref name="database"/>: its owner, or
    /// only allowed to connect to it. Returns the database's connection string as that login.
    /// </summary>
    public async Task<string> CreateAccountAsync(string database, bool owner, string password, CancellationToken cancellationToken = default)
    {
        RequireAvailable();
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        var account = $"casework_app_{Guid.NewGuid():N}"[..30];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // Identifiers cannot be parameters: both are made here, from a GUID and CreateDatabaseAsync's own prefix.
            var rights = owner ? $"ALTER DATABASE \"{name}\" OWNER TO \"{account}\"" : $"GRANT CONNECT ON DATABASE \"{name}\" TO \"{account}\"";
            await using var create = new NpgsqlCommand(
                $"CREATE ROLE \"{account}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'; {rights}",
                connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(database) { Username = account, Password = password }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (clusterFolder is null || binFolder is null)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(binFolder, "pg_ctl"), ["-D", Path.Combine(clusterFolder, "data"), "-m", "immediate", "-w", "stop"], runAs);
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder goes either way.
        }

        TryDelete(clusterFolder);
    }

    private static string? FindBinFolder()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => b, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, string? runAs)
    {
        var start = new ProcessStartInfo
        {
            FileName = runAs is null ? program : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl start leaves the server holding inherited pipes: read with a deadline, not to the end.
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var error = stderr.IsCompleted ? await stderr : string.Empty;
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {error.Trim()}");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
