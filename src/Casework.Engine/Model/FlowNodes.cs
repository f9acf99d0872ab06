namespace Casework.Engine.Model;

/// <summary>
/// A node of a process graph: an event, an activity or a gateway. Ids are unique within a definition,
/// across all scopes. <see cref="ScopeId"/> is the id of the embedded sub-process that contains the node,
/// or null at process level. <see cref="Line"/> is the line in the BPMN XML where the element starts.
/// </summary>
public abstract record FlowNode
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? ScopeId { get; init; }
    public int? Line { get; init; }

    /// <summary>
    /// <c>cw:stage</c>: the host's name for the stage of the case while the process waits here (for example
    /// <c>Assessment</c>). The engine only carries it; hosts read it to keep their own records in step.
    /// </summary>
    public string? Stage { get; init; }

    public IReadOnlyList<string> Incoming { get; init; } = [];
    public IReadOnlyList<string> Outgoing { get; init; } = [];

    /// <summary>The BPMN element's local name, e.g. <c>userTask</c>, used in messages and validation.</summary>
    public abstract string ElementType { get; }
}

// ---------------------------------------------------------------- events

public sealed record StartEvent : FlowNode
{
    /// <summary>Null for a none start event; otherwise a message or timer definition.</summary>
    public EventDefinition? Trigger { get; init; }
    public override string ElementType => "startEvent";
}

public enum EndEventKind { None, Terminate, Error }

public sealed record EndEvent : FlowNode
{
    public EndEventKind Kind { get; init; }
    /// <summary>For an error end event: the error thrown.</summary>
    public ErrorDefinition? Error { get; init; }
    public override string ElementType => "endEvent";
}

/// <summary>An intermediate timer or message catch event.</summary>
public sealed record IntermediateCatchEvent : FlowNode
{
    public required EventDefinition Trigger { get; init; }
    public override string ElementType => "intermediateCatchEvent";
}

public sealed record BoundaryEvent : FlowNode
{
    public required string AttachedToId { get; init; }
    /// <summary>True for an interrupting event (BPMN <c>cancelActivity</c>, default true).</summary>
    public bool CancelActivity { get; init; } = true;
    public required EventDefinition Trigger { get; init; }
    public override string ElementType => "boundaryEvent";
}

// ---------------------------------------------------------------- activities

public abstract record Activity : FlowNode
{
    /// <summary>Ids of the boundary events attached to this activity, in document order.</summary>
    public IReadOnlyList<string> BoundaryEventIds { get; init; } = [];
}

public sealed record UserTask : Activity
{
    public IReadOnlyList<string> CandidateRoles { get; init; } = [];
    public IReadOnlyList<string> CandidateUsers { get; init; } = [];
    /// <summary>Literal user name or a <c>${...}</c> expression.</summary>
    public string? Assignee { get; init; }
    public string? FormKey { get; init; }
    /// <summary>ISO 8601 duration or date, or a <c>${...}</c> expression that yields one.</summary>
    public string? Due { get; init; }
    /// <summary>An integer literal or a <c>${...}</c> expression that yields one.</summary>
    public string? Priority { get; init; }

    /// <summary>
    /// Four-eyes: ids of user tasks (in this instance or the instances that called it) whose completer may not
    /// complete this task — e.g. a review that the drafter may not do.
    /// </summary>
    public IReadOnlyList<string> FourEyesWith { get; init; } = [];

    /// <summary>
    /// What the person working the task is told (the task's <c>bpmn:documentation</c>): text in which each <c>${...}</c> is an
    /// expression over the instance's variables, filled in when the task is shown (see <see cref="Execution.ExpressionText.Template"/>).
    /// </summary>
    public string? Instructions { get; init; }

    public override string ElementType => "userTask";
}

public sealed record ServiceTask : Activity
{
    /// <summary>The key of the host handler that performs the work.</summary>
    public string? HandlerKey { get; init; }
    public override string ElementType => "serviceTask";
}

public sealed record ScriptTask : Activity
{
    public string? ScriptFormat { get; init; }
    public required string Script { get; init; }
    /// <summary>When set, the script's completion value is stored in this variable.</summary>
    public string? ResultVariable { get; init; }
    public override string ElementType => "scriptTask";
}

public sealed record ReceiveTask : Activity
{
    public required MessageDefinition Message { get; init; }
    public override string ElementType => "receiveTask";
}

/// <summary>An embedded sub-process: its child nodes carry <see cref="FlowNode.ScopeId"/> = this id.</summary>
public sealed record SubProcess : Activity
{
    public IReadOnlyList<string> ChildNodeIds { get; init; } = [];
    public override string ElementType => "subProcess";
}

public enum CallBinding { Latest, Version }

public sealed record CallActivity : Activity
{
    public required string CalledProcessId { get; init; }
    public CallBinding Binding { get; init; } = CallBinding.Latest;
    /// <summary>The pinned version when <see cref="Binding"/> is <see cref="CallBinding.Version"/>.</summary>
    public int? CalledVersion { get; init; }
    /// <summary>Parent → child variables at start. Empty with <see cref="PassAllVariables"/> false means none.</summary>
    public IReadOnlyList<VariableMapping> Inputs { get; init; } = [];
    /// <summary>Child → parent variables at completion.</summary>
    public IReadOnlyList<VariableMapping> Outputs { get; init; } = [];
    public bool PassAllVariables { get; init; }
    public override string ElementType => "callActivity";
}

/// <summary>Copies <see cref="Source"/> (a variable name, or a <c>${...}</c> expression) into <see cref="Target"/>.</summary>
public sealed record VariableMapping(string Source, string Target);

// ---------------------------------------------------------------- gateways

public abstract record Gateway : FlowNode;

public sealed record ExclusiveGateway : Gateway
{
    public string? DefaultFlowId { get; init; }
    public override string ElementType => "exclusiveGateway";
}

public sealed record InclusiveGateway : Gateway
{
    public string? DefaultFlowId { get; init; }
    public override string ElementType => "inclusiveGateway";
}

public sealed record ParallelGateway : Gateway
{
    public override string ElementType => "parallelGateway";
}

public sealed record EventBasedGateway : Gateway
{
    public override string ElementType => "eventBasedGateway";
}
