using Casework.Data.Configuration;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Tests.Support;

/// <summary>A migrated database of one provider for a contract suite, and a way to open contexts on it.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract DatabaseProvider Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract CaseworkDbContext NewContext();

    /// <summary>Empties every table; the schema and migration history stay.</summary>
    public abstract Task ResetAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    protected async Task MigrateAsync()
    {
        await using var db = NewContext();
        await db.Database.MigrateAsync();
    }
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly TempFolder folder = new();

    private SqliteTestDatabase() => ConnectionString = folder.SqliteConnectionString();

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override string ConnectionString { get; }

    public static async Task<SqliteTestDatabase> CreateAsync()
    {
        var database = new SqliteTestDatabase();
        await database.MigrateAsync();
        return database;
    }

    public override CaseworkDbContext NewContext() => TestContexts.Sqlite(ConnectionString);

    public override async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var db = NewContext();
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).Distinct().OrderDescending())
        {
            // Table names come from the EF model, never from input.
#pragma warning disable EF1002
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\"", cancellationToken);
#pragma warning restore EF1002
        }
    }

    public override ValueTask DisposeAsync()
    {
        folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly PostgresReset reset;

    private PostgresTestDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        reset = new PostgresReset(connectionString);
    }

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync(PostgresServer server, string prefix)
    {
        var database = new PostgresTestDatabase(await server.CreateDatabaseAsync(prefix));
        await database.MigrateAsync();
        return database;
    }

    public override CaseworkDbContext NewContext() => TestContexts.Postgres(ConnectionString);

    public override Task ResetAsync(CancellationToken cancellationToken) => reset.ResetAsync(cancellationToken);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
