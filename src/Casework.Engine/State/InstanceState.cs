using System.Text.Json;
using Casework.Engine.Model;

namespace Casework.Engine.State;

public enum InstanceStatus
{
    Running,
    Completed,
    Cancelled,
    Faulted,
}

/// <summary>What a token is waiting for at its element.</summary>
public enum WaitKind
{
    /// <summary>Not waiting: only seen while a command runs.</summary>
    None,
    UserTask,
    ServiceTask,
    Message,
    Timer,
    EventGateway,
    Join,
    SubProcess,
    Child,
    Incident,
}

/// <summary>
/// A token: where execution rests inside one scope instance. <see cref="WaitRef"/> names what it waits for
/// (a task, scope or child id); <see cref="ArrivedVia"/> is the flow by which it reached a join.
/// </summary>
public sealed record Token(string Id, string ElementId, string ScopeId, WaitKind Wait, string? WaitRef = null, string? ArrivedVia = null);

/// <summary>An instance of an embedded sub-process: its tokens carry <see cref="Id"/> as their scope.</summary>
public sealed record ScopeInstance(string Id, string ElementId, string ParentScopeId, string ParentTokenId);

public enum TaskKind
{
    User,
    Service,
}

/// <summary>An open user or service task.</summary>
public sealed record OpenTask(string Id, string ElementId, string TokenId, TaskKind Kind);

/// <summary>
/// A scheduled timer. <see cref="TokenId"/> is the token it belongs to (the activity's token for a boundary
/// timer, the waiting token for a catch event or event-based gateway). <see cref="Remaining"/> counts the
/// firings left for a cycle (null: unbounded).
/// </summary>
public sealed record TimerState(string Id, string ElementId, string TokenId, DateTimeOffset DueAt, int? Remaining = null, string? Interval = null);

/// <summary>A waiting message subscription, keyed by message name and correlation key.</summary>
public sealed record Subscription(string Id, string ElementId, string TokenId, string MessageName, string? CorrelationKey);

/// <summary>A child instance started by a call activity.</summary>
public sealed record ChildInstance(string Id, string ElementId, string TokenId);

/// <summary>A problem that stopped a token; retrying re-runs its element.</summary>
public sealed record Incident(string Id, string ElementId, string TokenId, string Message);

/// <summary>
/// The complete state of one process instance: immutable, compact, serialised with
/// <see cref="InstanceStateSerializer"/>. It references element ids of exactly <see cref="Definition"/>.
/// </summary>
public sealed record InstanceState
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string InstanceId { get; init; }
    public required DefinitionKey Definition { get; init; }
    public InstanceStatus Status { get; init; }
    public IReadOnlyList<Token> Tokens { get; init; } = [];
    public IReadOnlyList<ScopeInstance> Scopes { get; init; } = [];
    public IReadOnlyDictionary<string, JsonElement> Variables { get; init; } = Empty;
    public IReadOnlyList<OpenTask> Tasks { get; init; } = [];
    public IReadOnlyList<TimerState> Timers { get; init; } = [];
    public IReadOnlyList<Subscription> Subscriptions { get; init; } = [];
    public IReadOnlyList<ChildInstance> Children { get; init; } = [];
    public IReadOnlyList<Incident> Incidents { get; init; } = [];

    /// <summary>Ids handed out so far; ids are derived from it, so replaying a command gives the same ids.</summary>
    public long Sequence { get; init; }

    /// <summary>For a faulted instance: the error code that ended it, if any.</summary>
    public string? FaultCode { get; init; }

    public bool IsFinished => Status != InstanceStatus.Running;

    private static readonly IReadOnlyDictionary<string, JsonElement> Empty = new Dictionary<string, JsonElement>();
}
