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
