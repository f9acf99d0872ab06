using System.Globalization;
using System.Text.Json;

namespace Casework.Engine.Forms;

/// <summary>A submitted value that does not fit its form, naming the field.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>Checks submitted task data against a form: required fields (always, or when another field holds a value), types, lengths, options, outcome, unknown fields.</summary>
public static class FormValidator
{
    public const string OutcomeField = "outcome";

    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>
    /// The variables a completion of a task with this form sets: the data submitted, each of the form's fields it leaves out as
    /// null, and <see cref="OutcomeField"/> as null when the form has no outcomes. So what a form sets always describes its latest
    /// completion: a field left empty in a second round of the same task does not keep the first round's value, and a gateway
    /// after a task without outcomes never sees the outcome of an earlier task (a review that returned a decision).
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> Completion(FormDefinition form, IReadOnlyDictionary<string, JsonElement>? data)
    {
        var variables = data is null ? new Dictionary<string, JsonElement>(StringComparer.Ordinal) : new Dictionary<string, JsonElement>(data);
        foreach (var field in form.Fields)
        {
            variables.TryAdd(field.Name, Null);
        }

        if (form.Outcomes.Count == 0)
        {
            variables.TryAdd(OutcomeField, Null);
        }

        return variables;
    }

    public static IReadOnlyList<FieldError> Validate(FormDefinition form, IReadOnlyDictionary<string, JsonElement>? data)
    {
        data ??= new Dictionary<string, JsonElement>();
        var errors = new List<FieldError>();
        foreach (var field in form.Fields)
        {
            var present = data.TryGetValue(field.Name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                && !(value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()));
            if (!present)
            {
                if (field.Required)
                {
                    errors.Add(new FieldError(field.Name, $"'{field.Label ?? field.Name}' is required."));
                }
                else if (RequiredBy(form, field, data) is { } reason)
                {
                    errors.Add(new FieldError(field.Name, $"'{field.Label ?? field.Name}' is required when {reason}."));
                }

                continue;
            }

            if (TypeError(field, value) is { } message)
            {
                errors.Add(new FieldError(field.Name, message));
            }
        }

        if (form.Outcomes.Count > 0)
        {
            var outcome = data.TryGetValue(OutcomeField, out var chosen) && chosen.ValueKind == JsonValueKind.String ? chosen.GetString() : null;
            if (outcome is null || !form.Outcomes.Contains(outcome))
            {
                errors.Add(new FieldError(OutcomeField, $"Choose one of: {string.Join(", ", form.Outcomes)}."));
            }
        }

        foreach (var name in data.Keys)
        {
            if (name != OutcomeField && !form.Fields.Any(f => f.Name == name))
            {
                errors.Add(new FieldError(name, $"'{name}' is not a field of form '{form.Key}'."));
            }
        }

        return errors;
    }

    /// <summary>When the field's <see cref="FormField.RequiredWhen"/> holds for the data, says why ("'Return option' is AssistedWithPartner").</summary>
    private static string? RequiredBy(FormDefinition form, FormField field, IReadOnlyDictionary<string, JsonElement> data)
    {
        if (field.RequiredWhen is not { } when || !data.TryGetValue(when.Field, out var value) || value.ValueKind != JsonValueKind.String
            || value.GetString() is not { } chosen || !when.Is.Contains(chosen))
        {
            return null;
        }

        var other = form.Fields.FirstOrDefault(f => f.Name == when.Field);
        return $"'{other?.Label ?? when.Field}' is {chosen}";
    }

    private static string? TypeError(FormField field, JsonElement value) => field.Type switch
    {
        FieldType.Text when value.ValueKind != JsonValueKind.String => "Must be text.",
        FieldType.Text when field.MaxLength is { } max && value.GetString()!.Length > max => $"Must be at most {max} characters.",
        FieldType.Number when value.ValueKind != JsonValueKind.Number => "Must be a number.",
        FieldType.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "Must be true or false.",
        FieldType.Date when value.ValueKind != JsonValueKind.String
            || !DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            => "Must be a date like 2026-03-02.",
        FieldType.Choice when value.ValueKind != JsonValueKind.String || !field.Options.Contains(value.GetString()!)
            => $"Must be one of: {string.Join(", ", field.Options)}.",
        FieldType.List when value.ValueKind != JsonValueKind.Array => "Must be a list.",
        FieldType.List when value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String
            || (field.Options.Count > 0 && !field.Options.Contains(v.GetString()!)))
            => field.Options.Count > 0 ? $"Each value must be one of: {string.Join(", ", field.Options)}." : "Each value must be text.",
        _ => null,
    };
}
