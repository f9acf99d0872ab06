using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Casework.Data.Providers;

/// <summary>
/// Sets SQLite's per-connection pragmas when EF Core opens a connection: the durability level
/// (<c>Database:SqliteSynchronous</c>, FULL by default) and a busy timeout so a writer waits for the single
/// write lock instead of failing at once.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    // One instance per setting: EF Core builds its internal services once per distinct set of interceptors.
    private static readonly SqlitePragmas FullInstance = new("FULL");
    private static readonly SqlitePragmas NormalInstance = new("NORMAL");
    private readonly string sql;

    private SqlitePragmas(string synchronous) =>
        sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public static SqlitePragmas For(string synchronous) =>
        string.Equals(synchronous, "NORMAL", StringComparison.OrdinalIgnoreCase) ? NormalInstance : FullInstance;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
