using System.Globalization;
using System.Security.Claims;
using Casework.Data;
using Casework.Data.Cases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>
/// Corrects a family member: the relationship and dependant flag always; the biodata and documents of a dependant
/// registered on this case (a relative with a case of their own is corrected on that case).
/// </summary>
public sealed record CorrectFamilyMemberRequest(string? Relationship, bool Dependant, PrincipalRequest? Person);

/// <summary>
/// Corrections of registration data: the principal applicant's biodata and documents, and a family member in place.
/// Each takes the case's entity tag (from <c>GET /api/cases/{id}</c>) as If-Match, so a correction made on a stale
/// copy is refused (412) instead of silently undoing a colleague's; a correction without one is refused (428).
/// Track and priority are not recomputed: a supervisor overrides the track where a correction changes its grounds.
/// </summary>
public static class CaseCorrections
{
    public static IEndpointRouteBuilder MapCaseCorrectionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{id:guid}").WithTags("Cases");
        group.MapPut("/principal", CorrectPrincipalAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Correct the principal applicant's biodata (and documents, when given); the case's ETag as If-Match.");
        group.MapPut("/family-members/{memberId:guid}", CorrectFamilyMemberAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Correct a family member in place: relationship, and a dependant's biodata and documents; the case's ETag as If-Match.");
        return app;
    }

    private static async Task<Results<Ok<CaseView>, NotFound, ValidationProblem, ProblemHttpResult>> CorrectPrincipalAsync(Guid id, PrincipalRequest request,
        HttpContext http, ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (CaseEndpoints.ValidatePerson(request, today, string.Empty) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!await db.Cases.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        if (RevisionFrom(ifMatch) is not { } expected)
        {
            return PreconditionRequired(id);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Only the copy the caller corrected is overwritten: the revision is checked and moved on in one statement.
            var updated = await db.Cases.Where(c => c.Id == id && c.Revision == expected).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.GivenName, request.GivenName!.Trim())
                .SetProperty(c => c.FamilyName, request.FamilyName!.Trim())
                .SetProperty(c => c.Transliterations, CaseEndpoints.Join(request.Transliterations))
                .SetProperty(c => c.DateOfBirth, request.DateOfBirth!.Value)
                .SetProperty(c => c.DateOfBirthApproximate, request.DateOfBirthApproximate)
                .SetProperty(c => c.Sex, request.Sex!)
                .SetProperty(c => c.Nationalities, CaseEndpoints.Join(request.Nationalities)!)
                .SetProperty(c => c.Languages, CaseEndpoints.Join(request.Languages))
                .SetProperty(c => c.SpecificNeeds, CaseEndpoints.Join(request.SpecificNeeds))
                .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
            if (updated == 0)
            {
                return Stale();
            }

            if (request.Documents is not null)
            {
                await ReplaceDocumentsAsync(db, id, null, request.Documents, clock, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var corrected = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
        http.Response.Headers.ETag = CaseEndpoints.ETag(corrected);
        return TypedResults.Ok(await CaseEndpoints.ViewAsync(corrected, user, db, cancellationToken));
    }

    private static async Task<Results<Ok<FamilyMemberView>, NotFound, ValidationProblem, ProblemHttpResult>> CorrectFamilyMemberAsync(Guid id, Guid memberId,
        CorrectFamilyMemberRequest request, HttpContext http, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var member = await db.FamilyMembers.AsNoTracking().SingleOrDefaultAsync(f => f.Id == memberId && f.CaseId == id, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<FamilyRelationship>(request.Relationship, out var relationship) || int.TryParse(request.Relationship, out _))
        {
            errors["relationship"] = [$"One of {string.Join(", ", Enum.GetNames<FamilyRelationship>())}."];
        }

        if (member?.LinkedCaseId is not null && request.Person is not null)
        {
            errors["person"] = ["This relative has a case of their own: correct their biodata and documents on that case."];
        }
        else if (member is { LinkedCaseId: null } && request.Person is null)
        {
            errors["person"] = ["Required: the dependant's biodata as it should read."];
        }
        else if (request.Person is { } person)
        {
            foreach (var (field, messages) in CaseEndpoints.ValidatePerson(person, today, "person."))
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        if (RevisionFrom(ifMatch) is not { } expected)
        {
            return PreconditionRequired(id);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await db.Cases.Where(c => c.Id == id && c.Revision == expected)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken) == 0)
            {
                return Stale();
            }

            // The member may have been removed between reading it and taking the case's revision.
            var p = request.Person;
            if (await db.FamilyMembers.Where(f => f.Id == memberId && f.CaseId == id).ExecuteUpdateAsync(s =>
                {
                    s.SetProperty(f => f.Relationship, relationship).SetProperty(f => f.Dependant, request.Dependant);
                    if (p is not null)
                    {
                        s.SetProperty(f => f.GivenName, p.GivenName!.Trim())
                            .SetProperty(f => f.FamilyName, p.FamilyName!.Trim())
                            .SetProperty(f => f.Transliterations, CaseEndpoints.Join(p.Transliterations))
                            .SetProperty(f => f.DateOfBirth, p.DateOfBirth)
                            .SetProperty(f => f.DateOfBirthApproximate, p.DateOfBirthApproximate)
                            .SetProperty(f => f.Sex, p.Sex)
                            .SetProperty(f => f.Nationalities, CaseEndpoints.Join(p.Nationalities))
                            .SetProperty(f => f.Languages, CaseEndpoints.Join(p.Languages))
                            .SetProperty(f => f.SpecificNeeds, CaseEndpoints.Join(p.SpecificNeeds));
                    }
                }, cancellationToken) == 0)
            {
                return TypedResults.NotFound();
            }

            if (member.LinkedCaseId is { } other)
            {
                // The relative's case lists the link too, from their side.
                await db.FamilyMembers.Where(f => f.CaseId == other && f.LinkedCaseId == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Relationship, FamilyMemberRecord.Inverse(relationship)), cancellationToken);
                await CaseDetails.NewRevisionAsync(db, [other], cancellationToken);
            }

            if (p?.Documents is { } documents)
            {
                await ReplaceDocumentsAsync(db, id, memberId, documents, clock, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var corrected = await db.FamilyMembers.AsNoTracking().SingleAsync(f => f.Id == memberId, cancellationToken);
        var linkedNumber = corrected.LinkedCaseId is { } l ? await db.Cases.Where(c => c.Id == l).Select(c => c.CaseNumber).SingleOrDefaultAsync(cancellationToken) : null;
        var held = (await db.Documents.AsNoTracking().Where(d => d.FamilyMemberId == memberId).ToListAsync(cancellationToken))
            .OrderBy(d => d.Position).Select(CaseEndpoints.View).ToList();
        http.Response.Headers.ETag = CaseEndpoints.ETag(await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken));
        return TypedResults.Ok(CaseDetails.View(corrected, linkedNumber, held));
    }

    /// <summary>The person's documents become exactly <paramref name="documents"/> (in the caller's transaction).</summary>
    private static async Task ReplaceDocumentsAsync(CaseworkDbContext db, Guid caseId, Guid? familyMemberId, IReadOnlyList<DocumentRequest> documents,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await db.Documents.Where(d => d.CaseId == caseId && d.FamilyMemberId == familyMemberId).ExecuteDeleteAsync(cancellationToken);
        db.Documents.AddRange(CaseEndpoints.Documents(documents, caseId, familyMemberId, clock));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The revision an If-Match header names (quotes and a weak prefix removed); null without one, with *, or with a tag no case has.</summary>
    private static long? RevisionFrom(string? ifMatch)
    {
        var tag = ifMatch?.Trim();
        if (string.IsNullOrEmpty(tag) || tag == "*")
        {
            return null;
        }

        tag = (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag).Trim('"');
        return long.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : -1;
    }

    private static ProblemHttpResult PreconditionRequired(Guid id) => TypedResults.Problem(
        $"A correction must name the copy it corrects: send the ETag of GET /api/cases/{id} as If-Match.",
        statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required", extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["If-Match"] = ["Required: the case's ETag."] },
        });

    private static ProblemHttpResult Stale() => TypedResults.Problem(
        "The case changed after you loaded it; nothing was saved. Reload it and apply your correction again.",
        statusCode: StatusCodes.Status412PreconditionFailed, title: "The case changed", extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["If-Match"] = ["Does not match the case's current ETag."] },
        });
}
