using System.Security.Claims;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Casework.Web.Features.Queues;

/// <summary>A page of results with the total, for lists that can be long.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);

/// <summary>A task as a queue shows it.</summary>
public sealed record QueueItem(Guid Id, string? Name, string ElementId, string? CaseId, string? Office, string? Track, int Priority,
    DateTimeOffset? DueAt, string? Assignee, string? ClaimedBy, DateTimeOffset CreatedAt)
{
    /// <summary>Why the task's four-eyes rule keeps the caller off it (they completed an earlier task of the case); null when it does not.</summary>
    public string? FourEyes { get; init; }
}

/// <summary>Queues: my tasks, a role's queue (by office), counts. Priority first, then the earliest due date.</summary>
public static class QueueEndpoints
{
    private const int MaxPageSize = 200;

    public static WebApplicationBuilder AddCaseworkQueues(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<QueueQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/queues").WithTags("Queues").RequireAuthorization(ApiSetup.Readers);
        group.MapGet("/mine", MineAsync).WithSummary("Open tasks assigned to or claimed by the caller.");
        group.MapGet("/roles/{role}", RoleQueueAsync).WithSummary("Open tasks a role may take, optionally for one office.");
        group.MapGet("/counts", CountsAsync).WithSummary("How many open tasks each role and office has.");
        return app;
    }

    private static async Task<Results<Ok<Page<QueueItem>>, ValidationProblem>> MineAsync(
        ClaimsPrincipal user, QueueQueries queues, CancellationToken cancellationToken, int page = 1, int pageSize = 50) =>
        Paging(page, pageSize) is { } invalid ? invalid : TypedResults.Ok(await queues.MineAsync(user.UserName(), page, pageSize, cancellationToken));

    private static async Task<Results<Ok<Page<QueueItem>>, ValidationProblem, ForbidHttpResult>> RoleQueueAsync(
        string role, ClaimsPrincipal user, QueueQueries queues, CancellationToken cancellationToken, string? office = null, int page = 1, int pageSize = 50)
    {
        if (Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        if (!CaseworkRoles.All.Contains(role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"'{role}' is not a role: {string.Join(", ", CaseworkRoles.All)}."] });
        }

        if (!MaySee(user, role))
        {
            return TypedResults.Forbid();
        }

        return TypedResults.Ok(await queues.RoleAsync(role, office, user.UserName(), page, pageSize, cancellationToken));
    }

    private static async Task<Ok<List<QueueCount>>> CountsAsync(QueueQueries queues, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queues.CountsAsync(cancellationToken));

    /// <summary>A role's queue is open to the role itself, and to supervisors and auditors (who oversee every queue).</summary>
    internal static bool MaySee(ClaimsPrincipal user, string role) =>
        user.IsInRole(role) || user.IsInRole(CaseworkRoles.Supervisor) || user.IsInRole(CaseworkRoles.Auditor);

    /// <summary>The paging rules every list shares: pages from 1, at most 200 items a page.</summary>
    internal static ValidationProblem? Paging(int page, int pageSize) =>
        page < 1 ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["Pages start at 1."] })
        : pageSize is < 1 or > MaxPageSize ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["pageSize"] = [$"Between 1 and {MaxPageSize}."] })
        : null;
}
