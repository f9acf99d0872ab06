using Casework.Data.Identity;
using Casework.Web.Hosting;
using Microsoft.AspNetCore.Identity;

namespace Casework.Web.Features.Auth;

/// <summary>Creates the roles of DESIGN.md §2 if missing and registers the clients in <c>Auth:Clients</c>.</summary>
public sealed class AuthInitializer(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuthInitializer> logger)
    : StartupTask(scopes, clock, logger)
{
    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in CaseworkRoles.All.Append(CaseworkClaims.PartnerSystemRole))
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var result = await roles.CreateAsync(new IdentityRole(role));
                if (!result.Succeeded && !await roles.RoleExistsAsync(role))
                {
                    throw new InvalidOperationException(
                        $"Could not create role {role}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                }
            }
        }

        await services.GetRequiredService<ClientRegistrar>().RegisterConfiguredAsync(cancellationToken);
    }
}
