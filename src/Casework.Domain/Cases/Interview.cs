using Casework.Domain.Common;

namespace Casework.Domain.Cases;

/// <summary>
/// An RSD interview: when, in which language, with which interpreter, the genders the applicant asked for
/// (interviewer and interpreter of the same gender is the applicant's right), and whether the representative came.
/// </summary>
public sealed record Interview(
    DateTimeOffset ScheduledAt,
    string Language,
    string? Interpreter,
    Sex? RequestedInterviewerGender,
    Sex? RequestedInterpreterGender,
    bool RepresentativePresent)
{
    public static Interview Schedule(DateTimeOffset at, DateTimeOffset now, string language, string? interpreter,
        Sex? interviewerGender, Sex? interpreterGender, bool representativePresent)
    {
        if (at < now)
        {
            throw new DomainException("interview-in-the-past", "An interview is scheduled for a future date and time.");
        }

        if (string.IsNullOrWhiteSpace(language))
        {
            throw new DomainException("interview-language-required", "Name the language of the interview.");
        }

        return new Interview(at, language, interpreter, interviewerGender, interpreterGender, representativePresent);
    }
}
