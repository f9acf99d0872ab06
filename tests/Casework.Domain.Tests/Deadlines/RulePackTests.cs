using Casework.Domain.Cases;
using Casework.Domain.Deadlines;

namespace Casework.Domain.Tests.Deadlines;

public sealed class RulePackTests
{
    private static readonly OfficeCalendar Nairobi = OfficeCalendar.Standard("NBO", new Dictionary<DateOnly, string>
    {
        [new DateOnly(2026, 4, 1)] = "Office closure",
        [new DateOnly(2026, 6, 1)] = "Madaraka Day",
    });

    [Fact]
    public void AppealDeadline_IsThirtyDaysAfterNotification_AndExplainsItself()
    {
        var deadline = RulePack.UnhcrMandate.AppealDeadline(new DateOnly(2026, 2, 2), Nairobi);

        Assert.Equal(new DateOnly(2026, 3, 4), deadline.Date);
        Assert.Equal("Notified 2026-02-02; appeal window 30 calendar days (UNHCR mandate) → 2026-03-04", deadline.Explanation);
    }

    [Fact]
    public void AppealDeadline_OnAHolidayThenAWeekend_MovesToTheNextWorkingDay_SayingWhy()
    {
        // 2026-03-02 + 30 days = 2026-04-01 (a holiday, Wednesday) → 2026-04-02.
        var deadline = RulePack.UnhcrMandate.AppealDeadline(new DateOnly(2026, 3, 2), Nairobi);

        Assert.Equal(new DateOnly(2026, 4, 2), deadline.Date);
        Assert.Contains("2026-04-01 is a holiday (Office closure, office NBO calendar) → 2026-04-02", deadline.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void AppealDeadline_OnAHolidayKeptEveryYear_MovesInEveryYear_SayingSo()
    {
        var calendar = Nairobi with { AnnualHolidays = new Dictionary<(int Month, int Day), string> { [(6, 1)] = "Madaraka Day (annual)" } };

        // 2027-05-02 + 30 days = Tuesday 2027-06-01: no dated holiday that year, the annual one closes the office.
        var deadline = RulePack.UnhcrMandate.AppealDeadline(new DateOnly(2027, 5, 2), calendar);
        // 2026-06-01 holds both: the dated holiday's name is the one given.
        var dated = RulePack.UnhcrMandate.AppealDeadline(new DateOnly(2026, 5, 2), calendar);

        Assert.Equal(new DateOnly(2027, 6, 2), deadline.Date);
        Assert.Contains("2027-06-01 is a holiday (Madaraka Day (annual), every year, office NBO calendar) → 2027-06-02", deadline.Explanation, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 6, 2), dated.Date);
        Assert.Contains("2026-06-01 is a holiday (Madaraka Day, office NBO calendar)", dated.Explanation, StringComparison.Ordinal);
        Assert.False(calendar.IsWorkingDay(new DateOnly(2028, 6, 1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2028, 6, 2)));
    }

    [Fact]
    public void AppealDeadline_OnASaturday_MovesToMonday()
    {
        var deadline = RulePack.UnhcrMandate.AppealDeadline(new DateOnly(2026, 3, 5), Nairobi); // +30 = Sat 2026-04-04

        Assert.Equal(new DateOnly(2026, 4, 6), deadline.Date);
        Assert.Contains("2026-04-04 is a Saturday (office NBO weekend) → 2026-04-05", deadline.Explanation, StringComparison.Ordinal);
        Assert.Contains("2026-04-05 is a Sunday (office NBO weekend) → 2026-04-06", deadline.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2026, 3, 4, AppealTiming.InTime)]
    [InlineData(2026, 3, 5, AppealTiming.LateWithinGrace)]
    [InlineData(2026, 4, 15, AppealTiming.LateWithinGrace)]
    [InlineData(2026, 4, 16, AppealTiming.TooLate)]
    public void AppealTiming_HasAThirtyDayWindowAndSixWeeksOfGrace(int year, int month, int day, AppealTiming expected)
    {
        Assert.Equal(expected, RulePack.UnhcrMandate.AppealTiming(new DateOnly(2026, 2, 2), new DateOnly(year, month, day), Nairobi));
    }

    [Fact]
    public void AnOfficeOverride_ChangesTheWindow()
    {
        var national = RulePack.UnhcrMandate with { Name = "National rule pack", AppealWindowDays = 15, MoveDeadlinesToNextWorkingDay = false };

        var deadline = national.AppealDeadline(new DateOnly(2026, 3, 2), Nairobi);

        Assert.Equal(new DateOnly(2026, 3, 17), deadline.Date);
        Assert.Contains("15 calendar days (National rule pack)", deadline.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProcessingTrack.Regular, 2026, 9, 2)]
    [InlineData(ProcessingTrack.Accelerated, 2026, 4, 2)] // 2026-04-01 is a holiday
    [InlineData(ProcessingTrack.Simplified, 2026, 5, 1)]
    public void InterviewTarget_IsShorterOnTheAcceleratedTrack(ProcessingTrack track, int year, int month, int day)
    {
        var target = RulePack.UnhcrMandate.InterviewTarget(new DateOnly(2026, 3, 2), track, Nairobi);

        Assert.Equal(new DateOnly(year, month, day), target.Date);
        Assert.StartsWith("Registered 2026-03-02", target.Explanation, StringComparison.Ordinal);
    }
}
