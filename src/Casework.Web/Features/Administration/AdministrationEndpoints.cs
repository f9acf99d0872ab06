using System.Security.Claims;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Casework.Web.Features.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Casework.Web.Features.Administration;

public sealed record CreateOrganisationRequest(string? Name);

/// <summary>
/// The administrator's API: user accounts (roles, office or organisation, password, enabled or not) and legal aid
/// organisations. Administrators read no case data; supervisors and everyone else have no access here.
/// </summary>
public static class AdministrationEndpoints
{
    public const string Administrators = "administrators";

    public static WebApplicationBuilder AddCaseworkAdministration(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdministration>();
        builder.Services.AddScoped<ClientAdministration>();
        builder.Services.AddScoped<OfficeAdministration>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Administrators, p => p.RequireRole(CaseworkRoles.Administrator));
        builder.Services.AddOptions<BootstrapAdministratorOptions>().BindConfiguration(BootstrapAdministratorOptions.Section);
        builder.Services.AddHostedService<AdministratorBootstrap>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdministrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization(Administrators);
        group.MapGet("/users", ListAsync).WithSummary("User accounts, by role, office or name, paged.");
        group.MapGet("/users/{id}", GetAsync).WithSummary("One account: roles, office or organisation, enabled or not.");
        group.MapPost("/users", CreateAsync).WithSummary("Create an account with its roles and an initial password.");
        group.MapPut("/users/{id}", UpdateAsync).WithSummary("Change an account's name, roles, office or organisation (its ETag as If-Match).");
        group.MapPost("/users/{id}/disable", DisableAsync).WithSummary("No more sign-in; the account's sessions and tokens end at once.");
        group.MapPost("/users/{id}/enable", EnableAsync).WithSummary("Let the account sign in again (also ends a lockout after failed sign-ins).");
        group.MapPost("/users/{id}/password", SetPasswordAsync).WithSummary("Set a new password; the account's sessions and tokens end.");
        group.MapGet("/organisations", OrganisationsAsync).WithSummary("The legal aid organisations and how many lawyers each has.");
        group.MapGet("/organisations/{id:guid}", OrganisationAsync).WithSummary("One legal aid organisation.");
        group.MapPost("/organisations", CreateOrganisationAsync).WithSummary("Add a legal aid organisation.");
        group.MapClientAdministration();
        group.MapOfficeAdministration();
        return app;
    }

    private static async Task<Results<Ok<Page<UserView>>, ValidationProblem>> ListAsync(UserAdministration admin, CancellationToken cancellationToken,
        string? role = null, string? office = null, string? search = null, int page = 1, int pageSize = 50)
    {
        if (QueueEndpoints.Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        if (role is not null && !CaseworkRoles.All.Contains(role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"One of {string.Join(", ", CaseworkRoles.All)}."] });
        }

        var (items, total) = await admin.ListAsync(role, office, search, page, pageSize, cancellationToken);
        return TypedResults.Ok(new Page<UserView>(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<UserView>, NotFound>> GetAsync(string id, UserAdministration admin, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (await admin.GetAsync(id, cancellationToken) is not { } user)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = EntityTags.Quoted(UserAdministration.TagOf(user));
        return TypedResults.Ok(user);
    }

    private static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateUserRequest request,
        UserAdministration admin, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await admin.CreateAsync(request, cancellationToken);
        if (outcome.Kind == AdminResult.Done)
        {
            http.Response.Headers.ETag = EntityTags.Quoted(UserAdministration.TagOf(outcome.User!));
        }

        return outcome.Kind switch
        {
            AdminResult.Done => TypedResults.Created($"/api/admin/users/{outcome.User!.Id}", outcome.User),
            AdminResult.Conflict => Problems.Conflict("The account was not created", outcome.Message),
            _ => TypedResults.ValidationProblem(outcome.Errors!),
        };
    }

    private static async Task<Results<Ok<UserView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, UpdateUserRequest request,
        ClaimsPrincipal user, UserAdministration admin, HttpContext http, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await admin.UpdateAsync(id, request, user.UserName(), EntityTags.Opaque(ifMatch), cancellationToken);
        if (outcome.Kind == AdminResult.Done)
        {
            http.Response.Headers.ETag = EntityTags.Quoted(UserAdministration.TagOf(outcome.User!));
        }

        return Answer(outcome);
    }

    private static async Task<Results<Ok<UserView>, NotFound, ValidationProblem, ProblemHttpResult>> DisableAsync(string id, ClaimsPrincipal user,
        UserAdministration admin, CancellationToken cancellationToken) =>
        Answer(await admin.DisableAsync(id, user.UserName(), cancellationToken));

    private static async Task<Results<Ok<UserView>, NotFound, ValidationProblem, ProblemHttpResult>> EnableAsync(string id, UserAdministration admin,
        CancellationToken cancellationToken) =>
        Answer(await admin.EnableAsync(id, cancellationToken));

    private static async Task<Results<Ok<UserView>, NotFound, ValidationProblem, ProblemHttpResult>> SetPasswordAsync(string id, SetPasswordRequest request,
        UserAdministration admin, CancellationToken cancellationToken) =>
        Answer(await admin.SetPasswordAsync(id, request.Password, cancellationToken));

    private static Results<Ok<UserView>, NotFound, ValidationProblem, ProblemHttpResult> Answer(AdminOutcome outcome) => outcome.Kind switch
    {
        AdminResult.Done => TypedResults.Ok(outcome.User!),
        AdminResult.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
        AdminResult.Conflict => Problems.Conflict("The account was not changed", outcome.Message),
        AdminResult.Stale => EntityTags.Stale("The account was not changed", outcome.Message!),
        _ => TypedResults.NotFound(),
    };

    private static async Task<Ok<List<OrganisationView>>> OrganisationsAsync(UserAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admin.OrganisationsAsync(cancellationToken));

    private static async Task<Results<Ok<OrganisationView>, NotFound>> OrganisationAsync(Guid id, UserAdministration admin, CancellationToken cancellationToken) =>
        (await admin.OrganisationsAsync(cancellationToken)).Find(o => o.Id == id) is { } organisation ? TypedResults.Ok(organisation) : TypedResults.NotFound();

    private static async Task<Results<Created<OrganisationView>, ValidationProblem, ProblemHttpResult>> CreateOrganisationAsync(
        CreateOrganisationRequest request, UserAdministration admin, CancellationToken cancellationToken)
    {
        var outcome = await admin.AddOrganisationAsync(request.Name, cancellationToken);
        return outcome.Kind switch
        {
            AdminResult.Done => TypedResults.Created($"/api/admin/organisations/{outcome.Organisation!.Id}", outcome.Organisation),
            AdminResult.Conflict => Problems.Conflict("The organisation was not added", outcome.Message),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [outcome.Message!] }),
        };
    }
}
