using System.Globalization;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Runtime;
using Casework.Domain.Cases;
using Casework.Domain.Common;
using Casework.Web.Features.Api;
using Casework.Web.Features.Procedure;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Appeals;

/// <summary>
/// Where a case's appeal stands, as the people who may lodge it see it: the notified decision's deadline and how it was
/// computed, the last day a late appeal is accepted, and the status (<see cref="AppealLodging.NoDecision"/>,
/// <see cref="AppealLodging.WindowOpen"/>, <see cref="AppealLodging.LateWithinGrace"/>, <see cref="AppealLodging.WindowClosed"/>,
/// "Lodged", the appeal's outcome, or <see cref="AppealLodging.ClaimClosed"/>). A claim that ended without a decision says how
/// (<see cref="ClaimClosedAs"/>: <c>Withdrawn</c>, <c>Abandoned</c>, or <c>Referred</c> outside refugee status determination)
/// and on which day (<see cref="ClaimClosedOn"/>, <c>yyyy-MM-dd</c>), never why nor who closed it: those are the office's.
/// </summary>
public sealed record AppealView(Guid CaseId, string CaseNumber, string? DecisionNotifiedOn, string? AppealDeadline,
    string? AppealDeadlineExplanation, string? LateAppealsUntil, string Status, string? ClaimClosedAs = null, string? ClaimClosedOn = null);

/// <summary>The grounds of an appeal, and why it is late when it is.</summary>
public sealed record LodgeAppealRequest(string? Grounds, string? LateReason);

/// <summary>
/// An appeal the office records: its grounds, why it is late when it is, and the day it reached the office
/// (<c>yyyy-MM-dd</c>; today when left out), which is the day it was lodged: a posted appeal that arrived in time is in time
/// however late it is recorded.
/// </summary>
public sealed record OfficeAppealRequest(string? Grounds, string? LateReason, string? ReceivedOn);

/// <summary>How an attempt to lodge an appeal ended.</summary>
public enum LodgeResult
{
    /// <summary>The appeal is lodged; the workflow moved on.</summary>
    Lodged,

    /// <summary>No such case (or, for a partner, one its organisation does not represent).</summary>
    NotFound,

    /// <summary>A field is missing or too long (<see cref="LodgeOutcome.Field"/> names it); nothing was saved.</summary>
    Invalid,

    /// <summary>A rule of the procedure refused it (a late appeal without its reason, a closed window); nothing was saved.</summary>
    Refused,

    /// <summary>The case is not waiting for an appeal: no notified decision, lodged already, or the window closed.</summary>
    Conflict,
}

/// <summary>The answer to a lodging: where the appeal now stands, or why nothing happened.</summary>
public sealed record LodgeOutcome(LodgeResult Kind, AppealView? View = null, string? Field = null, string? Message = null, string? Code = null);

/// <summary>
/// Reads where a case's appeal stands and lodges it, in the workflow's own transaction (the claim waits for the
/// <c>AppealLodged</c> message). A legal aid partner lodges for the clients it represents (<c>PartnerAppeals</c>); the
/// office records an appeal the appellant lodges there in person (<c>AppealEndpoints</c>).
/// </summary>
public sealed class AppealLodging(CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock)
{
    public const int MaxGrounds = 20_000;
    public const int MaxLateReason = 4_000;
    public const string NoDecision = "No appealable decision yet";
    public const string WindowOpen = "Appeal window open";
    public const string LateWithinGrace = "Late appeal possible, with a reason";
    public const string WindowClosed = "Appeal window closed";
    public const string Lodged = "Lodged";
    public const string ClaimClosed = "Claim closed without a decision";

    /// <summary><see cref="AppealView.ClaimClosedAs"/> of a claim profiling referred outside refugee status determination.</summary>
    public const string Referred = "Referred";

    /// <summary>The message the claim's workflow waits for while it takes an appeal.</summary>
    public const string AppealLodgedMessage = "AppealLodged";

    /// <summary>Whether a case in this status can take an appeal now (in time, or late with a reason).</summary>
    public static bool MayLodge(string status) => status is WindowOpen or LateWithinGrace;

    /// <summary>
    /// Whether the office can still record an appeal on a case whose window has closed: the claim went on to return
    /// arrangements that have not ended, so an appeal that reached the office in time, by post, and is recorded only now
    /// is recorded on the day it arrived, stops the return and goes ahead.
    /// </summary>
    public async Task<bool> TakesAnAppealRecordedLateAsync(CaseRecord c, AppealView view, CancellationToken cancellationToken) =>
        view.Status == WindowClosed && c.InstanceId is { } id
        && await db.MessageSubscriptions.AnyAsync(s => s.InstanceId == id && s.MessageName == AppealLodgedMessage, cancellationToken);

    /// <summary>Where the appeal of each case stands: one query for their instances' state, however many cases.</summary>
    public async Task<List<AppealView>> ViewsAsync(IReadOnlyList<CaseRecord> cases, CancellationToken cancellationToken)
    {
        var instanceIds = cases.Where(c => c.InstanceId is not null).Select(c => c.InstanceId!.Value).ToList();
        var states = await db.Instances.AsNoTracking().Where(i => instanceIds.Contains(i.Id)).Select(i => new { i.Id, i.State, i.EndedAt })
            .ToDictionaryAsync(i => i.Id, cancellationToken);
        return [.. cases.Select(c => c.InstanceId is { } id && states.GetValueOrDefault(id) is { } i ? View(c, i.State, i.EndedAt) : View(c, null, null))];
    }

    /// <summary>Where the appeal of one case stands.</summary>
    public async Task<AppealView> ViewAsync(CaseRecord c, CancellationToken cancellationToken)
    {
        var instance = c.InstanceId is null ? null
            : await db.Instances.AsNoTracking().Where(i => i.Id == c.InstanceId).Select(i => new { i.State, i.EndedAt }).SingleOrDefaultAsync(cancellationToken);
        return View(c, instance?.State, instance?.EndedAt);
    }

    /// <summary>
    /// Lodges the appeal of <paramref name="c"/>: through <paramref name="organisation"/> when a legal aid partner lodges it,
    /// without one when the appellant lodges it at the office. Nothing is saved unless it is lodged.
    /// </summary>
    /// <remarks>
    /// The office may give <paramref name="receivedOn"/>, the day the appeal reached it (a posted appeal recorded later); it
    /// is the lodging day the timing is checked against, and cannot be after today nor before the decision was notified.
    /// </remarks>
    public async Task<LodgeOutcome> LodgeAsync(CaseRecord c, string? grounds, string? lateReason, Guid? organisation, string actor,
        CancellationToken cancellationToken, string? receivedOn = null)
    {
        if (string.IsNullOrWhiteSpace(grounds) || grounds.Length > MaxGrounds)
        {
            return new LodgeOutcome(LodgeResult.Invalid, Field: "grounds", Message: $"The grounds are required, at most {MaxGrounds:N0} characters.");
        }

        if (lateReason is { Length: > MaxLateReason })
        {
            return new LodgeOutcome(LodgeResult.Invalid, Field: "lateReason", Message: $"The reason the appeal is late may have at most {MaxLateReason:N0} characters.");
        }

        DateOnly? received = null;
        if (!string.IsNullOrWhiteSpace(receivedOn))
        {
            if (!DateOnly.TryParseExact(receivedOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return new LodgeOutcome(LodgeResult.Invalid, Field: "receivedOn", Message: "Give the day the appeal reached the office as a date (yyyy-MM-dd).");
            }

            if (day > Dates.Today(clock))
            {
                return new LodgeOutcome(LodgeResult.Invalid, Field: "receivedOn",
                    Message: $"The appeal cannot have reached the office after today ({Dates.Show(Dates.Today(clock))}).");
            }

            if (Dates.Parse((await ViewAsync(c, cancellationToken)).DecisionNotifiedOn) is { } notified && day < notified)
            {
                return new LodgeOutcome(LodgeResult.Invalid, Field: "receivedOn",
                    Message: $"The appeal cannot have reached the office before the decision was notified, on {Dates.Show(notified)}.");
            }

            received = day;
        }

        var variables = new Dictionary<string, JsonElement> { ["appealGrounds"] = JsonSerializer.SerializeToElement(grounds) };
        if (received is { } arrived)
        {
            variables[AppealTimingHandler.ReceivedOn] = JsonSerializer.SerializeToElement(arrived.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrWhiteSpace(lateReason))
        {
            variables["lateReason"] = JsonSerializer.SerializeToElement(lateReason);
        }

        variables["representingOrganisation"] = JsonSerializer.SerializeToElement(organisation?.ToString());
        try
        {
            var outcome = await runtime.CorrelateMessageAsync(AppealLodgedMessage, c.CaseNumber, variables, actor, cancellationToken);
            return outcome.Succeeded
                ? new LodgeOutcome(LodgeResult.Lodged, await ViewAsync(c, cancellationToken))
                : new LodgeOutcome(LodgeResult.Conflict, Message:
                    "No appeal can be lodged on this case now: the decision has not been notified, the appeal is lodged already, or the window has closed and the return it led to has ended.");
        }
        catch (DomainException rule)
        {
            return new LodgeOutcome(LodgeResult.Refused, Field: rule.Code == "late-reason-required" ? "lateReason" : null, Message: rule.Message, Code: rule.Code);
        }
    }

    /// <summary>
    /// The appeal as its instance's state document has it; a claim closed before any decision was notified (withdrawn,
    /// abandoned, or referred outside RSD at profiling) says so, with the day, instead of waiting for a decision that will not come.
    /// </summary>
    private AppealView View(CaseRecord c, string? state, DateTimeOffset? endedAt)
    {
        using var document = state is null ? null : JsonDocument.Parse(state);
        var vars = document?.RootElement.GetProperty("variables") ?? default;
        string? Text(string name) => vars.ValueKind == JsonValueKind.Object && vars.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Text("notifiedOn") is null && c.Stage == nameof(CaseStage.Closed))
        {
            var how = c.ClosedAs ?? (Text("referral") is { } referral && referral != nameof(ReferralOutcome.SeeksAsylum) ? Referred : null);
            var on = (c.ClosedAt ?? endedAt)?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new AppealView(c.Id, c.CaseNumber, null, null, null, null, ClaimClosed, how, on);
        }

        var status = Text("appealOutcome") ?? (Text("appealGrounds") is not null ? Lodged : Timing(Dates.Parse(Text("appealDeadline")), Dates.Parse(Text("appealCutoff"))));
        return new AppealView(c.Id, c.CaseNumber, Text("notifiedOn"), Text("appealDeadline"), Text("appealDeadlineExplanation"), Text("appealCutoff"), status);
    }

    /// <summary>Where the appeal window stands today: open until the deadline, then late within the grace period, then closed.</summary>
    private string Timing(DateOnly? deadline, DateOnly? cutoff)
    {
        var today = Dates.Today(clock);
        return deadline switch
        {
            null => NoDecision,
            { } d when today <= d => WindowOpen,
            _ when cutoff is { } last && today <= last => LateWithinGrace,
            _ => WindowClosed,
        };
    }
}
