using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using Casework.Data.Definitions;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Handlers;
using Casework.Data.Runtime.Records;
using Casework.Data.Runtime.Workers;
using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Migration;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Casework.Data.Versioning;

/// <summary>
/// Migrations of running instances: a dry run reports, per instance, whether it can move and what changes; a job
/// applies the plan in batches (each instance in its own transaction through the runtime) and counts progress.
/// </summary>
public sealed class InstanceMigrations(CaseworkDbContext db, DefinitionCatalog catalog, IExpressionEvaluator expressions,
    WorkflowRuntime runtime, TimeProvider clock, ILogger<InstanceMigrations> logger)
{
    public const int BatchSize = 50;

    /// <summary>A job that may still move cases: the state the unique index on unfinished jobs covers.</summary>
    private static readonly Expression<Func<MigrationJobRecord, bool>> Unfinished =
        j => j.Status == MigrationJobStatus.Pending || j.Status == MigrationJobStatus.Running;

    public async Task<IReadOnlyList<MigrationReport>?> DryRunAsync(string processId, int from, int to,
        IReadOnlyDictionary<string, string>? mapping, CancellationToken cancellationToken)
    {
        var source = await catalog.FindAsync(db, processId, from, cancellationToken);
        var target = await catalog.FindAsync(db, processId, to, cancellationToken);
        if (source is null || target is null)
        {
            return null;
        }

        var plan = new MigrationPlan(source.Value.Definition.Key, target.Value.Definition.Key, mapping);
        var planner = new MigrationPlanner(expressions);
        // Each state document is planned as it is read and then let go: only the (small) reports are kept, however many
        // cases run on the version.
        var states = db.Instances.AsNoTracking()
            .Where(i => i.DefinitionId == source.Value.Record.Id && i.Status == Runtime.Records.InstanceStatus.Running)
            .OrderBy(i => i.CreatedAt).Select(i => i.State).AsAsyncEnumerable();
        var reports = new List<MigrationReport>();
        await foreach (var state in states.WithCancellation(cancellationToken))
        {
            reports.Add(planner.DryRun(plan, source.Value.Definition, target.Value.Definition, InstanceStateSerializer.Deserialize(state), clock.GetUtcNow()));
        }

        return reports;
    }

    /// <summary>
    /// The move of <paramref name="processId"/>'s cases that has not finished, if any. The screen and the API start no
    /// second one meanwhile: two jobs would race for the same instances and report each other's moves as failures.
    /// </summary>
    public Task<Guid?> UnfinishedAsync(string processId, CancellationToken cancellationToken) =>
        db.MigrationJobs.AsNoTracking()
            .Where(j => j.ProcessId == processId).Where(Unfinished)
            .OrderBy(j => j.CreatedAt).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Creates a job and queues its first batch. Nothing is started when a version does not exist (both fields null) or
    /// while another move of the process is unfinished (<see cref="MigrationStart.Unfinished"/>): the database's unique
    /// index on unfinished jobs decides between two starts in the same instant. Run again after a deadlock.
    /// </summary>
    public Task<MigrationStart> StartAsync(string processId, int from, int to, IReadOnlyDictionary<string, string>? mapping,
        string requestedBy, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "starting a move of cases",
            () => StartOnceAsync(processId, from, to, mapping, requestedBy, cancellationToken), cancellationToken);

    private async Task<MigrationStart> StartOnceAsync(string processId, int from, int to, IReadOnlyDictionary<string, string>? mapping,
        string requestedBy, CancellationToken cancellationToken)
    {
        var source = await catalog.FindAsync(db, processId, from, cancellationToken);
        if (source is null || await catalog.FindAsync(db, processId, to, cancellationToken) is null)
        {
            return new MigrationStart(null, null);
        }

        if (await UnfinishedAsync(processId, cancellationToken) is { } unfinished)
        {
            return new MigrationStart(null, unfinished);
        }

        var now = clock.GetUtcNow();
        var job = new MigrationJobRecord
        {
            Id = Guid.CreateVersion7(now), ProcessId = processId, FromVersion = from, ToVersion = to,
            Mapping = JsonSerializer.Serialize(mapping ?? new Dictionary<string, string>()), RequestedBy = requestedBy, CreatedAt = now,
            Total = await db.Instances.CountAsync(i => i.DefinitionId == source.Value.Record.Id && i.Status == Runtime.Records.InstanceStatus.Running, cancellationToken),
        };
        var batch = BatchMessage(job.Id, now);
        db.MigrationJobs.Add(job);
        db.Outbox.Add(batch);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(job).State = EntityState.Detached;
            db.Entry(batch).State = EntityState.Detached;
            if (await UnfinishedAsync(processId, cancellationToken) is { } started)
            {
                return new MigrationStart(null, started);
            }

            throw;
        }

        return new MigrationStart(job, null);
    }

    /// <summary>
    /// Stops a job that has not finished: no further batch starts, and a batch running now moves its instances but
    /// queues no next one. Cases already moved stay on the new version; the rest stay on theirs and can be moved later.
    /// One statement on one row, which takes no other lock first, so no deadlock can end it.
    /// </summary>
    public async Task<MigrationCancelOutcome> CancelAsync(Guid jobId, string cancelledBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stopped = await db.MigrationJobs
            .Where(j => j.Id == jobId).Where(Unfinished)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, MigrationJobStatus.Cancelled)
                .SetProperty(j => j.CancelledBy, cancelledBy)
                .SetProperty(j => j.CompletedAt, now), cancellationToken);
        if (stopped == 1)
        {
            return MigrationCancelOutcome.Cancelled;
        }

        return await db.MigrationJobs.AnyAsync(j => j.Id == jobId, cancellationToken) ? MigrationCancelOutcome.Finished : MigrationCancelOutcome.NotFound;
    }

    /// <summary>Migrates the next batch of the job's instances; queues another batch while any remain and it was not stopped.</summary>
    public async Task RunBatchAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var job = await db.MigrationJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
        if (job.Status is MigrationJobStatus.Cancelled or MigrationJobStatus.Completed)
        {
            return;
        }

        var source = (await catalog.FindAsync(db, job.ProcessId, job.FromVersion, cancellationToken))!.Value;
        var target = (await catalog.FindAsync(db, job.ProcessId, job.ToVersion, cancellationToken))!.Value;
        var mapping = JsonSerializer.Deserialize<Dictionary<string, string>>(job.Mapping);
        var plan = new MigrationPlan(source.Definition.Key, target.Definition.Key, mapping);
        var failedSoFar = (job.Failures ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Guid.Parse(l[..36])).ToHashSet();
        var batch = await db.Instances.AsNoTracking()
            .Where(i => i.DefinitionId == source.Record.Id && i.Status == Runtime.Records.InstanceStatus.Running)
            .OrderBy(i => i.CreatedAt).Select(i => i.Id).Take(BatchSize + failedSoFar.Count).ToListAsync(cancellationToken);
        batch = [.. batch.Where(id => !failedSoFar.Contains(id)).Take(BatchSize)];

        int migrated = 0, failed = 0;
        var failures = new StringBuilder(job.Failures);
        foreach (var id in batch)
        {
            var outcome = await runtime.ExecuteAsync(id, _ => new MigrateInstance(plan, target.Definition), "migration:" + job.RequestedBy, cancellationToken);
            if (outcome.Succeeded)
            {
                migrated++;
            }
            else
            {
                failed++;
                failures.Append(id).Append(' ').Append(outcome.Message).Append('\n');
            }
        }

        var now = clock.GetUtcNow();
        var done = batch.Count < BatchSize;
        // The counts always; the status only if nobody stopped the job while this batch ran.
        var status = done ? MigrationJobStatus.Completed : MigrationJobStatus.Running;
        DateTimeOffset? completedAt = done ? now : null;
        await db.MigrationJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Migrated, j => j.Migrated + migrated)
            .SetProperty(j => j.Failed, j => j.Failed + failed)
            .SetProperty(j => j.Failures, failures.Length == 0 ? null : failures.ToString())
            .SetProperty(j => j.Status, j => j.Status == MigrationJobStatus.Cancelled ? MigrationJobStatus.Cancelled : status)
            .SetProperty(j => j.CompletedAt, j => j.Status == MigrationJobStatus.Cancelled ? j.CompletedAt : completedAt), cancellationToken);
        var running = !done && await db.MigrationJobs.AnyAsync(j => j.Id == jobId && j.Status == MigrationJobStatus.Running, cancellationToken);
        if (running)
        {
            db.Outbox.Add(BatchMessage(jobId, now));
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private static OutboxMessageRecord BatchMessage(Guid jobId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Type = MigrationBatchHandler.MessageType, Payload = JsonSerializer.Serialize(jobId), CreatedAt = now, DueAt = now,
    };
}

/// <summary>What starting a move did: <see cref="Job"/> when it started, <see cref="Unfinished"/> when another move of the process holds it.</summary>
public sealed record MigrationStart(MigrationJobRecord? Job, Guid? Unfinished);

public enum MigrationCancelOutcome
{
    Cancelled,
    NotFound,

    /// <summary>It had already completed, or was stopped before.</summary>
    Finished,
}

/// <summary>Runs one batch of a migration job when the outbox dispatcher delivers its message.</summary>
public sealed class MigrationBatchHandler(InstanceMigrations migrations) : IOutboxHandler
{
    public const string MessageType = "workflow.migration-batch";

    public string Type => MessageType;

    public Task HandleAsync(OutboxMessageRecord message, CancellationToken cancellationToken) =>
        migrations.RunBatchAsync(JsonSerializer.Deserialize<Guid>(message.Payload), cancellationToken);
}
