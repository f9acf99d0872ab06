using Casework.Data.Audit;
using Casework.Data.Configuration;
using Casework.Data.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Data.Tests.Runtime;

/// <summary>The audit chain on every store: concurrent appends never fork it; an altered entry is found.</summary>
public abstract class AuditTrailContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IDatabaseFixture
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private AuditTrail Trail(CaseworkDbContext db) =>
        new(db, Options.Create(new DatabaseOptions { Provider = Database.Provider.ToString(), ConnectionString = Database.ConnectionString }), clock);

    [Fact]
    public async Task ConcurrentAppends_KeepOneUnbrokenChain()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await using var db = Database.NewContext();
            await Trail(db).AppendAsync($"user-{i}", "read", $"GET /api/tasks/{i}", "127.0.0.1", null, 200, [], Ct);
        }, Ct)));

        await using var check = Database.NewContext();
        var result = await Trail(check).VerifyAsync(Ct);

        Assert.True(result.Valid, result.Message);
        Assert.Equal(20, result.Entries);
        Assert.Equal(20, await check.AuditEntries.Select(a => a.PreviousHash).Distinct().CountAsync(Ct));
    }

    [Fact]
    public async Task WhatARequestLeftUnsaved_IsNotWrittenWithItsAuditEntry()
    {
        // A request that began a write and gave up (a conflict answered, an exception caught) leaves it in the context the
        // audit entry is then written through.
        var abandoned = new Identity.Organisation { Id = Guid.NewGuid(), Name = "Abandoned " + Guid.NewGuid().ToString("N"), CreatedAt = clock.GetUtcNow() };
        await using (var db = Database.NewContext())
        {
            db.Organisations.Add(abandoned);
            await Trail(db).AppendAsync("clerk", "write", "POST /api/admin/organisations", null, null, 409, [], Ct);
        }

        await using var check = Database.NewContext();
        Assert.False(await check.Organisations.AnyAsync(o => o.Id == abandoned.Id, Ct));
        Assert.True(await check.AuditEntries.AnyAsync(a => a.Resource == "POST /api/admin/organisations" && a.Status == 409, Ct));
    }

    [Fact]
    public async Task AnEntryWithoutACase_HashesAsEntriesDidBeforeCasesWereRecorded_SoAnOlderChainStaysValid()
    {
        var caseId = Guid.NewGuid();
        await using var db = Database.NewContext();
        await Trail(db).AppendAsync("clerk", "read", "GET /api/queues/mine", "127.0.0.1", "abc", 200, [], Ct);
        await Trail(db).AppendAsync("clerk", "read", $"GET /api/cases/{caseId}", "127.0.0.1", "abc", 200, [caseId], Ct);
        var entries = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct);

        // The fields hashed before the case was added, in their order, joined by the unit separator.
        var before = string.Join('\u001f', AuditTrail.Genesis, entries[0].At.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "clerk", "read", "GET /api/queues/mine", "127.0.0.1", "abc", "200");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(before)));

        Assert.Equal(expected, entries[0].Hash);
        Assert.Null(entries[0].CaseId);
        Assert.Equal(caseId, entries[1].CaseId);
        Assert.True((await Trail(db).VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task ARequestThatTouchedSeveralCases_WritesOneEntryPerCase_InARowOfTheChain_EvenWhenOthersAppendAtOnce()
    {
        var cases = Enumerable.Range(0, 10).Select(_ => new Guid?[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() }).ToList();
        await Task.WhenAll(cases.Select((touched, i) => Task.Run(async () =>
        {
            await using var db = Database.NewContext();
            await Trail(db).AppendAsync($"supervisor-{i}", "write", "POST /api/tasks/reassign", null, $"request-{i}", 200, touched, Ct);
        }, Ct)));
        await using (var db = Database.NewContext())
        {
            await Trail(db).AppendAsync("supervisor", "write", "POST /api/tasks/reassign", null, "none", 200, [], Ct);
        }

        await using var check = Database.NewContext();
        var entries = await check.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct);
        Assert.True((await Trail(check).VerifyAsync(Ct)).Valid);
        Assert.Equal(31, entries.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            // A request's entries follow one another, in the order its cases were given, with nothing of another request between.
            var first = entries.FindIndex(e => e.CorrelationId == $"request-{i}");
            Assert.Equal(cases[i], entries.Skip(first).Take(3).Select(e => e.CaseId));
            Assert.All(entries.Skip(first).Take(3), e => Assert.Equal($"supervisor-{i}", e.Actor));
        }

        Assert.Null(Assert.Single(entries, e => e.CorrelationId == "none").CaseId);
    }

    [Fact]
    public async Task DeletingAnEntry_IsFoundAtTheNextOne()
    {
        await using var db = Database.NewContext();
        for (var i = 0; i < 3; i++)
        {
            await Trail(db).AppendAsync("auditor", "read", $"GET /api/instances/{i}", null, null, 200, [], Ct);
        }

        var ids = await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(Ct);
        await db.AuditEntries.Where(a => a.Id == ids[1]).ExecuteDeleteAsync(Ct);

        var result = await Trail(db).VerifyAsync(Ct);
        Assert.Equal((false, ids[2]), (result.Valid, result.BrokenAtId));
    }
}

public sealed class SqliteAuditTrailTests(SqliteDatabaseFixture fixture)
    : AuditTrailContract<SqliteDatabaseFixture>(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class PostgresAuditTrailTests(PostgresDatabaseFixture fixture)
    : AuditTrailContract<PostgresDatabaseFixture>(fixture), IClassFixture<PostgresDatabaseFixture>;
