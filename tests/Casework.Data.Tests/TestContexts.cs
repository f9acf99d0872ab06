using Casework.Data.Providers;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Tests;

/// <summary>Builds provider-specific contexts for tests, outside dependency injection.</summary>
internal static class TestContexts
{
    public static SqliteCaseworkDbContext Sqlite(string connectionString, string synchronous = "Full")
    {
        var builder = new DbContextOptionsBuilder<SqliteCaseworkDbContext>();
        builder.UseCaseworkProvider(Configuration.DatabaseProvider.Sqlite, connectionString, synchronous);
        return new(builder.Options);
    }

    public static PostgresCaseworkDbContext Postgres(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresCaseworkDbContext>().UseNpgsql(connectionString).Options);

    public static SqlServerCaseworkDbContext SqlServer() =>
        new(new DbContextOptionsBuilder<SqlServerCaseworkDbContext>()
            .UseSqlServer("Server=127.0.0.1,1;Database=casework_script_only;Connect Timeout=1").Options);
}
