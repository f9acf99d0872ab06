using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Web.Features.Administration;
using Casework.Web.Features.Api;
using Casework.Web.Features.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Tasks;

/// <summary>Tasks to give to one officer; <see cref="Preview"/> reports what would change without changing it.</summary>
public sealed record ReassignRequest(IReadOnlyList<Guid>? TaskIds, string? Assignee, bool Preview = false);

public sealed record ReassignLine(Guid TaskId, string? From, string? To, bool Ok, string? Reason);

public sealed record ReassignReport(bool Preview, int Reassigned, int Failed, IReadOnlyList<ReassignLine> Lines);

/// <summary>Supervisors reassign tasks, one or many; each task changes on its own, and what failed is reported.</summary>
public static class ReassignTasks
{
    private const int MaxTasks = 500;

    public static IEndpointRouteBuilder MapReassignEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tasks/reassign", HandleAsync).WithTags("Tasks").RequireAuthorization(ApiSetup.Supervisors)
            .WithSummary("Reassign tasks to an officer; with preview=true nothing changes and the report says what would.");
        return app;
    }

    private static async Task<Results<Ok<ReassignReport>, ValidationProblem>> HandleAsync(ReassignRequest request, CaseworkDbContext db,
        WorkflowRuntime runtime, UserManager<CaseworkUser> users, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        return await RunAsync(request, errors, db, runtime, users, http, cancellationToken) is { } report
            ? TypedResults.Ok(report)
            : TypedResults.ValidationProblem(errors);
    }

    /// <summary>
    /// Reassigns (or, for a preview, checks) each task on its own, for the API and the queue screen alike; null with each wrong field named
    /// in <paramref name="errors"/> when nothing could be tried. The audit trail records the request under each case whose task it read.
    /// </summary>
    public static async Task<ReassignReport?> RunAsync(ReassignRequest request, Dictionary<string, string[]> errors, CaseworkDbContext db,
        WorkflowRuntime runtime, UserManager<CaseworkUser> users, HttpContext http, CancellationToken cancellationToken)
    {
        if (request.TaskIds is not { Count: > 0 and <= MaxTasks })
        {
            errors["taskIds"] = [$"Give between 1 and {MaxTasks} task ids."];
        }

        var assignee = string.IsNullOrWhiteSpace(request.Assignee) ? null : await users.FindByNameAsync(request.Assignee);
        if (assignee is null)
        {
            errors["assignee"] = ["No user has this name."];
        }
        else if (UserAdministration.IsDisabled(assignee))
        {
            errors["assignee"] = [$"{assignee.UserName}'s account is disabled."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var roles = await users.GetRolesAsync(assignee!);
        var lines = new List<ReassignLine>();
        foreach (var id in request.TaskIds!.Distinct())
        {
            var item = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, cancellationToken);
            var reason = item is null ? "No such task."
                : item.Status != WorkItemStatus.Open ? $"The task is {item.Status.ToString().ToLowerInvariant()}."
                : !TaskEndpoints.Split(item.CandidateRoles).Any(roles.Contains) ? $"{assignee!.UserName} has none of the task's roles ({item.CandidateRoles})."
                : await runtime.FourEyesConflictAsync(item, assignee!.UserName!, cancellationToken) is { } earlier
                    ? $"{assignee.UserName} completed '{earlier}' on this case, so someone else must work it (four-eyes)."
                : null;
            if (reason is null && !request.Preview)
            {
                var changed = await db.WorkItems.Where(w => w.Id == id && w.Revision == item!.Revision && w.Status == WorkItemStatus.Open)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.Assignee, assignee!.UserName).SetProperty(w => w.ClaimedBy, (string?)null)
                        .SetProperty(w => w.ClaimedAt, (DateTimeOffset?)null).SetProperty(w => w.Revision, w => w.Revision + 1), cancellationToken);
                reason = changed == 1 ? null : "Someone changed the task at the same time; try again.";
            }

            lines.Add(new ReassignLine(id, item?.Assignee ?? item?.ClaimedBy, assignee!.UserName, reason is null, reason));
        }

        // The path names no case: the audit trail records this request under each case whose task it read or changed.
        var taskIds = lines.ConvertAll(l => l.TaskId);
        AuditedCase.Touched(http, await db.WorkItems.AsNoTracking().Where(w => taskIds.Contains(w.Id))
            .Join(db.Cases, w => w.CaseId, c => c.CaseNumber, (_, c) => new { c.Id, c.CaseNumber }).OrderBy(c => c.CaseNumber).Select(c => c.Id)
            .ToListAsync(cancellationToken));
        return new ReassignReport(request.Preview, lines.Count(l => l.Ok), lines.Count(l => !l.Ok), lines);
    }
}
