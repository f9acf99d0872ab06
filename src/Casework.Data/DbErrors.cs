using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Casework.Data;

/// <summary>What a database's refusal means, the same on every provider.</summary>
public static class DbErrors
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    /// <summary>True when a write broke a unique index or primary key: someone wrote the same key a moment earlier.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException s => s.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        SqlException s => s.Number is 2601 or 2627,
        _ => false,
    };

    /// <summary>
    /// True when the database gave up on a transaction only for the moment: it ended it to break a deadlock or a
    /// serialization conflict with another writer, could not get a lock in time, or could not be reached. Nothing of the
    /// transaction was kept, and the same request sent again may well succeed. Looks through wrappers (EF Core's
    /// execution strategy reports such failures inside an <see cref="InvalidOperationException"/>).
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException npgsql:
                    return npgsql.IsTransient;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked;
                case SqlException sqlServer:
                    return sqlServer.Number is SqlServerDeadlockVictim or SqlServerLockTimeout or SqlServerTimeout;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the database ended the transaction to settle a clash with another writer (a deadlock, a serialization
    /// conflict) before anything of it was committed, without having waited out a timeout for the other writer first.
    /// Unlike the rest of <see cref="IsTransient"/> (a lost connection or a timeout, which may strike after the commit
    /// reached the server), nothing of the transaction was kept for certain, so running the same command again from the
    /// start is safe, and after a short pause the other writer has usually finished. Looks through wrappers.
    /// </summary>
    /// <remarks>
    /// A busy or locked SQLite file is transient but not such a clash: SQLite reports it only once the connection has
    /// waited its whole busy timeout for the other writer (the connection's busy timeout and Microsoft.Data.Sqlite's
    /// command timeout, 30 seconds each), so running the work again would make the person wait that long again, twice,
    /// for a writer that has not finished in all that time. It is answered at once instead (503, try again later). The same
    /// holds for a lock wait that ran out a timeout the installation set on its connections (PostgreSQL's
    /// <c>lock_timeout</c>, SQL Server's <c>LOCK_TIMEOUT</c>; neither is set by default): running it again would wait out
    /// the timeout again, which is what the setting says not to do.
    /// </remarks>
    public static bool IsClashWithAnotherWriter(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
                case NpgsqlException:
                    return false;
                case SqliteException:
                    return false;
                case SqlException sqlServer:
                    return sqlServer.Number is SqlServerDeadlockVictim;
            }
        }

        return false;
    }

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqlServerDeadlockVictim = 1205;
    private const int SqlServerLockTimeout = 1222;
    private const int SqlServerTimeout = -2;
}
