using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Casework.Web.Features.Administration;

/// <summary>
/// The administrator's API for offices (rule pack, weekend, holidays) and rule packs (under <c>/api/admin</c>). Each
/// office and pack carries an ETag (its revision); a PUT that sends it back as If-Match is refused (412) when someone
/// changed the record after that copy was read, so two administrators never overwrite each other unseen.
/// </summary>
internal static class OfficeAdministrationEndpoints
{
    public static RouteGroupBuilder MapOfficeAdministration(this RouteGroupBuilder group)
    {
        group.MapGet("/offices", OfficesAsync).WithSummary("The offices with deadline settings: rule pack, weekend days, holidays.");
        group.MapGet("/offices/{code}", OfficeAsync).WithSummary("One office's deadline settings.");
        group.MapPost("/offices", CreateOfficeAsync).WithSummary("Give an office its rule pack, weekend days and holidays (otherwise: UNHCR mandate, Monday–Friday).");
        group.MapPut("/offices/{code}", UpdateOfficeAsync)
            .WithSummary("Change an office's settings (its ETag as If-Match); deadlines computed from now on follow them.");
        group.MapGet("/offices/{code}/deadlines", PreviewAsync)
            .WithSummary("The appeal deadline, late-appeal cut-off and interview targets the office's rules give for given days, explained.");
        group.MapGet("/rule-packs", RulePacksAsync).WithSummary("The rule packs, the built-in UNHCR mandate first, with the offices using each.");
        group.MapGet("/rule-packs/{id:guid}", RulePackAsync).WithSummary("One rule pack.");
        group.MapPost("/rule-packs", CreateRulePackAsync).WithSummary("Add a national or local rule pack.");
        group.MapPut("/rule-packs/{id:guid}", UpdateRulePackAsync)
            .WithSummary("Change a rule pack's time limits (its ETag as If-Match); deadlines computed from now on follow them.");
        return group;
    }

    private static async Task<Ok<List<OfficeView>>> OfficesAsync(OfficeAdministration offices, CancellationToken cancellationToken) =>
        TypedResults.Ok(await offices.OfficesAsync(cancellationToken));

    private static async Task<Results<Ok<OfficeView>, NotFound>> OfficeAsync(string code, OfficeAdministration offices, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (await offices.OfficeAsync(code, cancellationToken) is not { } office)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = EntityTags.Of(office.Revision);
        return TypedResults.Ok(office);
    }

    private static async Task<Results<Created<OfficeView>, NotFound, ValidationProblem, ProblemHttpResult>> CreateOfficeAsync(CreateOfficeRequest request,
        OfficeAdministration offices, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await offices.CreateOfficeAsync(request, cancellationToken);
        if (outcome.Kind != AdminResult.Done)
        {
            return Refused<Created<OfficeView>, OfficeView>(outcome, "The office was not added");
        }

        http.Response.Headers.ETag = EntityTags.Of(outcome.Value!.Revision);
        return TypedResults.Created($"/api/admin/offices/{outcome.Value.Code}", outcome.Value);
    }

    private static async Task<Results<Ok<OfficeView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateOfficeAsync(string code,
        UpdateOfficeRequest request, OfficeAdministration offices, HttpContext http, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await offices.UpdateOfficeAsync(code, request, EntityTags.Revision(ifMatch), cancellationToken);
        if (outcome.Kind != AdminResult.Done)
        {
            return Refused<Ok<OfficeView>, OfficeView>(outcome, "The office was not changed");
        }

        http.Response.Headers.ETag = EntityTags.Of(outcome.Value!.Revision);
        return TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<Ok<DeadlinePreview>, ValidationProblem>> PreviewAsync(string code, string? notifiedOn, string? registeredOn,
        OfficeAdministration offices, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var errors = new Dictionary<string, string[]>();
        DateOnly Day(string field, string? text)
        {
            if (text is null)
            {
                return today;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                return day;
            }

            errors[field] = [$"'{text}' is not a date like 2026-03-20."];
            return today;
        }

        var notified = Day("notifiedOn", notifiedOn);
        var registered = Day("registeredOn", registeredOn);
        if (!Casework.Domain.Cases.CaseNumber.IsOfficeCode(code))
        {
            errors["code"] = ["An office code of 2 to 10 capital letters, like NBO."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await offices.PreviewAsync(code, notified, registered, cancellationToken));
    }

    private static async Task<Ok<List<RulePackView>>> RulePacksAsync(OfficeAdministration offices, CancellationToken cancellationToken) =>
        TypedResults.Ok(await offices.RulePacksAsync(cancellationToken));

    private static async Task<Results<Ok<RulePackView>, NotFound>> RulePackAsync(Guid id, OfficeAdministration offices, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (await offices.RulePackAsync(id, cancellationToken) is not { } pack)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = EntityTags.Of(pack.Revision);
        return TypedResults.Ok(pack);
    }

    private static async Task<Results<Created<RulePackView>, NotFound, ValidationProblem, ProblemHttpResult>> CreateRulePackAsync(RulePackRequest request,
        OfficeAdministration offices, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await offices.CreateRulePackAsync(request, cancellationToken);
        if (outcome.Kind != AdminResult.Done)
        {
            return Refused<Created<RulePackView>, RulePackView>(outcome, "The rule pack was not added");
        }

        http.Response.Headers.ETag = EntityTags.Of(outcome.Value!.Revision);
        return TypedResults.Created($"/api/admin/rule-packs/{outcome.Value.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<RulePackView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateRulePackAsync(Guid id,
        RulePackRequest request, OfficeAdministration offices, HttpContext http, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await offices.UpdateRulePackAsync(id, request, EntityTags.Revision(ifMatch), cancellationToken);
        if (outcome.Kind != AdminResult.Done)
        {
            return Refused<Ok<RulePackView>, RulePackView>(outcome, "The rule pack was not changed");
        }

        http.Response.Headers.ETag = EntityTags.Of(outcome.Value!.Revision);
        return TypedResults.Ok(outcome.Value);
    }

    private static Results<TDone, NotFound, ValidationProblem, ProblemHttpResult> Refused<TDone, T>(SettingsOutcome<T> outcome, string title)
        where TDone : IResult
        where T : class =>
        outcome.Kind switch
        {
            AdminResult.NotFound => TypedResults.NotFound(),
            AdminResult.Conflict => Problems.Conflict(title, outcome.Message),
            AdminResult.Stale => EntityTags.Stale(title, outcome.Message!),
            _ => TypedResults.ValidationProblem(outcome.Errors!),
        };
}
