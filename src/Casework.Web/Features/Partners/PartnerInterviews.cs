using System.Globalization;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Web.Features.Api;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Partners;

/// <summary>
/// An interview a legal aid partner is invited to, as the partner sees it: when and where, in which language, whether an
/// interpreter is booked, and the answer given. Not who interviews, nor why an interview was cancelled: staff wrote those for
/// staff.
/// </summary>
public sealed record PartnerInterviewView(Guid Id, Guid CaseId, string CaseNumber, DateOnly Date, string StartTime, string EndTime, string Office,
    string Language, bool InterpreterBooked, string Status, DateTimeOffset? CancelledAt, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt);

/// <summary>The partner's answer to an invitation: true when a representative will attend, false when none will.</summary>
public sealed record InterviewAttendanceRequest(bool? Attending);

public enum AttendanceResult
{
    Answered,

    /// <summary>No such invitation for the caller's organisation (answered as if the interview did not exist).</summary>
    NotFound,

    /// <summary>The answer is missing; nothing was saved.</summary>
    Invalid,

    /// <summary>The interview was cancelled, or its day has passed.</summary>
    Conflict,
}

public sealed record AttendanceOutcome(AttendanceResult Kind, PartnerInterviewView? View = null, string? Message = null);

/// <summary>
/// The interviews a legal aid organisation's representative is invited to: those of the cases it represents today under an
/// active authority, from today on, cancelled ones included so that the partner learns of the cancellation. The partner
/// answers whether a representative will attend, and may change the answer until the day of the interview; staff see the
/// answer beside the interview.
/// </summary>
public sealed class PartnerInterviews(CaseworkDbContext db, PartnerAppeals appeals, TimeProvider clock)
{
    /// <summary>The organisation's invitations from today on, the earliest first.</summary>
    public async Task<List<PartnerInterviewView>> ListAsync(Guid? organisation, CancellationToken cancellationToken)
    {
        var today = Dates.Today(clock);
        var rows = await Invited(organisation).Where(x => x.Interview.Date >= today).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(x => x.Interview.Date).ThenBy(x => x.Interview.StartTime).ThenBy(x => x.CaseNumber, StringComparer.Ordinal).Select(View)];
    }

    /// <summary>One invitation of the organisation, or null when it has none with that id.</summary>
    public async Task<PartnerInterviewView?> FindAsync(Guid? organisation, Guid interviewId, CancellationToken cancellationToken) =>
        await Invited(organisation).FirstOrDefaultAsync(x => x.Interview.Id == interviewId, cancellationToken) is { } row ? View(row) : null;

    /// <summary>
    /// Records whether a representative of the organisation will attend a scheduled interview of today or a later day. The last
    /// answer stands; who gave it and when are kept with it.
    /// </summary>
    public async Task<AttendanceOutcome> AnswerAsync(Guid? organisation, Guid interviewId, bool? attending, string actor, CancellationToken cancellationToken)
    {
        var found = await FindAsync(organisation, interviewId, cancellationToken);
        if (found is null)
        {
            return new(AttendanceResult.NotFound);
        }

        if (attending is not { } answer)
        {
            return new(AttendanceResult.Invalid, Message: "Say whether a representative will attend: true or false.");
        }

        var today = Dates.Today(clock);
        if (found.Status != InterviewRecord.Scheduled || found.Date < today)
        {
            return new(AttendanceResult.Conflict, Message: found.Status switch
            {
                InterviewRecord.Cancelled => "This interview was cancelled; there is nothing to attend.",
                InterviewRecord.Scheduled => $"The interview of {Dates.Show(found.Date)} is past.",
                _ => $"The interview of {Dates.Show(found.Date)} has taken place.",
            });
        }

        // The same conditions again in the write itself, so a cancellation that lands in between is not answered.
        var saved = await db.Interviews.Where(i => i.Id == interviewId && i.Status == InterviewRecord.Scheduled && i.RepresentativeInvited && i.Date >= today)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RepresentativeAnswer, answer ? InterviewRecord.Attending : InterviewRecord.NotAttending)
                .SetProperty(i => i.RepresentativeAnsweredBy, actor).SetProperty(i => i.RepresentativeAnsweredAt, clock.GetUtcNow()), cancellationToken);
        return saved == 1
            ? new(AttendanceResult.Answered, await FindAsync(organisation, interviewId, cancellationToken))
            : new(AttendanceResult.Conflict, Message: "This interview was cancelled meanwhile; there is nothing to attend.");
    }

    // Set by member initialisation, so that queries can go on filtering on it.
    private sealed class Row
    {
        public required InterviewRecord Interview { get; init; }
        public required string CaseNumber { get; init; }
        public required string Office { get; init; }
    }

    private IQueryable<Row> Invited(Guid? organisation) =>
        from i in db.Interviews.AsNoTracking()
        where i.RepresentativeInvited
        join c in appeals.Represented(organisation) on i.CaseId equals c.Id
        join o in db.Offices.AsNoTracking() on c.Office equals o.Code into offices
        from o in offices.DefaultIfEmpty()
        select new Row { Interview = i, CaseNumber = c.CaseNumber, Office = o == null ? c.Office : o.Name };

    private static PartnerInterviewView View(Row row)
    {
        var i = row.Interview;
        return new(i.Id, i.CaseId, row.CaseNumber, i.Date, i.StartTime.ToString("HH:mm", CultureInfo.InvariantCulture),
            i.StartTime.AddMinutes(i.DurationMinutes).ToString("HH:mm", CultureInfo.InvariantCulture), row.Office, i.Language, i.Interpreter is not null,
            i.Status, i.CancelledAt, i.RepresentativeAnswer, i.RepresentativeAnsweredBy, i.RepresentativeAnsweredAt);
    }
}
