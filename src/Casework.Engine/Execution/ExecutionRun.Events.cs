using Casework.Engine.Model;
using Casework.Engine.State;
using Casework.Engine.Timing;

namespace Casework.Engine.Execution;

internal sealed partial class ExecutionRun
{
    /// <summary>The token waits at a timer or message catch event (or receive task); a bad trigger is an incident.</summary>
    private void Wait(Token token, EventDefinition trigger, string elementId)
    {
        var kind = trigger is TimerDefinition ? WaitKind.Timer : WaitKind.Message;
        TryOpenTrigger(ReplaceToken(token, token with { Wait = kind }), trigger, elementId);
    }

    /// <summary>Schedules the timer or opens the subscription of an event, owned by <paramref name="owner"/>.</summary>
    private bool TryOpenTrigger(Token owner, EventDefinition trigger, string elementId)
    {
        switch (trigger)
        {
            case TimerDefinition timer:
                if (!TryFirstDue(owner, timer, out var due, out var remaining, out var interval))
                {
                    return false;
                }

                var scheduled = new TimerState(NextId("tm"), elementId, owner.Id, due, remaining, interval);
                timers.Add(scheduled);
                effects.Add(new TimerScheduled(scheduled.Id, elementId, due));
                return true;
            case MessageDefinition message:
                if (!TryEvaluateText(owner, message.CorrelationKey, out var key))
                {
                    return false;
                }

                var subscription = new Subscription(NextId("m"), elementId, owner.Id, message.MessageName, key);
                subscriptions.Add(subscription);
                effects.Add(new MessageSubscriptionOpened(subscription.Id, elementId, message.MessageName, key));
                return true;
            default:
                return true; // error boundaries are found when an error is thrown
        }
    }

    /// <summary>Schedules the timers and opens the subscriptions of the activity's boundary events.</summary>
    private void OpenBoundaryEvents(Token activityToken, Activity activity)
    {
        foreach (var boundaryId in activity.BoundaryEventIds)
        {
            var boundary = (BoundaryEvent)definition.Nodes[boundaryId];
            if (!TryOpenTrigger(activityToken, boundary.Trigger, boundaryId))
            {
                return;
            }
        }
    }

    /// <summary>A timer came due.</summary>
    public void FireTimer(TimerState timer)
    {
        timers.Remove(timer);
        var owner = FindToken(timer.TokenId)!;
        var node = definition.Nodes[timer.ElementId];
        if (node is BoundaryEvent { CancelActivity: false } && timer.Interval is { } interval
            && (timer.Remaining is null || timer.Remaining > 1) && Iso8601.TryParseDuration(interval, out var step))
        {
            var next = timer with { Id = NextId("tm"), DueAt = step.AddTo(timer.DueAt), Remaining = timer.Remaining - 1 };
            timers.Add(next);
            effects.Add(new TimerScheduled(next.Id, next.ElementId, next.DueAt));
        }

        Trigger(owner, node);
    }

    /// <summary>A message matched a subscription.</summary>
    public void DeliverMessage(Subscription subscription)
    {
        var owner = FindToken(subscription.TokenId)!;
        var node = definition.Nodes[subscription.ElementId];
        if (node is not BoundaryEvent { CancelActivity: false })
        {
            subscriptions.Remove(subscription);
            effects.Add(new MessageSubscriptionClosed(subscription.Id));
        }

        Trigger(owner, node);
    }

    /// <summary>The event <paramref name="node"/>, armed by <paramref name="owner"/>, happened.</summary>
    private void Trigger(Token owner, FlowNode node)
    {
        switch (node)
        {
            case BoundaryEvent boundary:
                if (boundary.CancelActivity)
                {
                    RemoveToken(owner, cancelled: true);
                }

                agenda.Enqueue(NewToken(boundary.Id, owner.ScopeId, arrivedVia: null).Id);
                break;
            case var _ when owner.Wait == WaitKind.EventGateway:
                // The first event wins; the gateway's other timers and subscriptions go.
                CancelTimersAndSubscriptions(owner.Id);
                tokens.Remove(owner);
                effects.Add(new ElementLeft(owner.ElementId));
                var flow = definition.Nodes[owner.ElementId].Outgoing.First(f => definition.Flows[f].TargetId == node.Id);
                var arrived = NewToken(node.Id, owner.ScopeId, flow);
                effects.Add(new ElementEntered(node.Id, node.ElementType));
                LeaveNode(arrived);
                break;
            default:
                Complete(owner);
                return;
        }

        Drain();
    }

    private bool TryFirstDue(Token token, TimerDefinition timer, out DateTimeOffset due, out int? remaining, out string? interval)
    {
        due = default;
        remaining = null;
        interval = null;
        if (!TryEvaluateText(token, timer.Expression, out var text) || text is null)
        {
            if (FindToken(token.Id) is not { Wait: WaitKind.Incident })
            {
                RaiseIncident(token, $"The timer of '{token.ElementId}' has no value.");
            }

            return false;
        }

        switch (timer.Kind)
        {
            case TimerKind.Duration when Iso8601.TryParseDuration(text, out var duration):
                due = duration.AddTo(now);
                return true;
            case TimerKind.Date when Iso8601.TryParseDateTime(text, out var date):
                due = date;
                return true;
            case TimerKind.Cycle when Iso8601.TryParseCycle(text, out var cycle):
                due = cycle.FirstDue(now);
                remaining = cycle.Repetitions;
                interval = cycle.Interval.ToString();
                return true;
            default:
                RaiseIncident(token, $"The timer of '{token.ElementId}' is not a valid ISO 8601 {timer.Kind.ToString().ToLowerInvariant()}: '{text}'.");
                return false;
        }
    }
}
