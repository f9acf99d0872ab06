namespace Casework.Engine.Model;

/// <summary>A sequence flow. <see cref="Condition"/> is a JavaScript expression (without <c>${}</c>).</summary>
public sealed record SequenceFlow
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public required string SourceId { get; init; }
    public required string TargetId { get; init; }
    public string? Condition { get; init; }
    public string? ScopeId { get; init; }
    public int? Line { get; init; }
}
