namespace Casework.Data.Runtime;

/// <summary>
/// Runs engine commands durably: each call loads the instance with its concurrency token, runs the engine,
/// applies every effect (work items, timers, subscriptions, handlers, journal, outbox) and commits once.
/// A concurrent change to the same instance makes the call answer <see cref="RuntimeOutcomeKind.Conflict"/>.
/// </summary>
public interface IWorkflowRuntime
{
    /// <summary>Fires the timer stored in row <paramref name="timerRowId"/>.</summary>
    Task<RuntimeOutcome> FireTimerAsync(Guid timerRowId, string actor, CancellationToken cancellationToken);
}
