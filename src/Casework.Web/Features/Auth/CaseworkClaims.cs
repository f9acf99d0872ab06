using System.Security.Claims;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Web.Features.Auth;

/// <summary>The claims Casework puts in its tokens, and which token each goes to.</summary>
public static class CaseworkClaims
{
    public const string Office = "office";
    public const string Organisation = "organisation";
    public const string PartnerSystemRole = "PartnerSystem";

    /// <summary>The identity of a signed-in user: subject, name, roles, office, organisation, with the granted scopes.</summary>
    public static async Task<ClaimsIdentity> ForUserAsync(
        UserManager<CaseworkUser> users, CaseworkUser user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: TokenValidationParameters.DefaultAuthenticationType, nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Office, user.OfficeCode)
            .SetClaim(Organisation, user.OrganisationId?.ToString());
        identity.SetClaims(Claims.Role, [.. await users.GetRolesAsync(user)]);
        identity.SetScopes(scopes);
        identity.SetDestinations(Destinations);
        return identity;
    }

    /// <summary>The identity of a partner system using client credentials: the client is the subject.</summary>
    public static ClaimsIdentity ForClient(string clientId, string? displayName, string? organisationId, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: TokenValidationParameters.DefaultAuthenticationType, nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(Claims.Name, displayName ?? clientId)
            .SetClaim(Organisation, organisationId)
            .SetClaim(Claims.Role, PartnerSystemRole);
        identity.SetScopes(scopes);
        identity.SetDestinations(Destinations);
        return identity;
    }

    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Name or Claims.Role or Office or Organisation when claim.Subject?.HasScope(Scopes.Profile) == true
            => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        "AspNet.Identity.SecurityStamp" => [],
        _ => [OpenIddictConstants.Destinations.AccessToken],
    };
}
