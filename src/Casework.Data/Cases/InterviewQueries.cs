namespace Casework.Data.Cases;

/// <summary>
/// The readings of interviews across interviewers, shaped so that the (status, day) index answers them: an office's
/// calendar and the past interviews still awaiting their outcome. Cancelled interviews are left out of both.
/// </summary>
public static class InterviewQueries
{
    /// <summary>The interviews scheduled, held or missed from <paramref name="from"/> to <paramref name="until"/>, both included.</summary>
    public static IQueryable<InterviewRecord> OnDays(this IQueryable<InterviewRecord> interviews, DateOnly from, DateOnly until) =>
        interviews.Where(i => (i.Status == InterviewRecord.Scheduled || i.Status == InterviewRecord.Held || i.Status == InterviewRecord.ApplicantAbsent)
            && i.Date >= from && i.Date <= until);

    /// <summary>The interviews whose day is before <paramref name="today"/> and whose outcome nobody has recorded, the oldest first.</summary>
    public static IQueryable<InterviewRecord> AwaitingOutcome(this IQueryable<InterviewRecord> interviews, DateOnly today) =>
        interviews.Where(i => i.Status == InterviewRecord.Scheduled && i.Date < today).OrderBy(i => i.Date).ThenBy(i => i.StartTime);

    /// <summary>The interviews of cases registered at <paramref name="office"/>: an interview is held at its case's office.</summary>
    public static IQueryable<InterviewRecord> AtOffice(this IQueryable<InterviewRecord> interviews, CaseworkDbContext db, string office) =>
        interviews.Where(i => db.Cases.Any(c => c.Id == i.CaseId && c.Office == office));
}
