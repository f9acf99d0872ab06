using System.Security.Claims;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Casework.Web.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Casework.Web.Features.Partners;

public sealed record GrantRepresentationRequest(Guid? OrganisationId, DateOnly? ValidFrom, DateOnly? ValidUntil);

/// <summary>What a legal aid partner sees of a represented client's case: only what the appeal needs.</summary>
public sealed record PartnerAppealView(Guid CaseId, string CaseNumber, string? DecisionNotifiedOn, string? AppealDeadline,
    string? AppealDeadlineExplanation, string? LateAppealsUntil, string Status);

/// <summary>A representation authority as staff see it.</summary>
public sealed record RepresentationView(Guid Id, Guid OrganisationId, string OrganisationName, DateOnly ValidFrom, DateOnly? ValidUntil, bool Active,
    string GrantedBy, DateTimeOffset GrantedAt, string? RevokedBy, DateTimeOffset? RevokedAt, string? RevocationReason);

public sealed record RevokeRepresentationRequest(string? Reason);

public sealed record LodgeAppealRequest(string? Grounds, string? LateReason);

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
        return app;
    }

    private static async Task<Results<Created<Guid>, NotFound, ValidationProblem>> GrantAsync(Guid id, GrantRepresentationRequest request,
        ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        if (request.OrganisationId is not { } organisation || !await db.Organisations.AnyAsync(o => o.Id == organisation, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["organisationId"] = ["No organisation has this id."] });
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (request.ValidUntil is { } until && until < (request.ValidFrom ?? today))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["validUntil"] = ["Must not be before validFrom."] });
        }

        var record = new RepresentationRecord
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), CaseId = id, OrganisationId = organisation, ValidFrom = request.ValidFrom ?? today,
            ValidUntil = request.ValidUntil, GrantedBy = user.UserName(), GrantedAt = clock.GetUtcNow(),
        };
        db.Representations.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/cases/{id}/representations/{record.Id}", record.Id);
    }

    private static async Task<Results<Ok<List<RepresentationView>>, NotFound>> ListAsync(Guid id, CaseworkDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var rows = await db.Representations.AsNoTracking().Where(r => r.CaseId == id)
            .Join(db.Organisations, r => r.OrganisationId, o => o.Id, (r, o) => new { r, o.Name })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderBy(x => x.r.GrantedAt).Select(x => new RepresentationView(x.r.Id, x.r.OrganisationId, x.Name, x.r.ValidFrom,
            x.r.ValidUntil, !x.r.Revoked && x.r.ValidFrom <= today && (x.r.ValidUntil is null || x.r.ValidUntil >= today), x.r.GrantedBy, x.r.GrantedAt,
            x.r.RevokedBy, x.r.RevokedAt, x.r.RevocationReason)).ToList());
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<string>>> RevokeAsync(Guid id, Guid representationId,
        RevokeRepresentationRequest request, ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["Say why, in at most 1,000 characters."] });
        }

        var revoked = await db.Representations.Where(r => r.Id == representationId && r.CaseId == id && !r.Revoked)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Revoked, true).SetProperty(r => r.RevokedBy, user.UserName())
                .SetProperty(r => r.RevokedAt, clock.GetUtcNow()).SetProperty(r => r.RevocationReason, request.Reason), cancellationToken);
        if (revoked == 1)
        {
            return TypedResults.NoContent();
        }

        return await db.Representations.AnyAsync(r => r.Id == representationId && r.CaseId == id, cancellationToken)
            ? TypedResults.Conflict("This authority was revoked already.")
            : TypedResults.NotFound();
    }

    private static async Task<Ok<List<PartnerAppealView>>> AppealsAsync(ClaimsPrincipal user, PartnerAppeals appeals, CancellationToken cancellationToken) =>
        TypedResults.Ok(await appeals.ListAsync(OrganisationOf(user), cancellationToken));

    private static async Task<Results<Accepted<PartnerAppealView>, NotFound, Conflict<string>, UnprocessableEntity<string>, ValidationProblem>> LodgeAsync(
        Guid caseId, LodgeAppealRequest request, ClaimsPrincipal user, PartnerAppeals appeals, CancellationToken cancellationToken)
    {
        var outcome = await appeals.LodgeAsync(OrganisationOf(user), caseId, request.Grounds, request.LateReason, user.UserName(), cancellationToken);
        return outcome.Result switch
        {
            LodgeResult.Lodged => TypedResults.Accepted("/api/partner/appeals", outcome.View),
            LodgeResult.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [outcome.Field!] = [outcome.Message!] }),
            LodgeResult.Refused => TypedResults.UnprocessableEntity(outcome.Message),
            LodgeResult.Conflict => TypedResults.Conflict(outcome.Message),
            _ => TypedResults.NotFound(),
        };
    }

    /// <summary>The caller's organisation, from its token (a partner lawyer's or a partner system's).</summary>
    private static Guid? OrganisationOf(ClaimsPrincipal user) => Guid.TryParse(user.GetClaim(CaseworkClaims.Organisation), out var id) ? id : null;
}
