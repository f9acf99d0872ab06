using Casework.Domain.Common;
using Casework.Domain.Deadlines;
using Casework.Domain.Triage;

namespace Casework.Domain.Cases;

/// <summary>
/// An asylum case from registration to a durable solution or return. Every change goes through a method that checks
/// the procedure's rules: referral before triage, four-eyes review, the appeal window, the return gate.
/// </summary>
public sealed class AsylumCase
{
    private readonly List<Person> dependants = [];
    private readonly List<Guid> linkedCases = [];
    private readonly List<string> trackReasons = [];

    private AsylumCase(CaseNumber number, string office, DateOnly registeredOn, Person principal)
    {
        Number = number;
        Office = office;
        RegisteredOn = registeredOn;
        Principal = principal;
    }

    public Guid Id { get; } = Guid.NewGuid();
    public CaseNumber Number { get; }
    public string Office { get; }
    public DateOnly RegisteredOn { get; }
    public Person Principal { get; }
    public IReadOnlyList<Person> Dependants => dependants;
    public IReadOnlyList<Guid> LinkedCases => linkedCases;
    public CaseStage Stage { get; private set; } = CaseStage.Registration;
    public ReferralOutcome? Referral { get; private set; }
    public ProcessingTrack? Track { get; private set; }
    public IReadOnlyList<string> TrackReasons => trackReasons;
    public string? TrackOverriddenBy { get; private set; }
    public int Priority { get; private set; }
    public bool NeedsImmediateSupervisorAttention { get; private set; }
    public string? AssignedOfficer { get; private set; }
    public Decision? Decision { get; private set; }
    public DateOnly? NotifiedOn { get; private set; }
    public ComputedDate? AppealDeadline { get; private set; }
    public Appeal? Appeal { get; private set; }
    public DurableSolutionReferral? DurableSolution { get; private set; }
    public Interview? Interview { get; private set; }
    public ReturnArrangement? Return { get; private set; }

    public static AsylumCase Register(CaseNumber number, string office, DateOnly registeredOn, Person principal)
    {
        if (number.Office != office)
        {
            throw new DomainException("case-number-office", $"Case number {number} does not belong to office {office}.");
        }

        return new AsylumCase(number, office, registeredOn, principal);
    }

    public void AddDependant(Person dependant) => dependants.Add(dependant);

    public void LinkTo(Guid otherCase)
    {
        if (otherCase != Id && !linkedCases.Contains(otherCase))
        {
            linkedCases.Add(otherCase);
        }
    }

    /// <summary>Records where profiling channelled the case; a non-asylum referral ends the RSD path (never an RSD decision).</summary>
    public void RecordReferral(ReferralOutcome outcome)
    {
        Referral = outcome;
        Stage = outcome == ReferralOutcome.SeeksAsylum ? CaseStage.Triage : CaseStage.Closed;
    }

    public TriageResult Triage(ClaimFeatures features, DateOnly today)
    {
        if (Referral is not ReferralOutcome.SeeksAsylum)
        {
            throw new DomainException("referral-required", "Record a profiling referral to RSD before triage.");
        }

        var people = dependants.Prepend(Principal).ToList();
        var childInDetention = people.Exists(p => p.IsChildOn(today) && p.Detention == DetentionStatus.Detained);
        var result = TriagePolicy.Decide(Referral.Value, people.SelectMany(p => p.Needs).ToHashSet(), features, childInDetention,
            Principal.IsChildOn(today));
        Track = result.Track;
        Priority = result.Priority;
        NeedsImmediateSupervisorAttention = result.NeedsImmediateSupervisorAttention;
        trackReasons.Clear();
        trackReasons.AddRange(result.Reasons);
        Stage = CaseStage.Assessment;
        return result;
    }

    /// <summary>A supervisor changes the track; who and why are recorded beside the original reasons.</summary>
    public void OverrideTrack(ProcessingTrack track, string supervisor, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException("override-reason-required", "A track override needs a reason.");
        }

        trackReasons.Add($"overridden to {track.ToString().ToLowerInvariant()} by {supervisor}: {reason}");
        Track = track;
        TrackOverriddenBy = supervisor;
    }

    public void Assign(string officer) => AssignedOfficer = officer;

    public Decision DraftDecision(DecisionOutcome outcome, string reasons, string officer, DateTimeOffset at)
    {
        Decision = Cases.Decision.Draft(Guid.NewGuid(), outcome, reasons, officer, at);
        Stage = outcome is DecisionOutcome.Withdrawn or DecisionOutcome.Abandoned ? CaseStage.Closed : CaseStage.Review;
        return Decision;
    }

    /// <summary>Four-eyes: the reviewer is never the drafter.</summary>
    public void ApproveDecision(string reviewer, DateTimeOffset at)
    {
        (Decision ?? throw new DomainException("no-decision", "There is no drafted decision to review.")).Approve(reviewer, at);
        Stage = CaseStage.Notification;
    }

    /// <summary>Notification in writing starts the appeal clock.</summary>
    public ComputedDate Notify(DateOnly deliveredOn, RulePack pack, OfficeCalendar calendar)
    {
        if (Decision is not { Approved: true })
        {
            throw new DomainException("decision-not-approved", "Only a reviewed decision can be notified.");
        }

        NotifiedOn = deliveredOn;
        AppealDeadline = pack.AppealDeadline(deliveredOn, calendar);
        Stage = CaseStage.Appeal;
        return AppealDeadline;
    }

    /// <summary>Lodges an appeal: in time, or late within the grace period with a recorded reason; otherwise refused.</summary>
    public Appeal LodgeAppeal(DateOnly lodgedOn, string grounds, string? representingOrganisation, string? lateReason, RulePack pack, OfficeCalendar calendar)
    {
        if (NotifiedOn is not { } notified || AppealDeadline is null)
        {
            throw new DomainException("not-notified", "An appeal can be lodged only after the decision was notified.");
        }

        if (Appeal is not null)
        {
            throw new DomainException("appeal-exists", "An appeal was already lodged on this decision.");
        }

        switch (pack.AppealTiming(notified, lodgedOn, calendar))
        {
            case AppealTiming.LateWithinGrace when string.IsNullOrWhiteSpace(lateReason):
                throw new DomainException("late-reason-required",
                    $"The appeal deadline was {AppealDeadline.Date:yyyy-MM-dd}; a late appeal needs the reason it is late.");
            case AppealTiming.TooLate:
                throw new DomainException("appeal-window-closed",
                    $"The appeal window closed on {pack.LateAppealCutoff(notified, calendar).Date:yyyy-MM-dd} (including the grace period).");
        }

        Appeal = new Appeal(lodgedOn, AppealDeadline.Date, grounds, representingOrganisation,
            lodgedOn > AppealDeadline.Date ? lateReason : null);
        return Appeal;
    }

    /// <summary>The appeal officer is never the first-instance officer.</summary>
    public void AssignAppealOfficer(string officer)
    {
        var appeal = Appeal ?? throw new DomainException("no-appeal", "There is no appeal to assign.");
        if (Decision is { } first && (string.Equals(officer, first.DraftedBy, StringComparison.OrdinalIgnoreCase)
            || string.Equals(officer, first.ReviewedBy, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DomainException("four-eyes", $"{officer} took part in the first-instance decision and cannot decide the appeal.");
        }

        Appeal = appeal with { AppealOfficer = officer };
    }

    public void DecideAppeal(AppealOutcome outcome)
    {
        var appeal = Appeal ?? throw new DomainException("no-appeal", "There is no appeal to decide.");
        Appeal = appeal with { Outcome = outcome };
        Stage = outcome == AppealOutcome.RemittedForReExamination ? CaseStage.Assessment : Stage;
    }

    /// <summary>
    /// Whether a return step may proceed on a day: never while an appeal is pending or the appeal window (with its
    /// grace period) is still open. The answer says why not.
    /// </summary>
    public (bool Allowed, string Reason) CanProceedWithReturn(DateOnly today, RulePack pack, OfficeCalendar calendar)
    {
        if (Appeal is { IsPending: true })
        {
            return (false, "An appeal is pending; no return step may proceed until it is decided.");
        }

        if (Appeal is null && NotifiedOn is { } notified && today <= pack.LateAppealCutoff(notified, calendar).Date)
        {
            return (false, $"The appeal window is open until {pack.LateAppealCutoff(notified, calendar).Date:yyyy-MM-dd} (with the grace period).");
        }

        if (NotifiedOn is null)
        {
            return (false, "The decision has not been notified; the appeal window has not started.");
        }

        return (true, "No appeal is pending and the appeal window has closed.");
    }

    /// <summary>What the principal's final decision means for each dependant with derivative status.</summary>
    public IReadOnlyDictionary<Guid, DecisionOutcome> DerivativeOutcomes()
    {
        var decision = Decision?.Outcome ?? throw new DomainException("no-decision", "The principal has no decision yet.");
        var final = FamilyRules.DerivativeOutcome(decision, Appeal?.Outcome);
        return dependants.ToDictionary(d => d.Id, _ => final);
    }

    public void ReferToDurableSolution(DurableSolutionKind kind)
    {
        var recognised = Decision?.Outcome is DecisionOutcome.RecognisedRefugee or DecisionOutcome.ComplementaryProtection
            || Appeal is { Outcome: AppealOutcome.Upheld };
        if (!recognised)
        {
            throw new DomainException("not-in-need-of-protection", "Durable solutions are for people found in need of international protection.");
        }

        DurableSolution = new DurableSolutionReferral(kind, ReferralStatus.Referred);
        Stage = CaseStage.DurableSolution;
    }

    public void UpdateDurableSolution(Func<DurableSolutionReferral, DurableSolutionReferral> change) =>
        DurableSolution = change(DurableSolution ?? throw new DomainException("no-referral", "There is no durable-solution referral."));

    public void ScheduleInterview(Interview interview)
    {
        if (Stage != CaseStage.Assessment)
        {
            throw new DomainException("not-in-assessment", "Interviews are scheduled once the case is triaged into a track.");
        }

        Interview = interview;
    }

    /// <summary>Return arrangements start after a final negative decision.</summary>
    public void StartReturn(ReturnArrangement arrangement)
    {
        var negative = Decision?.Outcome is DecisionOutcome.Rejected or DecisionOutcome.Inadmissible or DecisionOutcome.Excluded
            && Appeal is null or { Outcome: AppealOutcome.Rejected };
        if (!negative)
        {
            throw new DomainException("no-final-negative-decision", "Return arrangements follow a final negative decision.");
        }

        Return = arrangement;
        Stage = CaseStage.Return;
    }

    /// <summary>Clears departure only when no appeal is pending, the window has closed and refoulement risk was assessed.</summary>
    public void ClearDeparture(DateOnly today, RulePack pack, OfficeCalendar calendar, bool nonRefoulementRiskAssessed) =>
        Return = (Return ?? throw new DomainException("no-return", "There are no return arrangements."))
            .Clear(CanProceedWithReturn(today, pack, calendar), nonRefoulementRiskAssessed);
}
