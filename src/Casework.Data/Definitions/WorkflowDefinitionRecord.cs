namespace Casework.Data.Definitions;

/// <summary>Lifecycle of a stored workflow definition version.</summary>
public enum DefinitionStatus
{
    Draft = 0,
    Published = 1,
    Retired = 2,
}

/// <summary>
/// One version of a BPMN process. Published and retired versions are immutable apart from retirement;
/// a draft has version 0 until it is published.
/// </summary>
public sealed class WorkflowDefinitionRecord
{
    public long Id { get; set; }
    public required string ProcessId { get; set; }
    public int Version { get; set; }
    public DefinitionStatus Status { get; set; }
    public string? Name { get; set; }
    public required string BpmnXml { get; set; }
    public required string ContentHash { get; set; }
    public string? PublishedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? ReleaseNote { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
