using Casework.Data.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Casework.Data.Providers;

/// <summary>The SQLite store; its migrations live in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteCaseworkDbContext(DbContextOptions<SqliteCaseworkDbContext> options)
    : CaseworkDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // SQLite has no index that answers "contains" (NameSearch.Named reads every key), but it can read the keys from
        // these narrow indexes instead of from the wide rows of both tables: 40% less time a search at 100,000 cases
        // (docs/benchmarks.md).
        modelBuilder.Entity<CaseRecord>().HasIndex(c => new { c.SearchKey, c.Id }).HasDatabaseName("IX_cases_SearchKey_Id");
        modelBuilder.Entity<FamilyMemberRecord>().HasIndex(f => new { f.SearchKey, f.CaseId }).HasDatabaseName("IX_case_family_members_SearchKey_CaseId");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no date-time type: store UTC instants as sortable integers so queues can order by them.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The PostgreSQL store; its migrations live in <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresCaseworkDbContext(DbContextOptions<PostgresCaseworkDbContext> options)
    : CaseworkDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // The name search looks for part of a folded name (LIKE '%…%'): trigram indexes find it without reading every
        // case and family member (NameSearch.Named). pg_trgm ships with PostgreSQL and is a trusted extension: the
        // database's owner may create it.
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.Entity<CaseRecord>().HasIndex(c => c.SearchKey).HasMethod("gin").HasOperators("gin_trgm_ops");
        modelBuilder.Entity<FamilyMemberRecord>().HasIndex(f => f.SearchKey).HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

/// <summary>The SQL Server store; its migrations live in <c>Migrations/SqlServer</c>.</summary>
public sealed class SqlServerCaseworkDbContext(DbContextOptions<SqlServerCaseworkDbContext> options)
    : CaseworkDbContext(options);
