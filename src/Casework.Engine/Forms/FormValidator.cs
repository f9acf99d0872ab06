using System.Globalization;
using System.Text.Json;

namespace Casework.Engine.Forms;

/// <summary>A submitted value that does not fit its form, naming the field.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>Checks submitted task data against a form: required fields, types, lengths, options, outcome, unknown fields.</summary>
public static class FormValidator
{
    public const string OutcomeField = "outcome";

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
