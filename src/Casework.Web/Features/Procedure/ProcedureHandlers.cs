using System.Text.Json;
using Casework.Data.Runtime.Handlers;
using Casework.Domain.Cases;
using Casework.Domain.Common;
using Casework.Domain.Deadlines;
using Casework.Domain.Triage;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Procedure;

/// <summary><c>case.record-referral</c>: a referral outside RSD is recorded as such, never as an RSD decision.</summary>
public sealed class RecordReferralHandler(TimeProvider clock) : IServiceTaskHandler
{
    public string Key => "case.record-referral";

    public Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, JsonElement>?>(new Dictionary<string, JsonElement>
        {
            ["referralRecorded"] = Variables.Json(context.Variables.Enum<ReferralOutcome>("referral").ToString()),
            ["referralRecordedAt"] = Variables.Json(clock.GetUtcNow()),
        });
}

/// <summary>
/// <c>case.record-closure</c>: a decision drafted as withdrawn or abandoned closes the claim without a review, and the case keeps
/// how, when, by whom (the officer who drafted it) and why (the drafted reasons), as a supervisor's closure is kept, so the case
/// shows the closure whichever way it came. A case already closed keeps its first closure.
/// </summary>
public sealed class ClosureByDecisionHandler(TimeProvider clock) : IServiceTaskHandler
{
    public string Key => "case.record-closure";

    public async Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var outcome = context.Variables.Enum<DecisionOutcome>("decision").ToString();
        var reasons = context.Variables.Text("reasons") ?? string.Empty;
        var now = clock.GetUtcNow();
        await context.Database.Cases.Where(c => c.CaseNumber == context.BusinessKey && c.ClosedAs == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClosedAs, outcome).SetProperty(c => c.ClosedAt, now)
                .SetProperty(c => c.ClosedBy, context.Actor).SetProperty(c => c.ClosureReason, reasons.Length > Cases.CaseClosure.MaxReasonLength
                    ? reasons[..Cases.CaseClosure.MaxReasonLength] : reasons)
                .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
        return null;
    }
}

/// <summary>
/// <c>case.triage</c>: track and priority with their reasons, and the interview target date; the registered case (if
/// any) records its track and priority in the same transaction (its stage follows from <see cref="CaseStageProjection"/>).
/// The specific needs are those the registration task gave and those recorded on the case for the principal applicant and
/// each dependant, as they stand now (a correction made before triage counts); a principal applicant under 18 today puts the
/// claim in the children's group.
/// </summary>
public sealed class TriageHandler(OfficeRules rules, TimeProvider clock) : IServiceTaskHandler
{
    public string Key => "case.triage";

    public async Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var vars = context.Variables;
        var needs = vars.List("specificNeeds").Select(n => Enum.Parse<SpecificNeed>(n)).ToHashSet();
        var applicantIsChild = false;
        var principal = await context.Database.Cases.AsNoTracking().Where(c => c.CaseNumber == context.BusinessKey)
            .Select(c => new { c.Id, c.DateOfBirth, c.SpecificNeeds }).SingleOrDefaultAsync(cancellationToken);
        if (principal is not null)
        {
            var dependants = await context.Database.FamilyMembers.AsNoTracking().Where(f => f.CaseId == principal.Id && f.Dependant)
                .Select(f => f.SpecificNeeds).ToListAsync(cancellationToken);
            foreach (var recorded in dependants.Prepend(principal.SpecificNeeds))
            {
                needs.UnionWith((recorded ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<SpecificNeed>));
            }

            applicantIsChild = new BirthDate(principal.DateOfBirth, Approximate: false).AgeOn(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) < 18;
        }

        var features = vars.List("claimFeatures").Aggregate(ClaimFeatures.None, (all, f) => all | Enum.Parse<ClaimFeatures>(f));
        var result = TriagePolicy.Decide(vars.Enum<ReferralOutcome>("referral"), needs, features, vars.Flag("childInDetention"), applicantIsChild);
        var (pack, calendar) = await rules.ForAsync(context.Database, vars.Text("office"), cancellationToken);
        var target = pack.InterviewTarget(vars.Date("registeredOn"), result.Track, calendar);
        await context.Database.Cases.Where(c => c.CaseNumber == context.BusinessKey)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Track, result.Track.ToString()).SetProperty(c => c.Priority, result.Priority)
                .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
        return new Dictionary<string, JsonElement>
        {
            ["track"] = Variables.Json(result.Track.ToString()),
            ["casePriority"] = Variables.Json(result.Priority),
            ["triageReasons"] = Variables.Json(result.Reasons),
            ["supervisorAttention"] = Variables.Json(result.NeedsImmediateSupervisorAttention),
            ["interviewDue"] = Variables.Json(Variables.EndOfDay(target.Date)),
            ["interviewDueExplanation"] = Variables.Json(target.Explanation),
        };
    }
}

/// <summary><c>appeal.compute-deadline</c>: the appeal deadline and the end of the grace period, explained.</summary>
public sealed class AppealDeadlineHandler(OfficeRules rules) : IServiceTaskHandler
{
    public string Key => "appeal.compute-deadline";

    public async Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var notified = context.Variables.Date("notifiedOn");
        var (pack, calendar) = await rules.ForAsync(context.Database, context.Variables.Text("office"), cancellationToken);
        var deadline = pack.AppealDeadline(notified, calendar);
        var cutoff = pack.LateAppealCutoff(notified, calendar);
        return new Dictionary<string, JsonElement>
        {
            ["appealDeadline"] = Variables.Json(deadline.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ["appealDeadlineExplanation"] = Variables.Json(deadline.Explanation),
            ["appealCutoff"] = Variables.Json(Variables.EndOfDay(cutoff.Date)),
            ["appealCutoffExplanation"] = Variables.Json(cutoff.Explanation),
        };
    }
}

/// <summary>
/// <c>appeal.check-timing</c>: an appeal after the deadline is accepted within the grace period only with a recorded
/// reason; otherwise the lodging is refused and nothing is saved. The deadline and cut-off computed at notification
/// decide when the instance has them; the office's current rules only when it does not.
/// </summary>
public sealed class AppealTimingHandler(OfficeRules rules, TimeProvider clock) : IServiceTaskHandler
{
    /// <summary>The variable with the day an appeal the office recorded later reached it (<c>yyyy-MM-dd</c>): the day it was lodged.</summary>
    public const string ReceivedOn = "appealReceivedOn";

    public string Key => "appeal.check-timing";

    public async Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var vars = context.Variables;
        // The day the appeal reached the office when the office recorded it later (a posted appeal), otherwise today.
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var lodgedOn = vars.Text(ReceivedOn) is { Length: >= 10 } ? vars.Date(ReceivedOn) : today;
        if (lodgedOn > today)
        {
            throw new DomainException("received-after-today", $"The appeal cannot have reached the office after today ({today:yyyy-MM-dd}).");
        }

        AppealTiming timing;
        if (vars.Text("appealDeadline") is not null && vars.Text("appealCutoff") is { Length: >= 10 } cutoff)
        {
            // The dates the appellant was notified of decide, even if the office's rules have changed since.
            var deadline = vars.Date("appealDeadline");
            var lastDay = DateOnly.ParseExact(cutoff[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            timing = lodgedOn <= deadline ? AppealTiming.InTime : lodgedOn <= lastDay ? AppealTiming.LateWithinGrace : AppealTiming.TooLate;
        }
        else
        {
            var (pack, calendar) = await rules.ForAsync(context.Database, vars.Text("office"), cancellationToken);
            timing = pack.AppealTiming(vars.Date("notifiedOn"), lodgedOn, calendar);
        }
        if (timing == AppealTiming.LateWithinGrace && string.IsNullOrWhiteSpace(vars.Text("lateReason")))
        {
            throw new DomainException("late-reason-required", $"The appeal deadline was {vars.Text("appealDeadline")}; a late appeal needs the reason it is late.");
        }

        if (timing == AppealTiming.TooLate)
        {
            throw new DomainException("appeal-window-closed", "The appeal window, including the grace period, has closed.");
        }

        return new Dictionary<string, JsonElement>
        {
            ["appealLodgedOn"] = Variables.Json(lodgedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ["appealTiming"] = Variables.Json(timing.ToString()),
        };
    }
}

/// <summary>
/// <c>appeal.reopen-after-remittal</c>: an appeal remitted for re-examination sends the claim back for a new decision, which is
/// notified with an appeal window of its own. What belonged to the first decision's notification and appeal is cleared, so the
/// new decision is not shown as notified before it is, a second appeal is timed against the new deadline and needs its own
/// reason when late, and the legal aid partner is offered to lodge it. The first appeal stays in its own (completed) instance.
/// </summary>
public sealed class AppealRemittalHandler : IServiceTaskHandler
{
    /// <summary>The variables a notification and an appeal set in the asylum-claim instance.</summary>
    public static readonly IReadOnlyList<string> Cleared =
    [
        "notifiedOn", "deliveryMethod", "appealDeadline", "appealDeadlineExplanation", "appealCutoff", "appealCutoffExplanation",
        "appealGrounds", "lateReason", "representingOrganisation", AppealTimingHandler.ReceivedOn, "appealLodgedOn", "appealTiming", "appealOutcome",
    ];

    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    public string Key => "appeal.reopen-after-remittal";

    public Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var variables = Cleared.ToDictionary(name => name, _ => Null, StringComparer.Ordinal);
        variables["remittedAppeals"] = Variables.Json((context.Variables.TryGetValue("remittedAppeals", out var count) && count.ValueKind == JsonValueKind.Number
            ? count.GetInt32() : 0) + 1);
        return Task.FromResult<IReadOnlyDictionary<string, JsonElement>?>(variables);
    }
}

/// <summary><c>appeal.record-outcome</c>: records the appeal's outcome for the parent process.</summary>
public sealed class AppealOutcomeHandler : IServiceTaskHandler
{
    public string Key => "appeal.record-outcome";

    public Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, JsonElement>?>(new Dictionary<string, JsonElement>
        {
            ["appealOutcome"] = Variables.Json(context.Variables.Enum<AppealOutcome>("appealOutcome").ToString()),
        });
}

/// <summary>
/// <c>return.check-departure-allowed</c>: no departure step while an appeal is pending or the appeal window is open, nor
/// before the risk of refoulement has been assessed (<c>refoulementRisk</c>, from the non-refoulement assessment's form)
/// or when a real risk was found; a blocked return raises the BPMN error <c>DEPARTURE_BLOCKED</c> for the diagram to route.
/// The return workflow runs it once, before the first departure step (the travel document).
/// </summary>
public sealed class DepartureCheckHandler(TimeProvider clock) : IServiceTaskHandler
{
    public string Key => "return.check-departure-allowed";

    public Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var vars = context.Variables;
        if (vars.Text("appealTiming") is not null && vars.Text("appealOutcome") is null)
        {
            throw new BpmnErrorException("DEPARTURE_BLOCKED", "An appeal is pending.");
        }

        if (vars.Text("appealOutcome") is null && vars.Text("appealCutoff") is { } cutoff
            && DateTimeOffset.Parse(cutoff, System.Globalization.CultureInfo.InvariantCulture) >= clock.GetUtcNow())
        {
            throw new BpmnErrorException("DEPARTURE_BLOCKED", $"The appeal window is open until {cutoff}.");
        }

        switch (vars.Text("refoulementRisk"))
        {
            case null:
                throw new BpmnErrorException("DEPARTURE_BLOCKED", "The risk of refoulement has not been assessed.");
            case "NoRealRisk":
                break;
            default:
                throw new BpmnErrorException("DEPARTURE_BLOCKED", "The non-refoulement assessment found a real risk on return.");
        }

        return Task.FromResult<IReadOnlyDictionary<string, JsonElement>?>(new Dictionary<string, JsonElement>
        {
            ["departureCleared"] = Variables.Json(true),
        });
    }
}

/// <summary>
/// <c>family.derivative-status</c>: dependants registered with the principal follow the principal's final decision
/// (an upheld appeal recognises them too).
/// </summary>
public sealed class DerivativeStatusHandler : IServiceTaskHandler
{
    public string Key => "family.derivative-status";

    public async Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        var vars = context.Variables;
        var appeal = vars.Text("appealOutcome") is { } text ? Enum.Parse<AppealOutcome>(text) : (AppealOutcome?)null;
        var outcome = FamilyRules.DerivativeOutcome(vars.Enum<DecisionOutcome>("decision"), appeal).ToString();
        var dependants = vars.List("dependants").ToDictionary(name => name, _ => outcome);
        // Dependants recorded on the case (registered with it, or linked with their own case) carry the status too.
        var caseId = await context.Database.Cases.Where(c => c.CaseNumber == context.BusinessKey).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken);
        var recorded = caseId is null ? 0 : await context.Database.FamilyMembers.Where(f => f.CaseId == caseId && f.Dependant)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.DerivativeStatus, outcome), cancellationToken);
        return new Dictionary<string, JsonElement>
        {
            ["derivativeOutcomes"] = Variables.Json(dependants),
            ["derivativeStatusRecorded"] = Variables.Json(recorded),
        };
    }
}
