namespace Casework.Domain.Deadlines;

/// <summary>An office's working days: its weekend days and public holidays.</summary>
public sealed record OfficeCalendar(string OfficeCode, IReadOnlySet<DayOfWeek> WeekendDays, IReadOnlyDictionary<DateOnly, string> Holidays)
{
    public static OfficeCalendar Standard(string officeCode, IReadOnlyDictionary<DateOnly, string>? holidays = null) =>
        new(officeCode, new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday }, holidays ?? new Dictionary<DateOnly, string>());

    public bool IsWorkingDay(DateOnly day) => !WeekendDays.Contains(day.DayOfWeek) && !Holidays.ContainsKey(day);

    /// <summary>Why a day is not a working day, or null when it is one.</summary>
    public string? Closure(DateOnly day) =>
        Holidays.TryGetValue(day, out var holiday) ? $"a holiday ({holiday}, office {OfficeCode} calendar)"
        : WeekendDays.Contains(day.DayOfWeek) ? $"a {day.DayOfWeek} (office {OfficeCode} weekend)"
        : null;
}
