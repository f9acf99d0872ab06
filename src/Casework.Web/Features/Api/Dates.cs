using System.Globalization;

namespace Casework.Web.Features.Api;

/// <summary>Dates as the screens show them: stored as <c>yyyy-MM-dd</c> (or an end-of-day timestamp), shown as <c>2 Mar 2026</c>.</summary>
public static class Dates
{
    private const string DayFormat = "d MMM yyyy";

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The date at the start of a stored date or timestamp; null when there is none.</summary>
    public static DateOnly? Parse(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    public static string? Show(string? text) => Parse(text) is { } date ? Show(date) : null;

    public static string Show(DateOnly date) => date.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>The day of a moment, in UTC (the screens show every time in UTC).</summary>
    public static string Show(DateTimeOffset at) => at.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>A moment to the minute, in UTC: <c>2 Mar 2026 14:05 UTC</c>.</summary>
    public static string ShowTime(DateTimeOffset at) => at.UtcDateTime.ToString(DayFormat + " HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Whole days from today to the date; negative once it has passed.</summary>
    public static int? DaysLeft(string? text, DateOnly today) => Parse(text) is { } date ? date.DayNumber - today.DayNumber : null;
}
