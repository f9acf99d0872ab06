using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Cases;

/// <summary>
/// Gives principals and family members registered before the name search key existed their key
/// (<see cref="NameSearch.KeyOf"/>), and accounts made before theirs existed their folded display name
/// (<see cref="Identity.CaseworkUser.DisplayNameKey"/>), on every start until none is left without one. Batches of <see cref="BatchSize"/>
/// rows are written one transaction each, so a stop loses at most the batch in hand and the next start carries on. A
/// key is written only where there is still none: a correction saved meanwhile wrote the key of the corrected names,
/// which is kept. Nodes starting together may write the same key twice, which is harmless. The case's revision (its
/// ETag) does not move, nor does an account's concurrency stamp: the names did not change.
/// </summary>
public static class SearchKeyBackfill
{
    public const int BatchSize = 500;

    /// <summary>How many principals, family members and accounts were given their key.</summary>
    public static async Task<int> RunAsync(CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var written = 0;
        while (true)
        {
            // Every row read is written (or was meanwhile), so the next read finds the next ones.
            var batch = await db.Cases.AsNoTracking().Where(c => c.SearchKey == null).OrderBy(c => c.Id)
                .Select(c => new Names(c.Id, c.GivenName, c.FamilyName, c.Transliterations)).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            written += await WriteAsync(db, batch, names => db.Cases.Where(c => c.Id == names.Id && c.SearchKey == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SearchKey, names.Key), cancellationToken), cancellationToken);
        }

        while (true)
        {
            // Links to another case have no names of their own and keep no key.
            var batch = await db.FamilyMembers.AsNoTracking().Where(f => f.SearchKey == null && f.GivenName != null).OrderBy(f => f.Id)
                .Select(f => new Names(f.Id, f.GivenName!, f.FamilyName ?? "", f.Transliterations)).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            written += await WriteAsync(db, batch, names => db.FamilyMembers.Where(f => f.Id == names.Id && f.SearchKey == null)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.SearchKey, names.Key), cancellationToken), cancellationToken);
        }

        while (true)
        {
            var accounts = await db.Users.AsNoTracking().Where(u => u.DisplayName != null && u.DisplayNameKey == null).OrderBy(u => u.Id)
                .Select(u => new { u.Id, u.DisplayName }).Take(BatchSize).ToListAsync(cancellationToken);
            if (accounts.Count == 0)
            {
                return written;
            }

            written += await WriteAsync(db, accounts, account => db.Users.Where(u => u.Id == account.Id && u.DisplayNameKey == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayNameKey, NameSearch.Fold(account.DisplayName)), cancellationToken),
                cancellationToken);
        }
    }

    private sealed record Names(Guid Id, string GivenName, string FamilyName, string? Transliterations)
    {
        public string Key => NameSearch.KeyOf(GivenName, FamilyName, Transliterations);
    }

    /// <summary>Writes one batch's keys in one transaction; <paramref name="write"/> answers how many rows it wrote.</summary>
    private static async Task<int> WriteAsync<T>(CaseworkDbContext db, List<T> batch, Func<T, Task<int>> write, CancellationToken cancellationToken)
    {
        var written = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var item in batch)
        {
            written += await write(item);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }
}
