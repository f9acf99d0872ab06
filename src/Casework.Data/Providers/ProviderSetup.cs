using Casework.Data.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Providers;

/// <summary>Applies one provider's settings to a DbContext options builder.</summary>
public static class ProviderSetup
{
    public static DbContextOptionsBuilder UseCaseworkProvider(
        this DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString, string sqliteSynchronous = "Full") =>
        provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connectionString).AddInterceptors(SqlitePragmas.For(sqliteSynchronous)),
            DatabaseProvider.Postgres => builder.UseNpgsql(PostgresConnectionString(connectionString)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };

    /// <summary>
    /// The PostgreSQL connection string with automatic preparation on unless it is configured: statements a node runs
    /// again and again (the runtime's reads and writes, the queue queries) are parsed and planned once per connection,
    /// not on every call. <c>Max Auto Prepare=0</c> in the configured string turns it off (for example behind a
    /// transaction-pooling proxy).
    /// </summary>
    public static string PostgresConnectionString(string connectionString)
    {
        var configured = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!configured.ContainsKey("Max Auto Prepare") && !configured.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// The effective connection string: the configured one, or the default SQLite file; a relative SQLite
    /// path is resolved against <see cref="DatabaseOptions.BaseDirectory"/>.
    /// </summary>
    public static string EffectiveConnectionString(DatabaseOptions options)
    {
        if (options.ProviderKind != DatabaseProvider.Sqlite)
        {
            return options.ConnectionString!;
        }

        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(options.ConnectionString)
                ? DatabaseOptions.DefaultSqliteConnectionString
                : options.ConnectionString);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(
                Path.Combine(options.BaseDirectory ?? Directory.GetCurrentDirectory(), builder.DataSource));
        }

        return builder.ToString();
    }
}
