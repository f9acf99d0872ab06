using Casework.Data;
using Casework.Data.Identity;
using Casework.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Casework.Web.Features.Administration;

/// <summary>The first administrator of a new site (<c>Bootstrap:Administrator</c>); ignored once any administrator exists.</summary>
public sealed class BootstrapAdministratorOptions
{
    public const string Section = "Bootstrap:Administrator";

    public string? UserName { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// Creates the first administrator from <c>Bootstrap:Administrator</c> while the site has no administrator, so a new
/// production site can be set up without demo data; that administrator then creates everyone else. Once any
/// administrator exists the settings are ignored (remove the password from the configuration after the first sign-in).
/// </summary>
public sealed class AdministratorBootstrap(IServiceScopeFactory scopes, IOptions<BootstrapAdministratorOptions> options, TimeProvider clock,
    ILogger<AdministratorBootstrap> logger) : StartupTask(scopes, clock, logger)
{
    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.UserName) || string.IsNullOrEmpty(settings.Password))
        {
            return;
        }

        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(CaseworkRoles.Administrator))
        {
            await roles.CreateAsync(new IdentityRole(CaseworkRoles.Administrator));
        }

        var users = services.GetRequiredService<UserManager<CaseworkUser>>();
        if ((await users.GetUsersInRoleAsync(CaseworkRoles.Administrator)).Count > 0)
        {
            return;
        }

        if (await users.FindByNameAsync(settings.UserName) is not null)
        {
            logger.LogError("Bootstrap:Administrator names an existing account that is not an administrator; no administrator was created");
            return;
        }

        // The account and its role in one transaction: another node starting at the same moment either finds both or
        // fails on the account's unique name and runs again (StartupTask), finding the administrator.
        await using var transaction = await services.GetRequiredService<CaseworkDbContext>().Database.BeginTransactionAsync(cancellationToken);
        var user = new CaseworkUser { UserName = settings.UserName.Trim(), DisplayName = "Administrator" };
        var created = await users.CreateAsync(user, settings.Password);
        if (!created.Succeeded)
        {
            // Error codes only (PasswordTooShort, DuplicateUserName…): never the name or the password.
            logger.LogError("The first administrator from Bootstrap:Administrator was not created: {Errors}",
                string.Join(", ", created.Errors.Select(e => e.Code)));
            return;
        }

        var added = await users.AddToRoleAsync(user, CaseworkRoles.Administrator);
        if (!added.Succeeded)
        {
            logger.LogError("The first administrator was not given the Administrator role: {Errors}", string.Join(", ", added.Errors.Select(e => e.Code)));
            return; // the transaction is rolled back: no account without its role
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Created the first administrator from Bootstrap:Administrator; remove its password from the configuration");
    }
}
