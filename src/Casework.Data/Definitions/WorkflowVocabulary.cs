namespace Casework.Data.Definitions;

/// <summary>
/// The host's names that workflow definitions may use, checked at validation and publication: the stages a
/// <c>cw:stage</c> attribute may name. Null accepts any name (a host that keeps no stages).
/// </summary>
public sealed class WorkflowVocabulary
{
    public IReadOnlySet<string>? Stages { get; init; }
}
