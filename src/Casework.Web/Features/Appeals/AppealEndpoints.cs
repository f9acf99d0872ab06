using System.Security.Claims;
using Casework.Data;
using Casework.Web.Features.Api;
using Casework.Web.Features.Auth;
using Casework.Web.Features.Cases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Appeals;

/// <summary>
/// A case's appeal as staff see it, and an appeal the appellant lodges at the office, in person, without a legal aid
/// partner: registration clerks and supervisors record it, on the same rules as a partner's (the deadline, a late appeal
/// only with its reason, one appeal per notified decision).
/// </summary>
public static class AppealEndpoints
{
    public static WebApplicationBuilder AddCaseworkAppeals(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AppealLodging>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAppealEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{id:guid}/appeal").WithTags("Cases");
        group.MapGet("/", GetAsync).RequireAuthorization(ApiSetup.Readers)
            .WithSummary("Where the case's appeal stands: the notified decision's deadline and how it was computed, the last day for a late appeal, the status.");
        group.MapPost("/", LodgeAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Record an appeal the appellant lodged at the office without a legal aid partner (receivedOn: the day it arrived, for one that came by post); a late one needs the reason it is late.");
        return app;
    }

    private static async Task<Results<Ok<AppealView>, NotFound>> GetAsync(Guid id, CaseworkDbContext db, AppealLodging appeals,
        CancellationToken cancellationToken) =>
        await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is { } found
            ? TypedResults.Ok(await appeals.ViewAsync(found, cancellationToken))
            : TypedResults.NotFound();

    private static async Task<Results<Accepted<AppealView>, NotFound, ProblemHttpResult, ValidationProblem>> LodgeAsync(Guid id,
        OfficeAppealRequest request, ClaimsPrincipal user, CaseworkDbContext db, AppealLodging appeals, CancellationToken cancellationToken)
    {
        if (await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } found)
        {
            return TypedResults.NotFound();
        }

        var outcome = await appeals.LodgeAsync(found, request.Grounds, request.LateReason, organisation: null, user.UserName(), cancellationToken,
            request.ReceivedOn);
        return Answer(outcome, $"/api/cases/{id}/appeal");
    }

    /// <summary>The HTTP answer to a lodging, the partner API's and the office's alike.</summary>
    public static Results<Accepted<AppealView>, NotFound, ProblemHttpResult, ValidationProblem> Answer(LodgeOutcome outcome, string location) =>
        outcome.Kind switch
        {
            LodgeResult.Lodged => TypedResults.Accepted(location, outcome.View),
            LodgeResult.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [outcome.Field!] = [outcome.Message!] }),
            LodgeResult.Refused => Problems.Rule(outcome.Code, outcome.Message, outcome.Field),
            LodgeResult.Conflict => Problems.Conflict("No appeal can be lodged on this case now", outcome.Message),
            _ => TypedResults.NotFound(),
        };
}
