using System.Text.Json.Serialization;

namespace Casework.Engine.Forms;

public enum FieldType
{
    Text,
    Number,
    Boolean,
    Date,
    Choice,

    /// <summary>A list of text values, each one of the options when options are given.</summary>
    List,
}

/// <summary>One field of a task form.</summary>
public sealed record FormField
{
    public required string Name { get; init; }
    public string? Label { get; init; }
    public FieldType Type { get; init; } = FieldType.Text;
    public bool Required { get; init; }
    public int? MaxLength { get; init; }
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>
    /// Where the task screen takes the field's starting value from, for the person working the task to check and change:
    /// one of <see cref="FormPrefill.Sources"/>, such as <c>interview.date</c>. It only fills the screen; what is submitted counts.
    /// </summary>
    public string? Prefill { get; init; }

    /// <summary>
    /// Makes the field required only when another field of the form holds one of some values (the partner organisation
    /// when the return option is an assisted return). The other field must be a choice field of the same form, and each
    /// value one of its options; a condition that is not is reported when the forms are read and dropped.
    /// </summary>
    public FieldCondition? RequiredWhen { get; init; }

    /// <summary>
    /// For a text field that names a person (the appeal officer): the role whose enabled accounts the task screen offers
    /// to choose from. It only helps the person working the task; when the name assigns a task, the runtime checks it.
    /// A role the application does not know, or a field that is not text, is reported when the forms are read and dropped.
    /// </summary>
    public string? AccountOf { get; init; }
}

/// <summary>A condition on another field of the same form: it holds one of <see cref="Is"/>.</summary>
public sealed record FieldCondition
{
    public required string Field { get; init; }
    public IReadOnlyList<string> Is { get; init; } = [];
}

/// <summary>
/// The facts a form field may be prefilled with (<see cref="FormField.Prefill"/>), each with the one field type it fits. They
/// come from the case's interview: the one held, or a scheduled one whose day has come.
/// </summary>
public static class FormPrefill
{
    public const string InterviewDate = "interview.date";
    public const string InterviewLanguage = "interview.language";

    /// <summary>The interview's language when an interpreter was booked for it; nothing when none was.</summary>
    public const string InterviewInterpreterLanguage = "interview.interpreterLanguage";

    /// <summary>Whether the applicant asked for an interviewer or an interpreter of a given gender.</summary>
    public const string InterviewGenderRequested = "interview.genderRequested";

    /// <summary>Whether the invited legal representative said they would attend.</summary>
    public const string InterviewRepresentativeAttending = "interview.representativeAttending";

    public static IReadOnlyDictionary<string, FieldType> Sources { get; } = new Dictionary<string, FieldType>(StringComparer.Ordinal)
    {
        [InterviewDate] = FieldType.Date,
        [InterviewLanguage] = FieldType.Text,
        [InterviewInterpreterLanguage] = FieldType.Text,
        [InterviewGenderRequested] = FieldType.Boolean,
        [InterviewRepresentativeAttending] = FieldType.Boolean,
    };
}

/// <summary>
/// A user task's form, kept as data in <c>workflows/forms/{key}.json</c>: its fields and the outcomes a person may
/// choose (submitted as the field <c>outcome</c>). A definition that names a form which does not exist is refused at
/// publication; data submitted to complete a task is checked against its form.
/// </summary>
public sealed record FormDefinition
{
    public required string Key { get; init; }
    public string? Title { get; init; }
    public IReadOnlyList<FormField> Fields { get; init; } = [];
    public IReadOnlyList<string> Outcomes { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(FormDefinition))]
internal sealed partial class FormJsonContext : JsonSerializerContext;
