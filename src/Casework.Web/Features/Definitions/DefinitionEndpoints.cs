using System.Security.Claims;
using Casework.Data;
using Casework.Data.Definitions;
using Casework.Engine.Validation;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Definitions;

public sealed record DefinitionSummary(string ProcessId, int Version, string Status, string? Name, string ContentHash,
    string? PublishedBy, DateTimeOffset? PublishedAt, string? ReleaseNote);

public sealed record DraftRequest(string? Bpmn);

public sealed record PublishRequest(string? ReleaseNote);

public sealed record ValidationReport(bool Valid, IReadOnlyList<DefinitionProblem> Problems);

/// <summary>Workflow definitions: versions, BPMN, drafts, validation, publication, retirement and a diff of two versions.</summary>
public static class DefinitionEndpoints
{
    /// <summary>The longest BPMN XML a draft may hold, in characters; the designer screen checks the same.</summary>
    internal const int MaxBpmnLength = 2_000_000;

    /// <summary>The longest release note, in characters (the column's length); the designer screen checks the same.</summary>
    internal const int MaxReleaseNote = 4000;

    public static IEndpointRouteBuilder MapDefinitionEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/workflow-definitions").WithTags("Workflow definitions").RequireAuthorization(ApiSetup.Readers);
        read.MapGet("/", ListAsync).WithSummary("Every process with its versions.");
        read.MapGet("/{processId}/versions", VersionsAsync).WithSummary("The versions of one process, newest first (0 is the draft).");
        read.MapGet("/{processId}/versions/{version:int}/bpmn", BpmnAsync).WithSummary("The BPMN XML of a version (0 is the draft).");
        read.MapGet("/{processId}/diff", DiffAsync).WithSummary("Elements added, removed and changed between two versions.");
        var write = app.MapGroup("/api/workflow-definitions").WithTags("Workflow definitions").RequireAuthorization(ApiSetup.Supervisors);
        write.MapPut("/{processId}/draft", SaveDraftAsync).WithSummary("Create or replace the draft of a process.");
        write.MapDelete("/{processId}/draft", DiscardDraftAsync).WithSummary("Throw the draft away; published versions stay as they are.");
        write.MapPost("/{processId}/draft/validate", ValidateAsync).WithSummary("Element-level problems of the draft.");
        write.MapPost("/{processId}/draft/publish", PublishAsync).WithSummary("Publish the draft as the next version, if it is valid.");
        write.MapPost("/{processId}/versions/{version:int}/retire", RetireAsync).WithSummary("No new instances on this version.");
        return app;
    }

    private static async Task<Ok<List<DefinitionSummary>>> ListAsync(DefinitionService definitions, CancellationToken cancellationToken) =>
        TypedResults.Ok((await definitions.ListAsync(cancellationToken)).Select(d => new DefinitionSummary(d.ProcessId, d.Version,
            d.Status.ToString(), d.Name, d.ContentHash, d.PublishedBy, d.PublishedAt, d.ReleaseNote)).ToList());

    private static async Task<Results<Ok<List<DefinitionSummary>>, NotFound>> VersionsAsync(string processId, DefinitionService definitions,
        CancellationToken cancellationToken)
    {
        var versions = (await definitions.ListAsync(cancellationToken)).Where(d => d.ProcessId == processId).OrderByDescending(d => d.Version)
            .Select(d => new DefinitionSummary(d.ProcessId, d.Version, d.Status.ToString(), d.Name, d.ContentHash, d.PublishedBy, d.PublishedAt, d.ReleaseNote))
            .ToList();
        return versions.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(versions);
    }

    private static async Task<Results<ContentHttpResult, NotFound>> BpmnAsync(string processId, int version, HttpContext http, CaseworkDbContext db,
        CancellationToken cancellationToken)
    {
        var found = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId && d.Version == version)
            .Select(d => new { d.BpmnXml, d.ContentHash }).SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return TypedResults.NotFound();
        }

        // The content hash is the version's entity tag: send it back as If-Match to save or publish exactly this draft.
        http.Response.Headers.ETag = EntityTags.Quoted(found.ContentHash);
        return TypedResults.Content(found.BpmnXml, "application/xml");
    }

    private static async Task<Results<Ok<WorkflowDefinitionRecordView>, ValidationProblem, ProblemHttpResult>> SaveDraftAsync(
        string processId, DraftRequest request, HttpContext http, DefinitionService definitions, CaseworkDbContext db, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        if (string.IsNullOrWhiteSpace(request.Bpmn) || request.Bpmn.Length > MaxBpmnLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bpmn"] = [$"The BPMN XML is required, at most {MaxBpmnLength:N0} characters."] });
        }

        // A new process gets an id the screens can address; a process that exists already (a file's id) keeps its own.
        if (!DefinitionService.ProcessIdPattern.IsMatch(processId) && !await db.WorkflowDefinitions.AnyAsync(d => d.ProcessId == processId, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["processId"] = ["A new process id is 2 to 63 lower-case letters, digits and hyphens, starting with a letter, for example family-tracing."],
            });
        }

        var draft = await definitions.SaveDraftAsync(processId, request.Bpmn, HashFrom(ifMatch), cancellationToken);
        if (draft is null)
        {
            return Stale("Someone saved this draft after you loaded it; nothing was saved. Reload it and apply your change again.");
        }

        http.Response.Headers.ETag = EntityTags.Quoted(draft.ContentHash);
        return TypedResults.Ok(new WorkflowDefinitionRecordView(draft.ProcessId, draft.Version, draft.Status.ToString()));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DiscardDraftAsync(string processId, DefinitionService definitions,
        CancellationToken cancellationToken, [FromHeader(Name = "If-Match")] string? ifMatch = null) =>
        await definitions.DiscardDraftAsync(processId, HashFrom(ifMatch), cancellationToken) switch
        {
            DiscardOutcome.Discarded => TypedResults.NoContent(),
            DiscardOutcome.Stale => Stale("Someone saved this draft after you loaded it; it was not discarded. Reload it and decide again."),
            _ => TypedResults.NotFound(),
        };

    /// <summary>The content hash named by an If-Match header, or null without one (or with *).</summary>
    private static string? HashFrom(string? ifMatch) => EntityTags.Opaque(ifMatch);

    private static ProblemHttpResult Stale(string detail) => EntityTags.Stale("The draft changed", detail, "Does not match the current draft.");

    public sealed record WorkflowDefinitionRecordView(string ProcessId, int Version, string Status);

    private static async Task<Results<Ok<ValidationReport>, NotFound>> ValidateAsync(
        string processId, CaseworkDbContext db, DefinitionService definitions, CancellationToken cancellationToken)
    {
        var xml = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId && d.Version == 0).Select(d => d.BpmnXml)
            .SingleOrDefaultAsync(cancellationToken);
        if (xml is null)
        {
            return TypedResults.NotFound();
        }

        var problems = await definitions.ValidateAsync(processId, xml, cancellationToken);
        return TypedResults.Ok(new ValidationReport(problems.Count == 0, problems));
    }

    private static async Task<Results<Ok<List<DefinitionSummary>>, ValidationProblem, ProblemHttpResult>> PublishAsync(
        string processId, PublishRequest request, ClaimsPrincipal user, DefinitionService definitions, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        if (request.ReleaseNote is { Length: > MaxReleaseNote })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["releaseNote"] = [$"At most {MaxReleaseNote:N0} characters."] });
        }

        var result = await definitions.PublishDraftAsync(processId, user.UserName(), request.ReleaseNote, cancellationToken, HashFrom(ifMatch));
        if (result.Problems.Any(p => p.Code == DefinitionService.StaleDraft))
        {
            return Stale(result.Problems[0].Message);
        }

        return result.Succeeded
            ? TypedResults.Ok(result.Published.Select(d => new DefinitionSummary(d.ProcessId, d.Version, d.Status.ToString(), d.Name, d.ContentHash,
                d.PublishedBy, d.PublishedAt, d.ReleaseNote)).ToList())
            : TypedResults.Problem($"The draft has {result.Problems.Count} problem(s), listed by element under \"problems\"; nothing was published.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "The draft is not valid",
                extensions: new Dictionary<string, object?> { ["valid"] = false, ["problems"] = result.Problems });
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> RetireAsync(string processId, int version, DefinitionService definitions,
        CancellationToken cancellationToken) =>
        await definitions.RetireAsync(processId, version, cancellationToken) switch
        {
            RetireOutcome.Retired => TypedResults.NoContent(),
            RetireOutcome.LastPublished => TypedResults.Problem(LastPublished(processId, version), statusCode: StatusCodes.Status409Conflict,
                title: "The last published version cannot be retired"),
            _ => TypedResults.NotFound(),
        };

    /// <summary>Why the only published version of a process stays; the workflows screen says the same.</summary>
    internal static string LastPublished(string processId, int version) =>
        $"Version {version} is the only published version of {processId}: retired, no new case could start on {processId}. " +
        "Publish a new version first, then retire this one. Nothing was changed.";

    private static async Task<Results<Ok<DefinitionDiff>, NotFound>> DiffAsync(string processId, int from, int to, CaseworkDbContext db,
        DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var a = await catalog.FindAsync(db, processId, from, cancellationToken);
        var b = await catalog.FindAsync(db, processId, to, cancellationToken);
        return a is null || b is null ? TypedResults.NotFound() : TypedResults.Ok(DefinitionDiff.Between(a.Value.Definition, b.Value.Definition));
    }
}

/// <summary>What changed between two versions, by element id.</summary>
public sealed record DefinitionDiff(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed)
{
    public static DefinitionDiff Between(Engine.Model.ProcessDefinition from, Engine.Model.ProcessDefinition to)
    {
        var before = from.Nodes.Values.Select(n => (n.Id, Text: Describe(n))).Concat(from.Flows.Values.Select(f => (f.Id, Text: (f with { Line = null }).ToString()))).ToDictionary();
        var after = to.Nodes.Values.Select(n => (n.Id, Text: Describe(n))).Concat(to.Flows.Values.Select(f => (f.Id, Text: (f with { Line = null }).ToString()))).ToDictionary();
        return new DefinitionDiff(
            [.. after.Keys.Except(before.Keys).Order(StringComparer.Ordinal)],
            [.. before.Keys.Except(after.Keys).Order(StringComparer.Ordinal)],
            [.. before.Keys.Intersect(after.Keys).Where(id => before[id] != after[id]).Order(StringComparer.Ordinal)]);
    }

    // Layout-free description: what the element is and does, not where it was drawn or on which line.
    private static string Describe(Engine.Model.FlowNode node) => (node with { Line = null }) switch
    {
        Engine.Model.UserTask t => $"{t.ElementType}|{t.Name}|{string.Join(',', t.CandidateRoles)}|{t.FormKey}|{t.Due}|{t.Priority}|{t.Assignee}|{string.Join(',', t.FourEyesWith)}",
        Engine.Model.BoundaryEvent b => $"{b.ElementType}|{b.AttachedToId}|{b.CancelActivity}|{b.Trigger}",
        Engine.Model.IntermediateCatchEvent c => $"{c.ElementType}|{c.Trigger}",
        Engine.Model.ServiceTask s => $"{s.ElementType}|{s.HandlerKey}",
        Engine.Model.ScriptTask s => $"{s.ElementType}|{s.Script}",
        var other => $"{other.ElementType}|{other.Name}",
    };
}
