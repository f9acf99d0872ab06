namespace Casework.Data.Runtime.Records;

public enum WorkItemStatus
{
    Open = 0,
    Completed = 1,
    Cancelled = 2,
}

/// <summary>
/// A human task: one per open user task. The case's office, track and priority are copied in so queue
/// queries need no join; <see cref="Candidates"/> rows carry the sort columns for role queues.
/// </summary>
public sealed class WorkItemRecord
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }

    /// <summary>The engine's task id, unique within the instance.</summary>
    public required string TaskId { get; set; }

    public required string ElementId { get; set; }
    public string? Name { get; set; }
    public string? FormKey { get; set; }

    /// <summary>Candidate roles, comma-separated, for display; queries use <see cref="Candidates"/>.</summary>
    public string? CandidateRoles { get; set; }

    public string? CandidateUsers { get; set; }
    public string? Assignee { get; set; }
    public int Priority { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public WorkItemStatus Status { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public string? CaseId { get; set; }
    public string? CaseOffice { get; set; }
    public string? CaseTrack { get; set; }
    public int CasePriority { get; set; }
    public long Revision { get; set; }
    public List<WorkItemCandidateRecord> Candidates { get; set; } = [];
}

/// <summary>One candidate role of an open work item, with the queue's filter and sort columns.</summary>
public sealed class WorkItemCandidateRecord
{
    public Guid WorkItemId { get; set; }
    public required string Role { get; set; }
    public string? CaseOffice { get; set; }
    public int Priority { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public WorkItemStatus Status { get; set; }
}
