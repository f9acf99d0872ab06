using System.Globalization;

namespace Casework.Web.Features.Api;

/// <summary>Dates as the screens show them: stored as <c>yyyy-MM-dd</c> (or an end-of-day timestamp), shown as <c>2 Mar 2026</c>.</summary>
public static class Dates
{
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The date at the start of a stored date or timestamp; null when there is none.</summary>
    public static DateOnly? Parse(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    public static string? Show(string? text) => Parse(text)?.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>Whole days from today to the date; negative once it has passed.</summary>
    public static int? DaysLeft(string? text, DateOnly today) => Parse(text) is { } date ? date.DayNumber - today.DayNumber : null;
}
