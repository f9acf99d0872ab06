using System.Globalization;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Domain.Cases;
using Casework.Web.Features.Api;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>
/// The interviews of an office across its interviewers: its calendar, and the past interviews whose outcome no interviewer
/// has recorded yet. Each interview is held at its case's office; the readings go through the (status, day) index.
/// </summary>
public sealed class InterviewCalendar(CaseworkDbContext db, Interviews bookings, TimeProvider clock)
{
    public const int DefaultAwaitingLimit = 50;
    public const int MaxAwaitingLimit = 200;

    /// <summary>
    /// An office's interviews (every office's when <paramref name="office"/> is null), whoever holds them, from
    /// <paramref name="from"/> for <paramref name="days"/> days, in the order they are held; cancelled ones left out.
    /// </summary>
    public async Task<List<AgendaEntry>> CalendarAsync(string? office, DateOnly from, int days, CancellationToken cancellationToken)
    {
        var query = db.Interviews.AsNoTracking().OnDays(from, from.AddDays(days - 1));
        return await bookings.EntriesAsync(office is null ? query : query.AtOffice(db, office), cancellationToken);
    }

    /// <summary>
    /// An office's interviews (every office's when <paramref name="office"/> is null) held before today whose outcome no
    /// interviewer has recorded yet, the oldest first, at most <paramref name="limit"/>: what a supervisor chases.
    /// </summary>
    public async Task<List<AgendaEntry>> AwaitingOutcomeAtAsync(string? office, int limit, CancellationToken cancellationToken)
    {
        var query = db.Interviews.AsNoTracking();
        return await bookings.EntriesAsync((office is null ? query : query.AtOffice(db, office)).AwaitingOutcome(Dates.Today(clock)).Take(limit),
            cancellationToken);
    }

    /// <summary>Reads an office code (any office when left out), or names what is wrong.</summary>
    public static string? OfficeFilter(string? office, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(office))
        {
            return null;
        }

        var code = office.Trim().ToUpperInvariant();
        if (!CaseNumber.IsOfficeCode(code))
        {
            errors["office"] = ["An office code: 2 to 10 letters, like NBO."];
        }

        return code;
    }

    /// <summary>Reads how many interviews awaiting their outcome to list (50 when left out, 1 to 200), or names what is wrong.</summary>
    public static int AwaitingLimit(string? limit, Dictionary<string, string[]> errors)
    {
        var count = DefaultAwaitingLimit;
        if (!string.IsNullOrWhiteSpace(limit) && (!int.TryParse(limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out count)
            || count is < 1 or > MaxAwaitingLimit))
        {
            errors["limit"] = [$"How many interviews to list, from 1 to {MaxAwaitingLimit}."];
        }

        return count;
    }
}
