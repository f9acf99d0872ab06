using System.Globalization;
using System.Text;

namespace Casework.Data.Cases;

/// <summary>
/// How names are found whatever the accents, letter case or order they were typed in. A name is kept a second time
/// as a search key, folded (lower case, accents and other combining marks dropped, a few letters that do not decompose
/// spelled out): "Ömer Yılmaz" is found by "omer", "YILMAZ", "ömer yilmaz" and "yilmaz omer". Folding happens here in
/// C#, not in SQL, because SQLite's lower() folds ASCII only; the database then compares plain text on every provider.
/// </summary>
public static class NameSearch
{
    /// <summary>The longest key: both name orders (2 × 401) and the transliterations (1,000) with separators.</summary>
    public const int MaxKeyLength = 2000;

    /// <summary>
    /// A person's search key (a principal's or a family member's): "given family", "family given" and each transliteration, folded, one per line. A
    /// folded search term never holds a line break, so a term cannot match across two of them.
    /// </summary>
    public static string KeyOf(string givenName, string familyName, string? transliterations)
    {
        var given = Fold(givenName);
        var family = Fold(familyName);
        var parts = new List<string> { $"{given} {family}".Trim(), $"{family} {given}".Trim() };
        if (transliterations is not null)
        {
            parts.AddRange(transliterations.Split(',').Select(Fold).Where(t => t.Length > 0));
        }

        var key = string.Join('\n', parts.Distinct(StringComparer.Ordinal));
        return key.Length <= MaxKeyLength ? key : key[..MaxKeyLength];
    }

    /// <summary>
    /// The cases whose principal, or a family member registered on them, has a name holding <paramref name="folded"/>
    /// (a term already passed through <see cref="Fold"/>): the one name search of the case screen and the API.
    /// </summary>
    /// <remarks>
    /// The names are searched once, as one list of case ids (<c>IN (SELECT … UNION ALL SELECT …)</c>), which PostgreSQL
    /// finds through its trigram indexes and SQLite by reading each table once. A condition on each case (<c>EXISTS</c>
    /// correlated with it) had both databases look up every case's family, 0.4 s a search on 100,000 cases; a plain
    /// UNION had SQLite read both tables in id order (docs/benchmarks.md, tests/Casework.Search.Benchmarks).
    /// </remarks>
    public static IQueryable<CaseRecord> Named(this IQueryable<CaseRecord> cases, CaseworkDbContext db, string folded)
    {
        var named = db.Cases.Where(c => c.SearchKey!.Contains(folded)).Select(c => c.Id)
            .Concat(db.FamilyMembers.Where(f => f.SearchKey!.Contains(folded)).Select(f => f.CaseId));
        return cases.Where(c => named.Contains(c.Id));
    }

    /// <summary>
    /// The Arabic-script letters <see cref="Fold"/> turns into another (and the tatweel it drops): a key written before they
    /// were folded holds one of them, and is written again (migration <c>ArabicScriptFolding</c>, then
    /// <see cref="SearchKeyBackfill"/>).
    /// </summary>
    public const string ArabicScriptVariants = "\u06A9\u06CC\u0649\u06D2\u0629\u06D5\u06C1\u06BE\u0671\u0640";

    /// <summary>
    /// A name or search term folded for comparison: lower case (invariant), combining marks dropped after canonical
    /// decomposition (é → e, ö → o, Arabic vowel marks and hamza seats), letters without a decomposition mapped
    /// (ı → i, ß → ss, ø → o, æ → ae, ł → l, đ/ð → d, þ → th, œ → oe, ħ → h), and runs of spaces, tabs, line breaks,
    /// hyphens and apostrophes turned into one space, so "Al-Amin" and "al amin" meet. In Arabic script, the stretching
    /// stroke (tatweel) is dropped and each group of letters that one name is written with on different keyboards, or
    /// spelled with by different people, becomes one letter (<see cref="ArabicScriptVariants"/>): "فاطمة" and "فاطمه",
    /// "علی" (Persian keyboard) and "علي" (Arabic keyboard), "کریم" and "كريم" meet.
    /// </summary>
    public static string Fold(string? text)
    {
        const char Tatweel = '\u0640';
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.Format || c == Tatweel)
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || category == UnicodeCategory.DashPunctuation || c is '\'' or '’' or '‘' or 'ʼ' or '`')
            {
                space = folded.Length > 0;
                continue;
            }

            if (space)
            {
                folded.Append(' ');
                space = false;
            }

            var lower = char.ToLowerInvariant(c);
            var spelled = lower switch
            {
                'ı' => "i",
                'ß' => "ss",
                'ø' => "o",
                'æ' => "ae",
                'œ' => "oe",
                'ł' => "l",
                'đ' or 'ð' => "d",
                'þ' => "th",
                'ħ' => "h",
                // Arabic script: the letters Persian, Urdu and Arabic keyboards type differently for one name, and the spellings
                // people use for one another (ta marbuta written as ha, alef maqsura as ya).
                '\u06A9' => "\u0643", // keheh → kaf
                '\u06CC' or '\u0649' or '\u06D2' => "\u064A", // Farsi yeh, alef maqsura, yeh barree → yeh
                '\u0629' or '\u06D5' or '\u06C1' or '\u06BE' => "\u0647", // ta marbuta, ae, heh goal, heh doachashmee → heh
                '\u0671' => "\u0627", // alef wasla → alef
                _ => null,
            };
            if (spelled is null)
            {
                folded.Append(lower);
            }
            else
            {
                folded.Append(spelled);
            }
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
