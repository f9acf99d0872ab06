namespace Casework.Data.Runtime;

/// <summary>How a runtime command ended. Only <see cref="Completed"/> changed anything.</summary>
public enum RuntimeOutcomeKind
{
    Completed,

    /// <summary>The engine refused the command (task not open, instance finished, ...); nothing changed.</summary>
    Rejected,

    /// <summary>Another command changed the instance first; nothing changed; reload and retry if still wanted.</summary>
    Conflict,

    /// <summary>The instance, task, timer or definition does not exist.</summary>
    NotFound,

    /// <summary>The input is invalid (unknown process, bad variables); nothing changed.</summary>
    Invalid,
}

/// <summary>The answer to a runtime command: the kind, a message for people, and the instance it touched.</summary>
public sealed record RuntimeOutcome(RuntimeOutcomeKind Kind, string Message, Guid? InstanceId = null, string? Reason = null)
{
    /// <summary>For <see cref="RuntimeOutcomeKind.Invalid"/> task data: what is wrong with each field.</summary>
    public IReadOnlyList<Engine.Forms.FieldError> Errors { get; init; } = [];

    public bool Succeeded => Kind == RuntimeOutcomeKind.Completed;

    public static RuntimeOutcome Done(Guid instanceId, string message = "Done.") => new(RuntimeOutcomeKind.Completed, message, instanceId);

    public static RuntimeOutcome NotFound(string message) => new(RuntimeOutcomeKind.NotFound, message);

    public static RuntimeOutcome Conflict(Guid instanceId) => new(
        RuntimeOutcomeKind.Conflict,
        "Someone else changed this case's workflow at the same time; nothing was saved. Reload and try again.",
        instanceId);
}
