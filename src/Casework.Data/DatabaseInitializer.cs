using System.Data.Common;
using Casework.Data.Cases;
using Casework.Data.Configuration;
using Casework.Data.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Casework.Data;

/// <summary>
/// Prepares the database on start: creates the SQLite file's folder and applies pending migrations
/// (always for SQLite, for the server databases when <c>Database:MigrateOnStart</c> is true).
/// </summary>
public sealed class DatabaseInitializer(
    IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.ProviderKind == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(ProviderSetup.EffectiveConnectionString(settings)).DataSource;
            if (Path.GetDirectoryName(file) is { Length: > 0 } folder && !Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                logger.LogInformation("Created data folder {DataFolder}", folder);
            }
        }

        if (!settings.ShouldMigrateOnStart)
        {
            logger.LogInformation("Skipping migrations for {Provider}: Database:MigrateOnStart is off", settings.ProviderKind);
            // The node starts even when the database is not reachable yet (readiness says so) or not migrated yet.
            try
            {
                await BackfillAsync(cancellationToken);
            }
            catch (Exception e) when (e is DbException || e.InnerException is DbException)
            {
                // EF Core reports a refused connection as a transient failure wrapping the provider's exception.
                logger.LogWarning("Could not write the name search keys of older cases ({Error}); the next start tries again",
                    (e as DbException ?? e.InnerException)!.GetType().Name);
            }

            return;
        }

        // Nodes started at the same moment take turns: the first applies what is pending, the others then find nothing
        // to apply. (EF Core locks the database while migrating on SQL Server; on PostgreSQL it does not.)
        await using var turn = settings.ProviderKind == DatabaseProvider.Postgres
            ? await PostgresMigrationTurnAsync(ProviderSetup.EffectiveConnectionString(settings), cancellationToken)
            : null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migrations to the {Provider} database", pending.Count, settings.ProviderKind);
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (settings.ProviderKind == DatabaseProvider.Sqlite)
        {
            // WAL lets readers work while the single writer commits.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            // Migrations switch foreign keys off and on around table rebuilds; pooled connections set their pragmas
            // once, so start the application on fresh ones whatever a migration left behind.
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection());
        }

        await BackfillAsync(cancellationToken);
        logger.LogInformation("Database ready ({Provider})", settings.ProviderKind);
    }

    /// <summary>
    /// Writes what a migration added but could not compute in SQL (see <see cref="SearchKeyBackfill"/>), after migrating,
    /// or on every start where migrations are applied by other means.
    /// </summary>
    private async Task BackfillAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        if (await SearchKeyBackfill.RunAsync(db, cancellationToken) is > 0 and var written)
        {
            logger.LogInformation("Wrote the name search key of {Count} principals, family members and accounts recorded before it existed", written);
        }
    }

    /// <summary>An arbitrary key that names "migrating Casework" among the database's advisory locks.</summary>
    private const long MigrationLockKey = 0x43_61_73_65_77_6F_72_6B; // "Casework"

    /// <summary>
    /// Waits for and holds PostgreSQL's session advisory lock on <see cref="MigrationLockKey"/>, on a connection of its
    /// own outside the pool: disposing it ends the session, which releases the lock even if migrating failed.
    /// </summary>
    private static async Task<Npgsql.NpgsqlConnection> PostgresMigrationTurnAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 };
        var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
