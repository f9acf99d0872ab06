using Casework.Data;
using Casework.Data.Cases;
using Casework.Web.Features.Api;
using Casework.Web.Features.Appeals;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Partners;

/// <summary>
/// What a legal aid organisation may see and do: the cases it represents under an active, unexpired authority, their
/// appeal deadlines, and lodging their appeals. Shared by the partner API and the partner screen.
/// </summary>
public sealed class PartnerAppeals(CaseworkDbContext db, AppealLodging appeals, TimeProvider clock)
{
    /// <summary>The cases the organisation represents today; none without an organisation.</summary>
    public IQueryable<CaseRecord> Represented(Guid? organisation)
    {
        var id = organisation ?? Guid.Empty;
        var today = Dates.Today(clock);
        return db.Cases.AsNoTracking().Where(c => db.Representations.Any(r => r.CaseId == c.Id && r.OrganisationId == id && !r.Revoked
            && r.ValidFrom <= today && (r.ValidUntil == null || r.ValidUntil >= today)));
    }

    /// <summary>Every represented case with its appeal deadlines.</summary>
    public async Task<List<AppealView>> ListAsync(Guid? organisation, CancellationToken cancellationToken) =>
        await appeals.ViewsAsync(await Represented(organisation).ToListAsync(cancellationToken), cancellationToken);

    /// <summary>One represented case, or null when the organisation does not represent it.</summary>
    public async Task<AppealView?> FindAsync(Guid? organisation, Guid caseId, CancellationToken cancellationToken) =>
        await Represented(organisation).SingleOrDefaultAsync(c => c.Id == caseId, cancellationToken) is { } c ? await appeals.ViewAsync(c, cancellationToken) : null;

    /// <summary>Lodges the appeal of a represented client, in the workflow's own transaction.</summary>
    public async Task<LodgeOutcome> LodgeAsync(Guid? organisation, Guid caseId, string? grounds, string? lateReason, string actor,
        CancellationToken cancellationToken) =>
        await Represented(organisation).SingleOrDefaultAsync(x => x.Id == caseId, cancellationToken) is { } c
            ? await appeals.LodgeAsync(c, grounds, lateReason, organisation, actor, cancellationToken)
            : new LodgeOutcome(LodgeResult.NotFound);
}
