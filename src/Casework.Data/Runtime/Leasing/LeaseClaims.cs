using Casework.Data.Configuration;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Runtime.Leasing;

/// <summary>
/// Claims due timer and outbox rows for one worker: each claimed row gets the worker's lease until
/// <c>now + lease</c>, so no other worker takes it until the lease expires (a crashed node's rows come back).
/// PostgreSQL locks candidates with <c>FOR UPDATE SKIP LOCKED</c>, SQL Server with <c>UPDLOCK, READPAST</c>, so
/// concurrent workers on many nodes take disjoint rows without waiting; SQLite has one writer at a time.
/// </summary>
public sealed class LeaseClaims(DatabaseProvider provider)
{
    public Task<IReadOnlyList<TimerRecord>> ClaimTimersAsync(
        CaseworkDbContext db, string owner, DateTimeOffset now, TimeSpan lease, int batch, CancellationToken cancellationToken) =>
        ClaimAsync(db, DueTimers(db, now, batch), owner, now + lease, cancellationToken);

    public Task<IReadOnlyList<OutboxMessageRecord>> ClaimOutboxAsync(
        CaseworkDbContext db, string owner, DateTimeOffset now, TimeSpan lease, int batch, CancellationToken cancellationToken) =>
        ClaimAsync(db, DueOutbox(db, now, batch), owner, now + lease, cancellationToken);

    private static async Task<IReadOnlyList<TRow>> ClaimAsync<TRow>(
        CaseworkDbContext db, IQueryable<TRow> due, string owner, DateTimeOffset until, CancellationToken cancellationToken)
        where TRow : class, ILeasedRow
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await due.ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            row.LeaseOwner = owner;
            row.LeaseExpiresAt = until;
            row.Attempts++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>The provider's locking query for due, unleased timers (exposed for the SQL Server script test).</summary>
    public string TimerSql => provider switch
    {
        DatabaseProvider.Postgres => """
            SELECT * FROM workflow_timers
            WHERE "DueAt" <= {0} AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" <= {0})
            ORDER BY "DueAt" LIMIT {1}
            FOR UPDATE SKIP LOCKED
            """,
        DatabaseProvider.SqlServer => """
            SELECT TOP ({1}) * FROM workflow_timers WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE [DueAt] <= {0} AND ([LeaseExpiresAt] IS NULL OR [LeaseExpiresAt] <= {0})
            ORDER BY [DueAt]
            """,
        _ => string.Empty,
    };

    public string OutboxSql => provider switch
    {
        DatabaseProvider.Postgres => """
            SELECT * FROM outbox_messages
            WHERE "ProcessedAt" IS NULL AND "DueAt" <= {0} AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" <= {0})
            ORDER BY "DueAt" LIMIT {1}
            FOR UPDATE SKIP LOCKED
            """,
        DatabaseProvider.SqlServer => """
            SELECT TOP ({1}) * FROM outbox_messages WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE [ProcessedAt] IS NULL AND [DueAt] <= {0} AND ([LeaseExpiresAt] IS NULL OR [LeaseExpiresAt] <= {0})
            ORDER BY [DueAt]
            """,
        _ => string.Empty,
    };

    private IQueryable<TimerRecord> DueTimers(CaseworkDbContext db, DateTimeOffset now, int batch) =>
        provider == DatabaseProvider.Sqlite
            ? db.Timers
                .Where(t => t.DueAt <= now && (t.LeaseExpiresAt == null || t.LeaseExpiresAt <= now))
                .OrderBy(t => t.DueAt)
                .Take(batch)
            : db.Timers.FromSqlRaw(TimerSql, now, batch);

    private IQueryable<OutboxMessageRecord> DueOutbox(CaseworkDbContext db, DateTimeOffset now, int batch) =>
        provider == DatabaseProvider.Sqlite
            ? db.Outbox
                .Where(o => o.ProcessedAt == null && o.DueAt <= now && (o.LeaseExpiresAt == null || o.LeaseExpiresAt <= now))
                .OrderBy(o => o.DueAt)
                .Take(batch)
            : db.Outbox.FromSqlRaw(OutboxSql, now, batch);
}
