using System.Text.Json;
using Casework.Data.Definitions;
using Casework.Data.Runtime.Handlers;
using Casework.Data.Runtime.Records;
using Casework.Engine.Execution;
using Casework.Engine.Model;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;
using EngineStatus = Casework.Engine.State.InstanceStatus;

namespace Casework.Data.Runtime;

/// <summary>
/// Everything one runtime command writes, inside its transaction: the effects of the engine's answer turned
/// into rows, service tasks run through their handlers (and the engine's answer to that applied in turn), child
/// instances started or cancelled, the instance's new state and a journal entry per engine command.
/// Nothing is saved here; the caller saves once and commits.
/// </summary>
internal sealed class CommandUnit(
    CaseworkDbContext db,
    DefinitionCatalog catalog,
    WorkflowExecutor executor,
    IReadOnlyDictionary<string, IServiceTaskHandler> handlers,
    IWorkItemContextProvider caseFacts,
    DateTimeOffset now,
    string actor)
{
    private const int MaxServiceTaskRounds = 1000;
    private readonly Dictionary<(Guid, string), TimerRecord> newTimers = [];
    private readonly Dictionary<(Guid, string), MessageSubscriptionRecord> newSubscriptions = [];
    private readonly Dictionary<(Guid, string), WorkItemRecord> newWorkItems = [];
    private readonly Dictionary<Guid, (WorkflowInstanceRecord Record, ProcessDefinition Definition, InstanceState State)> changed = [];
    private int rounds;

    /// <summary>Applies an accepted engine result to the instance and follows service tasks and children.</summary>
    public async Task ApplyAsync(WorkflowInstanceRecord record, ProcessDefinition definition, WorkflowCommand command,
        CommandResult result, CancellationToken cancellationToken)
    {
        var state = result.State!;
        var invoked = new List<ServiceTaskInvoked>();
        var childStarts = new List<ChildInstanceRequested>();
        var childCancels = new List<ChildInstanceCancelled>();
        foreach (var effect in result.Effects)
        {
            switch (effect)
            {
                case TaskOpened opened:
                    OpenWorkItem(record, state, opened);
                    break;
                case TaskClosed closed:
                    await CloseWorkItemAsync(record.Id, closed, cancellationToken);
                    break;
                case TaskMoved moved:
                    await db.WorkItems.Where(w => w.InstanceId == record.Id && w.TaskId == moved.TaskId)
                        .ExecuteUpdateAsync(s => s.SetProperty(w => w.ElementId, moved.ElementId), cancellationToken);
                    break;
                case TimerScheduled scheduled:
                    var timer = NewTimer(record, scheduled, now);
                    db.Timers.Add(timer);
                    newTimers[(record.Id, scheduled.TimerId)] = timer;
                    break;
                case TimerCancelled cancelled:
                    await DeleteTimerAsync(record.Id, cancelled.TimerId, cancellationToken);
                    break;
                case MessageSubscriptionOpened opened:
                    var subscription = new MessageSubscriptionRecord
                    {
                        Id = Guid.CreateVersion7(now), InstanceId = record.Id, SubscriptionId = opened.SubscriptionId,
                        MessageName = opened.MessageName, CorrelationKey = opened.CorrelationKey, ElementId = opened.ElementId, CreatedAt = now,
                    };
                    db.MessageSubscriptions.Add(subscription);
                    newSubscriptions[(record.Id, opened.SubscriptionId)] = subscription;
                    break;
                case MessageSubscriptionClosed closed:
                    await DeleteSubscriptionAsync(record.Id, closed.SubscriptionId, cancellationToken);
                    break;
                case ServiceTaskInvoked service:
                    invoked.Add(service);
                    break;
                case ChildInstanceRequested child:
                    childStarts.Add(child);
                    break;
                case ChildInstanceCancelled child:
                    childCancels.Add(child);
                    break;
                case IncidentRaised incident:
                    db.Incidents.Add(new IncidentRecord
                    {
                        Id = Guid.CreateVersion7(now), InstanceId = record.Id, ElementId = incident.ElementId,
                        IncidentRef = incident.IncidentId, Error = Truncate(incident.Message), CreatedAt = now,
                    });
                    break;
                case IncidentResolved resolved:
                    await db.Incidents.Where(i => i.InstanceId == record.Id && i.IncidentRef == resolved.IncidentId && i.ResolvedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(i => i.ResolvedAt, now).SetProperty(i => i.ResolvedBy, actor), cancellationToken);
                    break;
                case InstanceMigrated migrated:
                    var target = await catalog.FindAsync(db, migrated.To.ProcessId, migrated.To.Version, cancellationToken)
                        ?? throw new InvalidOperationException($"Version {migrated.To} is not stored.");
                    record.DefinitionId = target.Record.Id;
                    record.Version = migrated.To.Version;
                    break;
                case InstanceCompleted completed when record.ParentInstanceId is { } parent:
                    Outbox(ChildOutcome.Type, new ChildOutcome(parent, record.ParentChildId!, completed.Variables, null, null), record.Id);
                    break;
                case InstanceFaulted faulted when record.ParentInstanceId is { } parent:
                    Outbox(ChildOutcome.Type, new ChildOutcome(parent, record.ParentChildId!, null, faulted.Message, faulted.ErrorCode), record.Id);
                    break;
            }
        }

        Save(record, definition, command, result);
        foreach (var child in childCancels)
        {
            await CancelChildAsync(record.Id, child.ChildInstanceId, cancellationToken);
        }

        foreach (var child in childStarts)
        {
            await StartChildAsync(record, child, cancellationToken);
        }

        foreach (var service in invoked)
        {
            await RunServiceTaskAsync(record, definition, service, cancellationToken);
        }
    }

    /// <summary>
    /// Runs the command <paramref name="commandFor"/> gives on every running instance that <paramref name="parentId"/>
    /// called, and on the ones those called, in this unit (a child that changes meanwhile fails the commit as a
    /// conflict). Null when every one accepted it, else the first refusal, naming the instance.
    /// </summary>
    public async Task<string?> ApplyToCalledAsync(Guid parentId, Func<InstanceState, WorkflowCommand> commandFor, CancellationToken cancellationToken)
    {
        var children = await db.Instances
            .Where(i => i.ParentInstanceId == parentId && i.Status == Records.InstanceStatus.Running)
            .OrderBy(i => i.CreatedAt)
            .ToListAsync(cancellationToken);
        foreach (var child in children)
        {
            var definition = await catalog.GetAsync(db, child.DefinitionId, cancellationToken);
            var state = InstanceStateSerializer.Deserialize(child.State);
            var command = commandFor(state);
            var result = executor.Execute(definition, state, command, now);
            if (!result.Accepted)
            {
                return $"The called instance {child.Id} ({child.ProcessId}) refused it: {result.Message}";
            }

            await ApplyAsync(child, definition, command, result, cancellationToken);
            if (await ApplyToCalledAsync(child.Id, commandFor, cancellationToken) is { } refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>Creates an instance row and runs its start command in this unit.</summary>
    public async Task<WorkflowInstanceRecord?> StartAsync(WorkflowDefinitionRecord definitionRecord, ProcessDefinition definition, StartInstance start,
        string? businessKey, Guid id, Guid? parentId, string? parentChildId, string? parentElementId, CancellationToken cancellationToken)
    {
        var result = executor.Execute(definition, null, start, now);
        if (!result.Accepted)
        {
            return null;
        }

        var record = new WorkflowInstanceRecord
        {
            Id = id, DefinitionId = definitionRecord.Id, ProcessId = definition.ProcessId, Version = definition.Version,
            BusinessKey = businessKey, State = "{}", CreatedAt = now, UpdatedAt = now,
            ParentInstanceId = parentId, ParentChildId = parentChildId, ParentElementId = parentElementId, Revision = -1,
        };
        db.Instances.Add(record);
        await ApplyAsync(record, definition, start, result, cancellationToken);
        return record;
    }

    /// <summary>Runs the projections over every instance this unit changed, in their final state.</summary>
    public async Task ProjectAsync(IReadOnlyList<IInstanceProjection> projections, CancellationToken cancellationToken)
    {
        if (projections.Count == 0)
        {
            return;
        }

        foreach (var (record, definition, state) in changed.Values)
        {
            foreach (var projection in projections)
            {
                await projection.ProjectAsync(new ProjectionContext(record, definition, state, db), cancellationToken);
            }
        }
    }

    private void Save(WorkflowInstanceRecord record, ProcessDefinition definition, WorkflowCommand command, CommandResult result)
    {
        var state = result.State!;
        changed[record.Id] = (record, definition, state);
        ApplyState(record, state, now);
        db.Journal.Add(Journal(record, command, result, now, actor));
    }

    /// <summary>Puts the engine's new state on the instance row and moves its revision on.</summary>
    internal static void ApplyState(WorkflowInstanceRecord record, InstanceState state, DateTimeOffset now)
    {
        record.State = InstanceStateSerializer.Serialize(state);
        record.Status = state.Status switch
        {
            EngineStatus.Completed => Records.InstanceStatus.Completed,
            EngineStatus.Cancelled => Records.InstanceStatus.Cancelled,
            EngineStatus.Faulted => Records.InstanceStatus.Faulted,
            _ => Records.InstanceStatus.Running,
        };
        record.HasIncident = state.Incidents.Count > 0;
        record.UpdatedAt = now;
        record.EndedAt = state.IsFinished ? now : null;
        record.Revision++;
    }

    /// <summary>The journal entry of one engine command (types and ids only, never variables).</summary>
    internal static JournalEntryRecord Journal(WorkflowInstanceRecord record, WorkflowCommand command, CommandResult result, DateTimeOffset now, string actor) => new()
    {
        InstanceId = record.Id, At = now, Actor = actor, Command = command.GetType().Name,
        Details = JournalText.Describe(command), Effects = JournalText.Describe(result.Effects), Revision = record.Revision,
    };

    private async Task RunServiceTaskAsync(WorkflowInstanceRecord record, ProcessDefinition definition, ServiceTaskInvoked service, CancellationToken cancellationToken)
    {
        if (++rounds > MaxServiceTaskRounds)
        {
            throw new InvalidOperationException($"More than {MaxServiceTaskRounds} service tasks ran in one command on instance {record.Id}.");
        }

        var state = InstanceStateSerializer.Deserialize(record.State);
        WorkflowCommand answer;
        if (service.HandlerKey is null || !handlers.TryGetValue(service.HandlerKey, out var handler))
        {
            answer = new FailServiceTask(service.TaskId, $"No handler is registered for '{service.HandlerKey}'.");
        }
        else
        {
            try
            {
                var output = await handler.HandleAsync(
                    new ServiceTaskContext(record.Id, record.BusinessKey, service.ElementId, state.Variables, db) { Actor = actor }, cancellationToken);
                answer = new CompleteServiceTask(service.TaskId, output);
            }
            catch (BpmnErrorException error)
            {
                answer = new FailServiceTask(service.TaskId, error.Message, error.ErrorCode);
            }
        }

        var result = executor.Execute(definition, state, answer, now);
        if (!result.Accepted)
        {
            throw new InvalidOperationException($"The engine refused the answer to service task {service.TaskId}: {result.Message}");
        }

        await ApplyAsync(record, definition, answer, result, cancellationToken);
    }

    private async Task StartChildAsync(WorkflowInstanceRecord parent, ChildInstanceRequested request, CancellationToken cancellationToken)
    {
        var found = await catalog.FindAsync(db, request.CalledProcessId, request.Binding == CallBinding.Version ? request.Version : null, cancellationToken);
        var childId = Guid.CreateVersion7(now);
        var started = found is { } target
            ? await StartAsync(target.Record, target.Definition, new StartInstance(request.ChildInstanceId, request.Variables), parent.BusinessKey,
                childId, parent.Id, request.ChildInstanceId, request.ElementId, cancellationToken)
            : null;
        if (started is null)
        {
            // The parent waits with an incident instead of failing the whole command.
            var state = InstanceStateSerializer.Deserialize(parent.State);
            var definition = await catalog.GetAsync(db, parent.DefinitionId, cancellationToken);
            var fault = new ChildFaulted(request.ChildInstanceId, $"Process '{request.CalledProcessId}'{(request.Version is { } v ? $" version {v}" : string.Empty)} is not published or could not start.");
            var result = executor.Execute(definition, state, fault, now);
            if (result.Accepted)
            {
                await ApplyAsync(parent, definition, fault, result, cancellationToken);
            }
        }
    }

    private async Task CancelChildAsync(Guid parentId, string childRef, CancellationToken cancellationToken)
    {
        var child = await db.Instances.SingleOrDefaultAsync(i => i.ParentInstanceId == parentId && i.ParentChildId == childRef, cancellationToken);
        if (child is null || child.Status != Records.InstanceStatus.Running)
        {
            return;
        }

        var definition = await catalog.GetAsync(db, child.DefinitionId, cancellationToken);
        var cancel = new CancelInstance("The parent instance was cancelled.");
        var result = executor.Execute(definition, InstanceStateSerializer.Deserialize(child.State), cancel, now);
        if (result.Accepted)
        {
            await ApplyAsync(child, definition, cancel, result, cancellationToken);
        }
    }

    private void OpenWorkItem(WorkflowInstanceRecord record, InstanceState state, TaskOpened opened)
    {
        var item = NewWorkItem(record, state, opened, caseFacts, now);
        db.WorkItems.Add(item);
        newWorkItems[(record.Id, opened.TaskId)] = item;
    }

    /// <summary>The work item (with its queue rows, one per candidate role) of a user task the engine opened.</summary>
    internal static WorkItemRecord NewWorkItem(WorkflowInstanceRecord record, InstanceState state, TaskOpened opened, IWorkItemContextProvider caseFacts,
        DateTimeOffset now)
    {
        var facts = caseFacts.For(record.BusinessKey, state.Variables);
        var item = new WorkItemRecord
        {
            Id = Guid.CreateVersion7(now), InstanceId = record.Id, TaskId = opened.TaskId, ElementId = opened.ElementId,
            Name = opened.Name, FormKey = opened.FormKey, CandidateRoles = Join(opened.CandidateRoles), CandidateUsers = Join(opened.CandidateUsers),
            Assignee = opened.Assignee, Priority = opened.Priority, DueAt = opened.DueAt, CreatedAt = now, Status = WorkItemStatus.Open,
            CaseId = facts.CaseId, CaseOffice = facts.Office, CaseTrack = facts.Track, CasePriority = facts.CasePriority,
        };
        foreach (var role in opened.CandidateRoles.Distinct(StringComparer.Ordinal))
        {
            item.Candidates.Add(new WorkItemCandidateRecord
            {
                WorkItemId = item.Id, Role = role, CaseOffice = facts.Office, Priority = opened.Priority, DueAt = opened.DueAt, Status = WorkItemStatus.Open,
            });
        }

        return item;
    }

    private async Task CloseWorkItemAsync(Guid instanceId, TaskClosed closed, CancellationToken cancellationToken)
    {
        var status = closed.Reason == TaskCloseReason.Completed ? WorkItemStatus.Completed : WorkItemStatus.Cancelled;
        if (newWorkItems.Remove((instanceId, closed.TaskId), out var pending))
        {
            pending.Status = status;
            pending.ClosedAt = now;
            pending.ClosedBy = actor;
            pending.Candidates.Clear();
            return;
        }

        // Indexed all the way: find the item by (instance, task), empty its queue rows by key, close it by key.
        var itemId = await db.WorkItems.Where(w => w.InstanceId == instanceId && w.TaskId == closed.TaskId && w.Status == WorkItemStatus.Open)
            .Select(w => w.Id).FirstOrDefaultAsync(cancellationToken);
        if (itemId == Guid.Empty)
        {
            return; // a service task: it has no work item
        }

        await db.WorkItemCandidates.Where(c => c.WorkItemId == itemId).ExecuteDeleteAsync(cancellationToken);
        await db.WorkItems.Where(w => w.Id == itemId).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.Status, status)
            .SetProperty(w => w.ClosedAt, now)
            .SetProperty(w => w.ClosedBy, actor)
            .SetProperty(w => w.Revision, w => w.Revision + 1), cancellationToken);
    }

    private async Task DeleteTimerAsync(Guid instanceId, string timerId, CancellationToken cancellationToken)
    {
        if (newTimers.Remove((instanceId, timerId), out var pending))
        {
            db.Timers.Remove(pending);
            return;
        }

        await db.Timers.Where(t => t.InstanceId == instanceId && t.TimerId == timerId).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task DeleteSubscriptionAsync(Guid instanceId, string subscriptionId, CancellationToken cancellationToken)
    {
        if (newSubscriptions.Remove((instanceId, subscriptionId), out var pending))
        {
            db.MessageSubscriptions.Remove(pending);
            return;
        }

        await db.MessageSubscriptions.Where(s => s.InstanceId == instanceId && s.SubscriptionId == subscriptionId).ExecuteDeleteAsync(cancellationToken);
    }

    private void Outbox(string type, ChildOutcome payload, Guid instanceId) => db.Outbox.Add(new OutboxMessageRecord
    {
        Id = Guid.CreateVersion7(now), Type = type, Payload = JsonSerializer.Serialize(payload), InstanceId = instanceId, CreatedAt = now, DueAt = now,
    });

    internal static TimerRecord NewTimer(WorkflowInstanceRecord record, TimerScheduled scheduled, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), InstanceId = record.Id, TimerId = scheduled.TimerId, ElementId = scheduled.ElementId, DueAt = scheduled.DueAt };

    private static string? Join(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join(',', values);

    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000];
}

/// <summary>The outbox message that resumes a parent when its child ends.</summary>
public sealed record ChildOutcome(Guid ParentInstanceId, string ChildRef, IReadOnlyDictionary<string, JsonElement>? Variables, string? FaultMessage, string? ErrorCode)
{
    public const string Type = "workflow.child-ended";
}
