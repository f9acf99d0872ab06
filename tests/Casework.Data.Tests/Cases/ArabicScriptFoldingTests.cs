using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Casework.Data.Tests.Cases;

/// <summary>
/// One Arabic-script name typed on a Persian, an Urdu or an Arabic keyboard, or spelled the way different people spell
/// it, is one search key; keys written before these letters were folded are written again when the database is upgraded.
/// </summary>
public sealed class ArabicScriptFoldingTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("فاطمة", "فاطمه")] // ta marbuta, as ha
    [InlineData("علی", "علي")] // Farsi yeh (Persian keyboard), Arabic yeh
    [InlineData("مصطفى", "مصطفي")] // alef maqsura
    [InlineData("کریم", "كريم")] // keheh and Farsi yeh (Persian keyboard), kaf and yeh (Arabic keyboard)
    [InlineData("محمـــد", "محمد")] // tatweel stretching the letters
    [InlineData("عائشہ", "عايشه")] // Urdu heh goal; yeh with a hamza seat
    [InlineData("زاہدے", "زاهدي")] // Urdu yeh barree
    [InlineData("ٱلعزيز", "العزيز")] // alef wasla
    public void ArabicScriptVariantsOfOneName_FoldAlike(string typed, string other) =>
        Assert.Equal(NameSearch.Fold(other), NameSearch.Fold(typed));

    [Fact]
    public void EveryLetterTheMigrationLooksFor_IsOneTheFoldingTurnsIntoAnother()
    {
        foreach (var letter in NameSearch.ArabicScriptVariants)
        {
            Assert.DoesNotContain(letter, NameSearch.Fold($"ب{letter}ب"));
        }

        // And the Arabic letters they become are left as they are.
        Assert.Equal("كيها", NameSearch.Fold("كيها"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task KeysWrittenBeforeTheFolding_AreClearedByTheMigration_AndWrittenAgainByTheBackfill_OthersUntouched(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        CaseworkDbContext db = store == "sqlite"
            ? TestContexts.Sqlite(folder.SqliteConnectionString())
            : TestContexts.Postgres(await postgres.Server.CreateDatabaseAsync("arabicfold", ct));
        await using var _ = db;
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_ArabicScriptFolding", StringComparison.Ordinal)) - 1];
        await db.GetService<IMigrator>().MigrateAsync(before, ct);

        // Keys as the earlier folding wrote them: the letters as typed.
        var fatima = NewCase(1, "فاطمة", "علی", "فاطمة علی\nعلی فاطمة");
        var amina = NewCase(2, "Amina", "Warsame", "amina warsame\nwarsame amina");
        var karim = new FamilyMemberRecord
        {
            Id = Guid.NewGuid(), CaseId = amina.Id, Relationship = FamilyRelationship.Child, Dependant = true, GivenName = "کریم",
            FamilyName = "Warsame", SearchKey = "کریم warsame\nwarsame کریم", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "test",
        };
        // Cases and accounts are written in SQL with the columns they had then: the model now has columns later migrations add.
        foreach (var c in new[] { fatima, amina })
        {
            await InsertAsThenAsync(db, c, CaseColumnsAddedLater, ct);
        }

        db.Add(karim);
        await db.SaveChangesAsync(ct);

        var officer = new { Id = Guid.NewGuid().ToString() };
        var clerk = new { Id = Guid.NewGuid().ToString() };
        await InsertAccountAsync(db, officer.Id, "officer.a", "مصطفى", "مصطفى", ct);
        await InsertAccountAsync(db, clerk.Id, "clerk.a", "Jean Habimana", "jean habimana", ct);
        var revisions = await db.Cases.AsNoTracking().OrderBy(c => c.CaseNumber).Select(c => c.Revision).ToListAsync(ct);
        var stamp = await db.Users.AsNoTracking().Where(u => u.Id == officer.Id).Select(u => u.ConcurrencyStamp).SingleAsync(ct);

        await db.GetService<IMigrator>().MigrateAsync(cancellationToken: ct);

        Assert.Null(await db.Cases.Where(c => c.Id == fatima.Id).Select(c => c.SearchKey).SingleAsync(ct));
        Assert.Null(await db.FamilyMembers.Where(f => f.Id == karim.Id).Select(f => f.SearchKey).SingleAsync(ct));
        Assert.Null(await db.Users.Where(u => u.Id == officer.Id).Select(u => u.DisplayNameKey).SingleAsync(ct));
        Assert.Equal("amina warsame\nwarsame amina", await db.Cases.Where(c => c.Id == amina.Id).Select(c => c.SearchKey).SingleAsync(ct));
        Assert.Equal("jean habimana", await db.Users.Where(u => u.Id == clerk.Id).Select(u => u.DisplayNameKey).SingleAsync(ct));

        Assert.Equal(3, await SearchKeyBackfill.RunAsync(db, ct));

        Assert.Equal(NameSearch.KeyOf("فاطمة", "علی", null), await db.Cases.Where(c => c.Id == fatima.Id).Select(c => c.SearchKey).SingleAsync(ct));
        Assert.Equal("مصطفي", await db.Users.Where(u => u.Id == officer.Id).Select(u => u.DisplayNameKey).SingleAsync(ct));
        // Typed either way, each name finds its case; the ETags and the account's stamp did not move.
        foreach (var (term, found) in new[] { ("فاطمه علي", fatima.Id), ("علی فاطمة", fatima.Id), ("كريم", amina.Id), ("کریم", amina.Id) })
        {
            Assert.Equal([found], await db.Cases.AsNoTracking().Named(db, NameSearch.Fold(term)).Select(c => c.Id).ToListAsync(ct));
        }

        Assert.Equal(revisions, await db.Cases.AsNoTracking().OrderBy(c => c.CaseNumber).Select(c => c.Revision).ToListAsync(ct));
        Assert.Equal(stamp, await db.Users.AsNoTracking().Where(u => u.Id == officer.Id).Select(u => u.ConcurrencyStamp).SingleAsync(ct));
    }

    /// <summary>Properties of a case whose columns migrations after the Arabic-script folding added.</summary>
    private static readonly HashSet<string> CaseColumnsAddedLater =
        [nameof(CaseRecord.ClosedAs), nameof(CaseRecord.ClosedAt), nameof(CaseRecord.ClosedBy), nameof(CaseRecord.ClosureReason)];

    /// <summary>
    /// Inserts <paramref name="entity"/> without the columns of <paramref name="later"/>, each value written as the provider
    /// stores it (the model's own type mappings make the literals: SQLite's Guid text and UTC ticks, PostgreSQL's uuid and dates).
    /// </summary>
    private static async Task InsertAsThenAsync<T>(CaseworkDbContext db, T entity, IReadOnlySet<string> later, CancellationToken ct)
        where T : class
    {
        var type = db.Model.FindEntityType(typeof(T))!;
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var sql = db.GetService<Microsoft.EntityFrameworkCore.Storage.ISqlGenerationHelper>();
        var properties = type.GetProperties().Where(p => !later.Contains(p.Name)).ToList();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var values = string.Join(", ", properties.Select(p => p.GetRelationalTypeMapping().GenerateSqlLiteral(p.PropertyInfo!.GetValue(entity))));
#pragma warning disable EF1002 // the literals come from the model's type mappings, not from input
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ({values})", ct);
#pragma warning restore EF1002
    }

    private static async Task InsertAccountAsync(CaseworkDbContext db, string id, string userName, string displayName, string key, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "DisplayName", "DisplayNameKey", "ConcurrencyStamp", "SecurityStamp",
                "EmailConfirmed", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
            VALUES ({id}, {userName}, {userName.ToUpperInvariant()}, {displayName}, {key}, {Guid.NewGuid().ToString()}, {Guid.NewGuid().ToString()},
                {false}, {false}, {false}, {true}, {0})
            """, ct);

    private static CaseRecord NewCase(int sequence, string givenName, string familyName, string oldKey) => new()
    {
        Id = Guid.NewGuid(), CaseNumber = $"NBO-2026-{sequence:D6}", Office = "NBO", Year = 2026, Sequence = sequence,
        RegisteredOn = new DateOnly(2026, 1, 1), Stage = "Registration", GivenName = givenName, FamilyName = familyName, SearchKey = oldKey,
        DateOfBirth = new DateOnly(1990, 1, 1), Sex = "Female", Nationalities = "AFG", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "test",
    };
}
