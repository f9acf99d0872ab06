using Casework.Domain.Cases;

namespace Casework.Domain.Deadlines;

/// <summary>
/// The time limits of a procedure. <see cref="UnhcrMandate"/> is the default; an office may override any value
/// with <c>with</c>. Every date computed from a pack explains itself (<see cref="ComputedDate"/>).
/// </summary>
public sealed record RulePack
{
    public string Name { get; init; } = "UNHCR mandate";

    /// <summary>Calendar days from notification to the appeal deadline.</summary>
    public int AppealWindowDays { get; init; } = 30;

    /// <summary>A late appeal within this many days after the deadline is accepted with a recorded reason.</summary>
    public int LateAppealGraceDays { get; init; } = 42;

    /// <summary>Target from registration to the RSD interview, regular track.</summary>
    public int InterviewTargetMonths { get; init; } = 6;

    /// <summary>Target from registration to the RSD interview on the accelerated track, in days.</summary>
    public int AcceleratedInterviewTargetDays { get; init; } = 30;

    /// <summary>Target from registration to the interview on the simplified track, in days.</summary>
    public int SimplifiedInterviewTargetDays { get; init; } = 60;

    /// <summary>A deadline that falls on a weekend or holiday moves to the next working day.</summary>
    public bool MoveDeadlinesToNextWorkingDay { get; init; } = true;

    public static RulePack UnhcrMandate { get; } = new();

    public ComputedDate AppealDeadline(DateOnly notifiedOn, OfficeCalendar calendar)
    {
        var steps = new List<string>
        {
            $"Notified {notifiedOn:yyyy-MM-dd}",
            $"appeal window {AppealWindowDays} calendar days ({Name}) → {notifiedOn.AddDays(AppealWindowDays):yyyy-MM-dd}",
        };
        return new ComputedDate(MoveToWorkingDay(notifiedOn.AddDays(AppealWindowDays), calendar, steps), steps);
    }

    public ComputedDate LateAppealCutoff(DateOnly notifiedOn, OfficeCalendar calendar)
    {
        var deadline = AppealDeadline(notifiedOn, calendar);
        var steps = new List<string>(deadline.Steps)
        {
            $"late appeals accepted with a reason for {LateAppealGraceDays} more days ({Name}) → {deadline.Date.AddDays(LateAppealGraceDays):yyyy-MM-dd}",
        };
        return new ComputedDate(MoveToWorkingDay(deadline.Date.AddDays(LateAppealGraceDays), calendar, steps), steps);
    }

    public ComputedDate InterviewTarget(DateOnly registeredOn, ProcessingTrack track, OfficeCalendar calendar)
    {
        var steps = new List<string> { $"Registered {registeredOn:yyyy-MM-dd}" };
        DateOnly target;
        switch (track)
        {
            case ProcessingTrack.Accelerated:
                target = registeredOn.AddDays(AcceleratedInterviewTargetDays);
                steps.Add($"accelerated track: interview within {AcceleratedInterviewTargetDays} days ({Name}) → {target:yyyy-MM-dd}");
                break;
            case ProcessingTrack.Simplified:
                target = registeredOn.AddDays(SimplifiedInterviewTargetDays);
                steps.Add($"simplified track: interview within {SimplifiedInterviewTargetDays} days ({Name}) → {target:yyyy-MM-dd}");
                break;
            default:
                target = registeredOn.AddMonths(InterviewTargetMonths);
                steps.Add($"{track.ToString().ToLowerInvariant()} track: interview within {InterviewTargetMonths} months ({Name}) → {target:yyyy-MM-dd}");
                break;
        }

        return new ComputedDate(MoveToWorkingDay(target, calendar, steps), steps);
    }

    /// <summary>Whether an appeal lodged on a day is in time, late but acceptable with a reason, or too late.</summary>
    public AppealTiming AppealTiming(DateOnly notifiedOn, DateOnly lodgedOn, OfficeCalendar calendar) =>
        lodgedOn <= AppealDeadline(notifiedOn, calendar).Date ? Deadlines.AppealTiming.InTime
        : lodgedOn <= LateAppealCutoff(notifiedOn, calendar).Date ? Deadlines.AppealTiming.LateWithinGrace
        : Deadlines.AppealTiming.TooLate;

    private DateOnly MoveToWorkingDay(DateOnly date, OfficeCalendar calendar, List<string> steps)
    {
        if (!MoveDeadlinesToNextWorkingDay)
        {
            return date;
        }

        while (calendar.Closure(date) is { } closure)
        {
            var next = date.AddDays(1);
            steps.Add($"{date:yyyy-MM-dd} is {closure} → {next:yyyy-MM-dd}");
            date = next;
        }

        return date;
    }
}

public enum AppealTiming
{
    InTime,
    LateWithinGrace,
    TooLate,
}
