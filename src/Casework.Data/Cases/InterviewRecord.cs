using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>
/// An RSD interview booked for a case: the day and time at the case's office (its local time, as officers and applicants
/// read an appointment), how long it is booked for, who interviews, in which language, with which interpreter, the genders
/// the applicant asked the interviewer and the interpreter to be, whether the legal representative is invited and what they answered. A case
/// has at most one scheduled interview; a cancelled one stays, with who cancelled it and why. From its day on, the interviewer
/// or a supervisor records how it went: <see cref="Held"/>, or <see cref="ApplicantAbsent"/> with what was done to reach the
/// applicant; the case may then book another.
/// </summary>
public sealed class InterviewRecord
{
    public const string Scheduled = "Scheduled";
    public const string Cancelled = "Cancelled";
    public const string Held = "Held";

    /// <summary>The applicant did not come to the interview.</summary>
    public const string ApplicantAbsent = "ApplicantAbsent";
    public const string Attending = "Attending";
    public const string NotAttending = "NotAttending";

    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public DateOnly Date { get; set; }
    public TimeOnly StartTime { get; set; }
    public int DurationMinutes { get; set; }

    /// <summary>The interviewing officer's user name.</summary>
    public required string Interviewer { get; set; }
    public required string Language { get; set; }
    public string? Interpreter { get; set; }

    /// <summary>"Female" or "Male": the interpreter's gender as the scheduler stated it.</summary>
    public string? InterpreterGender { get; set; }

    /// <summary>"Female" or "Male" when the applicant asked for an interviewer of that gender.</summary>
    public string? RequestedInterviewerGender { get; set; }

    /// <summary>"Female" or "Male" when the applicant asked for an interpreter of that gender.</summary>
    public string? RequestedInterpreterGender { get; set; }
    public bool RepresentativeInvited { get; set; }

    /// <summary>
    /// The invited representative's answer, <see cref="Attending"/> or <see cref="NotAttending"/>; null until they answer. They may
    /// change it until the day of the interview.
    /// </summary>
    public string? RepresentativeAnswer { get; set; }

    /// <summary>The user name of the partner's lawyer (or the partner system's client) that gave the answer.</summary>
    public string? RepresentativeAnsweredBy { get; set; }
    public DateTimeOffset? RepresentativeAnsweredAt { get; set; }
    public required string Status { get; set; }
    public required string ScheduledBy { get; set; }
    public DateTimeOffset ScheduledAt { get; set; }
    public string? CancelledBy { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancellationReason { get; set; }

    /// <summary>Who recorded that the interview was <see cref="Held"/> or the <see cref="ApplicantAbsent"/>, and when.</summary>
    public string? OutcomeRecordedBy { get; set; }
    public DateTimeOffset? OutcomeRecordedAt { get; set; }

    /// <summary>The interviewer's note on the outcome: for an absent applicant, what was done to reach them.</summary>
    public string? OutcomeNote { get; set; }

    /// <summary>
    /// How many times a supervisor corrected the recorded outcome (<see cref="InterviewOutcomeCorrectionRecord"/>); a correction
    /// is written only if this is still what its supervisor read, so two at once cannot both apply.
    /// </summary>
    public int OutcomeCorrections { get; set; }
}

/// <summary>
/// A supervisor's correction of an interview's recorded outcome: what stood before (outcome, note, who recorded it and when),
/// what it became, who corrected it, when and why. The interview row keeps the current outcome; these keep every earlier one.
/// </summary>
public sealed class InterviewOutcomeCorrectionRecord
{
    public Guid Id { get; set; }
    public Guid InterviewId { get; set; }
    public required string PreviousOutcome { get; set; }
    public string? PreviousNote { get; set; }
    public required string PreviousRecordedBy { get; set; }
    public DateTimeOffset PreviousRecordedAt { get; set; }
    public required string Outcome { get; set; }
    public string? Note { get; set; }
    public required string CorrectedBy { get; set; }
    public DateTimeOffset CorrectedAt { get; set; }
    public required string Reason { get; set; }
}

internal sealed class InterviewConfiguration : IEntityTypeConfiguration<InterviewRecord>
{
    public void Configure(EntityTypeBuilder<InterviewRecord> builder)
    {
        builder.ToTable("interviews");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Interviewer).HasMaxLength(256);
        builder.Property(i => i.Language).HasMaxLength(100);
        builder.Property(i => i.Interpreter).HasMaxLength(200);
        builder.Property(i => i.InterpreterGender).HasMaxLength(16);
        builder.Property(i => i.RequestedInterviewerGender).HasMaxLength(16);
        builder.Property(i => i.RequestedInterpreterGender).HasMaxLength(16);
        builder.Property(i => i.RepresentativeAnswer).HasMaxLength(16);
        builder.Property(i => i.RepresentativeAnsweredBy).HasMaxLength(256);
        builder.Property(i => i.Status).HasMaxLength(16);
        builder.Property(i => i.ScheduledBy).HasMaxLength(256);
        builder.Property(i => i.CancelledBy).HasMaxLength(256);
        builder.Property(i => i.CancellationReason).HasMaxLength(1000);
        builder.Property(i => i.OutcomeRecordedBy).HasMaxLength(256);
        builder.Property(i => i.OutcomeNote).HasMaxLength(1000);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(i => i.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.CaseId, i.Status });

        // An interviewer's day: the clash check and "my interviews" read it.
        builder.HasIndex(i => new { i.Interviewer, i.Date, i.Status });

        // Across interviewers: an office's calendar (InterviewQueries.OnDays) and the past interviews awaiting their outcome.
        builder.HasIndex(i => new { i.Status, i.Date });
    }
}

internal sealed class InterviewOutcomeCorrectionConfiguration : IEntityTypeConfiguration<InterviewOutcomeCorrectionRecord>
{
    public void Configure(EntityTypeBuilder<InterviewOutcomeCorrectionRecord> builder)
    {
        builder.ToTable("interview_outcome_corrections");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.PreviousOutcome).HasMaxLength(16);
        builder.Property(c => c.PreviousNote).HasMaxLength(1000);
        builder.Property(c => c.PreviousRecordedBy).HasMaxLength(256);
        builder.Property(c => c.Outcome).HasMaxLength(16);
        builder.Property(c => c.Note).HasMaxLength(1000);
        builder.Property(c => c.CorrectedBy).HasMaxLength(256);
        builder.Property(c => c.Reason).HasMaxLength(1000);
        builder.HasOne<InterviewRecord>().WithMany().HasForeignKey(c => c.InterviewId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.InterviewId, c.CorrectedAt });
    }
}
