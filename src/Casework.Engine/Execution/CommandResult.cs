using Casework.Engine.State;

namespace Casework.Engine.Execution;

/// <summary>Why a command was refused. The state is unchanged.</summary>
public enum RejectionReason
{
    InstanceFinished,
    AlreadyStarted,
    DefinitionMismatch,
    NoStartEvent,
    TaskNotOpen,
    NoSubscription,
    TimerNotScheduled,
    ChildUnknown,
    IncidentUnknown,
    MigrationNotPossible,
}

/// <summary>The outcome of a command: accepted with the new state and its effects, or rejected with a reason.</summary>
public sealed record CommandResult
{
    private CommandResult(InstanceState? state, IReadOnlyList<WorkflowEffect> effects, RejectionReason? rejection, string? message)
    {
        State = state;
        Effects = effects;
        Rejection = rejection;
        Message = message;
    }

    /// <summary>The new state when accepted; the unchanged input state (possibly null) when rejected.</summary>
    public InstanceState? State { get; }

    public IReadOnlyList<WorkflowEffect> Effects { get; }

    public RejectionReason? Rejection { get; }

    public string? Message { get; }

    public bool Accepted => Rejection is null;

    public static CommandResult Accept(InstanceState state, IReadOnlyList<WorkflowEffect> effects) => new(state, effects, null, null);

    public static CommandResult Reject(InstanceState? state, RejectionReason reason, string message) => new(state, [], reason, message);
}
