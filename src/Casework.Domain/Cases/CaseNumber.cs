using System.Globalization;

namespace Casework.Domain.Cases;

/// <summary>A case number: office prefix, year and sequence, e.g. <c>NBO-2026-000123</c>.</summary>
public sealed record CaseNumber(string Office, int Year, int Sequence)
{
    /// <summary>An office code as case numbers carry it: 2 to 10 capital letters, like NBO.</summary>
    public static bool IsOfficeCode(string? code) => code is { Length: >= 2 and <= 10 } && code.All(char.IsAsciiLetterUpper);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Office}-{Year:D4}-{Sequence:D6}");

    public static CaseNumber Parse(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 3 || !IsOfficeCode(parts[0])
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            throw new FormatException($"'{text}' is not a case number like NBO-2026-000123.");
        }

        return new CaseNumber(parts[0], year, sequence);
    }
}
