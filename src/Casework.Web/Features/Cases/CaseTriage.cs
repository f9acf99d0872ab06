using System.Security.Claims;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Domain.Cases;
using Casework.Domain.Triage;
using Casework.Engine.Execution;
using Casework.Engine.State;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>A supervisor's override of the triage: a track, a priority or both, and why (required).</summary>
public sealed record TriageOverrideRequest(string? Track, int? Priority, string? Reason);

/// <summary>One override as the history lists it.</summary>
public sealed record TriageOverrideView(Guid Id, DateTimeOffset At, string By, string? FromTrack, string ToTrack, int FromPriority, int ToPriority,
    string Reason);

/// <summary>
/// The case's processing track and priority now, the reasons triage gave for them, and every override since, oldest first.
/// </summary>
public sealed record TriageView(string? Track, int Priority, IReadOnlyList<string> Reasons, IReadOnlyList<TriageOverrideView> Overrides);

/// <summary>
/// Supervisors override the track and priority triage chose, with a recorded reason (the procedure's rule: the reason for
/// every track choice and every override is recorded). An override takes the case's ETag as If-Match, like a
/// correction. In one transaction it changes the case, the workflow's <c>track</c> and <c>casePriority</c> variables (so
/// gateways and tasks further on follow it) and those of every running instance it called (an appeal under way opens its
/// next tasks with the new values), the queue copies on the case's open tasks (and the priority of those
/// whose priority was the case's), and records who, when, before, after and why. Routing already taken stays taken and
/// open tasks keep their due dates: a case waiting at the regular interview stays there, now with the new priority.
/// </summary>
public static class CaseTriage
{
    private const int MaxReasonLength = 2000;
    private const int MaxPriority = 100;

    public static IEndpointRouteBuilder MapCaseTriageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{id:guid}").WithTags("Cases");
        group.MapGet("/triage", GetAsync).RequireAuthorization(ApiSetup.Readers)
            .WithSummary("The case's track and priority, the reasons triage gave, and every supervisor override with its reason.");
        group.MapPut("/triage", OverrideAsync).RequireAuthorization(ApiSetup.Supervisors)
            .WithSummary("Override the track and/or priority with a reason; the case's ETag as If-Match.");
        return app;
    }

    private static async Task<Results<Ok<TriageView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, CaseworkDbContext db,
        CancellationToken cancellationToken)
    {
        if (await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } c)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await ViewAsync(c, user, db, cancellationToken));
    }

    private static async Task<Results<Ok<TriageView>, NotFound, ValidationProblem, ProblemHttpResult>> OverrideAsync(Guid id,
        TriageOverrideRequest request, HttpContext http, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock,
        CancellationToken cancellationToken, [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await ApplyAsync(id, request, CaseCorrections.RevisionFrom(ifMatch), user, db, runtime, clock, cancellationToken);
        return await CaseChange.AnswerAsync(outcome, id, http, "An override", "The case cannot be overridden now",
            c => ViewAsync(c, user, db, cancellationToken));
    }

    /// <summary>
    /// Applies an override decided on the case's revision <paramref name="expected"/> (null when the caller named none):
    /// everything in the command's one transaction, or nothing. The API and the case screen both come here.
    /// </summary>
    internal static async Task<CaseChangeOutcome> ApplyAsync(Guid id, TriageOverrideRequest request, long? expected, ClaimsPrincipal user,
        CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return new CaseChangeOutcome(CaseChangeResult.Invalid, Errors: errors);
        }

        var (before, stop) = await CaseChange.LoadAsync(id, expected, db, cancellationToken);
        if (before is null)
        {
            return stop!;
        }

        var revision = before.Revision;

        if (before.Track is null || before.InstanceId is not { } instanceId)
        {
            return new CaseChangeOutcome(CaseChangeResult.Refused,
                Message: "The case has not been triaged yet; its track is set when profiling refers it to refugee status determination.");
        }

        var track = request.Track is null ? before.Track : Enum.Parse<ProcessingTrack>(request.Track, ignoreCase: true).ToString();
        var priority = request.Priority ?? before.Priority;
        if (track == before.Track && priority == before.Priority)
        {
            return new CaseChangeOutcome(CaseChangeResult.Invalid, Errors: new Dictionary<string, string[]>
            {
                [request.Track is null ? "priority" : "track"] = [$"The case is already on the {track} track with priority {priority}; nothing to override."],
            });
        }

        var now = clock.GetUtcNow();
        var by = user.UserName();
        var variables = new Dictionary<string, JsonElement>
        {
            ["track"] = JsonSerializer.SerializeToElement(track),
            ["casePriority"] = JsonSerializer.SerializeToElement(priority),
        };
        RuntimeOutcome outcome;
        try
        {
            outcome = await runtime.ExecuteAsync(instanceId, _ => new SetVariables(variables), by, cancellationToken, async () =>
            {
                // In the command's transaction: the case only if it is still the copy the supervisor decided on.
                var updated = await db.Cases.Where(c => c.Id == id && c.Revision == revision).ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Track, track)
                    .SetProperty(c => c.Priority, priority)
                    .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
                if (updated == 0)
                {
                    throw new CaseChange.StaleCaseException();
                }

                await RequeueAsync(db, before.CaseNumber, before.Priority, track, priority, cancellationToken);
                db.TriageOverrides.Add(new CaseTriageOverrideRecord
                {
                    Id = Guid.CreateVersion7(now), CaseId = id, At = now, By = by, FromTrack = before.Track, ToTrack = track,
                    FromPriority = before.Priority, ToPriority = priority, Reason = request.Reason!.Trim(),
                });
            }, alsoCalled: true);
        }
        catch (CaseChange.StaleCaseException)
        {
            return new CaseChangeOutcome(CaseChangeResult.Stale);
        }

        return outcome.Kind switch
        {
            RuntimeOutcomeKind.Completed => new CaseChangeOutcome(CaseChangeResult.Done,
                await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken)),
            RuntimeOutcomeKind.Conflict => new CaseChangeOutcome(CaseChangeResult.Conflict, Message: outcome.Message),
            _ => new CaseChangeOutcome(CaseChangeResult.Refused, Message: $"The case's procedure does not accept an override now: {outcome.Message}"),
        };
    }

    /// <summary>
    /// The case's open tasks, in every instance of the case: the queue copies of its track and priority, and the priority
    /// of the tasks whose priority was the case's (the procedure gives its tasks <c>${casePriority}</c>), with their queue rows.
    /// </summary>
    private static async Task RequeueAsync(CaseworkDbContext db, string caseNumber, int oldPriority, string track, int priority,
        CancellationToken cancellationToken)
    {
        var open = db.WorkItems.Where(w => w.CaseId == caseNumber && w.Status == WorkItemStatus.Open);
        var followed = open.Where(w => w.Priority == oldPriority).Select(w => w.Id);
        await db.WorkItemCandidates.Where(c => followed.Contains(c.WorkItemId)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Priority, priority), cancellationToken);
        await open.ExecuteUpdateAsync(s => s
            .SetProperty(w => w.Priority, w => w.Priority == oldPriority ? priority : w.Priority)
            .SetProperty(w => w.CaseTrack, track)
            .SetProperty(w => w.CasePriority, priority)
            .SetProperty(w => w.Revision, w => w.Revision + 1), cancellationToken);
    }

    private static Dictionary<string, string[]> Validate(TriageOverrideRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors["reason"] = ["Required: why the case is moved (it is kept with the override)."];
        }
        else if (request.Reason.Trim().Length > MaxReasonLength)
        {
            errors["reason"] = [$"At most {MaxReasonLength} characters."];
        }

        if (request.Track is null && request.Priority is null)
        {
            errors["track"] = ["Give a track, a priority or both."];
        }
        else if (request.Track is not null && !Enum.GetNames<ProcessingTrack>().Contains(request.Track, StringComparer.OrdinalIgnoreCase))
        {
            errors["track"] = [$"'{request.Track}' is not a track: {string.Join(", ", Enum.GetNames<ProcessingTrack>())}."];
        }

        if (request.Priority is < 0 or > MaxPriority)
        {
            errors["priority"] = [$"Between 0 and {MaxPriority} (higher comes first in the queues)."];
        }

        return errors;
    }

    /// <summary>
    /// The triage of a case as the caller may see it: the reason that exclusion indicators gave is exclusion material,
    /// so only supervisors receive it (as only they receive the indicator itself).
    /// </summary>
    internal static async Task<TriageView> ViewAsync(CaseRecord c, ClaimsPrincipal user, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var state = c.InstanceId is not { } instance ? null
            : await db.Instances.AsNoTracking().Where(i => i.Id == instance).Select(i => i.State).SingleOrDefaultAsync(cancellationToken);
        IReadOnlyList<string> reasons = state is not null && InstanceStateSerializer.Deserialize(state).Variables.TryGetValue("triageReasons", out var r)
            && r.ValueKind == JsonValueKind.Array
            ? [.. r.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
                .Where(reason => reason != TriagePolicy.ExclusionReason || user.IsInRole(CaseworkRoles.Supervisor))]
            : [];
        var overrides = await db.TriageOverrides.AsNoTracking().Where(o => o.CaseId == c.Id).ToListAsync(cancellationToken);
        return new TriageView(c.Track, c.Priority, reasons, [.. overrides.OrderBy(o => o.At).ThenBy(o => o.Id)
            .Select(o => new TriageOverrideView(o.Id, o.At, o.By, o.FromTrack, o.ToTrack, o.FromPriority, o.ToPriority, o.Reason))]);
    }
}
