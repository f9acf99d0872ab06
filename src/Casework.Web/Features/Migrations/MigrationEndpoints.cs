using System.Security.Claims;
using Casework.Data;
using Casework.Data.Versioning;
using Casework.Engine.Migration;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Migrations;

/// <summary>Which running instances to move: from one version to another, with an element mapping (same ids map by default).</summary>
public sealed record MigrationRequest(int From, int To, Dictionary<string, string>? Mapping);

public sealed record MigrationProgress(Guid Id, string ProcessId, int From, int To, string Status, int Total, int Migrated, int Failed,
    IReadOnlyList<string> Failures, string? CancelledBy);

/// <summary>Migration of running instances: dry run per instance, then a batched job whose progress is polled.</summary>
public static class MigrationEndpoints
{
    public static IEndpointRouteBuilder MapMigrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Migrations").RequireAuthorization(ApiSetup.Supervisors);
        group.MapPost("/workflow-definitions/{processId}/migrations/dry-run", DryRunAsync).WithSummary("Per running instance: can it move, why not, what changes.");
        group.MapPost("/workflow-definitions/{processId}/migrations", StartAsync).WithSummary("Migrate every running instance in batches.");
        group.MapGet("/migrations/{id:guid}", ProgressAsync).WithSummary("Progress of a migration job.");
        group.MapPost("/migrations/{id:guid}/cancel", CancelAsync)
            .WithSummary("Stops a migration job: cases already moved stay moved, the others stay on their version.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<MigrationReport>>, NotFound, ValidationProblem>> DryRunAsync(
        string processId, MigrationRequest request, InstanceMigrations migrations, CancellationToken cancellationToken)
    {
        if (Invalid(request) is { } problem)
        {
            return problem;
        }

        var reports = await migrations.DryRunAsync(processId, request.From, request.To, request.Mapping, cancellationToken);
        return reports is null ? TypedResults.NotFound() : TypedResults.Ok(reports);
    }

    private static async Task<Results<Accepted<MigrationProgress>, NotFound, ValidationProblem, ProblemHttpResult>> StartAsync(
        string processId, MigrationRequest request, ClaimsPrincipal user, InstanceMigrations migrations, CancellationToken cancellationToken)
    {
        if (Invalid(request) is { } problem)
        {
            return problem;
        }

        var start = await migrations.StartAsync(processId, request.From, request.To, request.Mapping, user.UserName(), cancellationToken);
        if (start.Unfinished is { } running)
        {
            return TypedResults.Problem($"A migration of {processId} is still running (/api/migrations/{running}); start another when it has finished, or stop it (POST /api/migrations/{running}/cancel). Nothing was started.",
                statusCode: StatusCodes.Status409Conflict, title: "A migration of this process is running");
        }

        return start.Job is { } job ? TypedResults.Accepted($"/api/migrations/{job.Id}", View(job)) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<MigrationProgress>, NotFound>> ProgressAsync(Guid id, CaseworkDbContext db, CancellationToken cancellationToken) =>
        await db.MigrationJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken) is { } job
            ? TypedResults.Ok(View(job))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<MigrationProgress>, NotFound, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal user, InstanceMigrations migrations, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var outcome = await migrations.CancelAsync(id, user.UserName(), cancellationToken);
        if (outcome == MigrationCancelOutcome.NotFound)
        {
            return TypedResults.NotFound();
        }

        var job = await db.MigrationJobs.AsNoTracking().SingleAsync(j => j.Id == id, cancellationToken);
        return outcome == MigrationCancelOutcome.Cancelled
            ? TypedResults.Ok(View(job))
            : TypedResults.Problem($"The migration has already {(job.Status == MigrationJobStatus.Cancelled ? "been stopped" : "finished")}; nothing was changed.",
                statusCode: StatusCodes.Status409Conflict, title: "The migration is not running");
    }

    private static ValidationProblem? Invalid(MigrationRequest request) =>
        request.From < 1 || request.To < 1 || request.From == request.To
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Name two different published versions (1 or more)."] })
            : null;

    private static MigrationProgress View(MigrationJobRecord job) => new(job.Id, job.ProcessId, job.FromVersion, job.ToVersion, job.Status.ToString(),
        job.Total, job.Migrated, job.Failed, (job.Failures ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries), job.CancelledBy);
}
