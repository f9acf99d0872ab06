using Casework.Engine.Model;

namespace Casework.Engine.Migration;

/// <summary>
/// How instances of <see cref="Source"/> move to <see cref="Target"/>: <see cref="ElementMapping"/> maps source
/// element (and sequence flow) ids to target ids; an id not in it maps to the same id.
/// </summary>
public sealed record MigrationPlan(DefinitionKey Source, DefinitionKey Target, IReadOnlyDictionary<string, string>? ElementMapping = null)
{
    public string Map(string sourceId) =>
        ElementMapping is not null && ElementMapping.TryGetValue(sourceId, out var target) ? target : sourceId;
}

/// <summary>Why an instance cannot move, naming the active element.</summary>
public sealed record MigrationProblem(string ElementId, string Message);

public enum MigrationChangeKind
{
    TokenMoved,
    TaskKept,
    TimerKept,
    TimerRecomputed,
    TimerAdded,
    TimerRemoved,
    SubscriptionKept,
    SubscriptionAdded,
    SubscriptionRemoved,
    ChildKept,
}

/// <summary>What migrating does to one active element.</summary>
public sealed record MigrationChange(MigrationChangeKind Kind, string SourceElementId, string TargetElementId, string Description);

/// <summary>The dry-run answer for one instance: whether it can move, why not, and what would change.</summary>
public sealed record MigrationReport(
    string InstanceId,
    bool CanMigrate,
    IReadOnlyList<MigrationProblem> Problems,
    IReadOnlyList<MigrationChange> Changes);
