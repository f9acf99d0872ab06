using Casework.Data.Runtime.Leasing;
using Casework.Data.Runtime.Records;
using Casework.Data.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Data.Tests.Runtime;

/// <summary>
/// Three runtime hosts — separate service providers, like three nodes — share one PostgreSQL database and fire
/// due timers through row leases. Every timer fires exactly once, including those a crashed node had claimed.
/// </summary>
public sealed class ManyNodesTests(PostgresDatabaseFixture fixture)
    : StoreContract<PostgresDatabaseFixture>(fixture), IClassFixture<PostgresDatabaseFixture>
{
    private const int Instances = 2000;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ThreeNodes_Fire2000DueTimers_EachExactlyOnce_EvenThoseACrashedNodeHeld()
    {
        var hosts = new[] { new RuntimeHost(Database, clock, node: "a"), new RuntimeHost(Database, clock, node: "b"), new RuntimeHost(Database, clock, node: "c") };
        try
        {
            await hosts[0].PublishAsync("wait.bpmn");
            await Parallel.ForEachAsync(Enumerable.Range(0, Instances), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
                async (i, ct) =>
                {
                    var started = await hosts[i % 3].WithRuntimeAsync(r => r.StartAsync("wait", $"C-{i}", null, "clerk", ct));
                    Assert.True(started.Succeeded, started.Message);
                });
            clock.Advance(TimeSpan.FromMinutes(2));

            // A fourth node claims 100 timers and dies before firing them.
            await using (var crashed = Database.NewContext())
            {
                var held = await new LeaseClaims(Database.Provider).ClaimTimersAsync(crashed, "crashed-node", clock.GetUtcNow(), TimeSpan.FromMinutes(1), 100, Ct);
                Assert.Equal(100, held.Count);
            }

            var claimed = await RunUntilIdleAsync(hosts);
            Assert.Equal(Instances - 100, claimed);
            await using (var db = Database.NewContext())
            {
                Assert.Equal(100, await db.Timers.CountAsync(Ct)); // still leased by the dead node
            }

            clock.Advance(TimeSpan.FromMinutes(1)); // its leases expire
            claimed += await RunUntilIdleAsync(hosts);

            await using var check = Database.NewContext();
            Assert.Equal(Instances, claimed);
            Assert.Empty(await check.Timers.ToListAsync(Ct));
            var firings = await check.Journal.Where(j => j.Command == "FireTimer").GroupBy(j => j.InstanceId).Select(g => g.Count()).ToListAsync(Ct);
            Assert.Equal(Instances, firings.Count);
            Assert.All(firings, count => Assert.Equal(1, count));
            Assert.Equal(Instances, await check.WorkItems.CountAsync(w => w.ElementId == "next" && w.Status == WorkItemStatus.Open, Ct));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<int> RunUntilIdleAsync(RuntimeHost[] hosts)
    {
        var counts = await Task.WhenAll(hosts.Select(host => Task.Run(async () =>
        {
            var total = 0;
            while (true)
            {
                var claimed = await host.Timers.RunOnceAsync(Ct);
                if (claimed == 0)
                {
                    return total;
                }

                total += claimed;
            }
        })));
        return counts.Sum();
    }
}
