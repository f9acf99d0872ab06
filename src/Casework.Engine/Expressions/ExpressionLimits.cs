namespace Casework.Engine.Expressions;

/// <summary>The sandbox's limits for one evaluation, and the parse cache's size.</summary>
public sealed record ExpressionLimits
{
    public int MaxStatements { get; init; } = 10_000;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(250);
    public long MaxMemoryBytes { get; init; } = 4 * 1024 * 1024;
    public int MaxRecursionDepth { get; init; } = 64;
    public int MaxCachedScripts { get; init; } = 4096;
}
