using System.Security.Claims;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Domain.Cases;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>A supervisor closes a claim as withdrawn or abandoned, and why (required).</summary>
public sealed record CloseClaimRequest(string? Outcome, string? Reason);

/// <summary>How and why a claim was closed before its decision was notified.</summary>
public sealed record ClosureView(string Outcome, DateTimeOffset At, string By, string Reason);

/// <summary>
/// Closing a claim that will not be decided: the applicant withdrew it, or abandoned it (stopped reporting, could not be
/// reached). The procedure's rule is that withdrawn and abandoned claims close the case, and that can happen at any stage
/// before the decision is notified, not only when an officer drafts the decision. A supervisor closes it, with the case's
/// ETag as If-Match and a reason that is kept. In one transaction the case's workflow is cancelled (with the
/// instances it called, its open tasks and its timers), the case records who closed it, when, how and why, and the
/// interviews booked for today or later are cancelled with the closure as their reason, or none of it happens. Once the
/// decision is notified the claim is decided: what follows (an appeal, a durable solution, return) is not closed here.
/// </summary>
public static class CaseClosure
{
    public const int MaxReasonLength = 2000;

    /// <summary>The outcomes a claim is closed with; the same words as the drafted decision's.</summary>
    public static readonly IReadOnlyList<string> Outcomes = [nameof(DecisionOutcome.Withdrawn), nameof(DecisionOutcome.Abandoned)];

    /// <summary>The stages at which a claim is still undecided and may be closed.</summary>
    private static readonly HashSet<string> Undecided = [.. new[]
    {
        CaseStage.Registration, CaseStage.Profiling, CaseStage.Triage, CaseStage.Assessment, CaseStage.Review, CaseStage.Notification,
    }.Select(s => s.ToString())];

    public static IEndpointRouteBuilder MapCaseClosureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/cases/{id:guid}/closure", CloseAsync).WithTags("Cases").RequireAuthorization(ApiSetup.Supervisors)
            .WithSummary("Close an undecided claim as withdrawn or abandoned, with a reason; the case's ETag as If-Match. Cancels its workflow and coming interviews.");
        return app;
    }

    /// <summary>Whether a case at this stage may be closed (the screen offers the form only then).</summary>
    public static bool CanClose(CaseRecord c) => c.ClosedAs is null && c.InstanceId is not null && Undecided.Contains(c.Stage);

    public static ClosureView? ViewOf(CaseRecord c) =>
        c is { ClosedAs: { } outcome, ClosedAt: { } at, ClosedBy: { } by } ? new ClosureView(outcome, at, by, c.ClosureReason ?? string.Empty) : null;

    private static async Task<Results<Ok<CaseView>, NotFound, ValidationProblem, ProblemHttpResult>> CloseAsync(Guid id, CloseClaimRequest request,
        HttpContext http, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await ApplyAsync(id, request, CaseCorrections.RevisionFrom(ifMatch), user, db, runtime, clock, cancellationToken);
        return await CaseChange.AnswerAsync(outcome, id, http, "Closing a claim", "The claim cannot be closed",
            c => CaseEndpoints.ViewAsync(c, user, db, cancellationToken));
    }

    /// <summary>
    /// Closes the claim decided on the case's revision <paramref name="expected"/> (null when the caller named none):
    /// everything in the workflow command's one transaction, or nothing. The API and the case screen both come here.
    /// </summary>
    internal static async Task<CaseChangeOutcome> ApplyAsync(Guid id, CloseClaimRequest request, long? expected, ClaimsPrincipal user,
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
        if (Refusal(before) is { } refusal)
        {
            return new CaseChangeOutcome(CaseChangeResult.Refused, Message: refusal);
        }

        var outcomeName = Outcomes.First(o => string.Equals(o, request.Outcome!.Trim(), StringComparison.OrdinalIgnoreCase));
        var reason = request.Reason!.Trim();
        var now = clock.GetUtcNow();
        var today = Dates.Today(clock);
        var by = user.UserName();
        RuntimeOutcome outcome;
        try
        {
            // The cancel names how the claim ended; the supervisor's words stay on the case, out of the journal (they may name people).
            outcome = await runtime.ExecuteAsync(before.InstanceId!.Value, _ => new Engine.Execution.CancelInstance($"Claim closed as {outcomeName.ToLowerInvariant()}"),
                by, cancellationToken, async () =>
                {
                    // In the command's transaction: the case only if it is still the copy the supervisor decided on.
                    var updated = await db.Cases.Where(c => c.Id == id && c.Revision == revision && c.ClosedAs == null).ExecuteUpdateAsync(s => s
                        .SetProperty(c => c.ClosedAs, outcomeName)
                        .SetProperty(c => c.ClosedAt, now)
                        .SetProperty(c => c.ClosedBy, by)
                        .SetProperty(c => c.ClosureReason, reason)
                        .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
                    if (updated == 0)
                    {
                        throw new CaseChange.StaleCaseException();
                    }

                    await db.Interviews.Where(i => i.CaseId == id && i.Status == InterviewRecord.Scheduled && i.Date >= today)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(i => i.Status, InterviewRecord.Cancelled)
                            .SetProperty(i => i.CancelledBy, by)
                            .SetProperty(i => i.CancelledAt, now)
                            .SetProperty(i => i.CancellationReason, $"The claim was closed as {outcomeName.ToLowerInvariant()}."), cancellationToken);
                });
        }
        catch (CaseChange.StaleCaseException)
        {
            return new CaseChangeOutcome(CaseChangeResult.Stale);
        }

        return outcome.Kind switch
        {
            RuntimeOutcomeKind.Completed => new CaseChangeOutcome(CaseChangeResult.Done, await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken)),
            RuntimeOutcomeKind.Conflict => new CaseChangeOutcome(CaseChangeResult.Conflict,
                Message: "Someone else worked on the case's procedure a moment ago; nothing was closed. Check the case as it is now and close it again if you still need to."),
            _ => new CaseChangeOutcome(CaseChangeResult.Refused, Message: $"The case's procedure cannot be closed now: {outcome.Message}"),
        };
    }

    /// <summary>Why a case cannot be closed, in the words a supervisor reads; null when it can.</summary>
    private static string? Refusal(CaseRecord c)
    {
        if (c.ClosedAs is { } closedAs)
        {
            return $"The claim was already closed as {closedAs.ToLowerInvariant()} by {c.ClosedBy} on {c.ClosedAt:yyyy-MM-dd}.";
        }

        if (c.Stage == nameof(CaseStage.Closed))
        {
            return "The case is already closed: its procedure has ended.";
        }

        if (!Undecided.Contains(c.Stage))
        {
            return $"The claim is decided: the decision was notified and the case is at the {c.Stage} stage. Only an undecided claim is closed as withdrawn or abandoned.";
        }

        return c.InstanceId is null ? "The case has no procedure to close." : null;
    }

    private static Dictionary<string, string[]> Validate(CloseClaimRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Outcome))
        {
            errors["outcome"] = [$"Required: {string.Join(" or ", Outcomes)}."];
        }
        else if (!Outcomes.Contains(request.Outcome.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            errors["outcome"] = [$"'{request.Outcome}' is not a way to close a claim: {string.Join(" or ", Outcomes)}."];
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors["reason"] = ["Required: why the claim is closed (for a withdrawal, how and when the applicant withdrew it)."];
        }
        else if (request.Reason.Trim().Length > MaxReasonLength)
        {
            errors["reason"] = [$"At most {MaxReasonLength} characters."];
        }

        return errors;
    }
}
