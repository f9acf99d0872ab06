using Casework.Domain.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Casework.Web.Features.Api;

/// <summary>
/// The API's refusals as problem details (application/problem+json): a title that says what did not happen and a detail
/// that says why, so a client reads every refusal the same way, as it reads validation problems and unexpected errors.
/// </summary>
internal static class Problems
{
    /// <summary>409: the request is sound but the state of things refuses it (taken, done already, someone else's).</summary>
    public static ProblemHttpResult Conflict(string title, string? detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    /// <summary>
    /// 422: a rule of the procedure refused the request. Answered as an unhandled <see cref="DomainException"/> is (the
    /// rule's code in the type and as "rule"), and with the field it concerns under "errors" when there is one.
    /// </summary>
    public static ProblemHttpResult Rule(string? code, string? message, string? field = null)
    {
        var extensions = new Dictionary<string, object?> { ["rule"] = code };
        if (field is not null)
        {
            extensions["errors"] = new Dictionary<string, string[]> { [field] = [message ?? string.Empty] };
        }

        return TypedResults.Problem(message, statusCode: StatusCodes.Status422UnprocessableEntity, title: RuleTitle,
            type: code is null ? null : RuleType + code, extensions: extensions);
    }

    /// <summary>The title of every refusal by a rule of the procedure.</summary>
    public const string RuleTitle = "A rule of the procedure refused this.";

    /// <summary>The type of a refusal by a rule, followed by the rule's code.</summary>
    public const string RuleType = "urn:casework:rule:";
}
