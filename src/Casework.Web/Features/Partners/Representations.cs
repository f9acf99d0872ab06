using Casework.Data;
using Casework.Data.Cases;
using Casework.Web.Features.Api;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Partners;

public enum RepresentationResult
{
    Done,

    /// <summary>No such case, or no such authority on it.</summary>
    NotFound,

    /// <summary>The request has a problem in <see cref="RepresentationOutcome.Field"/>; nothing was written.</summary>
    Invalid,

    /// <summary>The authority exists already, or was revoked already.</summary>
    Conflict,
}

public sealed record RepresentationOutcome(RepresentationResult Kind, Guid? Id = null, string? Field = null, string? Message = null);

/// <summary>
/// The authorities legal aid organisations hold to represent a case's applicant, as supervisors grant and revoke them
/// through the API and the screen alike.
/// </summary>
public sealed class Representations(CaseworkDbContext db, TimeProvider clock, ILogger<Representations> logger)
{
    public const int MaxReason = 1000;

    /// <summary>The case's authorities, oldest first; null when there is no such case.</summary>
    public async Task<List<RepresentationView>?> ListAsync(Guid caseId, CancellationToken cancellationToken)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == caseId, cancellationToken))
        {
            return null;
        }

        var today = Dates.Today(clock);
        var rows = await db.Representations.AsNoTracking().Where(r => r.CaseId == caseId)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => new { r, o.Name })
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(x => x.r.GrantedAt).Select(x => new RepresentationView(x.r.Id, x.r.OrganisationId, x.Name, x.r.ValidFrom,
            x.r.ValidUntil, IsActive(x.r, today), x.r.GrantedBy, x.r.GrantedAt, x.r.RevokedBy, x.r.RevokedAt, x.r.RevocationReason))];
    }

    /// <summary>
    /// Records the organisation's authority from <paramref name="validFrom"/> (today when null) until
    /// <paramref name="validUntil"/> (open-ended when null). An unrevoked authority of the same organisation over the
    /// same days is a conflict: there is nothing to add. Run again when the database ends it to settle a clash with
    /// another writer (<see cref="WriterClash"/>), from the screen as from the API.
    /// </summary>
    public Task<RepresentationOutcome> GrantAsync(Guid caseId, Guid? organisationId, DateOnly? validFrom, DateOnly? validUntil, string actor,
        CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "a grant of representation",
            () => GrantOnceAsync(caseId, organisationId, validFrom, validUntil, actor, cancellationToken), cancellationToken);

    private async Task<RepresentationOutcome> GrantOnceAsync(Guid caseId, Guid? organisationId, DateOnly? validFrom, DateOnly? validUntil, string actor,
        CancellationToken cancellationToken)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == caseId, cancellationToken))
        {
            return new(RepresentationResult.NotFound);
        }

        if (organisationId is not { } organisation || !await db.Organisations.AnyAsync(o => o.Id == organisation, cancellationToken))
        {
            return new(RepresentationResult.Invalid, Field: "organisationId", Message: "No organisation has this id.");
        }

        var from = validFrom ?? Dates.Today(clock);
        if (validUntil is { } until && until < from)
        {
            return new(RepresentationResult.Invalid, Field: "validUntil", Message: "Must not be before validFrom.");
        }

        // Grants for one case take turns (a no-op write locks the case's row; SQLite has one writer at a time), so two
        // supervisors granting the same authority at once record it once: the second sees the first and is told so.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Cases.Where(c => c.Id == caseId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision), cancellationToken);
        var overlapping = await db.Representations.AnyAsync(r => r.CaseId == caseId && r.OrganisationId == organisation && !r.Revoked
            && (r.ValidUntil == null || r.ValidUntil >= from) && (validUntil == null || r.ValidFrom <= validUntil), cancellationToken);
        if (overlapping)
        {
            return new(RepresentationResult.Conflict,
                Message: "This organisation already holds an unrevoked authority over some of these days; revoke it first to change its dates.");
        }

        var record = new RepresentationRecord
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), CaseId = caseId, OrganisationId = organisation, ValidFrom = from, ValidUntil = validUntil,
            GrantedBy = actor, GrantedAt = clock.GetUtcNow(),
        };
        db.Representations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(RepresentationResult.Done, record.Id);
    }

    /// <summary>Revokes an authority at once, with the reason; revoking one twice is a conflict. Run again after a clash, as a grant is.</summary>
    public Task<RepresentationOutcome> RevokeAsync(Guid caseId, Guid representationId, string? reason, string actor, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "a revocation of representation",
            () => RevokeOnceAsync(caseId, representationId, reason, actor, cancellationToken), cancellationToken);

    private async Task<RepresentationOutcome> RevokeOnceAsync(Guid caseId, Guid representationId, string? reason, string actor, CancellationToken cancellationToken)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReason)
        {
            return new(RepresentationResult.Invalid, Field: "reason", Message: "Say why, in at most 1,000 characters.");
        }

        var revoked = await db.Representations.Where(r => r.Id == representationId && r.CaseId == caseId && !r.Revoked)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Revoked, true).SetProperty(r => r.RevokedBy, actor)
                .SetProperty(r => r.RevokedAt, clock.GetUtcNow()).SetProperty(r => r.RevocationReason, reason), cancellationToken);
        if (revoked == 1)
        {
            return new(RepresentationResult.Done, representationId);
        }

        return await db.Representations.AnyAsync(r => r.Id == representationId && r.CaseId == caseId, cancellationToken)
            ? new(RepresentationResult.Conflict, representationId, Message: "This authority was revoked already.")
            : new(RepresentationResult.NotFound);
    }

    private static bool IsActive(RepresentationRecord r, DateOnly today) =>
        !r.Revoked && r.ValidFrom <= today && (r.ValidUntil is null || r.ValidUntil >= today);
}
