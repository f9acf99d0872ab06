using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Casework.Data.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Casework.Data.Audit;

/// <summary>The result of checking the chain: valid, or the first entry whose hash no longer matches.</summary>
public sealed record AuditVerification(bool Valid, long Entries, long? BrokenAtId, string Message);

/// <summary>
/// Appends hash-chained audit entries and verifies the chain. Appends are serialised (a PostgreSQL advisory lock,
/// SQL Server's application lock, SQLite's single writer) so the chain never forks.
/// </summary>
public sealed class AuditTrail(CaseworkDbContext db, IOptions<DatabaseOptions> database, TimeProvider clock)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    private const long LockKey = 7_344_201_181;

    /// <summary>
    /// One entry per case a request touched (a request that touched several, such as a bulk reassignment, is found under each),
    /// chained one after the other in one transaction: all of them are written or none. No cases at all writes one entry without one.
    /// </summary>
    public async Task AppendAsync(string actor, string action, string resource, string? remoteAddress, string? correlationId, int status,
        IReadOnlyList<Guid?> caseIds, CancellationToken cancellationToken)
    {
        // The request's own work is over: whatever it left unsaved (a write it abandoned on a conflict or a failure)
        // must not be written with its audit entry.
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        switch (database.Value.ProviderKind)
        {
            case DatabaseProvider.Postgres:
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
                break;
            case DatabaseProvider.SqlServer:
                await db.Database.ExecuteSqlRawAsync("EXEC sp_getapplock @Resource = 'casework-audit', @LockMode = 'Exclusive', @LockOwner = 'Transaction'", cancellationToken);
                break;
        }

        var previous = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(cancellationToken) ?? Genesis;
        // Milliseconds: every store keeps them exactly (SQLite's encoding keeps 0.1 ms, PostgreSQL µs).
        var at = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var caseId in caseIds.Count > 0 ? caseIds : [null])
        {
            var entry = new AuditEntryRecord
            {
                At = at, Actor = actor, Action = action, Resource = resource, RemoteAddress = remoteAddress,
                CorrelationId = correlationId, Status = status, CaseId = caseId, PreviousHash = previous, Hash = string.Empty,
            };
            entry.Hash = HashOf(entry);
            db.AuditEntries.Add(entry);
            // Saved one by one: the chain is read back in id order, so each entry must get its id after the one it follows.
            await db.SaveChangesAsync(cancellationToken);
            previous = entry.Hash;
        }

        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>Recomputes every hash in order; stops at the first entry that does not match.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var previous = Genesis;
        long count = 0;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            count++;
            if (entry.PreviousHash != previous || entry.Hash != HashOf(entry))
            {
                return new AuditVerification(false, count, entry.Id, $"Entry {entry.Id} does not match the chain: it or an earlier entry was altered or removed.");
            }

            previous = entry.Hash;
        }

        return new AuditVerification(true, count, null, $"All {count} entries chain correctly.");
    }

    private static string HashOf(AuditEntryRecord e)
    {
        var text = string.Join('\u001f', e.PreviousHash, e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), e.Actor, e.Action, e.Resource,
            e.RemoteAddress ?? string.Empty, e.CorrelationId ?? string.Empty, e.Status.ToString(CultureInfo.InvariantCulture));
        // The case joined the hashed fields later: an entry without one hashes as entries always did, so the chain written
        // before it stays valid, and one with a case cannot have it changed or removed unnoticed.
        if (e.CaseId is { } caseId)
        {
            text += "\u001f" + caseId.ToString("D");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
