namespace Casework.Domain.Cases;

/// <summary>A name as written in the person's documents, with its transliterations.</summary>
public sealed record PersonName(string Given, string Family, IReadOnlyList<string> Transliterations);

/// <summary>A date of birth that may be approximate (only the year, or an estimate).</summary>
public sealed record BirthDate(DateOnly Date, bool Approximate)
{
    public int AgeOn(DateOnly day) => day.Year - Date.Year - (day.DayOfYear < Date.DayOfYear ? 1 : 0);
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
