using System.Text.Json;
using Casework.Engine.Model;

namespace Casework.Engine.Execution;

/// <summary>Something the host must do or record because of a command; all applied in one transaction.</summary>
public abstract record WorkflowEffect;

public sealed record TaskOpened(
    string TaskId,
    string ElementId,
    string? Name,
    IReadOnlyList<string> CandidateRoles,
    IReadOnlyList<string> CandidateUsers,
    string? Assignee,
    string? FormKey,
    DateTimeOffset? DueAt,
    int Priority) : WorkflowEffect;

public enum TaskCloseReason
{
    Completed,
    Cancelled,
}

public sealed record TaskClosed(string TaskId, string ElementId, TaskCloseReason Reason) : WorkflowEffect;

/// <summary>A migration moved an open task to another element id; the task itself is unchanged.</summary>
public sealed record TaskMoved(string TaskId, string ElementId) : WorkflowEffect;

/// <summary>The instance now runs on another version of its process.</summary>
public sealed record InstanceMigrated(DefinitionKey From, DefinitionKey To) : WorkflowEffect;

public sealed record TimerScheduled(string TimerId, string ElementId, DateTimeOffset DueAt) : WorkflowEffect;

public sealed record TimerCancelled(string TimerId) : WorkflowEffect;

public sealed record MessageSubscriptionOpened(string SubscriptionId, string ElementId, string MessageName, string? CorrelationKey)
    : WorkflowEffect;

public sealed record MessageSubscriptionClosed(string SubscriptionId) : WorkflowEffect;

/// <summary>The host runs the handler and answers with <see cref="CompleteServiceTask"/> or <see cref="FailServiceTask"/>.</summary>
public sealed record ServiceTaskInvoked(string TaskId, string ElementId, string? HandlerKey, IReadOnlyDictionary<string, JsonElement> Variables)
    : WorkflowEffect;

public sealed record ChildInstanceRequested(
    string ChildInstanceId,
    string ElementId,
    string CalledProcessId,
    CallBinding Binding,
    int? Version,
    IReadOnlyDictionary<string, JsonElement> Variables) : WorkflowEffect;

public sealed record ChildInstanceCancelled(string ChildInstanceId) : WorkflowEffect;

public sealed record IncidentRaised(string IncidentId, string ElementId, string Message) : WorkflowEffect;

public sealed record IncidentResolved(string IncidentId) : WorkflowEffect;

public sealed record InstanceCompleted(IReadOnlyDictionary<string, JsonElement> Variables) : WorkflowEffect;

public sealed record InstanceCancelled(string Reason) : WorkflowEffect;

/// <summary>The instance ended with an uncaught error: <see cref="ErrorCode"/> is the BPMN error's code, if any.</summary>
public sealed record InstanceFaulted(string Message, string? ErrorCode) : WorkflowEffect;

/// <summary>A journal line: an element entered or left, for the instance history.</summary>
public sealed record ElementEntered(string ElementId, string ElementType) : WorkflowEffect;

public sealed record ElementLeft(string ElementId) : WorkflowEffect;
