using Casework.Data;
using Casework.Data.Cases;
using Casework.Web.Features.Api;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>
/// What a supervisor sends to correct an interview's recorded outcome: the outcome it should have been ("Held" or
/// "ApplicantAbsent"), its note (required for an absence) and why the record was wrong. <paramref name="SeenCorrections"/>
/// is how many corrections the supervisor saw (the length of the interview's outcomeCorrections): when given, a correction
/// made by someone else since is a conflict instead of being corrected over unseen.
/// </summary>
public sealed record CorrectInterviewOutcomeRequest(string? Outcome, string? Note, string? Reason, int? SeenCorrections = null);

/// <summary>One correction of an interview's outcome: what stood before and who had recorded it, what it became, who corrected it, when and why.</summary>
public sealed record OutcomeCorrectionView(string PreviousOutcome, string? PreviousNote, string PreviousRecordedBy, DateTimeOffset PreviousRecordedAt,
    string Outcome, string? Note, string CorrectedBy, DateTimeOffset CorrectedAt, string Reason);

/// <summary>
/// Correcting a recorded interview outcome, for the API and the interviews screen alike. An outcome is recorded once, by the
/// interviewer or a supervisor; when it was wrong (held recorded as missed, or the note wrong), a supervisor corrects it
/// with the reason. The interview then shows the corrected outcome as recorded by the supervisor, and every earlier outcome
/// is kept with who recorded it. A correction applies only to the outcome its supervisor read: when another lands first, the
/// second is refused rather than silently replacing it. The case's procedure is not touched: a correction sets the record
/// straight and does not book, cancel or move anything.
/// </summary>
public sealed class InterviewOutcomeCorrections(CaseworkDbContext db, Interviews interviews, TimeProvider clock, ILogger<InterviewOutcomeCorrections> logger)
{
    public Task<InterviewOutcome> CorrectAsync(Guid caseId, Guid interviewId, CorrectInterviewOutcomeRequest request, string actor,
        CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "correcting an interview's outcome",
            () => CorrectOnceAsync(caseId, interviewId, request, actor, cancellationToken), cancellationToken);

    internal static OutcomeCorrectionView View(InterviewOutcomeCorrectionRecord c) => new(c.PreviousOutcome, c.PreviousNote, c.PreviousRecordedBy,
        c.PreviousRecordedAt, c.Outcome, c.Note, c.CorrectedBy, c.CorrectedAt, c.Reason);

    private async Task<InterviewOutcome> CorrectOnceAsync(Guid caseId, Guid interviewId, CorrectInterviewOutcomeRequest request, string actor,
        CancellationToken cancellationToken)
    {
        var read = await db.Interviews.AsNoTracking().FirstOrDefaultAsync(i => i.Id == interviewId && i.CaseId == caseId, cancellationToken);
        if (read is null)
        {
            return new(InterviewResult.NotFound);
        }

        var errors = new Dictionary<string, string[]>();
        var (outcome, note) = Interviews.ReadOutcome(new(request.Outcome, request.Note), errors);
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > Interviews.MaxReason)
        {
            errors["reason"] = ["Say why the recorded outcome was wrong, in at most 1,000 characters."];
        }

        if (request.SeenCorrections is < 0)
        {
            errors["seenCorrections"] = ["How many corrections of this outcome you saw: 0 or more."];
        }

        if (errors.Count > 0)
        {
            return new(InterviewResult.Invalid, Errors: errors);
        }

        if (read.Status == InterviewRecord.Scheduled)
        {
            return new(InterviewResult.Conflict, Message: "No outcome is recorded for this interview yet; record it rather than correct it.");
        }

        if (read.Status == InterviewRecord.Cancelled)
        {
            return new(InterviewResult.Conflict, Message: "This interview was cancelled; it has no outcome to correct.");
        }

        var seen = request.SeenCorrections ?? read.OutcomeCorrections;
        if (seen != read.OutcomeCorrections)
        {
            return ChangedMeanwhile(read);
        }

        if (outcome == read.Status && note == read.OutcomeNote)
        {
            return new(InterviewResult.Invalid, Errors: new() { ["outcome"] = ["This is the outcome and note recorded already; change one of them."] });
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The write repeats what was read, so a correction or another write landing in between is refused, not overwritten.
        var changed = await db.Interviews
            .Where(i => i.Id == interviewId && i.Status == read.Status && i.OutcomeCorrections == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, outcome).SetProperty(i => i.OutcomeNote, note)
                .SetProperty(i => i.OutcomeRecordedBy, actor).SetProperty(i => i.OutcomeRecordedAt, now)
                .SetProperty(i => i.OutcomeCorrections, i => i.OutcomeCorrections + 1), cancellationToken);
        if (changed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ChangedMeanwhile(await db.Interviews.AsNoTracking().FirstAsync(i => i.Id == interviewId, cancellationToken));
        }

        db.InterviewOutcomeCorrections.Add(new()
        {
            Id = Guid.CreateVersion7(now), InterviewId = interviewId, PreviousOutcome = read.Status, PreviousNote = read.OutcomeNote,
            PreviousRecordedBy = read.OutcomeRecordedBy!, PreviousRecordedAt = read.OutcomeRecordedAt!.Value, Outcome = outcome!, Note = note,
            CorrectedBy = actor, CorrectedAt = now, Reason = reason!,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new(InterviewResult.Done, await interviews.GetAsync(caseId, interviewId, cancellationToken));
    }

    private static InterviewOutcome ChangedMeanwhile(InterviewRecord now) => new(InterviewResult.Conflict,
        Message: $"The outcome was corrected meanwhile, by {now.OutcomeRecordedBy} on {Dates.Show(now.OutcomeRecordedAt!.Value)}: now "
            + $"{(now.Status == InterviewRecord.Held ? "held" : "the applicant did not come")}. Nothing was corrected; read it again and correct it if it is still wrong.");
}
