namespace Casework.Domain.Cases;

/// <summary>A name as written in the person's documents, with its transliterations.</summary>
public sealed record PersonName(string Given, string Family, IReadOnlyList<string> Transliterations);

/// <summary>A date of birth that may be approximate (only the year, or an estimate).</summary>
public sealed record BirthDate(DateOnly Date, bool Approximate)
{
    /// <summary>
    /// Full years on <paramref name="day"/>, by month and day (not the day of the year, which a leap year shifts from March on:
    /// someone born on 1 March would turn a year older on 29 February). Born on 29 February, a year older on 1 March.
    /// </summary>
    public int AgeOn(DateOnly day) => day.Year - Date.Year - ((day.Month, day.Day).CompareTo((Date.Month, Date.Day)) < 0 ? 1 : 0);
}

/// <summary>The principal applicant or a dependant.</summary>
public sealed record Person(
    Guid Id,
    PersonName Name,
    BirthDate BirthDate,
    Sex Sex,
    IReadOnlyList<string> Nationalities,
    IReadOnlyList<string> Languages,
    IReadOnlySet<SpecificNeed> Needs,
    DetentionStatus Detention = DetentionStatus.None)
{
    public bool IsChildOn(DateOnly day) => BirthDate.AgeOn(day) < 18;
}
