using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Casework.Data.Providers;

/// <summary>
/// Sets SQLite's per-connection pragmas when EF Core opens a connection: the durability level
/// (<c>Database:SqliteSynchronous</c>, FULL by default) and a busy timeout so a writer waits for the single
/// write lock instead of failing at once. The pragmas belong to the native connection, which the pool keeps open
/// between uses, so they are set once per native connection rather than on every open (each command opens one).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    // One instance per setting: EF Core builds its internal services once per distinct set of interceptors.
    private static readonly SqlitePragmas FullInstance = new("FULL");
    private static readonly SqlitePragmas NormalInstance = new("NORMAL");

    // The pragmas last set on each native connection, keyed by its handle, which lives as long as the pooled
    // connection; a handle that is closed and collected drops out on its own.
    private static readonly ConditionalWeakTable<object, string> Configured = [];

    private readonly string sql;

    private SqlitePragmas(string synchronous) =>
        sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public static SqlitePragmas For(string synchronous) =>
        string.Equals(synchronous, "NORMAL", StringComparison.OrdinalIgnoreCase) ? NormalInstance : FullInstance;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (AlreadySet(connection))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        Remember(connection);
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (AlreadySet(connection))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Remember(connection);
    }

    private bool AlreadySet(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out var applied) && ReferenceEquals(applied, sql);

    private void Remember(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            Configured.AddOrUpdate(handle, sql);
        }
    }
}
