using System.Globalization;
using System.Text.RegularExpressions;
using Casework.Data.Offices;

namespace Casework.Web.Features.Administration;

public sealed record HolidayView(DateOnly Date, string Name);

/// <summary>A holiday kept every year: <see cref="MonthDay"/> is its month and day as MM-dd, e.g. 12-25.</summary>
public sealed record AnnualHolidayView(string MonthDay, string Name);

/// <summary>A holiday as sent: the date as text (yyyy-MM-dd), so a wrong one is refused naming its line.</summary>
public sealed record HolidayRequest(string? Date, string? Name);

/// <summary>A holiday kept every year on the same month and day, given as MM-dd (01-01 for New Year's Day).</summary>
public sealed record AnnualHolidayRequest(string? MonthDay, string? Name);

/// <summary>An office's holidays as checked: those of one date, and those kept every year by month and day.</summary>
internal sealed partial record HolidayLists(SortedDictionary<DateOnly, string> Dated, SortedDictionary<(int Month, int Day), string> Annual)
{
    private const int MaxDated = 1000;

    /// <summary>Checks both lists, naming each wrong line (<c>holidays[2].date</c>, <c>annualHolidays[0].monthDay</c>).</summary>
    public static HolidayLists Validate(IReadOnlyList<HolidayRequest>? holidays, IReadOnlyList<AnnualHolidayRequest>? annualHolidays,
        Dictionary<string, string[]> errors)
    {
        var lists = new HolidayLists(new(), new());
        var dated = holidays ?? [];
        var annual = annualHolidays ?? [];
        if (dated.Count > MaxDated)
        {
            errors["holidays"] = [$"At most {MaxDated} holidays."];
            dated = [];
        }

        // Every month and day once at most: 365 without 29 February.
        if (annual.Count > 365)
        {
            errors["annualHolidays"] = ["At most 365 holidays every year, one for each day."];
            annual = [];
        }

        for (var i = 0; i < annual.Count; i++)
        {
            var field = $"annualHolidays[{i}]";
            var text = annual[i]?.MonthDay?.Trim();
            var name = annual[i]?.Name?.Trim();
            if (text is null || !MonthDayPattern().IsMatch(text)
                || !DateOnly.TryParseExact("2000-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                errors[field + ".monthDay"] = [$"'{annual[i]?.MonthDay}' is not a month and day like 12-25."];
            }
            else if (day is { Month: 2, Day: 29 })
            {
                errors[field + ".monthDay"] = ["29 February is not a day of every year; give it as a holiday of each leap year's date instead."];
            }
            else if (!NameFits(name))
            {
                errors[field + ".name"] = [NameProblem];
            }
            else if (!lists.Annual.TryAdd((day.Month, day.Day), name!))
            {
                errors[field + ".monthDay"] = [$"{text} is given twice."];
            }
        }

        for (var i = 0; i < dated.Count; i++)
        {
            var field = $"holidays[{i}]";
            var name = dated[i]?.Name?.Trim();
            if (!DateOnly.TryParseExact(dated[i]?.Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors[field + ".date"] = [$"'{dated[i]?.Date}' is not a date like 2026-12-25."];
            }
            else if (!NameFits(name))
            {
                errors[field + ".name"] = [NameProblem];
            }
            else if (lists.Annual.TryGetValue((date.Month, date.Day), out var every))
            {
                errors[field + ".date"] = [$"{date:yyyy-MM-dd} is already a holiday every year ({every}); leave this date out."];
            }
            else if (!lists.Dated.TryAdd(date, name!))
            {
                errors[field + ".date"] = [$"{date:yyyy-MM-dd} is given twice."];
            }
        }

        return lists;
    }

    /// <summary>Makes the office's holidays these; a holiday that stays is renamed in place, never deleted and added again under its key.</summary>
    public void ApplyTo(OfficeRecord office)
    {
        Sync(office.Holidays, Dated, h => h.Date, (h, name) => h.Name = name,
            (date, name) => new OfficeHolidayRecord { OfficeCode = office.Code, Date = date, Name = name });
        Sync(office.AnnualHolidays, Annual, h => (h.Month, h.Day), (h, name) => h.Name = name,
            (day, name) => new OfficeAnnualHolidayRecord { OfficeCode = office.Code, Month = day.Month, Day = day.Day, Name = name });
    }

    private static void Sync<TRow, TKey>(List<TRow> rows, SortedDictionary<TKey, string> wanted, Func<TRow, TKey> key, Action<TRow, string> rename,
        Func<TKey, string, TRow> create)
        where TKey : notnull
    {
        rows.RemoveAll(r => !wanted.ContainsKey(key(r)));
        var kept = rows.ToDictionary(key);
        foreach (var (k, name) in wanted)
        {
            if (kept.TryGetValue(k, out var row))
            {
                rename(row, name);
            }
            else
            {
                rows.Add(create(k, name));
            }
        }
    }

    public static IReadOnlyList<HolidayView> DatedViews(OfficeRecord office) =>
        [.. office.Holidays.OrderBy(h => h.Date).Select(h => new HolidayView(h.Date, h.Name))];

    public static IReadOnlyList<AnnualHolidayView> AnnualViews(OfficeRecord office) =>
        [.. office.AnnualHolidays.OrderBy(h => h.Month).ThenBy(h => h.Day).Select(h => new AnnualHolidayView($"{h.Month:00}-{h.Day:00}", h.Name))];

    private const string NameProblem = "The holiday's name, 2 to 200 characters, as it will appear in deadline explanations.";

    private static bool NameFits(string? name) => name is { Length: >= 2 and <= 200 };

    [GeneratedRegex("^[0-9]{2}-[0-9]{2}$")]
    private static partial Regex MonthDayPattern();
}
