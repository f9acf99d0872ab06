using Casework.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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

    public static CaseworkWebFactory ForSqlite(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null)
    {
        var folder = new TempFolder();
        return new CaseworkWebFactory(
            new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Casework"] = $"Data Source={Path.Combine(folder.Path, "data", "casework.db")}",
            },
            folder) { TestServices = testServices };
    }

    public static async Task<CaseworkWebFactory> ForPostgresAsync(PostgresServer server,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? testServices = null) =>
        ForPostgres(await server.CreateDatabaseAsync("web"), testServices);

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
        }
    }
}
