using System.Globalization;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Domain.Cases;
using Casework.Web.Features.Administration;
using Casework.Web.Features.Api;
using Casework.Web.Features.Procedure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>
/// What a scheduler asks for. <paramref name="StartTime"/> is the office's local time, "HH:mm"; <paramref name="DurationMinutes"/>
/// is 120 when left out; the genders are "Female" or "Male".
/// </summary>
public sealed record ScheduleInterviewRequest(DateOnly? Date, string? StartTime, int? DurationMinutes, string? Interviewer, string? Language,
    string? Interpreter, string? InterpreterGender, string? RequestedInterviewerGender, string? RequestedInterpreterGender, bool RepresentativeInvited);

public sealed record CancelInterviewRequest(string? Reason);

/// <summary>How an interview went: <paramref name="Outcome"/> is "Held" or "ApplicantAbsent"; <paramref name="Note"/> says, for an absent applicant, what was done to reach them.</summary>
public sealed record InterviewOutcomeRequest(string? Outcome, string? Note);

/// <summary>An interview on its interviewer's agenda, with the number of its case.</summary>
public sealed record AgendaEntry(string CaseNumber, InterviewView Interview);

/// <summary>
/// An interview as staff see it: its times are the office's local times; <paramref name="RepresentativeAnswer"/> is the invited
/// representative's answer ("Attending" or "NotAttending"), null until they give one. The outcome fields hold the current
/// outcome; <paramref name="OutcomeCorrections"/> lists a supervisor's corrections of it, the earliest first, each with what stood before.
/// </summary>
public sealed record InterviewView(Guid Id, Guid CaseId, DateOnly Date, string StartTime, string EndTime, int DurationMinutes, string Interviewer,
    string? InterviewerName, string Language, string? Interpreter, string? InterpreterGender, string? RequestedInterviewerGender,
    string? RequestedInterpreterGender, bool RepresentativeInvited, string Status, string ScheduledBy, DateTimeOffset ScheduledAt,
    string? CancelledBy, DateTimeOffset? CancelledAt, string? CancellationReason, string? RepresentativeAnswer,
    string? RepresentativeAnsweredBy, DateTimeOffset? RepresentativeAnsweredAt, string? OutcomeRecordedBy, DateTimeOffset? OutcomeRecordedAt,
    string? OutcomeNote, IReadOnlyList<OutcomeCorrectionView> OutcomeCorrections);

public enum InterviewResult
{
    Done,

    /// <summary>No such case, or no such interview of it.</summary>
    NotFound,

    /// <summary>Fields are wrong (<see cref="InterviewOutcome.Errors"/>); nothing was written.</summary>
    Invalid,

    /// <summary>The case is not at the stage where interviews are booked (<see cref="InterviewOutcome.Message"/>).</summary>
    Refused,

    /// <summary>Another interview stands in the way, or the interview was cancelled or held already.</summary>
    Conflict,

    /// <summary>The caller may not do this to this interview (<see cref="InterviewOutcome.Message"/>): only its interviewer or a supervisor records how it went.</summary>
    Forbidden,
}

public sealed record InterviewOutcome(InterviewResult Kind, InterviewView? Interview = null, Dictionary<string, string[]>? Errors = null,
    string? Message = null);

/// <summary>
/// Booking RSD interviews, for the API and the case screen alike. An interview is booked while the case is in assessment,
/// on a day its office is open, today or later, with an eligibility officer who can sign in, in a language the applicant
/// was registered as speaking. The applicant's right to an interviewer and an interpreter of a gender they ask for is
/// checked against the interviewer's account and the interpreter's stated gender; a legal representative is invited only
/// when an organisation holds an active authority to represent the applicant. A case has one scheduled interview at a
/// time, and an interviewer one interview at a time: bookings of one case, and of one interviewer, take turns, so two
/// made at the same moment cannot both take a slot.
/// </summary>
public sealed class Interviews(CaseworkDbContext db, UserManager<CaseworkUser> users, OfficeRules offices, TimeProvider clock, ILogger<Interviews> logger)
{
    public const int DefaultDurationMinutes = 120;
    public const int MaxReason = 1000;
    public const int DefaultAgendaDays = 28;
    public const int MaxAgendaDays = 92;

    /// <summary>The case's interviews, the most recently booked first; null when there is no such case.</summary>
    public async Task<List<InterviewView>?> ListAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == caseId, cancellationToken))
        {
            return null;
        }

        var rows = await db.Interviews.AsNoTracking().Where(i => i.CaseId == caseId).ToListAsync(cancellationToken);
        return await ViewsAsync([.. rows.OrderByDescending(i => i.ScheduledAt)], cancellationToken);
    }

    /// <summary>The case's scheduled interview, or else the last one held or missed; null when it has neither.</summary>
    public async Task<InterviewView?> CurrentAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var rows = await db.Interviews.AsNoTracking().Where(i => i.CaseId == caseId && i.Status != InterviewRecord.Cancelled).ToListAsync(cancellationToken);
        var current = rows.FirstOrDefault(i => i.Status == InterviewRecord.Scheduled) ?? rows.MaxBy(i => i.ScheduledAt);
        return current is null ? null : (await ViewsAsync([current], cancellationToken))[0];
    }

    public async Task<InterviewView?> GetAsync(Guid caseId, Guid interviewId, CancellationToken cancellationToken) =>
        await db.Interviews.AsNoTracking().FirstOrDefaultAsync(i => i.Id == interviewId && i.CaseId == caseId, cancellationToken) is { } row
            ? (await ViewsAsync([row], cancellationToken))[0]
            : null;

    /// <summary>
    /// The interviews <paramref name="interviewer"/> holds from <paramref name="from"/> for <paramref name="days"/> days,
    /// in the order they are held, those held or missed with their outcome and the cancelled ones left out, read through the
    /// (interviewer, day) index.
    /// </summary>
    public async Task<List<AgendaEntry>> AgendaAsync(string interviewer, DateOnly from, int days, CancellationToken cancellationToken) =>
        await EntriesAsync(db.Interviews.AsNoTracking().Where(i => i.Interviewer == interviewer).OnDays(from, from.AddDays(days - 1)), cancellationToken);

    /// <summary>Reads an agenda's first day (today when left out) and its length in days (28 when left out, 1 to 92), or names what is wrong.</summary>
    public (DateOnly From, int Days)? AgendaRange(string? from, string? days, Dictionary<string, string[]> errors)
    {
        var first = Dates.Today(clock);
        if (!string.IsNullOrWhiteSpace(from) && !DateOnly.TryParseExact(from.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out first))
        {
            errors["from"] = ["The first day to show, like 2026-12-14."];
        }

        var length = DefaultAgendaDays;
        if (!string.IsNullOrWhiteSpace(days) && (!int.TryParse(days.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out length)
            || length is < 1 or > MaxAgendaDays))
        {
            errors["days"] = [$"How many days to show, from 1 to {MaxAgendaDays}."];
        }

        return errors.Count == 0 ? (first, length) : null;
    }

    public Task<InterviewOutcome> ScheduleAsync(Guid caseId, ScheduleInterviewRequest request, string actor, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "booking an interview", () => ScheduleOnceAsync(caseId, request, actor, cancellationToken),
            cancellationToken);

    private async Task<InterviewOutcome> ScheduleOnceAsync(Guid caseId, ScheduleInterviewRequest request, string actor, CancellationToken cancellationToken)
    {
        var found = await db.Cases.AsNoTracking().Where(c => c.Id == caseId)
            .Select(c => new { c.Office, c.Stage, c.Languages }).FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return new(InterviewResult.NotFound);
        }

        var errors = new Dictionary<string, string[]>();
        var today = Dates.Today(clock);
        if (request.Date is not { } date)
        {
            errors["date"] = ["The day of the interview, like 2026-12-14."];
        }
        else if (date < today)
        {
            errors["date"] = ["An interview is booked for today or a later day."];
        }
        else if ((await offices.ForAsync(db, found.Office, cancellationToken)).Calendar.Closure(date) is { } closure)
        {
            errors["date"] = [$"The office is closed on {date:yyyy-MM-dd}: {closure}."];
        }

        var duration = request.DurationMinutes ?? DefaultDurationMinutes;
        if (duration is < 15 or > 480)
        {
            errors["durationMinutes"] = ["From 15 to 480 minutes."];
        }

        if (!TimeOnly.TryParseExact(request.StartTime?.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            errors["startTime"] = ["The time the interview starts at the office, like 09:30."];
        }
        else if (start.ToTimeSpan() + TimeSpan.FromMinutes(duration) > TimeSpan.FromDays(1))
        {
            errors["startTime"] = ["The interview would end after midnight; start it earlier or make it shorter."];
        }

        var language = request.Language?.Trim();
        var spoken = CaseEndpoints.Split(found.Languages);
        if (string.IsNullOrEmpty(language) || language.Length > 100)
        {
            errors["language"] = ["The language the interview is held in, at most 100 characters."];
        }
        else if (spoken.Count > 0)
        {
            language = spoken.FirstOrDefault(l => string.Equals(l.Trim(), language, StringComparison.OrdinalIgnoreCase))?.Trim();
            if (language is null)
            {
                errors["language"] = [$"The applicant was registered as speaking {string.Join(", ", spoken)}; correct the registration if they speak another language."];
            }
        }

        var interpreter = request.Interpreter?.Trim() is { Length: > 0 } named ? named : null;
        if (interpreter is { Length: > 200 })
        {
            errors["interpreter"] = ["At most 200 characters."];
        }

        var interpreterGender = UserAdministration.GenderOf(request.InterpreterGender, "interpreterGender", errors);
        var wantedInterviewer = UserAdministration.GenderOf(request.RequestedInterviewerGender, "requestedInterviewerGender", errors);
        var wantedInterpreter = UserAdministration.GenderOf(request.RequestedInterpreterGender, "requestedInterpreterGender", errors);
        if (interpreterGender is not null && interpreter is null)
        {
            errors["interpreter"] = ["Name the interpreter whose gender is given."];
        }

        if (wantedInterpreter is not null)
        {
            if (interpreter is null)
            {
                errors["interpreter"] = [$"The applicant asked for a {wantedInterpreter.ToLowerInvariant()} interpreter: name one."];
            }
            else if (interpreterGender != wantedInterpreter)
            {
                errors["interpreterGender"] = [$"The applicant asked for a {wantedInterpreter.ToLowerInvariant()} interpreter."];
            }
        }

        var interviewer = string.IsNullOrWhiteSpace(request.Interviewer) ? null : await users.FindByNameAsync(request.Interviewer.Trim());
        if (interviewer is null)
        {
            errors["interviewer"] = [string.IsNullOrWhiteSpace(request.Interviewer)
                ? "The user name of the eligibility officer who interviews."
                : $"There is no account '{request.Interviewer.Trim()}'."];
        }
        else if (!await users.IsInRoleAsync(interviewer, CaseworkRoles.EligibilityOfficer))
        {
            errors["interviewer"] = [$"{NameOf(interviewer)} is not an eligibility officer."];
        }
        else if (UserAdministration.IsDisabled(interviewer))
        {
            errors["interviewer"] = [$"{NameOf(interviewer)}'s account is disabled."];
        }
        else if (wantedInterviewer is not null && interviewer.Gender != wantedInterviewer)
        {
            errors["interviewer"] = [interviewer.Gender is null
                ? $"The applicant asked for a {wantedInterviewer.ToLowerInvariant()} interviewer, and {NameOf(interviewer)}'s gender is not recorded on their account."
                : $"The applicant asked for a {wantedInterviewer.ToLowerInvariant()} interviewer."];
        }

        if (request.RepresentativeInvited && !await db.Representations.AnyAsync(r => r.CaseId == caseId && !r.Revoked && r.ValidFrom <= today
                && (r.ValidUntil == null || r.ValidUntil >= today), cancellationToken))
        {
            errors["representativeInvited"] = ["No legal aid organisation holds an active authority to represent the applicant."];
        }

        if (errors.Count > 0)
        {
            return new(InterviewResult.Invalid, Errors: errors);
        }

        if (found.Stage != nameof(CaseStage.Assessment))
        {
            return new(InterviewResult.Refused, Message: $"Interviews are booked while the case is in assessment; this case is in {found.Stage}.");
        }

        // Bookings of one case, then of one interviewer, take turns: a no-op write locks each row (SQLite has one writer at a
        // time), always in this order, so the second of two bookings made at once sees the first.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Cases.Where(c => c.Id == caseId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision), cancellationToken);
        await db.Users.Where(u => u.Id == interviewer!.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ConcurrencyStamp, u => u.ConcurrencyStamp), cancellationToken);
        var booked = await db.Interviews.AsNoTracking().FirstOrDefaultAsync(i => i.CaseId == caseId && i.Status == InterviewRecord.Scheduled,
            cancellationToken);
        if (booked is not null)
        {
            return new(InterviewResult.Conflict,
                Message: $"The case has an interview on {booked.Date:yyyy-MM-dd} at {booked.StartTime:HH:mm}; cancel it first to book another.");
        }

        var day = request.Date!.Value;
        var end = start.ToTimeSpan() + TimeSpan.FromMinutes(duration);
        var sameDay = await db.Interviews.AsNoTracking()
            .Where(i => i.Interviewer == interviewer!.UserName && i.Date == day && i.Status == InterviewRecord.Scheduled)
            .Join(db.Cases, i => i.CaseId, c => c.Id, (i, c) => new { i.StartTime, i.DurationMinutes, c.CaseNumber }).ToListAsync(cancellationToken);
        if (sameDay.FirstOrDefault(o => o.StartTime.ToTimeSpan() < end && start.ToTimeSpan() < o.StartTime.ToTimeSpan() + TimeSpan.FromMinutes(o.DurationMinutes))
            is { } clash)
        {
            return new(InterviewResult.Conflict, Message: $"{NameOf(interviewer!)} has another interview that day from {clash.StartTime:HH:mm} to "
                + $"{clash.StartTime.AddMinutes(clash.DurationMinutes):HH:mm} (case {clash.CaseNumber}); choose another time or interviewer.");
        }

        var now = clock.GetUtcNow();
        var record = new InterviewRecord
        {
            Id = Guid.CreateVersion7(now), CaseId = caseId, Date = day, StartTime = start, DurationMinutes = duration, Interviewer = interviewer!.UserName!,
            Language = language!, Interpreter = interpreter, InterpreterGender = interpreterGender, RequestedInterviewerGender = wantedInterviewer,
            RequestedInterpreterGender = wantedInterpreter, RepresentativeInvited = request.RepresentativeInvited, Status = InterviewRecord.Scheduled,
            ScheduledBy = actor, ScheduledAt = now,
        };
        db.Interviews.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new(InterviewResult.Done, (await ViewsAsync([record], cancellationToken))[0]);
    }

    /// <summary>Cancels a scheduled interview of today or a later day, with the reason; the case can then book another.</summary>
    public Task<InterviewOutcome> CancelAsync(Guid caseId, Guid interviewId, string? reason, string actor, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "cancelling an interview",
            () => CancelOnceAsync(caseId, interviewId, reason, actor, cancellationToken), cancellationToken);

    private async Task<InterviewOutcome> CancelOnceAsync(Guid caseId, Guid interviewId, string? reason, string actor, CancellationToken cancellationToken)
    {
        var interview = await db.Interviews.AsNoTracking().FirstOrDefaultAsync(i => i.Id == interviewId && i.CaseId == caseId, cancellationToken);
        if (interview is null)
        {
            return new(InterviewResult.NotFound);
        }

        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReason)
        {
            return new(InterviewResult.Invalid, Errors: new() { ["reason"] = ["Say why, in at most 1,000 characters."] });
        }

        var today = Dates.Today(clock);
        if (interview.Status == InterviewRecord.Scheduled && interview.Date < today)
        {
            return new(InterviewResult.Conflict, Message: $"The interview of {interview.Date:yyyy-MM-dd} is past; it is not cancelled afterwards.");
        }

        var cancelled = await db.Interviews.Where(i => i.Id == interviewId && i.Status == InterviewRecord.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InterviewRecord.Cancelled).SetProperty(i => i.CancelledBy, actor)
                .SetProperty(i => i.CancelledAt, clock.GetUtcNow()).SetProperty(i => i.CancellationReason, reason), cancellationToken);
        if (cancelled == 1)
        {
            return new(InterviewResult.Done, await GetAsync(caseId, interviewId, cancellationToken));
        }

        var status = await db.Interviews.Where(i => i.Id == interviewId).Select(i => i.Status).FirstAsync(cancellationToken);
        return new(InterviewResult.Conflict, Message: status == InterviewRecord.Cancelled
            ? "This interview was cancelled already."
            : $"How this interview went is recorded ({(status == InterviewRecord.Held ? "held" : "the applicant did not come")}); it is not cancelled afterwards.");
    }

    /// <summary>
    /// The scheduled interviews <paramref name="interviewer"/> held before today whose outcome is not recorded yet, the oldest
    /// first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<List<AgendaEntry>> AwaitingOutcomeAsync(string interviewer, int limit, CancellationToken cancellationToken) =>
        await EntriesAsync(db.Interviews.AsNoTracking().Where(i => i.Interviewer == interviewer).AwaitingOutcome(Dates.Today(clock)).Take(limit),
            cancellationToken);

    /// <summary>The interviews <paramref name="query"/> finds, each with its case number, in the order they are held.</summary>
    internal async Task<List<AgendaEntry>> EntriesAsync(IQueryable<InterviewRecord> query, CancellationToken cancellationToken)
    {
        var rows = await query.Join(db.Cases, i => i.CaseId, c => c.Id, (i, c) => new { Interview = i, c.CaseNumber }).ToListAsync(cancellationToken);
        var ordered = rows.OrderBy(r => r.Interview.Date).ThenBy(r => r.Interview.StartTime).ThenBy(r => r.CaseNumber, StringComparer.Ordinal).ToList();
        var views = await ViewsAsync([.. ordered.Select(r => r.Interview)], cancellationToken);
        return [.. ordered.Select((r, n) => new AgendaEntry(r.CaseNumber, views[n]))];
    }

    /// <summary>
    /// Records how a scheduled interview went, from its day on: held, or the applicant absent (with what was done to reach
    /// them). Only its interviewer or a supervisor records it, once; the case may then book another interview.
    /// </summary>
    public async Task<InterviewOutcome> RecordOutcomeAsync(Guid caseId, Guid interviewId, InterviewOutcomeRequest request, string actor, bool supervisor,
        CancellationToken cancellationToken)
    {
        var interview = await db.Interviews.AsNoTracking().FirstOrDefaultAsync(i => i.Id == interviewId && i.CaseId == caseId, cancellationToken);
        if (interview is null)
        {
            return new(InterviewResult.NotFound);
        }

        if (!supervisor && interview.Interviewer != actor)
        {
            return new(InterviewResult.Forbidden, Message: $"Only the interviewer ({interview.Interviewer}) or a supervisor records how the interview went.");
        }

        var errors = new Dictionary<string, string[]>();
        var (outcome, note) = ReadOutcome(request, errors);
        if (errors.Count > 0)
        {
            return new(InterviewResult.Invalid, Errors: errors);
        }

        var today = Dates.Today(clock);
        if (interview.Status == InterviewRecord.Scheduled && interview.Date > today)
        {
            return new(InterviewResult.Conflict, Message: $"The interview is on {Dates.Show(interview.Date)}; how it went is recorded from that day on.");
        }

        // The write repeats the conditions, so a cancellation or another outcome landing in between is not overwritten.
        var recorded = await db.Interviews.Where(i => i.Id == interviewId && i.Status == InterviewRecord.Scheduled && i.Date <= today)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, outcome).SetProperty(i => i.OutcomeRecordedBy, actor)
                .SetProperty(i => i.OutcomeRecordedAt, clock.GetUtcNow()).SetProperty(i => i.OutcomeNote, note), cancellationToken);
        if (recorded == 1)
        {
            return new(InterviewResult.Done, await GetAsync(caseId, interviewId, cancellationToken));
        }

        var now = await db.Interviews.AsNoTracking().FirstAsync(i => i.Id == interviewId, cancellationToken);
        return new(InterviewResult.Conflict, Message: now.Status == InterviewRecord.Cancelled
            ? "This interview was cancelled; it has no outcome to record."
            : $"How this interview went was recorded already, by {now.OutcomeRecordedBy} on {Dates.Show(now.OutcomeRecordedAt!.Value)}: "
                + (now.Status == InterviewRecord.Held ? "held." : "the applicant did not come."));
    }

    /// <summary>
    /// Reads an outcome, "Held" or "ApplicantAbsent" in any case, and its note (trimmed, null when empty; required for an
    /// absence, at most 1,000 characters), or names in <paramref name="errors"/> what is wrong.
    /// </summary>
    internal static (string? Outcome, string? Note) ReadOutcome(InterviewOutcomeRequest request, Dictionary<string, string[]> errors)
    {
        var outcome = request.Outcome?.Trim() switch
        {
            { } held when held.Equals(InterviewRecord.Held, StringComparison.OrdinalIgnoreCase) => InterviewRecord.Held,
            { } absent when absent.Equals(InterviewRecord.ApplicantAbsent, StringComparison.OrdinalIgnoreCase) => InterviewRecord.ApplicantAbsent,
            _ => null,
        };
        if (outcome is null)
        {
            errors["outcome"] = [$"\"{InterviewRecord.Held}\" or \"{InterviewRecord.ApplicantAbsent}\" (the applicant did not come)."];
        }

        var note = request.Note?.Trim() is { Length: > 0 } written ? written : null;
        if (note is { Length: > MaxReason })
        {
            errors["note"] = ["At most 1,000 characters."];
        }
        else if (note is null && outcome == InterviewRecord.ApplicantAbsent)
        {
            errors["note"] = ["Say what was done to reach the applicant, and what they said if they were reached."];
        }

        return (outcome, note);
    }

    private static string NameOf(CaseworkUser user) => user.DisplayName ?? user.UserName!;

    private async Task<List<InterviewView>> ViewsAsync(IReadOnlyList<InterviewRecord> rows, CancellationToken cancellationToken)
    {
        var names = rows.Select(r => r.Interviewer).Distinct().ToList();
        var shown = await db.Users.AsNoTracking().Where(u => names.Contains(u.UserName!))
            .Select(u => new { u.UserName, u.DisplayName }).ToDictionaryAsync(u => u.UserName!, u => u.DisplayName, cancellationToken);

        // Only interviews whose outcome was corrected have a history to read, so most lists cost no further query.
        var corrected = rows.Where(r => r.OutcomeCorrections > 0).Select(r => r.Id).ToList();
        var earlier = corrected.Count == 0
            ? new List<InterviewOutcomeCorrectionRecord>()
            : await db.InterviewOutcomeCorrections.AsNoTracking().Where(c => corrected.Contains(c.InterviewId)).ToListAsync(cancellationToken);
        var history = earlier.OrderBy(c => c.CorrectedAt).ToLookup(c => c.InterviewId, InterviewOutcomeCorrections.View);
        return
        [
            .. rows.Select(r => new InterviewView(r.Id, r.CaseId, r.Date, r.StartTime.ToString("HH:mm", CultureInfo.InvariantCulture),
                r.StartTime.AddMinutes(r.DurationMinutes).ToString("HH:mm", CultureInfo.InvariantCulture), r.DurationMinutes, r.Interviewer,
                shown.GetValueOrDefault(r.Interviewer), r.Language, r.Interpreter, r.InterpreterGender, r.RequestedInterviewerGender,
                r.RequestedInterpreterGender, r.RepresentativeInvited, r.Status, r.ScheduledBy, r.ScheduledAt, r.CancelledBy, r.CancelledAt,
                r.CancellationReason, r.RepresentativeAnswer, r.RepresentativeAnsweredBy, r.RepresentativeAnsweredAt, r.OutcomeRecordedBy,
                r.OutcomeRecordedAt, r.OutcomeNote, [.. history[r.Id]])),
        ];
    }
}
