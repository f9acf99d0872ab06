using Casework.Data.Configuration;
using Casework.Data.Runtime.Leasing;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Casework.Data.Runtime.Workers;

/// <summary>
/// Fires due timers. Every node runs one; each pass claims a batch of due rows with a lease and fires each in
/// its own transaction (the fired row is deleted there). A failure keeps the lease until the back-off delay has
/// passed; after <see cref="WorkerOptions.MaxAttempts"/> the timer raises an incident on its instance and waits
/// for a retry.
/// </summary>
public sealed class TimerWorker(
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    NodeIdentity node,
    RuntimeMetrics metrics,
    ILogger<TimerWorker> logger) : PollingWorker<TimerRecord>(scopes, options, clock, logger)
{
    private const string Actor = "system:timer";

    /// <summary>How incidents raised for a failing timer are referenced (<c>timer:{timerId}</c>).</summary>
    public const string IncidentPrefix = "timer:";

    /// <summary>The lease of a timer parked by an incident: far beyond any real clock.</summary>
    public static readonly DateTimeOffset ParkedUntil = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected override Task<IReadOnlyList<TimerRecord>> ClaimAsync(CaseworkDbContext db, WorkerOptions settings, CancellationToken cancellationToken) =>
        new LeaseClaims(database.Value.ProviderKind)
            .ClaimTimersAsync(db, node.Name, Clock.GetUtcNow(), settings.LeaseDuration, settings.BatchSize, cancellationToken);

    protected override Task ProcessAsync(TimerRecord row, WorkerOptions settings, CancellationToken cancellationToken) =>
        FireAsync(row, settings, cancellationToken);

    private async Task FireAsync(TimerRecord timer, WorkerOptions settings, CancellationToken cancellationToken)
    {
        RuntimeOutcome outcome;
        string? error = null;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            outcome = await scope.ServiceProvider.GetRequiredService<IWorkflowRuntime>()
                .FireTimerAsync(timer.Id, Actor, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Exception messages may quote data: log the type and the ids only.
            logger.LogWarning("Timer {TimerId} on instance {InstanceId} failed with {ErrorType} (attempt {Attempt})",
                timer.TimerId, timer.InstanceId, ex.GetType().Name, timer.Attempts);
            outcome = new RuntimeOutcome(RuntimeOutcomeKind.Invalid, ex.GetType().Name, timer.InstanceId);
            error = ex.GetType().Name + ": " + ex.Message;
        }

        if (outcome.Kind is RuntimeOutcomeKind.Completed or RuntimeOutcomeKind.NotFound or RuntimeOutcomeKind.Rejected)
        {
            // Fired, or the timer no longer exists (cancelled in the meantime): nothing more to do.
            return;
        }

        await using var retryScope = Scopes.CreateAsyncScope();
        var db = retryScope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var now = Clock.GetUtcNow();
        if (outcome.Kind == RuntimeOutcomeKind.Conflict)
        {
            // The instance was busy: release the lease so the timer is tried again on the next pass.
            await db.Timers.Where(t => t.Id == timer.Id && t.LeaseOwner == node.Name)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseExpiresAt, now).SetProperty(t => t.Attempts, t => t.Attempts - 1), cancellationToken);
            return;
        }

        metrics.WorkerFailed("timer");
        var message = Truncate(error ?? outcome.Message);
        if (timer.Attempts >= settings.MaxAttempts)
        {
            await RaiseIncidentAsync(db, timer, message, now, cancellationToken);
            return;
        }

        var retryAt = now + settings.RetryDelay(timer.Attempts);
        await db.Timers.Where(t => t.Id == timer.Id && t.LeaseOwner == node.Name)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseExpiresAt, retryAt).SetProperty(t => t.LastError, message), cancellationToken);
    }

    private async Task RaiseIncidentAsync(CaseworkDbContext db, TimerRecord timer, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Incidents.Add(new IncidentRecord
        {
            Id = Guid.CreateVersion7(now),
            InstanceId = timer.InstanceId,
            ElementId = timer.ElementId,
            IncidentRef = IncidentPrefix + timer.TimerId,
            Error = $"Timer {timer.TimerId} failed {timer.Attempts} times: {message}",
            Retries = timer.Attempts,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await db.Instances.Where(i => i.Id == timer.InstanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.HasIncident, true), cancellationToken);

        // Parked: no node claims it until a retry clears the lease.
        await db.Timers.Where(t => t.Id == timer.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, "incident")
                .SetProperty(t => t.LeaseExpiresAt, ParkedUntil)
                .SetProperty(t => t.LastError, message), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.WorkerParkedItem("timer");
        logger.LogWarning("Timer {TimerId} on instance {InstanceId} raised an incident after {Attempts} attempts",
            timer.TimerId, timer.InstanceId, timer.Attempts);
    }
}
