using Casework.Data.Runtime.Leasing;
using Casework.Data.Runtime.Records;
using Casework.Data.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Tests.Runtime;

/// <summary>How due timer and outbox rows are leased to workers; the same behaviour on every store.</summary>
public abstract class LeaseClaimsContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IDatabaseFixture
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private LeaseClaims Claims => new(Database.Provider);

    [Fact]
    public async Task ClaimTimers_TakesOnlyDueUnleasedTimers_OldestFirst_UpToTheBatch()
    {
        await SeedTimersAsync(
            ("late", Now.AddMinutes(-10), null),
            ("due", Now, null),
            ("future", Now.AddSeconds(1), null),
            ("leased", Now.AddMinutes(-20), Now.AddSeconds(30)),
            ("expired", Now.AddMinutes(-30), Now.AddSeconds(-1)));

        await using var db = Database.NewContext();
        var claimed = await Claims.ClaimTimersAsync(db, "node-a", Now, Lease, batch: 2, Ct);

        Assert.Equal(["expired", "late"], claimed.Select(t => t.TimerId));
        await using var check = Database.NewContext();
        var rows = await check.Timers.Where(t => t.LeaseOwner == "node-a").ToListAsync(Ct);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(Now + Lease, r.LeaseExpiresAt));
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public async Task ClaimTimers_ALeasedTimer_IsNotClaimedAgainUntilItsLeaseExpires()
    {
        await SeedTimersAsync(("t1", Now.AddMinutes(-1), null));
        await using var db = Database.NewContext();

        var first = await Claims.ClaimTimersAsync(db, "node-a", Now, Lease, 10, Ct);
        await using var db2 = Database.NewContext();
        var second = await Claims.ClaimTimersAsync(db2, "node-b", Now.AddSeconds(59), Lease, 10, Ct);
        await using var db3 = Database.NewContext();
        var afterExpiry = await Claims.ClaimTimersAsync(db3, "node-b", Now + Lease, Lease, 10, Ct);

        Assert.Single(first);
        Assert.Empty(second);
        var reclaimed = Assert.Single(afterExpiry);
        Assert.Equal(2, reclaimed.Attempts);
        Assert.Equal("node-b", reclaimed.LeaseOwner);
    }

    [Fact]
    public async Task ClaimTimers_ManyConcurrentWorkers_TakeDisjointSetsCoveringEveryDueTimer()
    {
        var seeds = Enumerable.Range(0, 200).Select(i => ($"t{i}", Now.AddSeconds(-i), (DateTimeOffset?)null)).ToArray();
        await SeedTimersAsync(seeds);

        var workers = Enumerable.Range(0, 4).Select(async w =>
        {
            var mine = new List<string>();
            while (true)
            {
                await using var db = Database.NewContext();
                var batch = await Claims.ClaimTimersAsync(db, $"node-{w}", Now, Lease, 7, Ct);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(t => t.TimerId));
            }
        }).ToList();
        var results = await Task.WhenAll(workers);

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }

    [Fact]
    public async Task ClaimOutbox_SkipsProcessedAndFutureMessages()
    {
        await using (var db = Database.NewContext())
        {
            db.Outbox.AddRange(
                Message("ready", Now.AddMinutes(-1), processed: null),
                Message("done", Now.AddMinutes(-2), processed: Now.AddMinutes(-1)),
                Message("later", Now.AddMinutes(5), processed: null));
            await db.SaveChangesAsync(Ct);
        }

        await using var claimDb = Database.NewContext();
        var claimed = await Claims.ClaimOutboxAsync(claimDb, "node-a", Now, Lease, 10, Ct);

        Assert.Equal("ready", Assert.Single(claimed).Type);
    }

    private async Task SeedTimersAsync(params (string Id, DateTimeOffset Due, DateTimeOffset? LeaseExpires)[] timers)
    {
        await using var db = Database.NewContext();
        var instance = Guid.NewGuid();
        foreach (var (id, due, leaseExpires) in timers)
        {
            db.Timers.Add(new TimerRecord
            {
                Id = Guid.NewGuid(),
                InstanceId = instance,
                TimerId = id,
                ElementId = "Timer_" + id,
                DueAt = due,
                LeaseOwner = leaseExpires is null ? null : "someone",
                LeaseExpiresAt = leaseExpires,
            });
        }

        await db.SaveChangesAsync(Ct);
    }

    private static OutboxMessageRecord Message(string type, DateTimeOffset due, DateTimeOffset? processed) => new()
    {
        Id = Guid.NewGuid(),
        Type = type,
        Payload = "{}",
        CreatedAt = due,
        DueAt = due,
        ProcessedAt = processed,
    };
}

public sealed class SqliteLeaseClaimsTests(SqliteDatabaseFixture fixture)
    : LeaseClaimsContract<SqliteDatabaseFixture>(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class PostgresLeaseClaimsTests(PostgresDatabaseFixture fixture)
    : LeaseClaimsContract<PostgresDatabaseFixture>(fixture), IClassFixture<PostgresDatabaseFixture>;
