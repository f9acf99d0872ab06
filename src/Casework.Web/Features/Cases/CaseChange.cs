using Casework.Data;
using Casework.Data.Cases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

/// <summary>How a supervisor's change to a case and its workflow ended (a triage override, a closure).</summary>
public enum CaseChangeResult
{
    Done,
    NotFound,

    /// <summary>The request has problems (<see cref="CaseChangeOutcome.Errors"/>, by field); nothing was written.</summary>
    Invalid,

    /// <summary>The caller named no revision of the case (no If-Match).</summary>
    PreconditionRequired,

    /// <summary>The case changed after the caller loaded it.</summary>
    Stale,

    /// <summary>A concurrent command changed the case's workflow first.</summary>
    Conflict,

    /// <summary>The case does not allow the change now; <see cref="CaseChangeOutcome.Message"/> says why.</summary>
    Refused,
}

/// <summary>A change's ending; <see cref="Case"/> is the case after a done one.</summary>
public sealed record CaseChangeOutcome(CaseChangeResult Kind, CaseRecord? Case = null, Dictionary<string, string[]>? Errors = null, string? Message = null);

/// <summary>
/// What a supervisor's change to a case and its workflow shares, whichever change it is: it is decided on the copy of the
/// case the supervisor loaded (its ETag as If-Match), checked against the case as it is now, and answered the same way.
/// </summary>
internal static class CaseChange
{
    /// <summary>The case to change, or the ending that stops the change first: no such case, no revision named, or a stale one.</summary>
    public static async Task<(CaseRecord? Case, CaseChangeOutcome? Stop)> LoadAsync(Guid id, long? expected, CaseworkDbContext db,
        CancellationToken cancellationToken)
    {
        if (await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } found)
        {
            return (null, new CaseChangeOutcome(CaseChangeResult.NotFound));
        }

        return expected is not { } revision ? (null, new CaseChangeOutcome(CaseChangeResult.PreconditionRequired))
            : found.Revision != revision ? (null, new CaseChangeOutcome(CaseChangeResult.Stale))
            : (found, null);
    }

    /// <summary>The API's answer to a change: the done case's view with its new ETag, or the problem.</summary>
    public static async Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>> AnswerAsync<T>(CaseChangeOutcome outcome, Guid id,
        HttpContext http, string change, string refusedTitle, Func<CaseRecord, Task<T>> view)
    {
        switch (outcome.Kind)
        {
            case CaseChangeResult.Done:
                http.Response.Headers.ETag = CaseEndpoints.ETag(outcome.Case!);
                return TypedResults.Ok(await view(outcome.Case!));
            case CaseChangeResult.NotFound:
                return TypedResults.NotFound();
            case CaseChangeResult.Invalid:
                return TypedResults.ValidationProblem(outcome.Errors!);
            case CaseChangeResult.PreconditionRequired:
                return CaseCorrections.PreconditionRequired(id, change);
            case CaseChangeResult.Stale:
                return CaseCorrections.Stale();
            case CaseChangeResult.Conflict:
                return TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: "The case changed");
            default:
                return TypedResults.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict, title: refusedTitle);
        }
    }

    /// <summary>The case moved on after the supervisor loaded it: thrown inside the command's transaction to roll it back.</summary>
    public sealed class StaleCaseException : Exception;
}
