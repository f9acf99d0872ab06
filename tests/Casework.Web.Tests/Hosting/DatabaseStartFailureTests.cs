using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Casework.Testing;
using Npgsql;

namespace Casework.Web.Tests.Hosting;

/// <summary>
/// A node that must prepare its database on start (SQLite always, a server database with <c>Database:MigrateOnStart</c>)
/// and cannot, stops at once with exit code 1 and one sentence saying what is wrong and what to do, not an exception's
/// stack trace, and leaves nothing half-created. The application is run as the process an operator starts.
/// </summary>
public sealed class DatabaseStartFailureTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APostgresServerThatDoesNotAnswer_StopsTheNode_SayingSoAndWhatToDo()
    {
        var closed = ClosedPort();
        var (exitCode, output) = await StartNodeAsync("Postgres", $"Host=127.0.0.1;Port={closed};Database=casework;Username=casework;Timeout=5");

        AssertStoppedWith(exitCode, output, "Could not reach the PostgreSQL server in ConnectionStrings:Casework");
        Assert.Contains("set Database:MigrateOnStart to false", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountThatDoesNotOwnItsDatabase_StopsTheNode_Saying42501AndWhatToDo_AndCreatesNothing()
    {
        postgres.Server.RequireAvailable();
        var database = await postgres.Server.CreateDatabaseAsync("notowner", Ct);
        var guest = await postgres.Server.CreateAccountAsync(database, owner: false, "Guest-Account-1", Ct);

        var (exitCode, output) = await StartNodeAsync("Postgres", guest);

        AssertStoppedWith(exitCode, output, "The PostgreSQL account may not create Casework's tables (42501: permission denied for schema public)");
        Assert.Contains("an account that owns the database", output, StringComparison.Ordinal);
        await using var owner = new NpgsqlConnection(database);
        await owner.OpenAsync(Ct);
        await using var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", owner);
        Assert.Equal(0L, (long)(await tables.ExecuteScalarAsync(Ct))!);
    }

    [Fact]
    public async Task ADatabaseThatDoesNotExist_StopsTheNode_SayingSo()
    {
        postgres.Server.RequireAvailable();
        var missing = new NpgsqlConnectionStringBuilder(postgres.Server.AdminConnectionString) { Database = $"casework_none_{Guid.NewGuid():N}"[..30] };

        var (exitCode, output) = await StartNodeAsync("Postgres", missing.ConnectionString);

        AssertStoppedWith(exitCode, output, "The database in ConnectionStrings:Casework does not exist (3D000:");
    }

    [Fact]
    public async Task ASqliteFileThatIsNotADatabase_StopsTheNode_NamingTheFile_AndLeavesItAsItWas()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "casework.db");
        var text = "These are someone's notes, not a database: they must stay as they are.\n";
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Repeat(text, 100)), Ct);

        var (exitCode, output) = await StartNodeAsync("Sqlite", $"Data Source={file}");

        AssertStoppedWith(exitCode, output, $"The file '{file}' is not a Casework SQLite database, or is damaged");
        Assert.Equal(string.Concat(Enumerable.Repeat(text, 100)), await File.ReadAllTextAsync(file, Ct));
    }

    [Fact]
    public async Task ASqliteFolderThatCannotBeCreated_StopsTheNode_NamingTheFile()
    {
        // A regular file where the data folder's parent should be: creating the folder fails whoever the account is
        // (a read-only folder would not stop an account running as root).
        using var folder = new TempFolder();
        var blocker = Path.Combine(folder.Path, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file, not a folder\n", Ct);
        var file = Path.Combine(blocker, "data", "casework.db");

        var (exitCode, output) = await StartNodeAsync("Sqlite", $"Data Source={file}");

        AssertStoppedWith(exitCode, output, $"Could not create the folder of the SQLite database '{file}'");
        Assert.Equal("a file, not a folder\n", await File.ReadAllTextAsync(blocker, Ct));
    }

    private static void AssertStoppedWith(int exitCode, string output, string problem)
    {
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("Casework cannot start: " + problem, output, StringComparison.Ordinal);
        // One sentence for the operator, not the exception: no "Unhandled exception", no stack frames.
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the application as a process until it stops (a minute at most) and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> StartNodeAsync(string provider, string connectionString)
    {
        var application = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(application)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(application);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Database__Provider"] = provider;
        start.Environment["Database__MigrateOnStart"] = "true";
        start.Environment["ConnectionStrings__Casework"] = connectionString;
        start.Environment["Runtime__Workers__Enabled"] = "false";
        start.Environment["Auth__RequireHttps"] = "false";
        start.Environment["Auth__SigningCertificatePath"] = TestCertificates.SigningPath;
        start.Environment["Auth__EncryptionCertificatePath"] = TestCertificates.EncryptionPath;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The node did not stop within a minute:\n" + await output + await error);
        }

        return (process.ExitCode, await output + await error);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
