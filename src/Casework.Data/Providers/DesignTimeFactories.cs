using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Casework.Data.Providers;

// Used by `dotnet ef migrations add` only; the connection strings are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCaseworkDbContext>
{
    public SqliteCaseworkDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCaseworkDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCaseworkDbContext>
{
    public PostgresCaseworkDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCaseworkDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerCaseworkDbContext>
{
    public SqlServerCaseworkDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerCaseworkDbContext>().UseSqlServer("Server=design;Database=design").Options);
}
