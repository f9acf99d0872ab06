using Casework.Data.Configuration;

namespace Casework.Data.Cases;

/// <summary>
/// When <see cref="NameSearch.Fold"/> learns to turn a letter into another, the keys written before still hold that letter
/// and a name typed either way would no longer find them. A migration clears those keys (the principals', the family
/// members' and the accounts' display name keys) with these statements, and <see cref="SearchKeyBackfill"/> writes them
/// again on the next start, as it wrote the first keys. Only the key columns change: a case's revision (its ETag) and an
/// account's concurrency stamp do not move.
/// </summary>
internal static class SearchKeyRefold
{
    private static readonly (string Table, string Column)[] Keys =
        [("cases", "SearchKey"), ("case_family_members", "SearchKey"), ("AspNetUsers", "DisplayNameKey")];

    /// <summary>One UPDATE per key column, clearing each key that holds any of <paramref name="letters"/>.</summary>
    public static IEnumerable<string> ClearKeysHolding(DatabaseProvider provider, string letters) =>
        Keys.Select(key => $"UPDATE {Quote(provider, key.Table)} SET {Quote(provider, key.Column)} = NULL WHERE "
            + string.Join(" OR ", letters.Select(letter => Holds(provider, Quote(provider, key.Column), letter))));

    private static string Quote(DatabaseProvider provider, string name) =>
        provider == DatabaseProvider.SqlServer ? $"[{name}]" : $"\"{name}\"";

    // The letters are written as code points, so no collation, client encoding or script file encoding can change them;
    // SQL Server compares them as binary, where a linguistic collation could take a letter for another or ignore it.
    private static string Holds(DatabaseProvider provider, string column, char letter) => provider switch
    {
        DatabaseProvider.Sqlite => $"instr({column}, char({(int)letter})) > 0",
        DatabaseProvider.Postgres => $"strpos({column}, chr({(int)letter})) > 0",
        DatabaseProvider.SqlServer => $"CHARINDEX(NCHAR({(int)letter}) COLLATE Latin1_General_BIN2, {column}) > 0",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
