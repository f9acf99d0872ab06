namespace Casework.Domain.Deadlines;

/// <summary>
/// An office's working days: its weekend days, its holidays on a given date, and its holidays kept every year on the same
/// month and day (<see cref="AnnualHolidays"/>, keyed by month and day; never 29 February). A dated holiday's name wins
/// where both fall on one day.
/// </summary>
public sealed record OfficeCalendar(string OfficeCode, IReadOnlySet<DayOfWeek> WeekendDays, IReadOnlyDictionary<DateOnly, string> Holidays)
{
    public IReadOnlyDictionary<(int Month, int Day), string> AnnualHolidays { get; init; } = new Dictionary<(int Month, int Day), string>();

    public static OfficeCalendar Standard(string officeCode, IReadOnlyDictionary<DateOnly, string>? holidays = null) =>
        new(officeCode, new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday }, holidays ?? new Dictionary<DateOnly, string>());

    public bool IsWorkingDay(DateOnly day) => Closure(day) is null;

    /// <summary>Why a day is not a working day, or null when it is one.</summary>
    public string? Closure(DateOnly day) =>
        Holidays.TryGetValue(day, out var holiday) ? $"a holiday ({holiday}, office {OfficeCode} calendar)"
        : AnnualHolidays.TryGetValue((day.Month, day.Day), out var annual) ? $"a holiday ({annual}, every year, office {OfficeCode} calendar)"
        : WeekendDays.Contains(day.DayOfWeek) ? $"a {day.DayOfWeek} (office {OfficeCode} weekend)"
        : null;
}
