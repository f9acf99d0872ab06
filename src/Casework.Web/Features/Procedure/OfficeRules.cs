using Casework.Data;
using Casework.Data.Offices;
using Casework.Domain.Deadlines;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Procedure;

/// <summary>The rule pack and working calendar an office's deadlines are computed by.</summary>
public sealed record OfficeDeadlineRules(RulePack Pack, OfficeCalendar Calendar);

/// <summary>
/// Reads an office's rule pack and calendar as administrators set them (<c>/api/admin/offices</c>), in the caller's
/// transaction so a deadline is computed from what is committed. An office without settings, or without a case office at
/// all, works by the UNHCR mandate and a Monday–Friday week without holidays. A change applies to dates computed after
/// it: deadlines already computed and notified keep the date and explanation they were given.
/// </summary>
public sealed class OfficeRules
{
    public const string DefaultOffice = "HQ";

    public static readonly IReadOnlySet<DayOfWeek> StandardWeekend = new HashSet<DayOfWeek> { DayOfWeek.Saturday, DayOfWeek.Sunday };

    public async Task<OfficeDeadlineRules> ForAsync(CaseworkDbContext db, string? office, CancellationToken cancellationToken)
    {
        var code = string.IsNullOrWhiteSpace(office) ? DefaultOffice : office.Trim().ToUpperInvariant();
        var record = await WithHolidays(db.Offices.AsNoTracking()).FirstOrDefaultAsync(o => o.Code == code, cancellationToken);
        if (record is null)
        {
            return new OfficeDeadlineRules(RulePack.UnhcrMandate, OfficeCalendar.Standard(code));
        }

        var pack = record.RulePackId is { } id ? await db.RulePacks.AsNoTracking().FirstAsync(p => p.Id == id, cancellationToken) : null;
        return new OfficeDeadlineRules(Pack(pack), Calendar(record));
    }

    /// <summary>Offices with both kinds of holidays, read by one query each (a joined read would repeat every dated holiday for every annual one).</summary>
    public static IQueryable<OfficeRecord> WithHolidays(IQueryable<OfficeRecord> offices) =>
        offices.Include(o => o.Holidays).Include(o => o.AnnualHolidays).AsSplitQuery();

    public static RulePack Pack(RulePackRecord? record) => record is null ? RulePack.UnhcrMandate : new RulePack
    {
        Name = record.Name,
        AppealWindowDays = record.AppealWindowDays,
        LateAppealGraceDays = record.LateAppealGraceDays,
        InterviewTargetMonths = record.InterviewTargetMonths,
        AcceleratedInterviewTargetDays = record.AcceleratedInterviewTargetDays,
        SimplifiedInterviewTargetDays = record.SimplifiedInterviewTargetDays,
        MoveDeadlinesToNextWorkingDay = record.MoveDeadlinesToNextWorkingDay,
    };

    public static OfficeCalendar Calendar(OfficeRecord record) =>
        new(record.Code, Weekend(record.WeekendDays), record.Holidays.ToDictionary(h => h.Date, h => h.Name))
        {
            AnnualHolidays = record.AnnualHolidays.ToDictionary(h => (h.Month, h.Day), h => h.Name),
        };

    public static IReadOnlySet<DayOfWeek> Weekend(int mask) =>
        Enum.GetValues<DayOfWeek>().Where(d => (mask & (1 << (int)d)) != 0).ToHashSet();

    public static int WeekendMask(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (mask, d) => mask | (1 << (int)d));
}
