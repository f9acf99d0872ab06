using System.Security.Claims;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Engine.Forms;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Tasks;

/// <summary>
/// A task with its form, the case context its assignee needs, while it is open what its form is prefilled with, and the instructions
/// its workflow gives (filled in from the case's variables, see <see cref="TaskInstructions"/>).
/// </summary>
public sealed record TaskView(Guid Id, string? Name, string ElementId, string Status, string? CaseId, string? Office, string? Track,
    int Priority, DateTimeOffset? DueAt, IReadOnlyList<string> CandidateRoles, string? Assignee, string? ClaimedBy, FormDefinition? Form,
    TaskCaseContext? Case, TaskPrefillView? Prefill, string? Instructions = null);

/// <summary>
/// What the person working a task needs of its case without opening it: who the applicant is, which languages they
/// speak (for the interpreter), their specific needs, where the case stands.
/// </summary>
public sealed record TaskCaseContext(Guid Id, string CaseNumber, string Stage, DateOnly RegisteredOn, string GivenName, string FamilyName,
    int Age, bool AgeApproximate, string Sex, IReadOnlyList<string> Nationalities, IReadOnlyList<string> Languages, IReadOnlyList<string> SpecificNeeds,
    string? Decision);

/// <summary>The data a person submits to complete a task: form fields and, where the form has outcomes, <c>outcome</c>.</summary>
public sealed record CompleteTaskRequest(Dictionary<string, JsonElement>? Data);

public sealed record CompletedTask(Guid InstanceId);

/// <summary>Tasks: read one, claim and release it, complete it through the workflow runtime.</summary>
public static class TaskEndpoints
{
    public static WebApplicationBuilder AddCaseworkTasks(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TaskInstructions>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(ApiSetup.Readers)
            .WithSummary("A task with its form, case context, instructions and, while open, its form's prefilled values; 403 to anyone it is not visible to (see VisibleTo).");
        group.MapPost("/{id:guid}/claim", ClaimAsync).RequireAuthorization(ApiSetup.CaseWorkers).WithSummary("Take a task from a queue.");
        group.MapPost("/{id:guid}/release", ReleaseAsync).RequireAuthorization(ApiSetup.CaseWorkers).WithSummary("Put a claimed task back in its queue.");
        group.MapPost("/{id:guid}/complete", CompleteAsync).RequireAuthorization(ApiSetup.CaseWorkers)
            .WithSummary("Complete a task with its form data; four-eyes and other rules answer 409 or 422.");
        return app;
    }

    private static async Task<Results<Ok<TaskView>, NotFound, ForbidHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, CaseworkDbContext db,
        FormCatalog forms, Casework.Web.Features.Cases.Interviews bookings, TaskInstructions instructions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var w = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (w is null)
        {
            return TypedResults.NotFound();
        }

        if (!VisibleTo(user, w))
        {
            return TypedResults.Forbid();
        }

        var context = await CaseContextAsync(db, w, clock, cancellationToken);
        var form = w.FormKey is null ? null : forms.Find(w.FormKey);
        TaskPrefillView? prefill = null;
        if (w.Status == WorkItemStatus.Open && form is not null)
        {
            var (from, values) = TaskPrefill.For(form, await TaskPrefill.InterviewAsync(context, bookings, cancellationToken), Dates.Today(clock));
            prefill = TaskPrefill.View(form, from, values);
        }

        return TypedResults.Ok(new TaskView(w.Id, w.Name, w.ElementId, w.Status.ToString(), w.CaseId,
            w.CaseOffice, w.CaseTrack, w.Priority, w.DueAt, Split(w.CandidateRoles), w.Assignee, w.ClaimedBy, form, context, prefill,
            await instructions.ForAsync(w, cancellationToken)));
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult>> ClaimAsync(
        Guid id, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken) =>
        await TryClaimAsync(id, user, db, runtime, clock, cancellationToken) switch
        {
            (StatusCodes.Status404NotFound, _) => TypedResults.NotFound(),
            (StatusCodes.Status403Forbidden, _) => TypedResults.Forbid(),
            (StatusCodes.Status422UnprocessableEntity, var rule) => FourEyes(rule!),
            (_, { } conflict) => Problems.Conflict("The task was not claimed", conflict),
            _ => TypedResults.NoContent(),
        };

    /// <summary>
    /// Claims a task for the caller (the API and the task screen): 204 with no message, or 404, 403, 409 or (four-eyes) 422 with why.
    /// </summary>
    internal static async Task<(int Status, string? Message)> TryClaimAsync(Guid id, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var w = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (w is null)
        {
            return (StatusCodes.Status404NotFound, "There is no such task.");
        }

        if (!OfferedTo(user, w))
        {
            return (StatusCodes.Status403Forbidden, "This task is not offered to your roles.");
        }

        var me = user.UserName();
        if (Unclaimable(w, me) is { } why)
        {
            return (StatusCodes.Status409Conflict, why);
        }

        // Taking a task one may not complete would only hold it back from the colleagues who may.
        if (await runtime.FourEyesConflictAsync(w, me, cancellationToken) is { } earlier)
        {
            return (StatusCodes.Status422UnprocessableEntity, WorkflowRuntime.FourEyesMessage(earlier, w));
        }

        var claimed = await db.WorkItems.Where(x => x.Id == id && x.Revision == w.Revision && x.Status == WorkItemStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedBy, me).SetProperty(x => x.ClaimedAt, clock.GetUtcNow())
                .SetProperty(x => x.Revision, x => x.Revision + 1), cancellationToken);
        if (claimed == 1)
        {
            return (StatusCodes.Status204NoContent, null);
        }

        // Someone else changed the task a moment ago: say what they did, as if this request had come after theirs.
        var now = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        return (StatusCodes.Status409Conflict, now is null ? "There is no such task any more."
            : Unclaimable(now, me) ?? "Someone else changed this task at the same time; reload it.");
    }

    /// <summary>Why <paramref name="me"/> cannot claim the task: it is closed, or a colleague holds it; null when they can.</summary>
    private static string? Unclaimable(WorkItemRecord w, string me) =>
        w.Status != WorkItemStatus.Open ? Closed(w)
        : w.ClaimedBy is { } holder && holder != me ? $"{holder} has claimed this task."
        : null;

    /// <summary>A refusal under the four-eyes rule (a completion or a claim): 422 with its own problem type.</summary>
    private static ProblemHttpResult FourEyes(string message) =>
        TypedResults.Problem(message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Four-eyes rule", type: "urn:casework:rule:four-eyes");

    /// <summary>Why a task can no longer be worked: what closed it.</summary>
    internal static string Closed(WorkItemRecord w) => w.Status == WorkItemStatus.Completed
        ? $"This task is no longer open: {w.ClosedBy ?? "someone"} completed it."
        : "This task is no longer open: the case moved on without it.";

    /// <summary>The case context a task shows (the API's task view and the task screen).</summary>
    internal static async Task<TaskCaseContext?> CaseContextAsync(CaseworkDbContext db, WorkItemRecord w, TimeProvider clock, CancellationToken cancellationToken)
    {
        var c = w.CaseId is null ? null : await db.Cases.AsNoTracking().SingleOrDefaultAsync(x => x.CaseNumber == w.CaseId, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return c is null ? null : new TaskCaseContext(c.Id, c.CaseNumber, c.Stage, c.RegisteredOn, c.GivenName, c.FamilyName,
            new Casework.Domain.Cases.BirthDate(c.DateOfBirth, c.DateOfBirthApproximate).AgeOn(today), c.DateOfBirthApproximate, c.Sex,
            Split(c.Nationalities), Split(c.Languages), Split(c.SpecificNeeds), c.Decision);
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult>> ReleaseAsync(
        Guid id, ClaimsPrincipal user, CaseworkDbContext db, CancellationToken cancellationToken) =>
        await TryReleaseAsync(id, user, db, cancellationToken) switch
        {
            (StatusCodes.Status404NotFound, _) => TypedResults.NotFound(),
            (StatusCodes.Status403Forbidden, _) => TypedResults.Forbid(),
            (_, { } conflict) => Problems.Conflict("The task was not put back", conflict),
            _ => TypedResults.NoContent(),
        };

    /// <summary>
    /// Puts a claimed task back in its queue (the API and the task screen): the person who claimed it or a supervisor
    /// may. 204 with no message, or 404, 403 or 409 with why; a closed task stays as it is.
    /// </summary>
    internal static async Task<(int Status, string? Message)> TryReleaseAsync(Guid id, ClaimsPrincipal user, CaseworkDbContext db,
        CancellationToken cancellationToken)
    {
        var w = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (w is null)
        {
            return (StatusCodes.Status404NotFound, "There is no such task.");
        }

        if (w.ClaimedBy != user.UserName() && !user.IsInRole(CaseworkRoles.Supervisor))
        {
            return (StatusCodes.Status403Forbidden, "Only the person who claimed this task, or a supervisor, may put it back in its queue.");
        }

        if (w.Status != WorkItemStatus.Open)
        {
            return (StatusCodes.Status409Conflict, Closed(w));
        }

        var released = await db.WorkItems.Where(x => x.Id == id && x.Revision == w.Revision && x.Status == WorkItemStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedBy, (string?)null).SetProperty(x => x.ClaimedAt, (DateTimeOffset?)null)
                .SetProperty(x => x.Revision, x => x.Revision + 1), cancellationToken);
        return released == 1 ? (StatusCodes.Status204NoContent, null) : (StatusCodes.Status409Conflict, "Someone else changed this task at the same time; reload it.");
    }

    private static async Task<Results<Ok<CompletedTask>, NotFound, ForbidHttpResult, ProblemHttpResult, ValidationProblem>> CompleteAsync(
        Guid id, CompleteTaskRequest request, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var w = await db.WorkItems.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (w is null)
        {
            return TypedResults.NotFound();
        }

        if (!OfferedTo(user, w))
        {
            return TypedResults.Forbid();
        }

        if (!MayWork(user, w))
        {
            // Theirs to work, but a colleague took it (and may have finished it) since they opened it: a conflict.
            return w.Status != WorkItemStatus.Open
                ? TypedResults.Problem(Closed(w), statusCode: StatusCodes.Status409Conflict, title: "The task is no longer open")
                : TypedResults.Problem($"{w.ClaimedBy} has claimed this task; nothing was saved.", statusCode: StatusCodes.Status409Conflict,
                    title: "Claimed by someone else");
        }

        var outcome = await runtime.CompleteTaskAsync(id, user.UserName(), request.Data, cancellationToken);
        return outcome.Kind switch
        {
            RuntimeOutcomeKind.Completed => TypedResults.Ok(new CompletedTask(outcome.InstanceId!.Value)),
            RuntimeOutcomeKind.NotFound => TypedResults.NotFound(),
            RuntimeOutcomeKind.Invalid => TypedResults.ValidationProblem(
                outcome.Errors.GroupBy(e => "data." + e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                detail: outcome.Message),
            RuntimeOutcomeKind.Rejected when outcome.Reason == "four-eyes" => FourEyes(outcome.Message),
            RuntimeOutcomeKind.Rejected => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "The task is no longer open"),
            _ => TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else"),
        };
    }

    /// <summary>
    /// A task is offered to its assignee, to whoever claimed it, to the people of its candidate roles when nobody is
    /// assigned, and to supervisors. To them a task someone else holds or closed is a conflict (409); to anyone else it
    /// is not theirs (403).
    /// </summary>
    internal static bool OfferedTo(ClaimsPrincipal user, WorkItemRecord w)
    {
        var me = user.UserName();
        return w.Assignee == me || w.ClaimedBy == me
            || (w.Assignee is null && Split(w.CandidateRoles).Any(user.IsInRole))
            || user.IsInRole(CaseworkRoles.Supervisor);
    }

    /// <summary>
    /// Who may read a task (the API, the task screen, the case screen's task list): supervisors and auditors every task,
    /// as they see every queue; anyone else the tasks of their roles and the ones assigned to, claimed or completed by
    /// them. So a task kept for supervisors (the senior exclusion review, for one) is not shown to the case's officers.
    /// </summary>
    internal static bool VisibleTo(ClaimsPrincipal user, WorkItemRecord w)
    {
        var me = user.UserName();
        return user.IsInRole(CaseworkRoles.Supervisor) || user.IsInRole(CaseworkRoles.Auditor)
            || Split(w.CandidateRoles).Any(user.IsInRole) || w.Assignee == me || w.ClaimedBy == me || w.ClosedBy == me;
    }

    /// <summary>
    /// A caller may work a task offered to them that nobody else holds: unclaimed, or claimed by them, or assigned to
    /// them; supervisors always.
    /// </summary>
    internal static bool MayWork(ClaimsPrincipal user, WorkItemRecord w)
    {
        var me = user.UserName();
        return OfferedTo(user, w) && (w.ClaimedBy is null || w.ClaimedBy == me || w.Assignee == me || user.IsInRole(CaseworkRoles.Supervisor));
    }

    internal static IReadOnlyList<string> Split(string? roles) =>
        roles is null ? [] : roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
