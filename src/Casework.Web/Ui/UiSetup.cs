using Casework.Data.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using MudBlazor;
using MudBlazor.Services;

namespace Casework.Web.Ui;

/// <summary>
/// The screens: Razor components rendered on the server per request, with MudBlazor's styles. People sign in on the
/// authorization server's own page (<c>/account/login</c>) and the screens read its cookie; the API keeps taking
/// bearer tokens only.
/// </summary>
public static class UiSetup
{
    /// <summary>The work queues: the people who work or oversee tasks.</summary>
    public const string QueuePolicy = "ui-queues";

    /// <summary>The workflow definitions and their designer: supervisors edit and publish, auditors read.</summary>
    public const string WorkflowPolicy = "ui-workflows";

    /// <summary>A legal aid partner's own screens: the appeals of the clients their organisation represents.</summary>
    public const string PartnerPolicy = "ui-partner";

    /// <summary>Moving running cases to another workflow version: supervisors only, as in the API.</summary>
    public const string MigrationPolicy = "ui-migrations";

    /// <summary>Legal aid organisations' authorities to represent a case: supervisors grant and revoke them, auditors read them.</summary>
    public const string RepresentationPolicy = "ui-representations";

    /// <summary>Accounts and legal aid organisations: administrators only, as in the API.</summary>
    public const string AdminPolicy = "ui-admin";

    /// <summary>Where an administrator starts.</summary>
    public const string AdminHome = "/admin/users";

    /// <summary>Where a partner's lawyers start.</summary>
    public const string PartnerHome = "/partner/appeals";

    private static readonly string[] QueueRoles =
        [CaseworkRoles.RegistrationClerk, CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor, CaseworkRoles.Auditor];

    /// <summary>Casework's colours and type: the system font (nothing is fetched from another site).</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1b4f72", AppbarBackground = "#1b4f72" },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"] },
        },
    };

    public static WebApplicationBuilder AddCaseworkUi(this WebApplicationBuilder builder)
    {
        // Package assets (MudBlazor's styles) are served from the build's manifest in every environment, not only in
        // Development; a published application carries them in wwwroot and has no such manifest, so this does nothing there.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<PartnerContext>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(QueuePolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(QueueRoles))
            .AddPolicy(WorkflowPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Supervisor, CaseworkRoles.Auditor))
            .AddPolicy(MigrationPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Supervisor))
            .AddPolicy(RepresentationPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Supervisor, CaseworkRoles.Auditor))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Administrator))
            .AddPolicy(PartnerPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.LegalAidPartner));
        builder.Services.ConfigureApplicationCookie(options => options.AccessDeniedPath = "/access-denied");
        return builder;
    }

    public static WebApplication MapCaseworkUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>();

        // The start page: someone not signed in signs in first and comes back here; then a partner's lawyers land on
        // their clients' appeals, an administrator without a case role on the accounts, and everyone else on the work queues.
        app.MapGet("/", async (HttpContext http) =>
        {
            var signedIn = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
            if (signedIn.Principal is not { } user)
            {
                return Results.Challenge(authenticationSchemes: [IdentityConstants.ApplicationScheme]);
            }

            return Results.Redirect(user.IsInRole(CaseworkRoles.LegalAidPartner) ? PartnerHome
                : user.IsInRole(CaseworkRoles.Administrator) && !QueueRoles.Any(user.IsInRole) ? AdminHome
                : "/queue");
        }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
