using System.Globalization;
using System.Text.Json;
using Casework.Domain.Common;

namespace Casework.Web.Features.Procedure;

/// <summary>Reads typed values from workflow variables; a missing or mistyped required one is a named domain error.</summary>
internal static class Variables
{
    public static string? Text(this IReadOnlyDictionary<string, JsonElement> vars, string name) =>
        vars.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Flag(this IReadOnlyDictionary<string, JsonElement> vars, string name) =>
        vars.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static IReadOnlyList<string> List(this IReadOnlyDictionary<string, JsonElement> vars, string name) =>
        vars.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    public static DateOnly Date(this IReadOnlyDictionary<string, JsonElement> vars, string name) =>
        vars.Text(name) is { } text && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DomainException("missing-date", $"The workflow variable '{name}' must hold a date like 2026-03-02.");

    public static TEnum Enum<TEnum>(this IReadOnlyDictionary<string, JsonElement> vars, string name)
        where TEnum : struct, System.Enum =>
        System.Enum.TryParse<TEnum>(vars.Text(name), ignoreCase: false, out var value)
            ? value
            : throw new DomainException("missing-value", $"The workflow variable '{name}' must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}.");

    public static JsonElement Json<T>(T value) => JsonSerializer.SerializeToElement(value);

    /// <summary>A date as the end of that day in UTC: a deadline day is open until its last moment.</summary>
    public static string EndOfDay(DateOnly date) =>
        date.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
