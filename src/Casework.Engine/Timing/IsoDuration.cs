using System.Globalization;
using System.Text;

namespace Casework.Engine.Timing;

/// <summary>
/// An ISO 8601 duration (<c>P1Y2M3W4DT5H6M7.5S</c>). Calendar parts (years, months, weeks, days) are added
/// on the calendar; the time part is an exact <see cref="TimeSpan"/>.
/// </summary>
public readonly record struct IsoDuration(int Years, int Months, int Weeks, int Days, TimeSpan Time)
{
    public bool IsZero => Years == 0 && Months == 0 && Weeks == 0 && Days == 0 && Time == TimeSpan.Zero;

    /// <summary>The same duration backwards: <c>d.Negate().AddTo(d.AddTo(t))</c> is <c>t</c> for time-only durations.</summary>
    public IsoDuration Negate() => new(-Years, -Months, -Weeks, -Days, -Time);

    public DateTimeOffset AddTo(DateTimeOffset instant) =>
        instant.AddYears(Years).AddMonths(Months).AddDays((Weeks * 7) + Days).Add(Time);

    public override string ToString()
    {
        if (IsZero)
        {
            return "PT0S";
        }

        var text = new StringBuilder("P");
        Append(text, Years, 'Y');
        Append(text, Months, 'M');
        Append(text, Weeks, 'W');
        Append(text, Days, 'D');
        if (Time != TimeSpan.Zero)
        {
            text.Append('T');
            Append(text, (int)Time.TotalHours, 'H');
            Append(text, Time.Minutes, 'M');
            var seconds = Time.Seconds + (Time.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
            if (seconds != 0)
            {
                text.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('S');
            }
        }

        return text.ToString();

        static void Append(StringBuilder text, int value, char unit)
        {
            if (value != 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }
}

/// <summary>
/// An ISO 8601 repeating interval: <c>R3/PT10M</c>, <c>R/P1D</c> (unbounded) or
/// <c>R2/2026-01-01T09:00:00Z/PT1H</c> (with a start). <see cref="Repetitions"/> is null when unbounded.
/// </summary>
public readonly record struct IsoCycle(int? Repetitions, DateTimeOffset? Start, IsoDuration Interval)
{
    /// <summary>The first firing: the start when given and not past, otherwise one interval after <paramref name="now"/>.</summary>
    public DateTimeOffset FirstDue(DateTimeOffset now) =>
        Start is { } start && start >= now ? start : Interval.AddTo(now);

    /// <summary>The firing after one that happened at <paramref name="previousDue"/>.</summary>
    public DateTimeOffset NextDue(DateTimeOffset previousDue) => Interval.AddTo(previousDue);
}
