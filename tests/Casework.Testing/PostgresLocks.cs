using System.Diagnostics;
using Npgsql;

namespace Casework.Testing;

/// <summary>Watching PostgreSQL's lock waits, to stage a race between two writers one step at a time.</summary>
public static class PostgresLocks
{
    /// <summary>
    /// Returns once some session waits for a lock the session <paramref name="holderPid"/> holds. Fails the test when
    /// <paramref name="waiter"/> (the work expected to wait) ends first, or when nothing waits within 20 seconds.
    /// </summary>
    public static async Task WaitUntilBlockedByAsync(string connectionString, int holderPid, Task waiter, string what,
        CancellationToken cancellationToken)
    {
        await using var watch = new NpgsqlConnection(connectionString);
        await watch.OpenAsync(cancellationToken);
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            await using var blocked = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE @pid = ANY(pg_blocking_pids(pid))", watch);
            blocked.Parameters.AddWithValue("pid", holderPid);
            if ((long)(await blocked.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                return;
            }

            Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(20), $"{what} never waited for the other writer's row.");
            Assert.False(waiter.IsCompleted, $"{what} ended without waiting for the other writer's row.");
            await Task.Delay(20, cancellationToken);
        }
    }
}
