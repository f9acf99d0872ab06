using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Diagnostics;
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

    /// <summary>Registering a case: registration clerks and supervisors, as in the API.</summary>
    public const string RegistrationPolicy = "ui-registration";

    /// <summary>The workflow definitions and their designer: supervisors edit and publish, auditors read.</summary>
    public const string WorkflowPolicy = "ui-workflows";

    /// <summary>An interviewer's own agenda: eligibility officers, as in the API.</summary>
    public const string InterviewerPolicy = "ui-interviewer";

    /// <summary>An office's interview calendar: those who book interviews, eligibility officers and supervisors, as in the API.</summary>
    public const string SchedulerPolicy = "ui-schedulers";

    /// <summary>A legal aid partner's own screens: the appeals of the clients their organisation represents.</summary>
    public const string PartnerPolicy = "ui-partner";

    /// <summary>Moving running cases to another workflow version: supervisors only, as in the API.</summary>
    public const string MigrationPolicy = "ui-migrations";

    /// <summary>Legal aid organisations' authorities to represent a case: supervisors grant and revoke them, auditors read them.</summary>
    public const string RepresentationPolicy = "ui-representations";

    /// <summary>Accounts and legal aid organisations: administrators only, as in the API.</summary>
    public const string AdminPolicy = "ui-admin";

    /// <summary>The audit trail: auditors and administrators, as in the API.</summary>
    public const string AuditPolicy = "ui-audit";

    /// <summary>Anyone signed in: their own account (changing their password).</summary>
    public const string SignedInPolicy = "ui-signed-in";

    /// <summary>
    /// Open to everyone, signed in or not, but reading the sign-in cookie when there is one: the error page shows the
    /// layout (who is signed in, their screens) also for a request no screen answered, which nothing else authenticated.
    /// </summary>
    public const string AnyonePolicy = "ui-anyone";

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
            .AddPolicy(RegistrationPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.RegistrationClerk, CaseworkRoles.Supervisor))
            .AddPolicy(WorkflowPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Supervisor, CaseworkRoles.Auditor))
            .AddPolicy(MigrationPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Supervisor))
            .AddPolicy(RepresentationPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Supervisor, CaseworkRoles.Auditor))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Administrator))
            .AddPolicy(AuditPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.Auditor, CaseworkRoles.Administrator))
            .AddPolicy(InterviewerPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.EligibilityOfficer))
            .AddPolicy(SchedulerPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor))
            .AddPolicy(PartnerPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(CaseworkRoles.LegalAidPartner))
            .AddPolicy(SignedInPolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(AnyonePolicy, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAssertion(_ => true));
        builder.Services.ConfigureApplicationCookie(options => options.AccessDeniedPath = "/access-denied");
        return builder;
    }

    /// <summary>Where a screen's failed request is shown (<see cref="UseCaseworkErrorPages"/>).</summary>
    public const string ErrorPath = "/error";

    /// <summary>
    /// A browser asking for a screen that fails gets a page, not the API's problem details: an exception is re-executed on
    /// <see cref="ErrorPath"/> in a fresh scope (with the status the API would answer), and a status without a body of its
    /// own (an address no screen has, a form that could not be read) is shown there too. Placed after the API's handler, so
    /// it sees screen requests first; the API (and any caller not asking for HTML) keeps its problem details. Routes the
    /// request too (the handlers must come before routing).
    /// </summary>
    public static WebApplication UseCaseworkErrorPages(this WebApplication app)
    {
        app.UseWhen(IsScreenRequest, screens =>
        {
            // The request keeps its own method in the request log, whatever the error page was shown as.
            screens.Use(async (http, next) =>
            {
                var method = http.Request.Method;
                await next(http);
                http.Request.Method = method;
            });
            screens.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = ErrorPath,
                CreateScopeForErrors = true,
                StatusCodeSelector = ApiSetup.StatusFor,
            });
            screens.UseStatusCodePagesWithReExecute(ErrorPath, createScopeForStatusCodePages: true);
        });

        // Routing comes after the handlers so that a request re-executed on the error page is routed again.
        app.UseRouting();

        // A screen that refuses with a status of its own (a task that does not exist, a version no longer published) says
        // why on its own page; only requests no screen answered get the general one.
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && http.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }

            await next(http);
            if (http.Items.ContainsKey(RefusedFormKey))
            {
                // Shown as for a GET: re-executed as the refused POST, the error page would be a form post without a good
                // token too. (Set here, after the audit trail has recorded the POST.)
                http.Request.Method = HttpMethods.Get;
            }
        });
        return app;
    }

    /// <summary>Marks a screen's form post refused for its antiforgery token (<see cref="UseCaseworkAntiforgeryErrorPage"/>).</summary>
    private const string RefusedFormKey = "casework.refused-form";

    /// <summary>
    /// Placed right after <c>UseAntiforgery</c>: a screen's form whose antiforgery token does not hold (loaded for someone
    /// who has since signed out, or by another site) is answered by the error page as a 400, in the application's layout,
    /// instead of the empty 400 the framework sends (which a browser shows as its own "page isn't working"); the form's
    /// handler never runs, so nothing is saved.
    /// </summary>
    public static WebApplication UseCaseworkAntiforgeryErrorPage(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            if (IsScreenRequest(http)
                && http.Features.Get<IStatusCodeReExecuteFeature>() is null // not the error page's own pass
                && http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false }
                && http.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = true; // switched off for screens' own statuses; this one is not the screen's
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                http.Items[RefusedFormKey] = true;
                return Task.CompletedTask;
            }

            return next(http);
        });
        return app;
    }

    private static bool IsScreenRequest(HttpContext http) =>
        !http.Request.Path.StartsWithSegments("/api")
        && http.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

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
