using Casework.Data.Definitions;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Casework.Data.Tests.Migrations;

public sealed class MigrationTests(PostgresFixture postgres)
{
    private static readonly string[] Tables =
    [
        "workflow_definitions", "workflow_instances", "workflow_journal", "workflow_incidents", "work_items",
        "work_item_candidates", "workflow_timers", "workflow_message_subscriptions", "outbox_messages", "audit_entries", "migration_jobs", "cases", "representations", "case_family_members", "case_documents", "data_protection_keys", "sign_in_throttle", "case_corrections", "case_triage_overrides",
        "offices", "office_holidays", "office_annual_holidays", "rule_packs",
    ];

    [Fact]
    public async Task Migrate_OnEmptySqliteFile_CreatesEveryTableAndLeavesNoPendingModelChanges()
    {
        using var folder = new TempFolder();
        await using var db = TestContexts.Sqlite(folder.SqliteConnectionString());

        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite model has changes without a migration.");
        await AssertRoundTripAsync(db);
    }

    [Fact]
    public async Task Migrate_OnEmptyPostgresDatabase_CreatesEveryTableAndLeavesNoPendingModelChanges()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("migrate", TestContext.Current.CancellationToken);
        await using var db = TestContexts.Postgres(connectionString);

        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL model has changes without a migration.");
        await AssertRoundTripAsync(db);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnOrganisationAddedBeforeNamesWereComparedRegardlessOfCase_GetsItsComparedFormWhenMigrated(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await using var db = await BeforeNormalizedNamesAsync(store, folder);
        await AddOrganisationBeforeAsync(db, Guid.NewGuid(), " Refugee Legal Aid", DateTimeOffset.UnixEpoch);

        await db.GetService<IMigrator>().MigrateAsync(cancellationToken: ct);

        Assert.Equal("REFUGEE LEGAL AID", await db.Organisations.Select(o => o.NormalizedName).SingleAsync(ct));
        db.Organisations.Add(new Identity.Organisation { Id = Guid.NewGuid(), Name = "refugee legal aid" });
        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
        Assert.True(DbErrors.IsUniqueViolation(duplicate), duplicate.InnerException?.Message);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OrganisationsWhoseNamesDifferedOnlyInCaseBeforeTheMigration_AreAllKept_AndTheMigrationCompletes(string store)
    {
        // The old unique index was on the name as typed, so two administrators adding "Legal Aid" and "legal aid " at the
        // same moment could leave both. Upgrading must neither fail on them nor lose either.
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await using var db = await BeforeNormalizedNamesAsync(store, folder);
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await AddOrganisationBeforeAsync(db, second, "refugee legal aid ", DateTimeOffset.UnixEpoch.AddDays(2));
        await AddOrganisationBeforeAsync(db, first, "Refugee Legal Aid", DateTimeOffset.UnixEpoch.AddDays(1));
        await AddOrganisationBeforeAsync(db, third, " REFUGEE legal aid", DateTimeOffset.UnixEpoch.AddDays(3));

        await db.GetService<IMigrator>().MigrateAsync(cancellationToken: ct);

        var kept = (await db.Organisations.AsNoTracking().ToListAsync(ct)).OrderBy(o => o.CreatedAt).ToList();
        Assert.Equal([first, second, third], kept.Select(o => o.Id));
        Assert.Equal(["Refugee Legal Aid", "refugee legal aid ", " REFUGEE legal aid"], kept.Select(o => o.Name));
        // The first added keeps the plain compared form; each later one's is marked with its id, so it stays distinct.
        Assert.Equal(["REFUGEE LEGAL AID", $"REFUGEE LEGAL AID #{second}", $"REFUGEE LEGAL AID #{third}"], kept.Select(o => o.NormalizedName));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));

        // A further one of that name is still refused.
        db.Organisations.Add(new Identity.Organisation { Id = Guid.NewGuid(), Name = "Refugee legal AID" });
        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
        Assert.True(DbErrors.IsUniqueViolation(duplicate), duplicate.InnerException?.Message);
    }

    /// <summary>A database of the store migrated up to the migration before organisation names had a compared form.</summary>
    private async Task<CaseworkDbContext> BeforeNormalizedNamesAsync(string store, TempFolder folder)
    {
        var ct = TestContext.Current.CancellationToken;
        CaseworkDbContext db = store == "sqlite"
            ? TestContexts.Sqlite(folder.SqliteConnectionString())
            : TestContexts.Postgres(await postgres.Server.CreateDatabaseAsync("normalized", ct));
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_OrganisationNormalizedName", StringComparison.Ordinal)) - 1];
        await db.GetService<IMigrator>().MigrateAsync(before, ct);
        return db;
    }

    /// <summary>Inserts an organisation as the older schema had it, the time stored as the provider stores it.</summary>
    private static Task AddOrganisationBeforeAsync(CaseworkDbContext db, Guid id, string name, DateTimeOffset createdAt)
    {
        var converter = db.Model.FindEntityType(typeof(Identity.Organisation))!.FindProperty(nameof(Identity.Organisation.CreatedAt))!
            .GetTypeMapping().Converter;
        return db.Database.ExecuteSqlRawAsync("INSERT INTO organisations (\"Id\", \"Name\", \"CreatedAt\") VALUES ({0}, {1}, {2})",
            [id, name, converter?.ConvertToProvider(createdAt) ?? createdAt], TestContext.Current.CancellationToken);
    }

    [Fact]
    public void SqlServerMigrations_GenerateAnIdempotentScriptCoveringEveryTable()
    {
        using var db = TestContexts.SqlServer();

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.False(db.Database.HasPendingModelChanges(), "The SQL Server model has changes without a migration.");
        foreach (var table in Tables)
        {
            Assert.Contains($"CREATE TABLE [{table}]", script, StringComparison.Ordinal);
        }

        Assert.Contains("__EFMigrationsHistory", script, StringComparison.Ordinal);
        // Keys holding an Arabic-script variant (here keheh, U+06A9) are cleared, compared as binary (ArabicScriptFoldingTests).
        Assert.Contains("UPDATE [cases] SET [SearchKey] = NULL WHERE CHARINDEX(NCHAR(1705) COLLATE Latin1_General_BIN2, [SearchKey]) > 0", script,
            StringComparison.Ordinal);
        Assert.All(db.Database.GetMigrations(), m => Assert.Contains(m, script, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Respawn_ResetsPostgresDataButKeepsTheSchemaAndMigrationHistory()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("respawn", TestContext.Current.CancellationToken);
        await using (var db = TestContexts.Postgres(connectionString))
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
            db.WorkflowDefinitions.Add(NewDefinition());
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await new PostgresReset(connectionString).ResetAsync(TestContext.Current.CancellationToken);

        await using var after = TestContexts.Postgres(connectionString);
        Assert.Equal(0, await after.WorkflowDefinitions.CountAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await after.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
    }

    private static async Task AssertRoundTripAsync(CaseworkDbContext db)
    {
        var record = NewDefinition();
        db.WorkflowDefinitions.Add(record);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        db.ChangeTracker.Clear();

        var loaded = await db.WorkflowDefinitions
            .Where(d => d.ProcessId == "asylum-claim" && d.PublishedAt < record.PublishedAt!.Value.AddSeconds(1))
            .OrderBy(d => d.CreatedAt)
            .SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(record.ContentHash, loaded.ContentHash);
        Assert.Equal(DefinitionStatus.Published, loaded.Status);
        Assert.Equal(record.PublishedAt, loaded.PublishedAt);
    }

    private static WorkflowDefinitionRecord NewDefinition() => new()
    {
        ProcessId = "asylum-claim",
        Version = 1,
        Status = DefinitionStatus.Published,
        BpmnXml = "<definitions/>",
        ContentHash = new string('a', 64),
        PublishedBy = "supervisor",
        PublishedAt = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero),
        CreatedAt = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero),
    };
}
