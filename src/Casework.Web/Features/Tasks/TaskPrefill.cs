using System.Globalization;
using System.Text.Json;
using Casework.Data.Cases;
using Casework.Engine.Forms;
using Casework.Web.Features.Cases;

namespace Casework.Web.Features.Tasks;

/// <summary>
/// What a task's form is prefilled with, for API clients as the task screen shows it: the interview the values come from and the
/// values by field name, typed as <c>POST /api/tasks/{id}/complete</c> takes them (a date or text as a string, a checked box as true).
/// They are suggestions for the person completing the task to check; only what is submitted is kept.
/// </summary>
public sealed record TaskPrefillView(Guid InterviewId, DateOnly InterviewDate, string InterviewStatus, IReadOnlyDictionary<string, JsonElement> Data);

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

    /// <summary>The interview the task screen shows and prefill comes from: the case's current one, while the case is in assessment.</summary>
    internal static async Task<InterviewView?> InterviewAsync(TaskCaseContext? applicant, Interviews bookings, CancellationToken cancellationToken) =>
        applicant is { Stage: nameof(Casework.Domain.Cases.CaseStage.Assessment) } ? await bookings.CurrentAsync(applicant.Id, cancellationToken) : null;

    /// <summary>The values of <see cref="For"/> as the API shows them; null when nothing is prefilled.</summary>
    public static TaskPrefillView? View(FormDefinition? form, InterviewView? from, IReadOnlyDictionary<string, string> values) =>
        form is null || from is null || values.Count == 0 ? null : new TaskPrefillView(from.Id, from.Date, from.Status,
            form.Fields.Where(f => values.ContainsKey(f.Name)).ToDictionary(f => f.Name, f => f.Type == FieldType.Boolean
                ? JsonSerializer.SerializeToElement(values[f.Name] == "true")
                : JsonSerializer.SerializeToElement(values[f.Name]), StringComparer.Ordinal));

    private static string? Checked(bool yes) => yes ? "true" : null;
}
