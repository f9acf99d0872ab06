using System.Security.Claims;
using Casework.Data;
using Casework.Data.Runtime;
using Casework.Engine.State;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Instances;

/// <summary>An instance as the diagram view needs it: where its tokens are (to highlight), its status and incidents.</summary>
public sealed record InstanceView(Guid Id, string ProcessId, int Version, string Status, string? BusinessKey, bool HasIncident,
    IReadOnlyList<string> ActiveElementIds, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt);

public sealed record JournalLine(long Id, DateTimeOffset At, string Actor, string Command, string? Details, string? Effects);

public sealed record IncidentView(Guid Id, string ElementId, string Reference, string Error, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

/// <summary>Workflow instances: state with active elements, journal, incidents and their retry.</summary>
public static class InstanceEndpoints
{
    public static IEndpointRouteBuilder MapInstanceEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/instances").WithTags("Instances").RequireAuthorization(ApiSetup.Overseers);
        read.MapGet("/{id:guid}", GetAsync).WithSummary("Status and the element ids its tokens are on.");
        read.MapGet("/{id:guid}/journal", JournalAsync).WithSummary("Every command on the instance: who, when, what, effects.");
        read.MapGet("/{id:guid}/incidents", IncidentsAsync).WithSummary("What stopped the instance, resolved or not.");
        app.MapPost("/api/instances/{id:guid}/incidents/{incidentId:guid}/retry", RetryAsync).WithTags("Instances")
            .RequireAuthorization(ApiSetup.Supervisors).WithSummary("Run the element an incident stopped at again.");
        return app;
    }

    private static async Task<Results<Ok<InstanceView>, NotFound>> GetAsync(Guid id, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var i = await db.Instances.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (i is null)
        {
            return TypedResults.NotFound();
        }

        var state = InstanceStateSerializer.Deserialize(i.State);
        return TypedResults.Ok(new InstanceView(i.Id, i.ProcessId, i.Version, i.Status.ToString(), i.BusinessKey, i.HasIncident,
            [.. state.Tokens.Select(t => t.ElementId).Distinct()], i.CreatedAt, i.EndedAt));
    }

    private static async Task<Ok<List<JournalLine>>> JournalAsync(Guid id, CaseworkDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Journal.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Id)
            .Select(j => new JournalLine(j.Id, j.At, j.Actor, j.Command, j.Details, j.Effects)).ToListAsync(cancellationToken));

    private static async Task<Ok<List<IncidentView>>> IncidentsAsync(Guid id, CaseworkDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Incidents.AsNoTracking().Where(x => x.InstanceId == id).OrderBy(x => x.CreatedAt)
            .Select(x => new IncidentView(x.Id, x.ElementId, x.IncidentRef, x.Error, x.CreatedAt, x.ResolvedAt)).ToListAsync(cancellationToken));

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> RetryAsync(
        Guid id, Guid incidentId, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var incident = await db.Incidents.AsNoTracking().SingleOrDefaultAsync(x => x.Id == incidentId && x.InstanceId == id, cancellationToken);
        if (incident is null)
        {
            return TypedResults.NotFound();
        }

        var outcome = await runtime.RetryIncidentAsync(id, incident.IncidentRef, user.UserName(), cancellationToken);
        return outcome.Kind switch
        {
            RuntimeOutcomeKind.Completed => TypedResults.NoContent(),
            RuntimeOutcomeKind.NotFound => TypedResults.NotFound(),
            _ => Problems.Conflict("The incident was not retried", outcome.Message),
        };
    }
}
