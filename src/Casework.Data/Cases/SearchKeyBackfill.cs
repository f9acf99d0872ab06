using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Cases;

/// <summary>
/// Gives cases registered before the name search key existed their key (<see cref="NameSearch.KeyOf"/>), on every
/// start until none is left without one. Batches of <see cref="BatchSize"/> cases are written one transaction each,
/// so a stop loses at most the batch in hand and the next start carries on. A key is written only where there is
/// still none: a correction saved meanwhile wrote the key of the corrected names, which is kept. Nodes starting
/// together may write the same key twice, which is harmless. The case's revision (its ETag) does not move: the names
/// did not change.
/// </summary>
public static class SearchKeyBackfill
{
    public const int BatchSize = 500;

    /// <summary>How many cases were given their key.</summary>
    public static async Task<int> RunAsync(CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var written = 0;
        while (true)
        {
            // Every case read is written (or was meanwhile), so the next read finds the next ones.
            var batch = await db.Cases.AsNoTracking()
                .Where(c => c.SearchKey == null)
                .OrderBy(c => c.Id)
                .Select(c => new { c.Id, c.GivenName, c.FamilyName, c.Transliterations })
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return written;
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                foreach (var c in batch)
                {
                    var key = NameSearch.KeyOf(c.GivenName, c.FamilyName, c.Transliterations);
                    written += await db.Cases.Where(x => x.Id == c.Id && x.SearchKey == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.SearchKey, key), cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
    }
}
