namespace Casework.Engine.Model;

public abstract record EventDefinition;

public enum TimerKind { Duration, Date, Cycle }

/// <summary>
/// A timer: <see cref="Expression"/> is an ISO 8601 duration (<c>P30D</c>), date-time
/// (<c>2026-12-01T09:00:00Z</c>) or repeating cycle (<c>R3/PT10M</c>), or a <c>${...}</c>
/// expression that yields one.
/// </summary>
public sealed record TimerDefinition(TimerKind Kind, string Expression) : EventDefinition;

/// <summary>
/// A message event. <see cref="CorrelationKey"/> is an expression evaluated when the subscription opens;
/// a message correlates when its name and key match.
/// </summary>
public sealed record MessageDefinition(string MessageName, string? CorrelationKey) : EventDefinition
{
    public string? MessageRef { get; init; }
}

/// <summary>
/// An error. On an error end event it is thrown; on a boundary event it catches errors with the same
/// <see cref="ErrorCode"/>, or every error when the code is null.
/// </summary>
public sealed record ErrorDefinition(string? ErrorCode) : EventDefinition
{
    public string? ErrorRef { get; init; }
    public string? Name { get; init; }

    /// <summary>On a boundary event: the variable that keeps the code of the error it caught (<c>cw:errorCodeVariable</c>).</summary>
    public string? CodeVariable { get; init; }

    /// <summary>
    /// On a boundary event: the variable that keeps the message of the error it caught (<c>cw:errorMessageVariable</c>), such as
    /// why a service task refused, for the task that follows to show.
    /// </summary>
    public string? MessageVariable { get; init; }
}
