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
            await Trail(db).AppendAsync($"user-{i}", "read", $"GET /api/tasks/{i}", "127.0.0.1", null, 200, Ct);
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
            await Trail(db).AppendAsync("clerk", "write", "POST /api/admin/organisations", null, null, 409, Ct);
        }

        await using var check = Database.NewContext();
        Assert.False(await check.Organisations.AnyAsync(o => o.Id == abandoned.Id, Ct));
        Assert.True(await check.AuditEntries.AnyAsync(a => a.Resource == "POST /api/admin/organisations" && a.Status == 409, Ct));
    }

    [Fact]
    public async Task DeletingAnEntry_IsFoundAtTheNextOne()
    {
        await using var db = Database.NewContext();
        for (var i = 0; i < 3; i++)
        {
            await Trail(db).AppendAsync("auditor", "read", $"GET /api/instances/{i}", null, null, 200, Ct);
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
