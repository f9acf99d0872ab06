namespace Casework.Data.Runtime.Records;

public enum InstanceStatus
{
    Running = 0,
    Completed = 1,
    Faulted = 2,
    Cancelled = 3,
    Suspended = 4,
}

/// <summary>
/// A running or finished process instance: pinned to one definition version, its engine state as a JSON
/// document, and <see cref="Revision"/> as the optimistic concurrency token every command increments.
/// </summary>
public sealed class WorkflowInstanceRecord
{
    public Guid Id { get; set; }
    public long DefinitionId { get; set; }
    public required string ProcessId { get; set; }
    public int Version { get; set; }

    /// <summary>The business key: the case id for case workflows.</summary>
    public string? BusinessKey { get; set; }

    public InstanceStatus Status { get; set; }
    public required string State { get; set; }
    public long Revision { get; set; }
    public Guid? ParentInstanceId { get; set; }
    public string? ParentElementId { get; set; }

    /// <summary>For a child started by a call activity: the parent's engine id for it (e.g. <c>{parent}.c4</c>).</summary>
    public string? ParentChildId { get; set; }
    public bool HasIncident { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>An append-only record of one command on an instance: who, when, what, and what it caused.</summary>
public sealed class JournalEntryRecord
{
    public long Id { get; set; }
    public Guid InstanceId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Command { get; set; }

    /// <summary>The command's parameters as JSON (ids and outcome, never form data).</summary>
    public string? Details { get; set; }

    /// <summary>The effects the engine returned, as JSON.</summary>
    public string? Effects { get; set; }

    public long Revision { get; set; }
}

/// <summary>A problem that stopped an instance at an element until someone retries or resolves it.</summary>
public sealed class IncidentRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public required string ElementId { get; set; }

    /// <summary>The engine's id for the incident within the instance (used to retry it).</summary>
    public required string IncidentRef { get; set; }

    public required string Error { get; set; }
    public int Retries { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }
}
