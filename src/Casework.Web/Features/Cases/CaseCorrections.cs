using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>
/// Corrects a family member: the relationship and dependant flag always; the biodata and documents of a dependant
/// registered on this case (a relative with a case of their own is corrected on that case); and why, which the case keeps
/// with the correction.
/// </summary>
public sealed record CorrectFamilyMemberRequest(string? Relationship, bool Dependant, PrincipalRequest? Person, string? Reason);

/// <summary>Corrects the principal applicant: their biodata (and documents, when given) as they should read, and why.</summary>
public sealed record CorrectPrincipalRequest(PrincipalRequest? Person, string? Reason);

/// <summary>Removes a family member recorded by mistake; the reason is kept with the removal in the case's corrections.</summary>
public sealed record RemoveFamilyMemberRequest(string? Reason);

/// <summary>How a correction ended.</summary>
internal enum CorrectionResult
{
    Done,

    /// <summary>Every value given is the one on record: nothing was saved, the case's revision (and ETag) did not move.</summary>
    Unchanged,
    Invalid,
    NotFound,
    PreconditionRequired,
    Stale,
}

/// <summary>A correction's end: the problems by field when invalid; the case as it now is when done or unchanged.</summary>
internal sealed record CorrectionOutcome(CorrectionResult Kind, Dictionary<string, string[]>? Errors, CaseRecord? Corrected);

/// <summary>One field a correction changed: its value before and after (null when empty).</summary>
public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>
/// A correction as the history lists it; <c>familyMemberId</c> is null for the principal applicant, <c>reason</c> for a
/// correction kept before reasons were asked for.
/// </summary>
public sealed record CorrectionView(Guid Id, DateTimeOffset At, string By, Guid? FamilyMemberId, string? Reason, IReadOnlyList<FieldChange> Changes);

/// <summary>
/// Corrections of registration data: the principal applicant's biodata and documents, and a family member in place.
/// Each takes the case's entity tag (from <c>GET /api/cases/{id}</c>) as If-Match, so a correction made on a stale
/// copy is refused (412) instead of silently undoing a colleague's; a correction without one is refused (428).
/// Each correction that changes something is kept (<see cref="CaseCorrectionRecord"/>) with its reason, which it must
/// give, and every field before and after; one whose values are all those on record saves nothing, needs no reason and
/// leaves the case's ETag as it was.
/// Track and priority are not recomputed: a supervisor overrides them (<see cref="CaseTriage"/>) where a correction changes their grounds.
/// </summary>
public static class CaseCorrections
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapCaseCorrectionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{id:guid}").WithTags("Cases");
        group.MapPut("/principal", CorrectPrincipalAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Correct the principal applicant's biodata (and documents, when given), with a reason whenever a value changes; the case's ETag as If-Match.");
        group.MapPut("/family-members/{memberId:guid}", CorrectFamilyMemberAsync).RequireAuthorization(CaseEndpoints.Registrars)
            .WithSummary("Correct a family member in place: relationship, and a dependant's biodata and documents, with a reason whenever a value changes; the case's ETag as If-Match.");
        group.MapGet("/corrections", HistoryAsync).RequireAuthorization(ApiSetup.Readers)
            .WithSummary("Every correction of the case's registration data, oldest first: who, when, why, and each field before and after.");
        return app;
    }

    private static async Task<Results<Ok<CaseView>, NotFound, ValidationProblem, ProblemHttpResult>> CorrectPrincipalAsync(Guid id, CorrectPrincipalRequest request,
        HttpContext http, ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await CorrectPrincipalOfAsync(id, request, RevisionFrom(ifMatch), user, db, clock, cancellationToken);
        return await AnswerAsync(id, outcome, http, corrected => CaseEndpoints.ViewAsync(corrected, user, db, cancellationToken));
    }

    /// <summary>
    /// A correction's answer: what <paramref name="view"/> shows of the case, with its ETag (new when done, the same when
    /// nothing differed), otherwise the problem (400 by field, 404, 428 or 412).
    /// </summary>
    private static async Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>> AnswerAsync<T>(Guid id, CorrectionOutcome outcome,
        HttpContext http, Func<CaseRecord, Task<T>> view)
    {
        switch (outcome.Kind)
        {
            case CorrectionResult.Done or CorrectionResult.Unchanged:
                http.Response.Headers.ETag = CaseEndpoints.ETag(outcome.Corrected!);
                return TypedResults.Ok(await view(outcome.Corrected!));
            case CorrectionResult.Invalid:
                return TypedResults.ValidationProblem(outcome.Errors!);
            case CorrectionResult.NotFound:
                return TypedResults.NotFound();
            case CorrectionResult.PreconditionRequired:
                return PreconditionRequired(id);
            default:
                return Stale();
        }
    }

    /// <summary>
    /// Corrects the principal applicant's biodata (and documents, when the request has them) on the copy of the case at
    /// revision <paramref name="expected"/>, from the API or the correction screen, keeping the correction with its reason
    /// and every field before and after. Anything but <see cref="CorrectionResult.Done"/> saved nothing.
    /// </summary>
    internal static async Task<CorrectionOutcome> CorrectPrincipalOfAsync(Guid id, CorrectPrincipalRequest correction, long? expected, ClaimsPrincipal user,
        CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = correction.Person is { } person ? CaseEndpoints.ValidatePerson(person, today, "person.")
            : new Dictionary<string, string[]> { ["person"] = ["Required: the principal applicant's biodata as it should read."] };
        if (ReasonProblem(correction.Reason, PrincipalReasonRequired, errors.Count > 0) is { } reasonProblem)
        {
            errors["reason"] = [reasonProblem];
        }

        if (errors.Count > 0)
        {
            return new CorrectionOutcome(CorrectionResult.Invalid, errors, null);
        }

        var request = correction.Person!;
        var reason = correction.Reason?.Trim();

        if (!await db.Cases.AnyAsync(c => c.Id == id, cancellationToken))
        {
            return new CorrectionOutcome(CorrectionResult.NotFound, null, null);
        }

        if (expected is null)
        {
            return new CorrectionOutcome(CorrectionResult.PreconditionRequired, null, null);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var before = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
            if (before.Revision != expected)
            {
                return new CorrectionOutcome(CorrectionResult.Stale, null, null);
            }

            var changes = Changes(Person(before), Person(request));
            if (request.Documents is not null)
            {
                await DocumentChangeAsync(db, id, null, request.Documents, changes, cancellationToken);
            }

            if (changes.Count == 0)
            {
                return new CorrectionOutcome(CorrectionResult.Unchanged, null, before);
            }

            if (string.IsNullOrWhiteSpace(reason))
            {
                return ReasonMissing(PrincipalReasonRequired);
            }

            // Only the copy the caller corrected is overwritten: the revision is checked and moved on in one statement.
            var updated = await db.Cases.Where(c => c.Id == id && c.Revision == expected).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.GivenName, request.GivenName!.Trim())
                .SetProperty(c => c.FamilyName, request.FamilyName!.Trim())
                .SetProperty(c => c.Transliterations, CaseEndpoints.Join(request.Transliterations))
                .SetProperty(c => c.SearchKey, NameSearch.KeyOf(request.GivenName!.Trim(), request.FamilyName!.Trim(), CaseEndpoints.Join(request.Transliterations)))
                .SetProperty(c => c.DateOfBirth, request.DateOfBirth!.Value)
                .SetProperty(c => c.DateOfBirthApproximate, request.DateOfBirthApproximate)
                .SetProperty(c => c.Sex, request.Sex!)
                .SetProperty(c => c.Nationalities, CaseEndpoints.Join(request.Nationalities)!)
                .SetProperty(c => c.Languages, CaseEndpoints.Join(request.Languages))
                .SetProperty(c => c.SpecificNeeds, CaseEndpoints.Join(request.SpecificNeeds))
                .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
            if (updated == 0)
            {
                return new CorrectionOutcome(CorrectionResult.Stale, null, null);
            }

            if (request.Documents is not null && DocumentsChanged(changes))
            {
                await ReplaceDocumentsAsync(db, id, null, request.Documents, clock, cancellationToken);
            }

            await SaveAsync(db, id, null, reason, user, clock, changes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new CorrectionOutcome(CorrectionResult.Done, null, await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken));
    }

    private static async Task<Results<Ok<FamilyMemberView>, NotFound, ValidationProblem, ProblemHttpResult>> CorrectFamilyMemberAsync(Guid id, Guid memberId,
        CorrectFamilyMemberRequest request, HttpContext http, ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await CorrectFamilyMemberOfAsync(id, memberId, request, RevisionFrom(ifMatch), user, db, clock, cancellationToken);
        return await AnswerAsync(id, outcome, http, async _ =>
        {
            var corrected = await db.FamilyMembers.AsNoTracking().SingleAsync(f => f.Id == memberId, cancellationToken);
            var linkedNumber = corrected.LinkedCaseId is { } l
                ? await db.Cases.Where(c => c.Id == l).Select(c => c.CaseNumber).SingleOrDefaultAsync(cancellationToken)
                : null;
            var held = (await db.Documents.AsNoTracking().Where(d => d.FamilyMemberId == memberId).ToListAsync(cancellationToken))
                .OrderBy(d => d.Position).Select(CaseEndpoints.View).ToList();
            return CaseDetails.View(corrected, linkedNumber, held);
        });
    }

    /// <summary>
    /// Corrects family member <paramref name="memberId"/> of case <paramref name="id"/> on the copy of the case at revision
    /// <paramref name="expected"/>, from the API or the family member's screen, keeping the correction with every field
    /// before and after; a linked relative's case lists the corrected relationship from its side. The case as it is after
    /// the correction when done; anything else saved nothing.
    /// </summary>
    internal static async Task<CorrectionOutcome> CorrectFamilyMemberOfAsync(Guid id, Guid memberId, CorrectFamilyMemberRequest request, long? expected,
        ClaimsPrincipal user, CaseworkDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var member = await db.FamilyMembers.AsNoTracking().SingleOrDefaultAsync(f => f.Id == memberId && f.CaseId == id, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new Dictionary<string, string[]>();
        var relationship = CaseDetails.Relationship(request.Relationship, errors);

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

        if (ReasonProblem(request.Reason, MemberReasonRequired, errors.Count > 0) is { } reasonProblem)
        {
            errors["reason"] = [reasonProblem];
        }

        if (errors.Count > 0)
        {
            return new CorrectionOutcome(CorrectionResult.Invalid, errors, null);
        }

        if (member is null)
        {
            return new CorrectionOutcome(CorrectionResult.NotFound, null, null);
        }

        if (expected is null)
        {
            return new CorrectionOutcome(CorrectionResult.PreconditionRequired, null, null);
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Both cases of a link in one statement, the caller's only if it is the copy they corrected: taking them one
            // after the other, two clerks correcting the link from its two ends would each wait for the other's case.
            Guid[] cases = member.LinkedCaseId is { } linked ? [id, linked] : [id];
            if (await db.Cases.Where(c => cases.Contains(c.Id) && (c.Id != id || c.Revision == expected))
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken) != cases.Length)
            {
                return new CorrectionOutcome(CorrectionResult.Stale, null, null);
            }

            // The member may have been removed between reading it and taking the case's revision.
            var p = request.Person;
            var current = await db.FamilyMembers.AsNoTracking().SingleOrDefaultAsync(f => f.Id == memberId && f.CaseId == id, cancellationToken);
            if (current is null)
            {
                return new CorrectionOutcome(CorrectionResult.NotFound, null, null);
            }

            var changes = Changes(
                [("relationship", current.Relationship.ToString()), ("dependant", current.Dependant ? "yes" : "no"), .. current.LinkedCaseId is null ? Person(current) : []],
                [("relationship", relationship.ToString()), ("dependant", request.Dependant ? "yes" : "no"), .. p is null ? [] : Person(p)]);
            if (p?.Documents is { } given)
            {
                await DocumentChangeAsync(db, id, memberId, given, changes, cancellationToken);
            }

            if (changes.Count == 0)
            {
                // The revisions taken above go back to what they were, so the caller's ETag still holds.
                await transaction.RollbackAsync(cancellationToken);
                return new CorrectionOutcome(CorrectionResult.Unchanged, null, await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken));
            }

            if (string.IsNullOrWhiteSpace(request.Reason))
            {
                await transaction.RollbackAsync(cancellationToken);
                return ReasonMissing(MemberReasonRequired);
            }

            if (await db.FamilyMembers.Where(f => f.Id == memberId && f.CaseId == id).ExecuteUpdateAsync(s =>
                {
                    s.SetProperty(f => f.Relationship, relationship).SetProperty(f => f.Dependant, request.Dependant);
                    if (p is not null)
                    {
                        s.SetProperty(f => f.GivenName, p.GivenName!.Trim())
                            .SetProperty(f => f.FamilyName, p.FamilyName!.Trim())
                            .SetProperty(f => f.Transliterations, CaseEndpoints.Join(p.Transliterations))
                            .SetProperty(f => f.SearchKey, NameSearch.KeyOf(p.GivenName!.Trim(), p.FamilyName!.Trim(), CaseEndpoints.Join(p.Transliterations)))
                            .SetProperty(f => f.DateOfBirth, p.DateOfBirth)
                            .SetProperty(f => f.DateOfBirthApproximate, p.DateOfBirthApproximate)
                            .SetProperty(f => f.Sex, p.Sex)
                            .SetProperty(f => f.Nationalities, CaseEndpoints.Join(p.Nationalities))
                            .SetProperty(f => f.Languages, CaseEndpoints.Join(p.Languages))
                            .SetProperty(f => f.SpecificNeeds, CaseEndpoints.Join(p.SpecificNeeds));
                    }
                }, cancellationToken) == 0)
            {
                return new CorrectionOutcome(CorrectionResult.NotFound, null, null);
            }

            if (member.LinkedCaseId is { } other)
            {
                // The relative's case lists the link too, from their side.
                await db.FamilyMembers.Where(f => f.CaseId == other && f.LinkedCaseId == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Relationship, FamilyMemberRecord.Inverse(relationship)), cancellationToken);
            }

            if (p?.Documents is { } documents && DocumentsChanged(changes))
            {
                await ReplaceDocumentsAsync(db, id, memberId, documents, clock, cancellationToken);
            }

            await SaveAsync(db, id, memberId, request.Reason.Trim(), user, clock, changes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new CorrectionOutcome(CorrectionResult.Done, null, await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<CorrectionView>>> HistoryAsync(Guid id, CaseworkDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await HistoryOfAsync(id, db, cancellationToken));

    /// <summary>The case's corrections, oldest first (the API's history and the case screen).</summary>
    internal static async Task<IReadOnlyList<CorrectionView>> HistoryOfAsync(Guid id, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Corrections.AsNoTracking().Where(c => c.CaseId == id).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => new CorrectionView(c.Id, c.At, c.By,
            c.FamilyMemberId, c.Reason, JsonSerializer.Deserialize<List<FieldChange>>(c.Changes, Json)!))];
    }

    /// <summary>
    /// Keeps a family member being removed in the case's corrections, in the caller's transaction and before the rows go:
    /// every field it had (relationship, dependant, a linked relative's case number, a dependant's biodata and documents)
    /// from its value to nothing, with the reason given, so a member recorded by mistake and removed is still accounted for.
    /// </summary>
    internal static async Task RecordRemovalAsync(CaseworkDbContext db, FamilyMemberRecord member, string reason, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var linked = member.LinkedCaseId is { } other
            ? await db.Cases.Where(c => c.Id == other).Select(c => c.CaseNumber).SingleOrDefaultAsync(cancellationToken)
            : null;
        (string Field, string? Value)[] before =
            [("relationship", member.Relationship.ToString()), ("dependant", member.Dependant ? "yes" : "no"), ("linkedCase", linked),
                .. member.LinkedCaseId is null ? Person(member) : []];
        var changes = before.Where(f => !string.IsNullOrEmpty(f.Value)).Select(f => new FieldChange(f.Field, f.Value, null)).ToList();
        await DocumentChangeAsync(db, member.CaseId, member.Id, [], changes, cancellationToken);
        await SaveAsync(db, member.CaseId, member.Id, reason, user, clock, changes, cancellationToken);
    }

    /// <summary>The problem on a correction of the principal applicant without a reason.</summary>
    internal const string PrincipalReasonRequired = "Required: why the registration is being corrected.";

    /// <summary>The problem on a correction of a family member without a reason.</summary>
    internal const string MemberReasonRequired = "Required: why the family member is being corrected.";

    /// <summary>The problem on a removal of a family member without a reason.</summary>
    internal const string RemovalReasonRequired = "Required: why the family member is being removed.";

    /// <summary>
    /// The problem with a correction's or removal's <paramref name="reason"/>: <paramref name="required"/> when it is
    /// missing (unless <paramref name="requiredNow"/> is false: a correction without other problems is only asked for
    /// one once its values turn out to differ from those on record), a limit when it is longer than the case keeps; null
    /// when it will do.
    /// </summary>
    internal static string? ReasonProblem(string? reason, string required, bool requiredNow = true) =>
        string.IsNullOrWhiteSpace(reason) ? (requiredNow ? required : null)
        : reason.Trim().Length > CaseCorrectionRecord.MaxReasonLength ? $"At most {CaseCorrectionRecord.MaxReasonLength} characters."
        : null;

    /// <summary>A correction that would change something but gives no reason: refused, nothing saved.</summary>
    private static CorrectionOutcome ReasonMissing(string required) =>
        new(CorrectionResult.Invalid, new Dictionary<string, string[]> { ["reason"] = [required] }, null);

    /// <summary>A person's registration fields as text, in a fixed order, for comparing before and after.</summary>
    private static (string Field, string? Value)[] Person(string givenName, string familyName, string? transliterations, DateOnly? dateOfBirth,
        bool approximate, string? sex, string? nationalities, string? languages, string? needs) =>
    [
        ("givenName", givenName), ("familyName", familyName), ("transliterations", transliterations),
        ("dateOfBirth", dateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("dateOfBirthApproximate", approximate ? "yes" : "no"),
        ("sex", sex), ("nationalities", nationalities), ("languages", languages), ("specificNeeds", needs),
    ];

    private static (string Field, string? Value)[] Person(CaseRecord c) => Person(c.GivenName, c.FamilyName, c.Transliterations, c.DateOfBirth,
        c.DateOfBirthApproximate, c.Sex, c.Nationalities, c.Languages, c.SpecificNeeds);

    private static (string Field, string? Value)[] Person(FamilyMemberRecord f) => Person(f.GivenName ?? string.Empty, f.FamilyName ?? string.Empty,
        f.Transliterations, f.DateOfBirth, f.DateOfBirthApproximate, f.Sex, f.Nationalities, f.Languages, f.SpecificNeeds);

    private static (string Field, string? Value)[] Person(PrincipalRequest p) => Person(p.GivenName!.Trim(), p.FamilyName!.Trim(),
        CaseEndpoints.Join(p.Transliterations), p.DateOfBirth, p.DateOfBirthApproximate, p.Sex, CaseEndpoints.Join(p.Nationalities),
        CaseEndpoints.Join(p.Languages), CaseEndpoints.Join(p.SpecificNeeds));

    /// <summary>The fields whose value differs; a field missing on one side counts as empty there.</summary>
    private static List<FieldChange> Changes((string Field, string? Value)[] before, (string Field, string? Value)[] after)
    {
        var old = before.ToDictionary(f => f.Field, f => f.Value);
        return [.. after.Where(f => old.GetValueOrDefault(f.Field) != f.Value).Select(f => new FieldChange(f.Field, old.GetValueOrDefault(f.Field), f.Value))];
    }

    /// <summary>Adds a "documents" change when the person's documents, as listed, differ from <paramref name="given"/>.</summary>
    private static async Task DocumentChangeAsync(CaseworkDbContext db, Guid caseId, Guid? familyMemberId, IReadOnlyList<DocumentRequest> given,
        List<FieldChange> changes, CancellationToken cancellationToken)
    {
        var held = (await db.Documents.AsNoTracking().Where(d => d.CaseId == caseId && d.FamilyMemberId == familyMemberId).ToListAsync(cancellationToken))
            .OrderBy(d => d.Position).Select(d => Document(d.Type.ToString(), d.Number, d.IssuingCountry, d.ExpiresOn));
        var from = string.Join("; ", held);
        var to = string.Join("; ", given.Select(d => Document(d.Type!, d.Number!.Trim(), d.IssuingCountry, d.ExpiresOn)));
        if (from != to)
        {
            changes.Add(new FieldChange("documents", from.Length == 0 ? null : from, to.Length == 0 ? null : to));
        }
    }

    /// <summary>Whether the documents given differ from those held (so the held rows, and their ids, stay when they do not).</summary>
    private static bool DocumentsChanged(List<FieldChange> changes) => changes.Exists(c => c.Field == "documents");

    private static string Document(string type, string number, string? country, DateOnly? expires) =>
        string.Join(' ', new[] { type, number, country, expires?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }.Where(v => v is not null));

    /// <summary>
    /// Saves the added documents, with the record of what the correction changed, in the caller's transaction.
    /// </summary>
    private static async Task SaveAsync(CaseworkDbContext db, Guid caseId, Guid? familyMemberId, string reason, ClaimsPrincipal user, TimeProvider clock,
        List<FieldChange> changes, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        db.Corrections.Add(new CaseCorrectionRecord
        {
            Id = Guid.CreateVersion7(now), CaseId = caseId, FamilyMemberId = familyMemberId, At = now, By = user.UserName(),
            Reason = reason, Changes = JsonSerializer.Serialize(changes, Json),
        });

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The person's documents become exactly <paramref name="documents"/>: the held ones are deleted now, the given ones added for <see cref="SaveAsync"/>.</summary>
    private static async Task ReplaceDocumentsAsync(CaseworkDbContext db, Guid caseId, Guid? familyMemberId, IReadOnlyList<DocumentRequest> documents,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        await db.Documents.Where(d => d.CaseId == caseId && d.FamilyMemberId == familyMemberId).ExecuteDeleteAsync(cancellationToken);
        db.Documents.AddRange(CaseEndpoints.Documents(documents, caseId, familyMemberId, clock));
    }

    /// <summary>The revision an If-Match header names: null without one or with *, -1 for a tag no case has.</summary>
    internal static long? RevisionFrom(string? ifMatch) => EntityTags.LongRevision(ifMatch);

    internal static ProblemHttpResult PreconditionRequired(Guid id, string change = "A correction") => TypedResults.Problem(
        $"{change} must name the copy of the case it was decided on: send the ETag of GET /api/cases/{id} as If-Match.",
        statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required", extensions: new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["If-Match"] = ["Required: the case's ETag."] },
        });

    internal static ProblemHttpResult Stale() => EntityTags.Stale("The case changed",
        "The case changed after you loaded it; nothing was saved. Reload it and apply your change again.", "Does not match the case's current ETag.");
}
