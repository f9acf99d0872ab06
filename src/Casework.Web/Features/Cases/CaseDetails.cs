using System.Security.Claims;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Domain.Cases;
using Casework.Engine.State;
using Casework.Web.Features.Api;
using Casework.Web.Features.Procedure;
using Casework.Web.Features.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>A family member as a case lists it: a dependant registered on this case, or a link to a relative's own case.</summary>
public sealed record FamilyMemberView(Guid Id, string Relationship, bool Dependant, Guid? LinkedCaseId, string? LinkedCaseNumber,
    string? GivenName, string? FamilyName, IReadOnlyList<string> Transliterations, DateOnly? DateOfBirth, bool DateOfBirthApproximate, string? Sex,
    IReadOnlyList<string> Nationalities, IReadOnlyList<string> Languages, IReadOnlyList<string> SpecificNeeds, string? DerivativeStatus,
    IReadOnlyList<DocumentView> Documents);

/// <summary>Profiling and referral as recorded (from the procedure's data).</summary>
public sealed record ProfilingView(string? Referral, IReadOnlyList<string> ClaimFeatures, bool ChildInDetention, string? ReferralRecordedAt);

/// <summary>Exclusion material: only supervisors ever receive it.</summary>
public sealed record ExclusionView(bool Flagged, bool IndicatorsAtProfiling, bool? Confirmed, string? Notes);

/// <summary>
/// Links a family member: <c>linkedCaseId</c> links the principal of another case (both cases then list the link);
/// <c>person</c> registers a dependant on this case. Exactly one of the two.
/// </summary>
public sealed record AddFamilyMemberRequest(string? Relationship, bool Dependant, Guid? LinkedCaseId, PrincipalRequest? Person);

/// <summary>What recording a family member came to: the member; or the problems by field; or a conflict; or (all null) no such case.</summary>
internal sealed record FamilyMemberOutcome(FamilyMemberView? Added, Dictionary<string, string[]>? Errors, string? Conflict);

public sealed record RecordProfilingRequest(string? Referral, IReadOnlyList<string>? ClaimFeatures, bool? ChildInDetention);

/// <summary>
/// The parts of a case beyond its registration: family members, profiling and referral, and exclusion material
/// (supervisors only, field by field: other readers get the case without it).
/// </summary>
public static class CaseDetails
{
    /// <summary>The profiling task is found by its form, so a supervisor may rename or move it in the diagram.</summary>
    public const string ProfilingForm = "profiling";

    private const string ExclusionIndicators = nameof(ClaimFeatures.ExclusionIndicators);

    public static IEndpointRouteBuilder MapCaseDetailEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{id:guid}").WithTags("Cases");
        group.MapPost("/family-members", AddFamilyMemberAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Register a dependant on the case, or link the case of a relative.");
        group.MapPost("/family-members/{memberId:guid}/remove", RemoveFamilyMemberAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Remove a family member recorded by mistake, giving a reason: a dependant with their documents, or a link (from both cases); kept in the corrections.");
        group.MapPost("/profiling", RecordProfilingAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Record profiling and referral: completes the case's open profiling task with the same rules as the form.");
        return app;
    }

    /// <summary>What the caller may see of a case's family, profiling and exclusion material.</summary>
    internal static async Task<(IReadOnlyList<DocumentView> Documents, IReadOnlyList<FamilyMemberView> Family, ProfilingView? Profiling,
        ExclusionView? Exclusion)> ForAsync(CaseRecord c, ClaimsPrincipal user, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var documents = (await db.Documents.AsNoTracking().Where(d => d.CaseId == c.Id).ToListAsync(cancellationToken))
            .OrderBy(d => d.Position).ToLookup(d => d.FamilyMemberId, CaseEndpoints.View);
        var family = await db.FamilyMembers.AsNoTracking().Where(f => f.CaseId == c.Id).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id)
            .Select(f => new
            {
                Member = f,
                LinkedNumber = db.Cases.Where(l => l.Id == f.LinkedCaseId).Select(l => l.CaseNumber).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var views = family.Select(x => View(x.Member, x.LinkedNumber, [.. documents[x.Member.Id]])).ToList();

        var stateText = c.InstanceId is null ? null
            : await db.Instances.AsNoTracking().Where(i => i.Id == c.InstanceId).Select(i => i.State).SingleOrDefaultAsync(cancellationToken);
        if (stateText is null)
        {
            return ([.. documents[null]], views, null, null);
        }

        var vars = InstanceStateSerializer.Deserialize(stateText).Variables;
        var features = vars.List("claimFeatures");
        var supervisor = user.IsInRole(CaseworkRoles.Supervisor);
        var profiling = vars.Text("referral") is null ? null : new ProfilingView(vars.Text("referral"),
            supervisor ? features : [.. features.Where(f => f != ExclusionIndicators)], Flag(vars, "childInDetention") == true,
            vars.Text("referralRecordedAt"));
        var exclusion = supervisor
            ? new ExclusionView(Flag(vars, "exclusionFlagged") == true, features.Contains(ExclusionIndicators), Flag(vars, "exclusionConfirmed"),
                vars.Text("exclusionNotes"))
            : null;
        return ([.. documents[null]], views, profiling, exclusion);
    }

    private static async Task<Results<Created<FamilyMemberView>, NotFound, ValidationProblem, ProblemHttpResult>> AddFamilyMemberAsync(
        Guid id, AddFamilyMemberRequest request, ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await AddFamilyMemberToAsync(id, request, user, db, clock, cancellationToken);
        return outcome switch
        {
            { Added: { } added } => TypedResults.Created($"/api/cases/{id}", added),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            { Conflict: { } conflict } => Problems.Conflict("The cases were not linked", conflict),
            _ => TypedResults.NotFound(),
        };
    }

    /// <summary>
    /// Records a family member on case <paramref name="id"/>, from the API or the case screen: the member added; or the
    /// request's problems by field (API field names); or why the link already exists; or none of these when there is no
    /// such case. In all but the first nothing was saved.
    /// </summary>
    internal static async Task<FamilyMemberOutcome> AddFamilyMemberToAsync(Guid id, AddFamilyMemberRequest request, ClaimsPrincipal user,
        CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await db.Cases.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return new FamilyMemberOutcome(null, null, null);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new Dictionary<string, string[]>();
        var relationship = Relationship(request.Relationship, errors);

        if ((request.LinkedCaseId is null) == (request.Person is null))
        {
            errors["linkedCaseId"] = ["Give either linkedCaseId (a relative with a case of their own) or person (a dependant registered on this case), not both."];
        }
        else if (request.LinkedCaseId is { } linked)
        {
            if (linked == id)
            {
                errors["linkedCaseId"] = ["A case cannot be linked to itself."];
            }
            else if (!await db.Cases.AnyAsync(c => c.Id == linked, cancellationToken))
            {
                errors["linkedCaseId"] = ["No case has this id."];
            }
        }
        else
        {
            foreach (var (field, messages) in CaseEndpoints.ValidatePerson(request.Person!, today, "person."))
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return new FamilyMemberOutcome(null, errors, null);
        }

        var now = clock.GetUtcNow();
        var p = request.Person;
        var record = new FamilyMemberRecord
        {
            Id = Guid.CreateVersion7(now), CaseId = id, Relationship = relationship, Dependant = request.Dependant, LinkedCaseId = request.LinkedCaseId,
            GivenName = p?.GivenName?.Trim(), FamilyName = p?.FamilyName?.Trim(), DateOfBirth = p?.DateOfBirth, DateOfBirthApproximate = p?.DateOfBirthApproximate ?? false,
            Sex = p?.Sex, Nationalities = CaseEndpoints.Join(p?.Nationalities), Transliterations = CaseEndpoints.Join(p?.Transliterations),
            Languages = CaseEndpoints.Join(p?.Languages), SpecificNeeds = CaseEndpoints.Join(p?.SpecificNeeds), CreatedAt = now, CreatedBy = user.UserName(),
            SearchKey = p is null ? null : NameSearch.KeyOf(p.GivenName!.Trim(), p.FamilyName!.Trim(), CaseEndpoints.Join(p.Transliterations)),
        };
        var documents = CaseEndpoints.Documents(p?.Documents, id, record.Id, clock).ToList();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // The case rows first (their revisions move on), as corrections and removals take them: two clerks linking the
            // same two cases at once take turns, and the second finds the link made.
            await NewRevisionAsync(db, [id, .. request.LinkedCaseId is { } linkedCase ? [linkedCase] : Array.Empty<Guid>()], cancellationToken);
            if (request.LinkedCaseId is { } other)
            {
                if (await db.FamilyMembers.AnyAsync(f => f.CaseId == id && f.LinkedCaseId == other, cancellationToken))
                {
                    return new FamilyMemberOutcome(null, null, "These two cases are linked already.");
                }

                db.FamilyMembers.Add(new FamilyMemberRecord
                {
                    Id = Guid.CreateVersion7(now), CaseId = other, Relationship = FamilyMemberRecord.Inverse(relationship), LinkedCaseId = id,
                    CreatedAt = now, CreatedBy = user.UserName(),
                });
            }

            db.FamilyMembers.Add(record);
            db.Documents.AddRange(documents);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var linkedNumber = record.LinkedCaseId is { } l
            ? await db.Cases.Where(c => c.Id == l).Select(c => c.CaseNumber).SingleAsync(cancellationToken)
            : null;
        return new FamilyMemberOutcome(View(record, linkedNumber, [.. documents.Select(CaseEndpoints.View)]), null, null);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> RemoveFamilyMemberAsync(Guid id, Guid memberId, RemoveFamilyMemberRequest request,
        ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (CaseCorrections.ReasonProblem(request.Reason, CaseCorrections.RemovalReasonRequired) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [problem] });
        }

        return await RemoveFamilyMemberFromAsync(id, memberId, request.Reason!.Trim(), user, db, clock, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
    }

    /// <summary>
    /// Removes family member <paramref name="memberId"/> from case <paramref name="id"/> (from the API or the family
    /// member's screen): a dependant with their documents, or a link from both cases, each kept in its case's corrections
    /// with <paramref name="reason"/> (checked by the caller). False, and nothing changed, when the case has no such member.
    /// </summary>
    internal static async Task<bool> RemoveFamilyMemberFromAsync(Guid id, Guid memberId, string reason, ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var member = await db.FamilyMembers.AsNoTracking().SingleOrDefaultAsync(f => f.Id == memberId && f.CaseId == id, cancellationToken);
        if (member is null)
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The case rows first, as corrections take them, so the two never wait on each other in opposite order.
        await NewRevisionAsync(db, [id, .. member.LinkedCaseId is { } linkedCase ? [linkedCase] : Array.Empty<Guid>()], cancellationToken);
        // Nothing declared is lost: the member (and, for a link, the relative's side of it) stays in each case's corrections.
        var removed = await db.FamilyMembers.AsNoTracking().Where(f => f.Id == memberId
                || (member.LinkedCaseId != null && f.CaseId == member.LinkedCaseId && f.LinkedCaseId == id))
            .ToListAsync(cancellationToken);
        if (!removed.Exists(f => f.Id == memberId))
        {
            // Removed by someone else since it was read: the transaction ends unsaved.
            return false;
        }

        foreach (var row in removed)
        {
            await CaseCorrections.RecordRemovalAsync(db, row, reason, user, clock, cancellationToken);
        }

        await db.Documents.Where(d => d.FamilyMemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        var ids = removed.ConvertAll(f => f.Id);
        await db.FamilyMembers.Where(f => ids.Contains(f.Id)).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The relationship named by <paramref name="text"/>; an error on <c>relationship</c> when it names none.</summary>
    internal static FamilyRelationship Relationship(string? text, Dictionary<string, string[]> errors)
    {
        if (!Enum.TryParse<FamilyRelationship>(text, out var relationship) || int.TryParse(text, out _))
        {
            errors["relationship"] = [$"One of {string.Join(", ", Enum.GetNames<FamilyRelationship>())}."];
        }

        return relationship;
    }

    /// <summary>Moves the cases' revisions on (their entity tags change), in the caller's transaction.</summary>
    internal static Task<int> NewRevisionAsync(CaseworkDbContext db, Guid[] cases, CancellationToken cancellationToken) =>
        db.Cases.Where(c => cases.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);

    private static async Task<Results<Ok<ProfilingView>, NotFound, ValidationProblem, ProblemHttpResult>> RecordProfilingAsync(
        Guid id, RecordProfilingRequest request, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var c = await db.Cases.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null)
        {
            return TypedResults.NotFound();
        }

        var item = c.InstanceId is not { } instance ? null : await db.WorkItems.AsNoTracking()
            .Where(w => w.InstanceId == instance && w.Status == WorkItemStatus.Open && w.FormKey == ProfilingForm).FirstOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return TypedResults.Problem($"Profiling is not open on this case (stage {c.Stage}): it is recorded once, after registration.",
                statusCode: StatusCodes.Status409Conflict, title: "Profiling is not open");
        }

        if (!TaskEndpoints.MayWork(user, item))
        {
            return TypedResults.Problem($"{item.ClaimedBy ?? item.Assignee} is working on this case's profiling.", statusCode: StatusCodes.Status409Conflict,
                title: "Claimed by someone else");
        }

        var data = new Dictionary<string, JsonElement>();
        if (request.Referral is not null)
        {
            data["referral"] = JsonSerializer.SerializeToElement(request.Referral);
        }

        if (request.ClaimFeatures is not null)
        {
            data["claimFeatures"] = JsonSerializer.SerializeToElement(request.ClaimFeatures);
        }

        if (request.ChildInDetention is { } child)
        {
            data["childInDetention"] = JsonSerializer.SerializeToElement(child);
        }

        var outcome = await runtime.CompleteTaskAsync(item.Id, user.UserName(), data, cancellationToken);
        if (outcome.Kind == RuntimeOutcomeKind.Invalid)
        {
            return TypedResults.ValidationProblem(outcome.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                detail: outcome.Message);
        }

        if (!outcome.Succeeded)
        {
            return TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else");
        }

        var updated = await db.Cases.AsNoTracking().SingleAsync(x => x.Id == id, cancellationToken);
        return TypedResults.Ok((await ForAsync(updated, user, db, cancellationToken)).Profiling!);
    }

    /// <summary>A yes/no answer, or null while nobody has given it.</summary>
    private static bool? Flag(IReadOnlyDictionary<string, JsonElement> vars, string name) =>
        vars.TryGetValue(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    internal static FamilyMemberView View(FamilyMemberRecord m, string? linkedCaseNumber, IReadOnlyList<DocumentView> documents) =>
        new(m.Id, m.Relationship.ToString(), m.Dependant, m.LinkedCaseId, linkedCaseNumber, m.GivenName, m.FamilyName,
            CaseEndpoints.Split(m.Transliterations), m.DateOfBirth, m.DateOfBirthApproximate, m.Sex, CaseEndpoints.Split(m.Nationalities),
            CaseEndpoints.Split(m.Languages), CaseEndpoints.Split(m.SpecificNeeds), m.DerivativeStatus, documents);
}
