namespace Casework.Domain.Deadlines;

/// <summary>A date computed by a rule pack, with each step of how it was computed, for people to read.</summary>
public sealed record ComputedDate(DateOnly Date, IReadOnlyList<string> Steps)
{
    public string Explanation => string.Join("; ", Steps);
}
