using System.Globalization;
using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Migration;

/// <summary>The migration of one state, element by element: problems, changes, the new state and its effects.</summary>
internal sealed class MigrationWork(MigrationPlan plan, ProcessDefinition source, ProcessDefinition target, InstanceState state)
{
    private readonly List<MigrationProblem> problems = [];
    private readonly List<MigrationChange> changes = [];
    private readonly List<WorkflowEffect> effects = [];
    private readonly List<Token> tokens = [];
    private readonly List<ScopeInstance> scopes = [];
    private readonly List<OpenTask> tasks = [];
    private readonly List<TimerState> timers = [];
    private readonly List<Subscription> subscriptions = [];
    private readonly List<ChildInstance> children = [];
    private long sequence = state.Sequence;

    public MigrationReport Report { get; private set; } = null!;

    public InstanceState? State { get; private set; }

    public IReadOnlyList<WorkflowEffect> Effects => effects;

    public void Problem(string elementId, string message) => problems.Add(new MigrationProblem(elementId, message));

    public void Scope(ScopeInstance scope)
    {
        if (Counterpart(scope.ElementId) is { } node)
        {
            scopes.Add(scope with { ElementId = node.Id });
        }
    }

    public void Token(Token token)
    {
        if (Counterpart(token.ElementId) is not { } node)
        {
            return;
        }

        var expectedScope = token.ScopeId == ExecutableModel.RootScope
            ? null
            : state.Scopes.FirstOrDefault(s => s.Id == token.ScopeId) is { } scope ? plan.Map(scope.ElementId) : null;
        if (node.ScopeId != expectedScope)
        {
            Problem(token.ElementId, $"'{token.ElementId}' is inside '{expectedScope ?? "the process"}' now but '{node.Id}' is inside '{node.ScopeId ?? "the process"}' in version {target.Version}.");
            return;
        }

        var arrivedVia = token.ArrivedVia;
        if (arrivedVia is not null)
        {
            arrivedVia = plan.Map(arrivedVia);
            if (!target.Flows.TryGetValue(arrivedVia, out var flow) || flow.TargetId != node.Id)
            {
                Problem(token.ElementId, $"A branch waits at join '{token.ElementId}' having arrived by '{token.ArrivedVia}', which does not lead to '{node.Id}' in version {target.Version}.");
                return;
            }
        }

        tokens.Add(token with { ElementId = node.Id, ArrivedVia = arrivedVia });
        if (node.Id != token.ElementId)
        {
            changes.Add(new MigrationChange(MigrationChangeKind.TokenMoved, token.ElementId, node.Id, $"Waiting at '{token.ElementId}' becomes waiting at '{node.Id}'."));
        }
    }

    public void Task(OpenTask task)
    {
        if (Counterpart(task.ElementId) is not { } node)
        {
            return;
        }

        tasks.Add(task with { ElementId = node.Id });
        changes.Add(new MigrationChange(MigrationChangeKind.TaskKept, task.ElementId, node.Id, $"Task {task.Id} stays open, with its assignee and due date."));
        if (node.Id != task.ElementId)
        {
            effects.Add(new TaskMoved(task.Id, node.Id));
        }
    }

    public void Child(ChildInstance child)
    {
        if (Counterpart(child.ElementId) is { } node)
        {
            children.Add(child with { ElementId = node.Id });
            changes.Add(new MigrationChange(MigrationChangeKind.ChildKept, child.ElementId, node.Id, $"Child instance {child.Id} keeps running."));
        }
    }

    public void Timer(TimerState timer, DateTimeOffset now, IExpressionEvaluator expressions)
    {
        var mapped = plan.Map(timer.ElementId);
        var before = Trigger(source, timer.ElementId) as TimerDefinition;
        if (!target.Nodes.TryGetValue(mapped, out var node) || Trigger(target, mapped) is not TimerDefinition after)
        {
            if (source.Nodes[timer.ElementId] is BoundaryEvent)
            {
                effects.Add(new TimerCancelled(timer.Id));
                changes.Add(new MigrationChange(MigrationChangeKind.TimerRemoved, timer.ElementId, mapped, $"Timer '{timer.ElementId}' is not in version {target.Version}; it is cancelled."));
            }
            else
            {
                Problem(timer.ElementId, $"Timer '{timer.ElementId}' has no timer counterpart in version {target.Version}.");
            }

            return;
        }

        if (before is not null && before == after)
        {
            timers.Add(timer with { ElementId = node.Id });
            changes.Add(new MigrationChange(MigrationChangeKind.TimerKept, timer.ElementId, node.Id, $"Timer stays due at {Format(timer.DueAt)}."));
            return;
        }

        var due = before is null ? null : MigrationPlanner.Recompute(before, after, timer.DueAt, now, expressions, state.Variables);
        if (due is null)
        {
            Problem(timer.ElementId, $"The timer of '{node.Id}' in version {target.Version} cannot be computed ('{after.Expression}').");
            return;
        }

        var moved = timer with { Id = NextId("tm"), ElementId = node.Id, DueAt = due.Value };
        timers.Add(moved);
        effects.Add(new TimerCancelled(timer.Id));
        effects.Add(new TimerScheduled(moved.Id, moved.ElementId, moved.DueAt));
        changes.Add(new MigrationChange(MigrationChangeKind.TimerRecomputed, timer.ElementId, node.Id,
            $"Timer recomputed from '{before!.Expression}' to '{after.Expression}': due {Format(timer.DueAt)} → {Format(due.Value)}."));
    }

    public void Subscription(Subscription subscription)
    {
        var mapped = plan.Map(subscription.ElementId);
        if (!target.Nodes.ContainsKey(mapped) || Trigger(target, mapped) is not MessageDefinition message)
        {
            if (source.Nodes[subscription.ElementId] is BoundaryEvent)
            {
                effects.Add(new MessageSubscriptionClosed(subscription.Id));
                changes.Add(new MigrationChange(MigrationChangeKind.SubscriptionRemoved, subscription.ElementId, mapped, $"Message event '{subscription.ElementId}' is not in version {target.Version}; it stops waiting."));
            }
            else
            {
                Problem(subscription.ElementId, $"Message event '{subscription.ElementId}' has no message counterpart in version {target.Version}.");
            }

            return;
        }

        var moved = subscription with { ElementId = mapped, MessageName = message.MessageName };
        subscriptions.Add(moved);
        if (moved.MessageName != subscription.MessageName || moved.ElementId != subscription.ElementId)
        {
            effects.Add(new MessageSubscriptionClosed(subscription.Id));
            effects.Add(new MessageSubscriptionOpened(moved.Id, moved.ElementId, moved.MessageName, moved.CorrelationKey));
        }

        changes.Add(new MigrationChange(MigrationChangeKind.SubscriptionKept, subscription.ElementId, mapped, $"Still waits for message '{moved.MessageName}'."));
    }

    /// <summary>Boundary timers and messages the target adds to an activity a token waits at are armed now.</summary>
    public void ArmNewBoundaryEvents(DateTimeOffset now, IExpressionEvaluator expressions)
    {
        foreach (var token in tokens.ToList())
        {
            if (token.Wait is WaitKind.Join or WaitKind.Incident or WaitKind.None || target.Nodes[token.ElementId] is not Activity activity)
            {
                continue;
            }

            foreach (var boundaryId in activity.BoundaryEventIds)
            {
                if (timers.Exists(t => t.TokenId == token.Id && t.ElementId == boundaryId)
                    || subscriptions.Exists(s => s.TokenId == token.Id && s.ElementId == boundaryId))
                {
                    continue;
                }

                var boundary = (BoundaryEvent)target.Nodes[boundaryId];
                switch (boundary.Trigger)
                {
                    case TimerDefinition timer:
                        var due = MigrationPlanner.Recompute(timer, timer, now, now, expressions, state.Variables);
                        if (due is null)
                        {
                            Problem(boundaryId, $"The new timer '{boundaryId}' cannot be computed ('{timer.Expression}').");
                            continue;
                        }

                        var added = new TimerState(NextId("tm"), boundaryId, token.Id, due.Value);
                        timers.Add(added);
                        effects.Add(new TimerScheduled(added.Id, boundaryId, added.DueAt));
                        changes.Add(new MigrationChange(MigrationChangeKind.TimerAdded, token.ElementId, boundaryId, $"New timer '{boundaryId}' due {Format(added.DueAt)}."));
                        break;
                    case MessageDefinition message when !ExpressionText.TryUnwrap(message.CorrelationKey, out _):
                        var opened = new Subscription(NextId("m"), boundaryId, token.Id, message.MessageName, message.CorrelationKey);
                        subscriptions.Add(opened);
                        effects.Add(new MessageSubscriptionOpened(opened.Id, boundaryId, opened.MessageName, opened.CorrelationKey));
                        changes.Add(new MigrationChange(MigrationChangeKind.SubscriptionAdded, token.ElementId, boundaryId, $"Now also waits for message '{message.MessageName}'."));
                        break;
                }
            }
        }
    }

    public MigrationWork Finish(DateTimeOffset now)
    {
        Report = new MigrationReport(state.InstanceId, problems.Count == 0, problems, changes);
        if (problems.Count == 0)
        {
            State = state with
            {
                Definition = target.Key,
                Tokens = [.. tokens],
                Scopes = [.. scopes],
                Tasks = [.. tasks],
                Timers = [.. timers],
                Subscriptions = [.. subscriptions],
                Children = [.. children],
                Incidents = [.. state.Incidents.Select(i => i with { ElementId = plan.Map(i.ElementId) })],
                Sequence = sequence,
            };
            effects.Add(new InstanceMigrated(source.Key, target.Key));
        }

        return this;
    }

    /// <summary>The target node for an active source element, or null after recording why there is none.</summary>
    private FlowNode? Counterpart(string sourceId)
    {
        var mapped = plan.Map(sourceId);
        var before = source.Nodes[sourceId];
        if (!target.Nodes.TryGetValue(mapped, out var after))
        {
            Problem(sourceId, $"Active element '{sourceId}' ({before.ElementType}) has no counterpart in version {target.Version}; map it to an element of the same kind.");
            return null;
        }

        if (after.GetType() != before.GetType())
        {
            Problem(sourceId, $"Active element '{sourceId}' is a {before.ElementType} but '{mapped}' in version {target.Version} is a {after.ElementType}.");
            return null;
        }

        return after;
    }

    private static EventDefinition? Trigger(ProcessDefinition definition, string elementId) =>
        definition.Nodes.TryGetValue(elementId, out var node)
            ? node switch
            {
                BoundaryEvent b => b.Trigger,
                IntermediateCatchEvent c => c.Trigger,
                ReceiveTask r => r.Message,
                _ => null,
            }
            : null;

    private string NextId(string prefix) => prefix + (++sequence).ToString(CultureInfo.InvariantCulture);

    private static string Format(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
