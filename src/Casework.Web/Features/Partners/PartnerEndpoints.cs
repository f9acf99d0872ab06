using System.Security.Claims;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Casework.Web.Features.Appeals;
using Casework.Web.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;

namespace Casework.Web.Features.Partners;

public sealed record GrantRepresentationRequest(Guid? OrganisationId, DateOnly? ValidFrom, DateOnly? ValidUntil);

/// <summary>A representation authority as staff see it.</summary>
public sealed record RepresentationView(Guid Id, Guid OrganisationId, string OrganisationName, DateOnly ValidFrom, DateOnly? ValidUntil, bool Active,
    string GrantedBy, DateTimeOffset GrantedAt, string? RevokedBy, DateTimeOffset? RevokedAt, string? RevocationReason);

public sealed record RevokeRepresentationRequest(string? Reason);

/// <summary>
/// Legal aid partners: supervisors grant an organisation authority to represent a case's applicant; the partner's
/// lawyers and systems see only the cases it represents under an active, unexpired authority, and may lodge the appeal.
/// </summary>
public static class PartnerEndpoints
{
    public const string Partners = "partners";

    public static WebApplicationBuilder AddCaseworkPartners(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PartnerAppeals>();
        builder.Services.AddScoped<Representations>();
        builder.Services.AddScoped<PartnerInterviews>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Partners, p => p.RequireRole(CaseworkRoles.LegalAidPartner, CaseworkClaims.PartnerSystemRole));
        return builder;
    }

    public static IEndpointRouteBuilder MapPartnerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cases/{id:guid}/representations", GrantAsync).WithTags("Partners").RequireAuthorization(ApiSetup.Supervisors)
            .WithSummary("Record a legal aid organisation's authority to represent the applicant.");
        app.MapGet("/api/cases/{id:guid}/representations", ListAsync).WithTags("Partners").RequireAuthorization(ApiSetup.Readers)
            .WithSummary("The representation authorities of a case, active or not.");
        app.MapPost("/api/cases/{id:guid}/representations/{representationId:guid}/revoke", RevokeAsync).WithTags("Partners")
            .RequireAuthorization(ApiSetup.Supervisors).WithSummary("Revoke an authority: the organisation loses sight of the case at once.");
        var partner = app.MapGroup("/api/partner").WithTags("Partners").RequireAuthorization(Partners);
        partner.MapGet("/appeals", AppealsAsync).WithSummary("The appeals of the clients the caller's organisation represents, with deadlines.");
        partner.MapPost("/appeals/{caseId:guid}", LodgeAsync).WithSummary("Lodge the appeal of a represented client.");
        partner.MapGet("/interviews", InterviewsAsync)
            .WithSummary("The interviews of represented clients the organisation's representative is invited to, from today on, cancelled ones included.");
        partner.MapGet("/interviews/{interviewId:guid}", InterviewAsync).WithSummary("One interview the organisation is invited to.");
        partner.MapPut("/interviews/{interviewId:guid}/attendance", AnswerAsync)
            .WithSummary("Say whether a representative will attend; the answer can be changed until the day of the interview.");
        return app;
    }

    private static async Task<Results<Created<Guid>, NotFound, ValidationProblem, ProblemHttpResult>> GrantAsync(Guid id,
        GrantRepresentationRequest request, ClaimsPrincipal user, Representations representations, CancellationToken cancellationToken)
    {
        var outcome = await representations.GrantAsync(id, request.OrganisationId, request.ValidFrom, request.ValidUntil, user.UserName(),
            cancellationToken);
        return outcome.Kind switch
        {
            RepresentationResult.Done => TypedResults.Created($"/api/cases/{id}/representations/{outcome.Id}", outcome.Id!.Value),
            RepresentationResult.Invalid => Invalid(outcome),
            RepresentationResult.Conflict => Problems.Conflict("The authority was not granted", outcome.Message),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<List<RepresentationView>>, NotFound>> ListAsync(Guid id, Representations representations,
        CancellationToken cancellationToken) =>
        await representations.ListAsync(id, cancellationToken) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RevokeAsync(Guid id, Guid representationId,
        RevokeRepresentationRequest request, ClaimsPrincipal user, Representations representations, CancellationToken cancellationToken)
    {
        var outcome = await representations.RevokeAsync(id, representationId, request.Reason, user.UserName(), cancellationToken);
        return outcome.Kind switch
        {
            RepresentationResult.Done => TypedResults.NoContent(),
            RepresentationResult.Invalid => Invalid(outcome),
            RepresentationResult.Conflict => Problems.Conflict("The authority was not revoked", outcome.Message),
            _ => TypedResults.NotFound(),
        };
    }

    private static ValidationProblem Invalid(RepresentationOutcome outcome) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [outcome.Field!] = [outcome.Message!] });

    private static async Task<Ok<List<AppealView>>> AppealsAsync(ClaimsPrincipal user, PartnerAppeals appeals, CancellationToken cancellationToken) =>
        TypedResults.Ok(await appeals.ListAsync(OrganisationOf(user), cancellationToken));

    private static async Task<Results<Accepted<AppealView>, NotFound, ProblemHttpResult, ValidationProblem>> LodgeAsync(
        Guid caseId, LodgeAppealRequest request, ClaimsPrincipal user, PartnerAppeals appeals, CancellationToken cancellationToken)
    {
        var outcome = await appeals.LodgeAsync(OrganisationOf(user), caseId, request.Grounds, request.LateReason, user.UserName(), cancellationToken);
        return AppealEndpoints.Answer(outcome, "/api/partner/appeals");
    }

    private static async Task<Ok<List<PartnerInterviewView>>> InterviewsAsync(ClaimsPrincipal user, PartnerInterviews interviews,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await interviews.ListAsync(OrganisationOf(user), cancellationToken));

    private static async Task<Results<Ok<PartnerInterviewView>, NotFound>> InterviewAsync(Guid interviewId, ClaimsPrincipal user,
        PartnerInterviews interviews, CancellationToken cancellationToken) =>
        await interviews.FindAsync(OrganisationOf(user), interviewId, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<PartnerInterviewView>, NotFound, ValidationProblem, ProblemHttpResult>> AnswerAsync(Guid interviewId,
        InterviewAttendanceRequest request, ClaimsPrincipal user, PartnerInterviews interviews, CancellationToken cancellationToken)
    {
        var outcome = await interviews.AnswerAsync(OrganisationOf(user), interviewId, request.Attending, user.UserName(), cancellationToken);
        return outcome.Kind switch
        {
            AttendanceResult.Answered => TypedResults.Ok(outcome.View),
            AttendanceResult.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["attending"] = [outcome.Message!] }),
            AttendanceResult.Conflict => Problems.Conflict("The answer was not recorded", outcome.Message),
            _ => TypedResults.NotFound(),
        };
    }

    /// <summary>The caller's organisation, from its token (a partner lawyer's or a partner system's).</summary>
    internal static Guid? OrganisationOf(ClaimsPrincipal user) => Guid.TryParse(user.GetClaim(CaseworkClaims.Organisation), out var id) ? id : null;
}
