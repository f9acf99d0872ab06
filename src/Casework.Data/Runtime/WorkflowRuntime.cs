using System.Diagnostics;
using System.Text.Json;
using Casework.Data.Definitions;
using Casework.Data.Runtime.Handlers;
using Casework.Data.Runtime.Records;
using Casework.Engine.Execution;
using Casework.Engine.Model;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Casework.Data.Runtime;

/// <summary>
/// The durable runtime: each call reads the instance with its concurrency token, runs the engine, applies every
/// effect (work items, timers, subscriptions, service-task handlers, child instances, journal, outbox) and commits
/// once. If another command changed the instance meanwhile, nothing is written and the answer is a conflict.
/// A handler that throws rolls everything back; the exception reaches the caller and the command can be retried.
/// </summary>
public sealed class WorkflowRuntime(
    CaseworkDbContext db,
    DefinitionCatalog catalog,
    WorkflowExecutor executor,
    IEnumerable<IServiceTaskHandler> handlers,
    IWorkItemContextProvider caseFacts,
    IEnumerable<IInstanceProjection> projections,
    DirectSql directSql,
    Engine.Forms.FormCatalog forms,
    TimeProvider clock,
    RuntimeMetrics metrics,
    ILogger<WorkflowRuntime> logger) : IWorkflowRuntime
{
    /// <summary>The context this runtime writes through (for callers in the same scope, such as seeding).</summary>
    public CaseworkDbContext Database => db;

    private readonly Dictionary<string, IServiceTaskHandler> handlerByKey = handlers.ToDictionary(h => h.Key, StringComparer.Ordinal);
    private readonly IInstanceProjection[] projectionList = [.. projections];
    private readonly TaskAssignments assignments = new(db, executor);

    /// <summary>
    /// Whether the four-eyes rule of an open task keeps <paramref name="person"/> off it, checked before the work is given (a claim, a
    /// reassignment) as well as at completion: the name of the task of this case they completed, or null when they may work it.
    /// </summary>
    public async Task<string?> FourEyesConflictAsync(WorkItemRecord item, string person, CancellationToken cancellationToken) =>
        await InstanceOfAsync(item, cancellationToken) is (var instance, var definition)
            ? await assignments.FourEyesEarlierAsync(item, instance, definition, person, cancellationToken)
            : null;

    /// <summary>
    /// <see cref="FourEyesConflictAsync"/> for a page of a queue at once: each of the tasks whose four-eyes rule keeps
    /// <paramref name="person"/> off it, with the name of the task of its case they completed.
    /// </summary>
    public Task<IReadOnlyDictionary<Guid, string>> FourEyesConflictsAsync(IReadOnlyCollection<Guid> workItemIds, string person,
        CancellationToken cancellationToken) =>
        assignments.FourEyesEarlierAsync(workItemIds, person, id => catalog.GetAsync(db, id, cancellationToken), cancellationToken);

    /// <summary>The wording of a four-eyes refusal (a completion's, and a claim's before the work is given).</summary>
    public static string FourEyesMessage(string earlier, WorkItemRecord item) => TaskAssignments.FourEyesMessage(earlier, item);

    /// <summary>The wording of a four-eyes refusal of the task called <paramref name="task"/> (as a queue shows it).</summary>
    public static string FourEyesMessage(string earlier, string task) => TaskAssignments.FourEyesMessage(earlier, task);

    /// <summary>
    /// The people the form field <paramref name="field"/> of an open task cannot name, because the task it assigns excludes them under
    /// four-eyes (an appeal officer who drafted the decision): each user name with the task they completed on this case.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ExcludedAssigneesAsync(WorkItemRecord item, string field, CancellationToken cancellationToken) =>
        await InstanceOfAsync(item, cancellationToken) is (var instance, var definition)
            ? await assignments.ExcludedFromFieldAsync(instance, definition, field, cancellationToken)
            : new Dictionary<string, string>();

    /// <summary>A work item's instance with its definition; null when the instance is gone.</summary>
    private async Task<(WorkflowInstanceRecord Instance, ProcessDefinition Definition)?> InstanceOfAsync(WorkItemRecord item,
        CancellationToken cancellationToken) =>
        await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == item.InstanceId, cancellationToken) is { } instance
            ? (instance, await catalog.GetAsync(db, instance.DefinitionId, cancellationToken))
            : null;

    /// <summary>Starts an instance of the latest published version (or the given one) of a process.</summary>
    public async Task<RuntimeOutcome> StartAsync(string processId, string? businessKey, IReadOnlyDictionary<string, JsonElement>? variables,
        string actor, CancellationToken cancellationToken, int? version = null, string? startEventId = null)
    {
        var found = await catalog.FindAsync(db, processId, version, cancellationToken);
        if (found is not { } target)
        {
            return RuntimeOutcome.NotFound(version is null
                ? $"Process '{processId}' has no published version."
                : $"Process '{processId}' has no version {version}.");
        }

        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var outcome = await MeasuredAsync("start", () => AgainAfterClashAsync(() => InTransactionAsync(id, actor, async unit =>
        {
            var record = await unit.StartAsync(target.Record, target.Definition, new StartInstance(id.ToString(), variables, startEventId),
                businessKey, id, null, null, null, cancellationToken);
            return record is null
                ? new RuntimeOutcome(RuntimeOutcomeKind.Invalid, $"Process '{processId}' cannot be started{(startEventId is null ? " without a start event name" : $" at '{startEventId}'")}.")
                : null;
        }, cancellationToken), cancellationToken));
        if (outcome.Succeeded)
        {
            logger.LogInformation("Started {ProcessId} version {Version} as instance {InstanceId}", processId, target.Definition.Version, id);
        }

        return outcome;
    }

    /// <summary>Completes the user task behind a work item with the submitted variables.</summary>
    public Task<RuntimeOutcome> CompleteTaskAsync(Guid workItemId, string actor, IReadOnlyDictionary<string, JsonElement>? variables,
        CancellationToken cancellationToken) =>
        MeasuredAsync("complete-task", () => CompleteTaskOnConnectionAsync(workItemId, actor, variables, cancellationToken));

    private async Task<RuntimeOutcome> CompleteTaskOnConnectionAsync(Guid workItemId, string actor, IReadOnlyDictionary<string, JsonElement>? variables,
        CancellationToken cancellationToken)
    {
        // One connection for the whole command: read, check, write, commit.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await AgainAfterClashAsync(() => CompleteOpenTaskAsync(workItemId, actor, variables, cancellationToken), cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<RuntimeOutcome> CompleteOpenTaskAsync(Guid workItemId, string actor, IReadOnlyDictionary<string, JsonElement>? variables,
        CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var direct = directSql.For(db);
        WorkItemRecord? item;
        WorkflowInstanceRecord? instance;
        if (direct is not null)
        {
            using var read = RuntimeTracing.Source.StartActivity(RuntimeTracing.Read);
            var loaded = await direct.LoadTaskAsync(db, workItemId, cancellationToken);
            (item, instance) = loaded is { } found ? found : (null, null);
        }
        else
        {
            item = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(w => w.Id == workItemId, cancellationToken);
            instance = item is null ? null : await db.Instances.AsNoTracking().SingleAsync(i => i.Id == item.InstanceId, cancellationToken);
        }

        if (item is null || instance is null)
        {
            return RuntimeOutcome.NotFound($"Task {workItemId} does not exist.");
        }

        if (item.Status != WorkItemStatus.Open)
        {
            return new RuntimeOutcome(RuntimeOutcomeKind.Rejected,
                $"This task was already {item.Status.ToString().ToLowerInvariant()}{(item.ClosedBy is null ? string.Empty : $" by {item.ClosedBy}")}.",
                item.InstanceId, nameof(RejectionReason.TaskNotOpen));
        }

        var definition = await catalog.GetAsync(db, instance.DefinitionId, cancellationToken);
        if (await assignments.FourEyesRefusalAsync(item, instance, definition, actor, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (item.FormKey is { } formKey)
        {
            if (forms.Find(formKey) is not { } form)
            {
                return new RuntimeOutcome(RuntimeOutcomeKind.Invalid, $"The form '{formKey}' of this task no longer exists.", item.InstanceId);
            }

            var errors = Engine.Forms.FormValidator.Validate(form, variables);
            if (errors.Count > 0)
            {
                return new RuntimeOutcome(RuntimeOutcomeKind.Invalid, $"The data does not fit form '{formKey}'.", item.InstanceId) { Errors = errors };
            }

            variables = Engine.Forms.FormValidator.Completion(form, variables);
        }

        var (misassigned, checkedVariables) = await assignments.CheckAssigneesAsync(item, instance, definition, variables, clock.GetUtcNow(), cancellationToken);
        if (misassigned is not null)
        {
            return misassigned;
        }

        variables = checkedVariables;

        var command = new CompleteTask(item.TaskId, variables);
        var outcome = direct is not null ? await CompleteDirectAsync(direct, item, instance, definition, command, actor, cancellationToken) : null;
        outcome ??= await ExecuteOnceAsync(item.InstanceId, _ => command, actor, cancellationToken, null, false);
        return outcome.Reason == nameof(RejectionReason.TaskNotOpen)
            ? outcome with { Message = "Someone else completed this task a moment ago; nothing was saved. Reload your queue." }
            : outcome;
    }

    /// <summary>
    /// The hot path: when completing the task only closes it, opens user tasks, schedules or cancels timers or ends a
    /// top-level instance, the rows are written by <see cref="DirectSql"/> in one transaction, without change
    /// tracking. Anything else (service tasks, children, messages, incidents) answers null and takes the general path.
    /// </summary>
    private async Task<RuntimeOutcome?> CompleteDirectAsync(DirectSql.Statements direct, WorkItemRecord item, WorkflowInstanceRecord instance,
        ProcessDefinition definition, CompleteTask command, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var result = executor.Execute(definition, InstanceStateSerializer.Deserialize(instance.State), command, now);
        if (!result.Accepted)
        {
            return new RuntimeOutcome(RuntimeOutcomeKind.Rejected, result.Message!, instance.Id, result.Rejection.ToString());
        }

        var state = result.State!;
        var opened = new List<WorkItemRecord>();
        var scheduled = new List<TimerRecord>();
        var cancelled = new List<string>();
        var closedAs = (WorkItemStatus?)null;
        foreach (var effect in result.Effects)
        {
            switch (effect)
            {
                case ElementEntered or ElementLeft:
                    break;
                case TaskClosed closed when closed.TaskId == item.TaskId && closedAs is null:
                    closedAs = closed.Reason == TaskCloseReason.Completed ? WorkItemStatus.Completed : WorkItemStatus.Cancelled;
                    break;
                case TaskOpened task:
                    opened.Add(CommandUnit.NewWorkItem(instance, state, task, caseFacts, now));
                    break;
                case TimerScheduled timer when !scheduled.Any(t => t.TimerId == timer.TimerId) && !cancelled.Contains(timer.TimerId):
                    scheduled.Add(CommandUnit.NewTimer(instance, timer, now));
                    break;
                case TimerCancelled timer when !scheduled.Any(t => t.TimerId == timer.TimerId):
                    cancelled.Add(timer.TimerId);
                    break;
                case InstanceCompleted when instance.ParentInstanceId is null:
                    break;
                default:
                    return null;
            }
        }

        if (closedAs is not { } status)
        {
            return null;
        }

        var previous = instance.Revision;
        CommandUnit.ApplyState(instance, state, now);
        var entry = CommandUnit.Journal(instance, command, result, now, actor);
        var write = RuntimeTracing.Source.StartActivity(RuntimeTracing.Write);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            if (!await direct.WriteAsync(transaction.GetDbTransaction(), instance, previous, item.Id, status, actor, now, opened, scheduled, cancelled,
                entry, cancellationToken))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return RuntimeOutcome.Conflict(instance.Id);
            }

            foreach (var projection in projectionList)
            {
                await projection.ProjectAsync(new ProjectionContext(instance, definition, state, db), cancellationToken);
            }

            write?.Dispose();
            using (RuntimeTracing.Source.StartActivity(RuntimeTracing.Commit))
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return RuntimeOutcome.Done(instance.Id);
        }
        catch (System.Data.Common.DbException) when (!cancellationToken.IsCancellationRequested)
        {
            // A concurrent command on the same instance can also surface as a key violation (both opened the same next task).
            await transaction.RollbackAsync(CancellationToken.None);
            var current = await db.Instances.AsNoTracking().Where(i => i.Id == instance.Id).Select(i => i.Revision).SingleAsync(CancellationToken.None);
            if (current != previous)
            {
                return RuntimeOutcome.Conflict(instance.Id);
            }

            throw;
        }
        finally
        {
            write?.Dispose();
        }
    }

    /// <summary>
    /// Delivers a message to the instance waiting for its name and correlation key. Messages are not buffered: when
    /// nothing waits, the answer says so and nothing is stored.
    /// </summary>
    public Task<RuntimeOutcome> CorrelateMessageAsync(string messageName, string? correlationKey,
        IReadOnlyDictionary<string, JsonElement>? variables, string actor, CancellationToken cancellationToken) =>
        MeasuredAsync("correlate-message", () => CorrelateAsync(messageName, correlationKey, variables, actor, cancellationToken));

    private async Task<RuntimeOutcome> CorrelateAsync(string messageName, string? correlationKey,
        IReadOnlyDictionary<string, JsonElement>? variables, string actor, CancellationToken cancellationToken)
    {
        var waiting = await db.MessageSubscriptions.AsNoTracking()
            .Where(s => s.MessageName == messageName && s.CorrelationKey == correlationKey)
            .OrderBy(s => s.CreatedAt).Select(s => s.InstanceId).FirstOrDefaultAsync(cancellationToken);
        if (waiting == Guid.Empty)
        {
            return RuntimeOutcome.NotFound($"No workflow is waiting for message '{messageName}' with correlation key '{correlationKey}'.");
        }

        return await ExecuteUnmeasuredAsync(waiting, _ => new CorrelateMessage(messageName, correlationKey, variables), actor, cancellationToken);
    }

    public Task<RuntimeOutcome> FireTimerAsync(Guid timerRowId, string actor, CancellationToken cancellationToken) =>
        MeasuredAsync("fire-timer", () => FireAsync(timerRowId, actor, cancellationToken));

    private async Task<RuntimeOutcome> FireAsync(Guid timerRowId, string actor, CancellationToken cancellationToken)
    {
        var timer = await db.Timers.AsNoTracking().SingleOrDefaultAsync(t => t.Id == timerRowId, cancellationToken);
        if (timer is null)
        {
            return RuntimeOutcome.NotFound($"Timer {timerRowId} does not exist (fired or cancelled).");
        }

        var outcome = await ExecuteUnmeasuredAsync(timer.InstanceId, _ => new FireTimer(timer.TimerId), actor, cancellationToken,
            afterApply: () => db.Timers.Where(t => t.Id == timerRowId).ExecuteDeleteAsync(cancellationToken));
        if (outcome.Kind is RuntimeOutcomeKind.Rejected or RuntimeOutcomeKind.NotFound)
        {
            // The state no longer knows this timer: the row is stale.
            await db.Timers.Where(t => t.Id == timerRowId).ExecuteDeleteAsync(cancellationToken);
        }

        return outcome;
    }

    public Task<RuntimeOutcome> CancelAsync(Guid instanceId, string actor, string reason, CancellationToken cancellationToken) =>
        MeasuredAsync("cancel", () => ExecuteUnmeasuredAsync(instanceId, _ => new CancelInstance(reason), actor, cancellationToken));

    /// <summary>
    /// Retries an incident: the engine re-runs the element it stopped at; a timer parked by the timer worker after its
    /// last attempt is put back in the queue with its attempts reset.
    /// </summary>
    public Task<RuntimeOutcome> RetryIncidentAsync(Guid instanceId, string incidentRef, string actor, CancellationToken cancellationToken) =>
        MeasuredAsync("retry-incident", () => RetryAsync(instanceId, incidentRef, actor, cancellationToken));

    private async Task<RuntimeOutcome> RetryAsync(Guid instanceId, string incidentRef, string actor, CancellationToken cancellationToken)
    {
        if (!incidentRef.StartsWith(Workers.TimerWorker.IncidentPrefix, StringComparison.Ordinal))
        {
            return await ExecuteUnmeasuredAsync(instanceId, _ => new RetryIncident(incidentRef), actor, cancellationToken);
        }

        return await AgainAfterClashAsync(() => ReleaseParkedTimerAsync(instanceId, incidentRef, actor, cancellationToken), cancellationToken);
    }

    private async Task<RuntimeOutcome> ReleaseParkedTimerAsync(Guid instanceId, string incidentRef, string actor, CancellationToken cancellationToken)
    {
        var timerId = incidentRef[Workers.TimerWorker.IncidentPrefix.Length..];
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The instance's row first, as every command takes it before its timers: a command cancelling this timer at the
        // same moment then waits for the retry (or the retry for it) instead of each holding what the other needs.
        await db.Instances.Where(i => i.Id == instanceId).ExecuteUpdateAsync(s => s.SetProperty(i => i.HasIncident, i => i.HasIncident), cancellationToken);
        var released = await db.Timers.Where(t => t.InstanceId == instanceId && t.TimerId == timerId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(t => t.Attempts, 0), cancellationToken);
        await db.Incidents.Where(i => i.InstanceId == instanceId && i.IncidentRef == incidentRef && i.ResolvedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ResolvedAt, now).SetProperty(i => i.ResolvedBy, actor), cancellationToken);
        // The incidents table holds the engine's incidents too, so it alone says whether any is still open.
        var stillOpen = await db.Incidents.AnyAsync(i => i.InstanceId == instanceId && i.ResolvedAt == null, cancellationToken);
        await db.Instances.Where(i => i.Id == instanceId).ExecuteUpdateAsync(s => s.SetProperty(i => i.HasIncident, stillOpen), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return released == 1 ? RuntimeOutcome.Done(instanceId, "The timer will fire again on the next pass.")
            : RuntimeOutcome.NotFound($"Timer {timerId} of instance {instanceId} no longer exists.");
    }

    /// <summary>Resumes a parent whose child ended (from the outbox, in its own transaction).</summary>
    public Task<RuntimeOutcome> ResumeParentAsync(ChildOutcome outcome, CancellationToken cancellationToken) =>
        MeasuredAsync("resume-parent", () => ExecuteUnmeasuredAsync(outcome.ParentInstanceId, _ => outcome.FaultMessage is null
            ? new ChildCompleted(outcome.ChildRef, outcome.Variables)
            : new ChildFaulted(outcome.ChildRef, outcome.FaultMessage, outcome.ErrorCode), "system:child", cancellationToken));

    /// <summary>
    /// Runs one engine command on an instance in one transaction; with <paramref name="alsoCalled"/>, the same command
    /// on every running instance it called (and those called in turn) in that transaction too, or on none of them.
    /// </summary>
    public Task<RuntimeOutcome> ExecuteAsync(Guid instanceId, Func<InstanceState, WorkflowCommand> commandFor, string actor,
        CancellationToken cancellationToken, Func<Task>? afterApply = null, bool alsoCalled = false) =>
        MeasuredAsync("execute", () => ExecuteUnmeasuredAsync(instanceId, commandFor, actor, cancellationToken, afterApply, alsoCalled));

    private Task<RuntimeOutcome> ExecuteUnmeasuredAsync(Guid instanceId, Func<InstanceState, WorkflowCommand> commandFor, string actor,
        CancellationToken cancellationToken, Func<Task>? afterApply = null, bool alsoCalled = false) =>
        AgainAfterClashAsync(() => ExecuteOnceAsync(instanceId, commandFor, actor, cancellationToken, afterApply, alsoCalled), cancellationToken);

    /// <summary>
    /// Runs a public command under its span ("workflow {command}", with the outcome and the instance id) and records it in
    /// <see cref="RuntimeMetrics"/>: one command, one measurement, however many clashes it was run again after. An exception
    /// is recorded as <see cref="RuntimeMetrics.Error"/> by its type only (a message may quote case data) and rethrown.
    /// </summary>
    private async Task<RuntimeOutcome> MeasuredAsync(string command, Func<Task<RuntimeOutcome>> run)
    {
        using var span = RuntimeTracing.Source.StartActivity(RuntimeTracing.CommandSpan(command));
        span?.SetTag(RuntimeTracing.CommandTag, command);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await run();
            var name = RuntimeMetrics.OutcomeName(outcome.Kind);
            metrics.Command(command, name, Stopwatch.GetElapsedTime(started));
            span?.SetTag(RuntimeTracing.OutcomeTag, name);
            if (outcome.InstanceId is { } instanceId)
            {
                span?.SetTag(RuntimeTracing.InstanceTag, instanceId.ToString());
            }

            return outcome;
        }
        catch (Exception ex)
        {
            var name = ex is OperationCanceledException ? "cancelled" : RuntimeMetrics.Error;
            metrics.Command(command, name, Stopwatch.GetElapsedTime(started));
            span?.SetTag(RuntimeTracing.OutcomeTag, name);
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// Runs a command, and runs it again from the start when the database ended its transaction to settle a clash with
    /// another writer (<see cref="WriterClash"/>). The command reads everything afresh, so a clash with a command that
    /// did the same work ends as that command's conflict or refusal, never as the work done twice.
    /// </summary>
    private Task<RuntimeOutcome> AgainAfterClashAsync(Func<Task<RuntimeOutcome>> command, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "a workflow command", command, cancellationToken);

    private async Task<RuntimeOutcome> ExecuteOnceAsync(Guid instanceId, Func<InstanceState, WorkflowCommand> commandFor, string actor,
        CancellationToken cancellationToken, Func<Task>? afterApply, bool alsoCalled)
    {
        db.ChangeTracker.Clear();
        var record = await db.Instances.SingleOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (record is null)
        {
            return RuntimeOutcome.NotFound($"Workflow instance {instanceId} does not exist.");
        }

        var definition = await catalog.GetAsync(db, record.DefinitionId, cancellationToken);
        var state = InstanceStateSerializer.Deserialize(record.State);
        var command = commandFor(state);
        var result = executor.Execute(definition, state, command, clock.GetUtcNow());
        if (!result.Accepted)
        {
            return new RuntimeOutcome(RuntimeOutcomeKind.Rejected, result.Message!, instanceId, result.Rejection.ToString());
        }

        var revision = record.Revision;
        return await InTransactionAsync(instanceId, actor, async unit =>
        {
            // Take the instance first: a concurrent command that got here earlier wins, and this one stops before
            // any handler runs. (PostgreSQL and SQL Server lock the row; SQLite has one writer at a time.)
            var claimed = await db.Instances.Where(i => i.Id == instanceId && i.Revision == revision)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.UpdatedAt, record.UpdatedAt), cancellationToken);
            if (claimed == 0)
            {
                return RuntimeOutcome.Conflict(instanceId);
            }

            await unit.ApplyAsync(record, definition, command, result, cancellationToken);
            if (alsoCalled && await unit.ApplyToCalledAsync(instanceId, commandFor, cancellationToken) is { } refused)
            {
                return new RuntimeOutcome(RuntimeOutcomeKind.Rejected, refused, instanceId);
            }

            if (afterApply is not null)
            {
                await afterApply();
            }

            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs a command's work in a transaction of its own, committed once; or, when the caller has begun one on this
    /// runtime's context (to write something that stands or falls with the command, such as the case an instance is
    /// started for), inside the caller's, which the caller then commits or rolls back.
    /// </summary>
    private async Task<RuntimeOutcome> InTransactionAsync(Guid instanceId, string actor, Func<CommandUnit, Task<RuntimeOutcome?>> work,
        CancellationToken cancellationToken)
    {
        var unit = new CommandUnit(db, catalog, executor, handlerByKey, caseFacts, clock.GetUtcNow(), actor);
        var joined = db.Database.CurrentTransaction is not null;
        await using var transaction = joined ? null : await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            if (await work(unit) is { } refused)
            {
                await AbandonAsync(transaction);
                return refused;
            }

            await unit.ProjectAsync(projectionList, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return RuntimeOutcome.Done(instanceId);
        }
        catch (DbUpdateConcurrencyException)
        {
            await AbandonAsync(transaction);
            return RuntimeOutcome.Conflict(instanceId);
        }
        catch
        {
            await AbandonAsync(transaction);
            throw;
        }
    }

    /// <summary>Rolls back a transaction of the runtime's own (a caller's is the caller's to roll back) and forgets what it wrote.</summary>
    private async Task AbandonAsync(IDbContextTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }
    }
}
