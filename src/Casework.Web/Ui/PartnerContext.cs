using System.Security.Claims;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Ui;

/// <summary>
/// The legal aid organisation of the person signed in to the screens, read from their account on every request (the
/// sign-in cookie does not carry it), so moving a lawyer to another organisation or unlinking them takes effect at once.
/// </summary>
public sealed class PartnerContext(UserManager<CaseworkUser> users, CaseworkDbContext db)
{
    public sealed record Organisation(Guid Id, string Name);

    /// <summary>The person's organisation, or null when the account is not linked to one.</summary>
    public async Task<Organisation?> OrganisationAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(user) is not { OrganisationId: { } id })
        {
            return null;
        }

        return await db.Organisations.AsNoTracking().Where(o => o.Id == id).Select(o => new Organisation(o.Id, o.Name))
            .SingleOrDefaultAsync(cancellationToken);
    }
}
