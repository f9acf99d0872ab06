using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Runtime;
using Casework.Domain.Common;
using Casework.Web.Features.Api;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Partners;

/// <summary>How an attempt to lodge an appeal ended.</summary>
public enum LodgeResult
{
    /// <summary>The appeal is lodged; the workflow moved on.</summary>
    Lodged,

    /// <summary>The organisation does not represent the case (answered as if the case did not exist).</summary>
    NotFound,

    /// <summary>A field is missing or too long (<see cref="LodgeOutcome.Field"/> names it); nothing was saved.</summary>
    Invalid,

    /// <summary>A rule of the procedure refused it (a late appeal without its reason, a closed window); nothing was saved.</summary>
    Refused,

    /// <summary>The case is not waiting for an appeal: no notified decision, lodged already, or the window closed.</summary>
    Conflict,
}

/// <summary>The answer to a lodging: the case as the partner now sees it, or why nothing happened.</summary>
public sealed record LodgeOutcome(LodgeResult Kind, PartnerAppealView? View = null, string? Field = null, string? Message = null, string? Code = null);

/// <summary>
/// What a legal aid organisation may see and do: the cases it represents under an active, unexpired authority, their
/// appeal deadlines, and lodging their appeals. Shared by the partner API and the partner screen.
/// </summary>
public sealed class PartnerAppeals(CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock)
{
    public const int MaxGrounds = 20_000;
    public const int MaxLateReason = 4_000;
    public const string NoDecision = "No appealable decision yet";
    public const string WindowOpen = "Appeal window open";
    public const string LateWithinGrace = "Late appeal possible, with a reason";
    public const string WindowClosed = "Appeal window closed";

    /// <summary>Whether a case in this status can take an appeal now (in time, or late with a reason).</summary>
    public static bool MayLodge(string status) => status is WindowOpen or LateWithinGrace;

    /// <summary>The cases the organisation represents today; none without an organisation.</summary>
    public IQueryable<CaseRecord> Represented(Guid? organisation)
    {
        var id = organisation ?? Guid.Empty;
        var today = Dates.Today(clock);
        return db.Cases.AsNoTracking().Where(c => db.Representations.Any(r => r.CaseId == c.Id && r.OrganisationId == id && !r.Revoked
            && r.ValidFrom <= today && (r.ValidUntil == null || r.ValidUntil >= today)));
    }

    /// <summary>Every represented case with its appeal deadlines.</summary>
    public async Task<List<PartnerAppealView>> ListAsync(Guid? organisation, CancellationToken cancellationToken)
    {
        // One query for the cases and one for their instances' state, however many cases the organisation represents.
        var cases = await Represented(organisation).ToListAsync(cancellationToken);
        var instanceIds = cases.Where(c => c.InstanceId is not null).Select(c => c.InstanceId!.Value).ToList();
        var states = await db.Instances.AsNoTracking().Where(i => instanceIds.Contains(i.Id)).Select(i => new { i.Id, i.State })
            .ToDictionaryAsync(i => i.Id, i => i.State, cancellationToken);
        return [.. cases.Select(c => View(c, c.InstanceId is { } id ? states.GetValueOrDefault(id) : null))];
    }

    /// <summary>One represented case, or null when the organisation does not represent it.</summary>
    public async Task<PartnerAppealView?> FindAsync(Guid? organisation, Guid caseId, CancellationToken cancellationToken) =>
        await Represented(organisation).SingleOrDefaultAsync(c => c.Id == caseId, cancellationToken) is { } c ? await ViewAsync(c, cancellationToken) : null;

    /// <summary>Lodges the appeal of a represented client, in the workflow's own transaction.</summary>
    public async Task<LodgeOutcome> LodgeAsync(Guid? organisation, Guid caseId, string? grounds, string? lateReason, string actor,
        CancellationToken cancellationToken)
    {
        var c = await Represented(organisation).SingleOrDefaultAsync(x => x.Id == caseId, cancellationToken);
        if (c is null)
        {
            return new LodgeOutcome(LodgeResult.NotFound);
        }

        if (string.IsNullOrWhiteSpace(grounds) || grounds.Length > MaxGrounds)
        {
            return new LodgeOutcome(LodgeResult.Invalid, Field: "grounds", Message: $"The grounds are required, at most {MaxGrounds:N0} characters.");
        }

        if (lateReason is { Length: > MaxLateReason })
        {
            return new LodgeOutcome(LodgeResult.Invalid, Field: "lateReason", Message: $"The reason the appeal is late may have at most {MaxLateReason:N0} characters.");
        }

        var variables = new Dictionary<string, JsonElement> { ["appealGrounds"] = JsonSerializer.SerializeToElement(grounds) };
        if (!string.IsNullOrWhiteSpace(lateReason))
        {
            variables["lateReason"] = JsonSerializer.SerializeToElement(lateReason);
        }

        variables["representingOrganisation"] = JsonSerializer.SerializeToElement(organisation?.ToString());
        try
        {
            var outcome = await runtime.CorrelateMessageAsync("AppealLodged", c.CaseNumber, variables, actor, cancellationToken);
            return outcome.Succeeded
                ? new LodgeOutcome(LodgeResult.Lodged, await ViewAsync(c, cancellationToken))
                : new LodgeOutcome(LodgeResult.Conflict, Message:
                    "No appeal can be lodged on this case now: the decision has not been notified, the appeal is lodged already, or the window has closed.");
        }
        catch (DomainException rule)
        {
            return new LodgeOutcome(LodgeResult.Refused, Field: rule.Code == "late-reason-required" ? "lateReason" : null, Message: rule.Message, Code: rule.Code);
        }
    }

    private async Task<PartnerAppealView> ViewAsync(CaseRecord c, CancellationToken cancellationToken) =>
        View(c, c.InstanceId is null
            ? null
            : await db.Instances.AsNoTracking().Where(i => i.Id == c.InstanceId).Select(i => i.State).SingleOrDefaultAsync(cancellationToken));

    /// <summary>The case as the partner sees it, from its instance's state document.</summary>
    private PartnerAppealView View(CaseRecord c, string? state)
    {
        using var document = state is null ? null : JsonDocument.Parse(state);
        var vars = document?.RootElement.GetProperty("variables") ?? default;
        string? Text(string name) => vars.ValueKind == JsonValueKind.Object && vars.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var status = Text("appealOutcome") ?? (Text("appealGrounds") is not null ? "Lodged" : Timing(Dates.Parse(Text("appealDeadline")), Dates.Parse(Text("appealCutoff"))));
        return new PartnerAppealView(c.Id, c.CaseNumber, Text("notifiedOn"), Text("appealDeadline"), Text("appealDeadlineExplanation"), Text("appealCutoff"), status);
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
