using System.Text;
using Casework.Engine.Execution;

namespace Casework.Data.Runtime;

/// <summary>
/// The journal's wording of commands and effects: types and ids only. Variables (which may hold personal data)
/// stay in the instance state and never go into the journal.
/// </summary>
internal static class JournalText
{
    public static string Describe(WorkflowCommand command) => command switch
    {
        StartInstance s => $"start {s.StartEventId ?? "(none start)"}",
        CompleteTask c => $"complete task {c.TaskId}",
        CompleteServiceTask c => $"service task {c.TaskId} done",
        FailServiceTask f => $"service task {f.TaskId} failed{(f.ErrorCode is null ? string.Empty : $" with error {f.ErrorCode}")}",
        CorrelateMessage m => $"message {m.MessageName}",
        FireTimer f => $"timer {f.TimerId}",
        ChildCompleted c => $"child {c.ChildInstanceId} completed",
        ChildFaulted c => $"child {c.ChildInstanceId} faulted{(c.ErrorCode is null ? string.Empty : $" with error {c.ErrorCode}")}",
        RetryIncident r => $"retry incident {r.IncidentId}",
        CancelInstance => "cancel",
        SetVariables v => $"set {string.Join(", ", v.Variables.Keys.Order(StringComparer.Ordinal))}",
        MigrateInstance m => $"migrate {m.Plan.Source} → {m.Plan.Target}",
        _ => command.GetType().Name,
    };

    public static string Describe(IReadOnlyList<WorkflowEffect> effects)
    {
        var text = new StringBuilder();
        foreach (var effect in effects)
        {
            var line = effect switch
            {
                TaskOpened t => $"task {t.TaskId} opened at {t.ElementId}",
                TaskClosed t => $"task {t.TaskId} {t.Reason.ToString().ToLowerInvariant()}",
                TimerScheduled t => $"timer {t.TimerId} at {t.ElementId} due {t.DueAt:O}",
                TimerCancelled t => $"timer {t.TimerId} cancelled",
                MessageSubscriptionOpened m => $"waiting for {m.MessageName} at {m.ElementId}",
                MessageSubscriptionClosed m => $"subscription {m.SubscriptionId} closed",
                ServiceTaskInvoked s => $"service {s.HandlerKey} at {s.ElementId}",
                ChildInstanceRequested c => $"child {c.ChildInstanceId} of {c.CalledProcessId}",
                ChildInstanceCancelled c => $"child {c.ChildInstanceId} cancelled",
                IncidentRaised i => $"incident {i.IncidentId} at {i.ElementId}",
                IncidentResolved i => $"incident {i.IncidentId} resolved",
                InstanceCompleted => "instance completed",
                InstanceCancelled => "instance cancelled",
                InstanceFaulted f => $"instance faulted{(f.ErrorCode is null ? string.Empty : $" with error {f.ErrorCode}")}",
                ElementEntered or ElementLeft => null,
                _ => effect.GetType().Name,
            };
            if (line is not null)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString().TrimEnd('\n');
    }
}
