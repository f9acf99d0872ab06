using Casework.Data.Configuration;
using Casework.Data.Providers;
using Casework.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests;

/// <summary>
/// Hosts the real application in memory with the given settings (as if from configuration). Use
/// <see cref="ForSqlite"/> or <see cref="ForPostgresAsync"/> for a factory with its own fresh database.
/// </summary>
public sealed class CaseworkWebFactory(IReadOnlyDictionary<string, string?> settings, IDisposable? owned = null)
    : WebApplicationFactory<Program>
{
    private IDisposable? owned = owned;

    /// <summary>
    /// A new host on the same database and settings, as after a restart; it takes over the temporary files, so this
    /// one can be disposed first.
    /// </summary>
    public CaseworkWebFactory Restarted()
    {
        var next = new CaseworkWebFactory(settings, owned) { TestServices = TestServices, EnvironmentName = EnvironmentName };
        foreach (var (key, value) in ExtraSettings)
        {
            next.ExtraSettings[key] = value;
        }

        owned = null;
        return next;
    }

    /// <summary>Extra test services (for example a log sink), applied after the application's own.</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? TestServices { get; init; }

    /// <summary>
    /// A host on a SQLite file of its own, which starts as a copy of one the migrations built once for the whole run: applying
    /// them took 0.4 s a host. The host then finds nothing to apply and goes on as on any start (the fresh-machine start that
    /// creates the folder and applies every migration is <c>RunTests</c>'s).
    /// </summary>
    public static CaseworkWebFactory ForSqlite(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null)
    {
        var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "data", "casework.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, MigratedSqlite.Value);
        return new CaseworkWebFactory(
            new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Casework"] = $"Data Source={file}",
            },
            folder) { TestServices = testServices };
    }

    private static readonly Lazy<byte[]> MigratedSqlite = new(() =>
    {
        using var folder = new TempFolder();
        var options = new DbContextOptionsBuilder<SqliteCaseworkDbContext>();
        options.UseCaseworkProvider(DatabaseProvider.Sqlite, folder.SqliteConnectionString(), "Full");
        using (var db = new SqliteCaseworkDbContext(options.Options))
        {
            db.Database.Migrate();
        }

        // Pooling is off in that connection string, so the file is closed and, in the default rollback-journal mode, complete.
        return File.ReadAllBytes(Path.Combine(folder.Path, "casework.db"));
    });

    /// <summary>
    /// A host on a fresh database of <paramref name="server"/>, made as a copy of one the migrations built once for the run
    /// (as <see cref="ForSqlite"/>); the fresh-database start is <c>ManyNodesStartTests</c>'s.
    /// </summary>
    public static async Task<CaseworkWebFactory> ForPostgresAsync(PostgresServer server,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null) =>
        ForPostgres(await server.CreateDatabaseAsync("web", await MigratedPostgresAsync(server), TestContext.Current.CancellationToken), testServices);

    private static readonly SemaphoreSlim PostgresTemplateGate = new(1, 1);
    private static (PostgresServer Server, string Database)? postgresTemplate;

    private static async Task<string> MigratedPostgresAsync(PostgresServer server)
    {
        await PostgresTemplateGate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (postgresTemplate is { } made && made.Server == server)
            {
                return made.Database;
            }

            // Without pooling, nothing stays connected to it, which copying it needs.
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("webtemplate")) { Pooling = false };
            var options = new DbContextOptionsBuilder<PostgresCaseworkDbContext>();
            options.UseCaseworkProvider(DatabaseProvider.Postgres, connection.ConnectionString, "Full");
            await using (var db = new PostgresCaseworkDbContext(options.Options))
            {
                await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
            }

            postgresTemplate = (server, connection.Database!);
            return connection.Database!;
        }
        finally
        {
            PostgresTemplateGate.Release();
        }
    }

    /// <summary>A test's store: <c>"sqlite"</c>, or <c>"postgres"</c> (a fresh database of the assembly's cluster).</summary>
    public static async Task<CaseworkWebFactory> ForStoreAsync(string store, PostgresFixture postgres,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null)
    {
        switch (store)
        {
            case "sqlite":
                return ForSqlite(testServices);
            case "postgres":
                postgres.Server.RequireAvailable();
                return await ForPostgresAsync(postgres.Server, testServices);
            default:
                throw new ArgumentOutOfRangeException(nameof(store), store, "sqlite or postgres");
        }
    }

    /// <summary>A host on an existing PostgreSQL database (several hosts on one database are several nodes).</summary>
    public static CaseworkWebFactory ForPostgres(string connectionString,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null) =>
        new(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:MigrateOnStart"] = "true",
            ["ConnectionStrings:Casework"] = connectionString,
        }) { TestServices = testServices };

    /// <summary>The host's environment: Testing unless a test needs another (set before the server starts).</summary>
    public string EnvironmentName { get; set; } = "Testing";

    /// <summary>Settings a test adds to the store's own (set before the server starts).</summary>
    public Dictionary<string, string?> ExtraSettings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);

        // Tests drive the timer worker and the outbox dispatcher themselves (RunOnceAsync), never in the background.
        builder.UseSetting("Runtime:Workers:Enabled", "false");
        builder.UseSetting("Auth:RequireHttps", "false");
        builder.UseSetting("Auth:SigningCertificatePath", TestCertificates.SigningPath);
        builder.UseSetting("Auth:EncryptionCertificatePath", TestCertificates.EncryptionPath);
        foreach (var (key, value) in settings.Concat(ExtraSettings))
        {
            builder.UseSetting(key, value);
        }

        // Every test signs its accounts up and in, and the application's password hashing (PBKDF2 at 100,000 rounds) took
        // about 46 ms of CPU a hash here. Tests check who may sign in, not how slowly a stolen hash can be guessed; the
        // round count is stored with each hash, so a hash made here still verifies.
        builder.ConfigureServices(services => services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = 1_000));
        if (TestServices is not null)
        {
            builder.ConfigureServices(TestServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            owned?.Dispose();
            ClosePooledPostgresConnections();
        }
    }

    /// <summary>
    /// Closes the idle connections a PostgreSQL host leaves in Npgsql's pools (one pool per connection string: the
    /// application's, and the configured one a test opens itself). Left alone they stay open for up to five minutes, and
    /// since hosts start in well under a second, a run's hosts used up the cluster's connections within five minutes.
    /// A host still running on the same database (another node) just opens new ones.
    /// </summary>
    private void ClosePooledPostgresConnections()
    {
        var effective = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in ExtraSettings)
        {
            effective[key] = value;
        }

        if (!string.Equals(effective.GetValueOrDefault("Database:Provider"), "Postgres", StringComparison.OrdinalIgnoreCase)
            || effective.GetValueOrDefault("ConnectionStrings:Casework") is not { Length: > 0 } configured)
        {
            return;
        }

        foreach (var connectionString in new[] { configured, ProviderSetup.PostgresConnectionString(configured) })
        {
            using var connection = new Npgsql.NpgsqlConnection(connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
    }
}
