using System.Globalization;
using Casework.Data.Cases;
using Casework.Engine.Forms;
using Casework.Web.Features.Cases;

namespace Casework.Web.Features.Tasks;

/// <summary>
/// The starting values of a task form's prefilled fields (<see cref="FormField.Prefill"/>), so the officer checks what the
/// application already knows instead of typing it again. They come from the case's interview once it has taken place: held,
/// or scheduled for today or a past day whose outcome is not recorded yet. A missed or cancelled interview, or one still to
/// come, fills nothing.
/// </summary>
public static class TaskPrefill
{
    /// <summary>The interview the values were taken from, and the values by field name (a checked box is "true").</summary>
    public static (InterviewView? From, Dictionary<string, string> Values) For(FormDefinition? form, InterviewView? interview, DateOnly today)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (form is null || interview is null
            || !(interview.Status == InterviewRecord.Held || (interview.Status == InterviewRecord.Scheduled && interview.Date <= today)))
        {
            return (null, values);
        }

        foreach (var field in form.Fields)
        {
            var value = field.Prefill switch
            {
                FormPrefill.InterviewDate => interview.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                FormPrefill.InterviewLanguage => interview.Language,
                FormPrefill.InterviewInterpreterLanguage => interview.Interpreter is null ? null : interview.Language,
                FormPrefill.InterviewGenderRequested => Checked(interview.RequestedInterviewerGender is not null || interview.RequestedInterpreterGender is not null),
                FormPrefill.InterviewRepresentativeAttending => Checked(interview.RepresentativeAnswer == InterviewRecord.Attending),
                _ => null,
            };
            if (value is not null)
            {
                values[field.Name] = value;
            }
        }

        return (values.Count == 0 ? null : interview, values);
    }

    private static string? Checked(bool yes) => yes ? "true" : null;
}
