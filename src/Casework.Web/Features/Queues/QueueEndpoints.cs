using System.Security.Claims;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Queues;

/// <summary>A page of results with the total, for lists that can be long.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);

/// <summary>A task as a queue shows it.</summary>
public sealed record QueueItem(Guid Id, string? Name, string ElementId, string? CaseId, string? Office, string? Track, int Priority,
    DateTimeOffset? DueAt, string? Assignee, string? ClaimedBy, DateTimeOffset CreatedAt);

/// <summary>Queues: my tasks, a role's queue (by office), counts. Priority first, then the earliest due date.</summary>
public static class QueueEndpoints
{
    private const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/queues").WithTags("Queues").RequireAuthorization(ApiSetup.Readers);
        group.MapGet("/mine", MineAsync).WithSummary("Open tasks assigned to or claimed by the caller.");
        group.MapGet("/roles/{role}", RoleQueueAsync).WithSummary("Open tasks a role may take, optionally for one office.");
        group.MapGet("/counts", CountsAsync).WithSummary("How many open tasks each role and office has.");
        return app;
    }

    private static async Task<Results<Ok<Page<QueueItem>>, ValidationProblem>> MineAsync(
        ClaimsPrincipal user, CaseworkDbContext db, CancellationToken cancellationToken, int page = 1, int pageSize = 50)
    {
        if (Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var me = user.UserName();
        var query = db.WorkItems.AsNoTracking().Where(w => w.Status == WorkItemStatus.Open && (w.Assignee == me || w.ClaimedBy == me));
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(w => w.Priority).ThenBy(w => w.DueAt == null).ThenBy(w => w.DueAt).ThenBy(w => w.CreatedAt)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(Item).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<QueueItem>(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<Page<QueueItem>>, ValidationProblem, ForbidHttpResult>> RoleQueueAsync(
        string role, ClaimsPrincipal user, CaseworkDbContext db, CancellationToken cancellationToken, string? office = null, int page = 1, int pageSize = 50)
    {
        if (Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        if (!CaseworkRoles.All.Contains(role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"'{role}' is not a role: {string.Join(", ", CaseworkRoles.All)}."] });
        }

        if (!user.IsInRole(role) && !user.IsInRole(CaseworkRoles.Supervisor) && !user.IsInRole(CaseworkRoles.Auditor))
        {
            return TypedResults.Forbid();
        }

        var candidates = db.WorkItemCandidates.AsNoTracking().Where(c => c.Role == role && c.Status == WorkItemStatus.Open);
        if (office is not null)
        {
            candidates = candidates.Where(c => c.CaseOffice == office);
        }

        var total = await candidates.CountAsync(cancellationToken);
        var ids = await candidates.OrderByDescending(c => c.Priority).ThenBy(c => c.DueAt == null).ThenBy(c => c.DueAt)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.WorkItemId).ToListAsync(cancellationToken);
        var rows = await db.WorkItems.AsNoTracking().Where(w => ids.Contains(w.Id)).Select(Item).ToListAsync(cancellationToken);
        var items = ids.Select(id => rows.Single(r => r.Id == id)).ToList();
        return TypedResults.Ok(new Page<QueueItem>(items, page, pageSize, total));
    }

    private static async Task<Ok<List<QueueCount>>> CountsAsync(CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var counts = await db.WorkItemCandidates.AsNoTracking().Where(c => c.Status == WorkItemStatus.Open)
            .GroupBy(c => new { c.Role, c.CaseOffice })
            .Select(g => new { g.Key.Role, g.Key.CaseOffice, Open = g.Count() })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(counts.Select(c => new QueueCount(c.Role, c.CaseOffice, c.Open))
            .OrderBy(c => c.Role, StringComparer.Ordinal).ThenBy(c => c.Office, StringComparer.Ordinal).ToList());
    }

    public sealed record QueueCount(string Role, string? Office, int Open);

    /// <summary>The paging rules every list shares: pages from 1, at most 200 items a page.</summary>
    internal static ValidationProblem? Paging(int page, int pageSize) =>
        page < 1 ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["Pages start at 1."] })
        : pageSize is < 1 or > MaxPageSize ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["pageSize"] = [$"Between 1 and {MaxPageSize}."] })
        : null;

    private static readonly System.Linq.Expressions.Expression<Func<WorkItemRecord, QueueItem>> Item = w =>
        new QueueItem(w.Id, w.Name, w.ElementId, w.CaseId, w.CaseOffice, w.CaseTrack, w.Priority, w.DueAt, w.Assignee, w.ClaimedBy, w.CreatedAt);
}
