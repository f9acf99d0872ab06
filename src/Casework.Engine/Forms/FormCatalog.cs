using System.Text.Json;

namespace Casework.Engine.Forms;

/// <summary>The forms of a folder (<c>workflows/forms/*.json</c>), by key, with the problems of files that could not be read.</summary>
public sealed class FormCatalog
{
    private readonly Dictionary<string, FormDefinition> forms;

    private FormCatalog(Dictionary<string, FormDefinition> forms, IReadOnlyList<string> problems)
    {
        this.forms = forms;
        Problems = problems;
    }

    public static FormCatalog Empty { get; } = new([], []);

    public IReadOnlyList<string> Problems { get; }

    public IReadOnlySet<string> Keys => forms.Keys.ToHashSet(StringComparer.Ordinal);

    public FormDefinition? Find(string key) => forms.GetValueOrDefault(key);

    /// <summary>Source-generated JSON leaves absent lists null on init-only members: make them empty.</summary>
    private static FormDefinition Normalise(FormDefinition form) => form with
    {
        Outcomes = form.Outcomes ?? [],
        Fields = [.. (form.Fields ?? []).Select(f => f with
        {
            Options = f.Options ?? [],
            RequiredWhen = f.RequiredWhen is { } when ? when with { Is = when.Is ?? [] } : null,
        })],
    };

    /// <summary>
    /// A required-when condition must name another choice field of the form and only values among its options; one that
    /// does not is reported and dropped, so the field is simply optional.
    /// </summary>
    private static FormDefinition CheckConditions(FormDefinition form, string file, List<string> problems)
    {
        var fields = form.Fields.Select(field =>
        {
            if (field.RequiredWhen is not { } when)
            {
                return field;
            }

            var other = form.Fields.FirstOrDefault(f => f.Name == when.Field && f != field);
            var problem = other is null ? $"is required when '{when.Field}' holds a value, but the form has no other field of that name."
                : other.Type != FieldType.Choice ? $"is required when '{when.Field}' holds a value, but '{when.Field}' is a {other.Type} field, not a Choice field."
                : when.Is.Count == 0 ? $"is required when '{when.Field}' is one of no values; name them under \"is\"."
                : when.Is.FirstOrDefault(v => !other.Options.Contains(v)) is { } unknown
                    ? $"is required when '{when.Field}' is '{unknown}', which is not one of its options: {string.Join(", ", other.Options)}."
                : null;
            if (problem is null)
            {
                return field;
            }

            problems.Add($"{file}: field '{field.Name}' {problem}");
            return field with { RequiredWhen = null };
        }).ToList();
        return form with { Fields = fields };
    }

    /// <summary>
    /// A prefill that is not one of <see cref="FormPrefill.Sources"/>, or does not fit its field's type, is reported and
    /// dropped: the form stays usable, its field simply starts empty.
    /// </summary>
    private static FormDefinition CheckPrefills(FormDefinition form, string file, List<string> problems)
    {
        var fields = form.Fields.Select(field =>
        {
            if (field.Prefill is not { } source)
            {
                return field;
            }

            if (!FormPrefill.Sources.TryGetValue(source, out var fits))
            {
                problems.Add($"{file}: field '{field.Name}' is prefilled from '{source}', which is not known; known: {string.Join(", ", FormPrefill.Sources.Keys)}.");
            }
            else if (fits != field.Type)
            {
                problems.Add($"{file}: field '{field.Name}' is a {field.Type} field; '{source}' fills a {fits} field.");
            }
            else
            {
                return field;
            }

            return field with { Prefill = null };
        }).ToList();
        return form with { Fields = fields };
    }

    /// <summary>An <c>accountOf</c> must be on a text field and name one of <paramref name="roles"/> (when they are given).</summary>
    private static FormDefinition CheckAccounts(FormDefinition form, string file, IReadOnlyCollection<string>? roles, List<string> problems)
    {
        var fields = form.Fields.Select(field =>
        {
            if (field.AccountOf is not { } role)
            {
                return field;
            }

            var problem = field.Type != FieldType.Text ? $"is a {field.Type} field; only a Text field can name an account."
                : roles is not null && !roles.Contains(role) ? $"offers the accounts of '{role}', which is not a role; roles: {string.Join(", ", roles)}."
                : null;
            if (problem is null)
            {
                return field;
            }

            problems.Add($"{file}: field '{field.Name}' {problem}");
            return field with { AccountOf = null };
        }).ToList();
        return form with { Fields = fields };
    }

    /// <summary>
    /// Reads every <c>*.json</c> file; a file's key must match its name. <paramref name="roles"/>, when given, are the roles
    /// an <c>accountOf</c> may name.
    /// </summary>
    public static FormCatalog Load(string folder, IReadOnlyCollection<string>? roles = null)
    {
        var forms = new Dictionary<string, FormDefinition>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (!Directory.Exists(folder))
        {
            return new FormCatalog(forms, problems);
        }

        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            try
            {
                var form = JsonSerializer.Deserialize(File.ReadAllText(file), FormJsonContext.Default.FormDefinition);
                if (form is null || form.Key != name)
                {
                    problems.Add($"{Path.GetFileName(file)}: the form's key must be '{name}'.");
                    continue;
                }

                var fileName = Path.GetFileName(file);
                forms[form.Key] = CheckAccounts(CheckConditions(CheckPrefills(Normalise(form), fileName, problems), fileName, problems), fileName, roles, problems);
            }
            catch (JsonException ex)
            {
                problems.Add($"{Path.GetFileName(file)}: {ex.Message}");
            }
        }

        return new FormCatalog(forms, problems);
    }
}
