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
        Fields = [.. (form.Fields ?? []).Select(f => f with { Options = f.Options ?? [] })],
    };

    /// <summary>Reads every <c>*.json</c> file; a file's key must match its name.</summary>
    public static FormCatalog Load(string folder)
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

                forms[form.Key] = Normalise(form);
            }
            catch (JsonException ex)
            {
                problems.Add($"{Path.GetFileName(file)}: {ex.Message}");
            }
        }

        return new FormCatalog(forms, problems);
    }
}
