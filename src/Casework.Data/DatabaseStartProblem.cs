using System.Data.Common;
using Casework.Data.Configuration;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Casework.Data;

/// <summary>
/// Says in one sentence why a node could not prepare its database on start, and what the operator can do about it,
/// instead of leaving them an exception's stack trace. Only the provider's error code and text are quoted: those of a
/// failed connection or schema change name the account, the database or the object, never a row's values.
/// </summary>
public static class DatabaseStartProblem
{
    /// <summary>The explanation, or null when <paramref name="exception"/> is not the database's answer.</summary>
    public static string? Explain(Exception exception, DatabaseOptions settings)
    {
        var error = Chain(exception).OfType<DbException>().FirstOrDefault();
        return error switch
        {
            PostgresException postgres => Postgres(postgres),
            NpgsqlException unreachable => "Could not reach the PostgreSQL server in ConnectionStrings:Casework ("
                + (unreachable.InnerException?.Message ?? unreachable.Message) + "). " + Unreachable,
            SqlException sqlServer => SqlServer(sqlServer),
            SqliteException sqlite => Sqlite(sqlite, SqliteFile(settings)),
            not null => $"The {settings.Provider} database refused to be prepared ({error.Message}).",
            null => settings.ProviderKind == DatabaseProvider.Sqlite ? SqliteFolder(exception, SqliteFile(settings)) : null,
        };
    }

    /// <summary>The SQLite file's folder could not be created (or its file not reached): a file system error, not the database's.</summary>
    private static string? SqliteFolder(Exception exception, string file) =>
        Chain(exception).FirstOrDefault(e => e is IOException or UnauthorizedAccessException) is { } failure
            ? $"Could not create the folder of the SQLite database '{file}' ({failure.Message}). Point ConnectionStrings:Casework at a "
                + "folder the application's account may create, or create it and let that account read and write in it."
            : null;

    private const string Unreachable = "Database:MigrateOnStart needs the database to answer when the node starts: start it first, or "
        + "set Database:MigrateOnStart to false and apply the migration script separately (a node then starts without the database, and "
        + "/health/ready says when it answers).";

    private static string Postgres(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.InsufficientPrivilege =>
            $"The PostgreSQL account may not create Casework's tables ({e.SqlState}: {e.MessageText}). Migrating on start needs an account "
            + "that owns the database (ALTER DATABASE … OWNER TO …; it needs no superuser rights); otherwise set Database:MigrateOnStart to "
            + "false and apply the migration script as the database's owner. Nothing of the migration it stopped at was kept.",
        PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
            $"The PostgreSQL server refused the account in ConnectionStrings:Casework ({e.SqlState}: {e.MessageText}): check its user name and "
            + "password.",
        PostgresErrorCodes.InvalidCatalogName =>
            $"The database in ConnectionStrings:Casework does not exist ({e.SqlState}: {e.MessageText}): create it, owned by the application's "
            + "account, and start again.",
        PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.AdminShutdown =>
            $"The PostgreSQL server does not take connections now ({e.SqlState}: {e.MessageText}). " + Unreachable,
        _ => $"The PostgreSQL database refused to be prepared ({e.SqlState}: {e.MessageText}).",
    };

    private static string SqlServer(SqlException e) => e.Number switch
    {
        // Login failed; cannot open the database the login asked for.
        18456 or 4060 => $"SQL Server refused the login in ConnectionStrings:Casework (error {e.Number}: {e.Message}): check the login, its "
            + "password and the database's name.",
        // Permission denied in the database; CREATE TABLE denied.
        229 or 262 => $"The SQL Server login may not create Casework's tables (error {e.Number}: {e.Message}). Migrating on start needs a "
            + "login that owns the database (db_owner); otherwise set Database:MigrateOnStart to false and apply the migration script as one.",
        // No answer: network error, server not found.
        -2 or 2 or 53 or 10061 => $"Could not reach SQL Server in ConnectionStrings:Casework (error {e.Number}: {e.Message}). " + Unreachable,
        _ => $"The SQL Server database refused to be prepared (error {e.Number}: {e.Message}).",
    };

    private static string Sqlite(SqliteException e, string file) => e.SqliteErrorCode switch
    {
        // SQLITE_NOTADB, SQLITE_CORRUPT
        26 or 11 => $"The file '{file}' is not a Casework SQLite database, or is damaged ({e.Message}). Restore it from a backup, or point "
            + "ConnectionStrings:Casework at another file; a file that does not exist yet is created.",
        _ => $"Could not open or write the SQLite database '{file}' ({e.Message}). The application's account needs to read and write that "
            + "file and to create files in its folder (SQLite keeps its write-ahead log beside it).",
    };

    private static string SqliteFile(DatabaseOptions settings) =>
        new SqliteConnectionStringBuilder(Providers.ProviderSetup.EffectiveConnectionString(settings)).DataSource;

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
