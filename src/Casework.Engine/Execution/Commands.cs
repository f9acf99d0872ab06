using System.Text.Json;
using Casework.Engine.Migration;

namespace Casework.Engine.Execution;

/// <summary>A request to change an instance. Each is checked; a refused one leaves the state unchanged.</summary>
public abstract record WorkflowCommand;

/// <summary>Starts a new instance at the none start event, or at <see cref="StartEventId"/> (a message or timer start).</summary>
public sealed record StartInstance(string InstanceId, IReadOnlyDictionary<string, JsonElement>? Variables = null, string? StartEventId = null)
    : WorkflowCommand;

/// <summary>Completes an open user task; <see cref="Variables"/> are merged into the instance's variables.</summary>
public sealed record CompleteTask(string TaskId, IReadOnlyDictionary<string, JsonElement>? Variables = null) : WorkflowCommand;

/// <summary>The host finished a service task's work.</summary>
public sealed record CompleteServiceTask(string TaskId, IReadOnlyDictionary<string, JsonElement>? Variables = null) : WorkflowCommand;

/// <summary>
/// The host's work for a service task failed. With an <see cref="ErrorCode"/> it is a BPMN error that a boundary
/// error event may catch; without one it is an incident.
/// </summary>
public sealed record FailServiceTask(string TaskId, string Message, string? ErrorCode = null) : WorkflowCommand;

/// <summary>Delivers a message to the subscription waiting for <see cref="MessageName"/> and <see cref="CorrelationKey"/>.</summary>
public sealed record CorrelateMessage(string MessageName, string? CorrelationKey, IReadOnlyDictionary<string, JsonElement>? Variables = null)
    : WorkflowCommand;

public sealed record FireTimer(string TimerId) : WorkflowCommand;

/// <summary>A child started by a call activity completed with these variables.</summary>
public sealed record ChildCompleted(string ChildInstanceId, IReadOnlyDictionary<string, JsonElement>? Variables = null) : WorkflowCommand;

/// <summary>A child started by a call activity faulted, with the BPMN error code that ended it if any.</summary>
public sealed record ChildFaulted(string ChildInstanceId, string Message, string? ErrorCode = null) : WorkflowCommand;

/// <summary>Re-runs the element an incident stopped at.</summary>
public sealed record RetryIncident(string IncidentId) : WorkflowCommand;

public sealed record CancelInstance(string Reason) : WorkflowCommand;

/// <summary>
/// Merges <see cref="Variables"/> into the instance's variables without moving any token: what the host learnt about
/// the case outside a task (a supervisor's override, say) for the elements that read them later.
/// </summary>
public sealed record SetVariables(IReadOnlyDictionary<string, JsonElement> Variables) : WorkflowCommand;

/// <summary>
/// Moves the instance to <see cref="Target"/>, another version of its process, as <see cref="Plan"/> maps its
/// elements; refused with the reasons when any active element cannot move.
/// </summary>
public sealed record MigrateInstance(MigrationPlan Plan, Model.ProcessDefinition Target) : WorkflowCommand;
