using Casework.Domain.Common;

namespace Casework.Domain.Cases;

public enum ReferralStatus
{
    Referred,
    InProgress,
    Completed,
    Closed,
}

/// <summary>A durable-solution referral; resettlement carries its state, submission, decision and departure.</summary>
public sealed record DurableSolutionReferral(
    DurableSolutionKind Kind,
    ReferralStatus Status,
    string? ResettlementState = null,
    DateOnly? SubmittedOn = null,
    bool? Accepted = null,
    DateOnly? DepartedOn = null)
{
    public DurableSolutionReferral Submit(string state, DateOnly on) => Kind == DurableSolutionKind.Resettlement
        ? this with { ResettlementState = state, SubmittedOn = on, Status = ReferralStatus.InProgress }
        : throw new DomainException("not-resettlement", "Only a resettlement referral is submitted to a resettlement state.");

    public DurableSolutionReferral Decide(bool accepted) => SubmittedOn is null
        ? throw new DomainException("not-submitted", "The resettlement state decides on a submitted case.")
        : this with { Accepted = accepted, Status = accepted ? ReferralStatus.InProgress : ReferralStatus.Closed };

    public DurableSolutionReferral Depart(DateOnly on) => Accepted == true
        ? this with { DepartedOn = on, Status = ReferralStatus.Completed }
        : throw new DomainException("not-accepted", "Departure follows the resettlement state's acceptance.");
}

public enum ReturnOption
{
    Voluntary,
    AssistedWithPartner,
    AlternativeLegalMigration,
}

/// <summary>
/// Return arrangements after a final negative decision: counselling, the chosen option (with the partner
/// organisation for an assisted return), the pending-appeal and non-refoulement check that must pass before any
/// departure step, the travel document, departure and post-return monitoring.
/// </summary>
public sealed record ReturnArrangement(
    ReturnOption Option,
    string? PartnerOrganisation = null,
    bool DepartureCleared = false,
    string? TravelDocument = null,
    DateOnly? DepartedOn = null,
    bool MonitoringCompleted = false)
{
    public static ReturnArrangement AfterCounselling(ReturnOption option, string? partner) =>
        option == ReturnOption.AssistedWithPartner && string.IsNullOrWhiteSpace(partner)
            ? throw new DomainException("partner-required", "An assisted return names the partner organisation.")
            : new ReturnArrangement(option, partner);

    public ReturnArrangement Clear((bool Allowed, string Reason) check, bool nonRefoulementRiskAssessed) =>
        !check.Allowed ? throw new DomainException("departure-blocked", check.Reason)
        : !nonRefoulementRiskAssessed ? throw new DomainException("non-refoulement-check", "Assess the risk of refoulement before any departure step.")
        : this with { DepartureCleared = true };

    public ReturnArrangement Depart(string travelDocument, DateOnly on) => DepartureCleared
        ? this with { TravelDocument = travelDocument, DepartedOn = on }
        : throw new DomainException("departure-blocked", "The pending-appeal and non-refoulement check has not passed.");

    public ReturnArrangement CompleteMonitoring() => DepartedOn is null
        ? throw new DomainException("not-departed", "Post-return monitoring follows departure.")
        : this with { MonitoringCompleted = true };
}

/// <summary>Family rules: dependants with derivative status follow the principal's final decision.</summary>
public static class FamilyRules
{
    public static DecisionOutcome DerivativeOutcome(DecisionOutcome principalDecision, AppealOutcome? appeal) =>
        appeal == AppealOutcome.Upheld ? DecisionOutcome.RecognisedRefugee : principalDecision;
}
