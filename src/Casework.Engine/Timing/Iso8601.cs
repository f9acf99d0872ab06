using System.Globalization;
using System.Text.RegularExpressions;

namespace Casework.Engine.Timing;

/// <summary>Parses the ISO 8601 forms BPMN timers use: durations, date-times and repeating cycles.</summary>
public static partial class Iso8601
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    [GeneratedRegex(
        @"^P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+(?:[.,]\d{1,7})?)S)?)?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex DurationPattern();

    public static bool TryParseDuration(string? text, out IsoDuration duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || match.Length == 1 || text.Trim().EndsWith('T'))
        {
            return false;
        }

        try
        {
            var seconds = match.Groups["s"].Success
                ? decimal.Parse(match.Groups["s"].Value.Replace(',', '.'), CultureInfo.InvariantCulture)
                : 0m;
            var time = TimeSpan.FromHours(Part(match, "h"))
                + TimeSpan.FromMinutes(Part(match, "mi"))
                + TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            duration = new IsoDuration(Part(match, "y"), Part(match, "mo"), Part(match, "w"), Part(match, "d"), time);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }

        static int Part(Match match, string group) =>
            match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Parses a date-time; one without an offset is taken as UTC, a bare date as midnight UTC.</summary>
    public static bool TryParseDateTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(
            text?.Trim(),
            DateFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);

    public static bool TryParseCycle(string? text, out IsoCycle cycle)
    {
        cycle = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[0][0] != 'R')
        {
            return false;
        }

        int? repetitions = null;
        if (parts[0].Length > 1)
        {
            if (!int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }

            repetitions = n;
        }

        DateTimeOffset? start = null;
        if (parts.Length == 3)
        {
            if (!TryParseDateTime(parts[1], out var s))
            {
                return false;
            }

            start = s;
        }

        if (!TryParseDuration(parts[^1], out var interval) || interval.IsZero)
        {
            return false;
        }

        cycle = new IsoCycle(repetitions, start, interval);
        return true;
    }
}
