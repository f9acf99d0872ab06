using System.Text.RegularExpressions;
using Casework.Web.Features.Api;

namespace Casework.Web.Ui;

/// <summary>
/// How the screens show values that are stored as identifiers (stages, decisions, referrals, the options of a task's form):
/// as words a reader expects, while forms keep posting the identifier itself.
/// </summary>
internal static partial class Wording
{
    /// <summary>The genders the applicant asked the interviewer and the interpreter to be.</summary>
    public static string Requests(Casework.Web.Features.Cases.InterviewView interview) =>
        (interview.RequestedInterviewerGender, interview.RequestedInterpreterGender) switch
        {
            (null, null) => "No request",
            (var interviewer, null) => $"{interviewer} interviewer",
            (null, var interpreter) => $"{interpreter} interpreter",
            var (interviewer, interpreter) => $"{interviewer} interviewer, {interpreter} interpreter",
        };

    /// <summary>The legal representative's part in an interview as staff read it: invited or not, and what the partner answered.</summary>
    public static string Representative(Casework.Web.Features.Cases.InterviewView interview) => interview switch
    {
        { RepresentativeInvited: false } => "Not invited",
        { RepresentativeAnswer: Casework.Data.Cases.InterviewRecord.Attending } =>
            $"Invited; will attend (answered by {interview.RepresentativeAnsweredBy}, {Dates.Show(interview.RepresentativeAnsweredAt!.Value)})",
        { RepresentativeAnswer: Casework.Data.Cases.InterviewRecord.NotAttending } =>
            $"Invited; will not attend (answered by {interview.RepresentativeAnsweredBy}, {Dates.Show(interview.RepresentativeAnsweredAt!.Value)})",
        _ => "Invited; no answer yet",
    };

    /// <summary>An interview's state as staff read it: scheduled (awaiting its outcome once its day has passed), cancelled, held or missed, and by whom.</summary>
    public static string Status(Casework.Web.Features.Cases.InterviewView interview, DateOnly today) => interview switch
    {
        { Status: Casework.Data.Cases.InterviewRecord.Cancelled } =>
            $"Cancelled by {interview.CancelledBy}, {Dates.Show(interview.CancelledAt!.Value)}: {interview.CancellationReason}",
        { Status: Casework.Data.Cases.InterviewRecord.Held or Casework.Data.Cases.InterviewRecord.ApplicantAbsent } =>
            $"{Outcome(interview.Status)} ({(interview.OutcomeCorrections.Count > 0 ? "corrected" : "recorded")} by {interview.OutcomeRecordedBy}, "
                + $"{Dates.Show(interview.OutcomeRecordedAt!.Value)})" + (interview.OutcomeNote is { } note ? $": {note}" : ""),
        _ when interview.Date < today => $"Scheduled by {interview.ScheduledBy}, {Dates.Show(interview.ScheduledAt)}; awaiting its outcome",
        _ => $"Scheduled by {interview.ScheduledBy}, {Dates.Show(interview.ScheduledAt)}",
    };

    /// <summary>A computed deadline's name as staff read it.</summary>
    public static string Deadline(string kind) => kind switch
    {
        Casework.Web.Features.Cases.CaseDeadlines.InterviewTarget => "Interview target",
        Casework.Web.Features.Cases.CaseDeadlines.AppealDeadline => "Appeal deadline",
        Casework.Web.Features.Cases.CaseDeadlines.LateAppealCutoff => "Late appeals accepted until",
        _ => Of(kind),
    };

    /// <summary>Where a case stands against a deadline: days left (or due today), passed how long ago, or done and when.</summary>
    public static string Standing(Casework.Web.Features.Cases.CaseDeadlineView deadline) => deadline switch
    {
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Open, DaysLeft: 0 } => "Due today",
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Open } => Days(deadline.DaysLeft) + " left",
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Passed } => $"Passed {Days(-deadline.DaysLeft)} ago",
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Held, DoneOn: { } on } when on > deadline.Date =>
            $"Interview held on {Dates.Show(on)}, {Days(on.DayNumber - deadline.Date.DayNumber)} after the target",
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Held, DoneOn: { } on } => $"Interview held on {Dates.Show(on)}",
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Lodged, DoneOn: { } on } => $"Appeal lodged on {Dates.Show(on)}",
        { Status: Casework.Web.Features.Cases.CaseDeadlines.Lodged } => "Appeal lodged",
        _ => "No longer applies: the case left this stage without it",
    };

    private static string Days(int count) => count == 1 ? "1 day" : $"{count} days";

    /// <summary>A recorded interview outcome as words: "Held" or "The applicant did not come".</summary>
    public static string Outcome(string outcome) =>
        outcome == Casework.Data.Cases.InterviewRecord.Held ? "Held" : "The applicant did not come";

    /// <summary>An outcome a supervisor corrected, with who had recorded it, and who corrected it, when and why.</summary>
    public static string Earlier(Casework.Web.Features.Cases.OutcomeCorrectionView correction) =>
        $"Earlier: {Outcome(correction.PreviousOutcome)} (recorded by {correction.PreviousRecordedBy}, {Dates.Show(correction.PreviousRecordedAt)})"
        + (correction.PreviousNote is { } note ? $": {note}" : "")
        + $". Corrected by {correction.CorrectedBy}, {Dates.Show(correction.CorrectedAt)}, because: {correction.Reason}";

    /// <summary>
    /// An identifier-like name as words: <c>SeeksAsylum</c> as "Seeks asylum", <c>UNHCRReferral</c> as "UNHCR referral".
    /// Anything else is shown as written: a supervisor's own wording with spaces, a code in capitals (SOM), a number.
    /// </summary>
    public static string Of(string value)
    {
        if (value.Length < 2 || !char.IsAsciiLetterUpper(value[0]) || !value.All(char.IsAsciiLetterOrDigit) || !value.Any(char.IsAsciiLetterLower))
        {
            return value;
        }

        var words = Boundary().Split(value);
        return string.Join(' ', words.Select((w, i) => i == 0 || (w.Length > 1 && w.All(c => !char.IsAsciiLetterLower(c))) ? w : w.ToLowerInvariant()));
    }

    /// <summary>A field's API name as words: <c>dateOfBirth</c> as "Date of birth".</summary>
    public static string Field(string name) => name.Length == 0 ? name : Of(char.ToUpperInvariant(name[0]) + name[1..]);

    /// <summary>A stored comma-joined list (or a single value), each entry worded and the entries separated by ", ".</summary>
    public static string List(string value) => string.Join(", ", value.Split(',', StringSplitOptions.TrimEntries).Select(Of));

    /// <summary>
    /// A value from a correction's history as the case screen shows it: a date as every screen shows dates, documents as
    /// the case lists them, any other value as a list of words; "(empty)" for none.
    /// </summary>
    public static string Corrected(string field, string? value) => value switch
    {
        null => "(empty)",
        _ when field == "dateOfBirth" && Dates.Parse(value) is { } date && value.Length == 10 => Dates.Show(date),
        _ when field == "documents" => string.Join("; ", value.Split("; ").Select(Document)),
        _ => List(value),
    };

    /// <summary>
    /// One document as a correction keeps it (type, number, then the issuing country and expiry when it has them, each
    /// separated by a space) as the case lists documents: <c>Passport P-1 (SOM), expires 1 Jan 2030</c>.
    /// </summary>
    private static string Document(string kept)
    {
        var parts = kept.Split(' ').ToList();
        if (parts.Count < 2)
        {
            return kept;
        }

        string? expires = null;
        if (parts.Count > 2 && parts[^1].Length == 10 && Dates.Parse(parts[^1]) is { } date)
        {
            expires = Dates.Show(date);
            parts.RemoveAt(parts.Count - 1);
        }

        string? country = null;
        if (parts.Count > 2 && parts[^1] is { Length: 3 } code && code.All(char.IsAsciiLetterUpper))
        {
            country = code;
            parts.RemoveAt(parts.Count - 1);
        }

        return $"{Of(parts[0])} {string.Join(' ', parts.Skip(1))}{(country is null ? "" : $" ({country})")}{(expires is null ? "" : $", expires {expires}")}";
    }

    /// <summary>Between a lower-case letter or digit and a capital, and before the last capital of an acronym that starts a word.</summary>
    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial Regex Boundary();
}
