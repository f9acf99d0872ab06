using Casework.Domain.Cases;
using Casework.Domain.Common;
using Casework.Domain.Deadlines;

namespace Casework.Domain.Tests.Cases;

public sealed class SolutionsAndReturnTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly OfficeCalendar Calendar = OfficeCalendar.Standard("NBO");

    private static AsylumCase Decided(DecisionOutcome outcome)
    {
        var @case = AsylumCase.Register(new CaseNumber("NBO", 2026, 7), "NBO", new DateOnly(2026, 3, 2),
            new Person(Guid.NewGuid(), new PersonName("A", "B", []), new BirthDate(new DateOnly(1980, 1, 1), false), Sex.Male, ["ERI"], ["ti"], new HashSet<SpecificNeed>()));
        @case.RecordReferral(ReferralOutcome.SeeksAsylum);
        @case.Triage(ClaimFeatures.None, new DateOnly(2026, 3, 2));
        @case.ScheduleInterview(Interview.Schedule(Now.AddDays(7), Now, "Tigrinya", "interpreter.t", Sex.Female, Sex.Female, representativePresent: true));
        @case.DraftDecision(outcome, "Reasons.", "officer.a", Now);
        @case.ApproveDecision("supervisor.b", Now);
        @case.Notify(new DateOnly(2026, 2, 2), RulePack.UnhcrMandate, Calendar);
        return @case;
    }

    [Fact]
    public void Interview_RecordsTheRequestedGendersAndTheRepresentative_AndIsNeverInThePast()
    {
        var interview = Interview.Schedule(Now.AddDays(1), Now, "Somali", null, Sex.Female, Sex.Female, representativePresent: false);

        Assert.Equal((Sex.Female, Sex.Female), (interview.RequestedInterviewerGender, interview.RequestedInterpreterGender));
        Assert.Equal("interview-in-the-past", Assert.Throws<DomainException>(() => Interview.Schedule(Now.AddDays(-1), Now, "Somali", null, null, null, false)).Code);
    }

    [Fact]
    public void Resettlement_GoesFromSubmissionToTheStatesDecisionToDeparture()
    {
        var @case = Decided(DecisionOutcome.RecognisedRefugee);
        @case.ReferToDurableSolution(DurableSolutionKind.Resettlement);

        Assert.Equal("not-submitted", Assert.Throws<DomainException>(() => @case.UpdateDurableSolution(r => r.Decide(true))).Code);
        @case.UpdateDurableSolution(r => r.Submit("Canada", new DateOnly(2026, 4, 1)));
        @case.UpdateDurableSolution(r => r.Decide(accepted: true));
        @case.UpdateDurableSolution(r => r.Depart(new DateOnly(2026, 9, 1)));

        Assert.Equal((ReferralStatus.Completed, "Canada"), (@case.DurableSolution!.Status, @case.DurableSolution.ResettlementState));
    }

    [Fact]
    public void Return_CannotDepartBeforeTheChecksPass()
    {
        var @case = Decided(DecisionOutcome.Rejected);
        @case.StartReturn(ReturnArrangement.AfterCounselling(ReturnOption.AssistedWithPartner, "IOM"));

        var early = Assert.Throws<DomainException>(() => @case.ClearDeparture(new DateOnly(2026, 3, 10), RulePack.UnhcrMandate, Calendar, true));
        var noRiskCheck = Assert.Throws<DomainException>(() => @case.ClearDeparture(new DateOnly(2026, 5, 1), RulePack.UnhcrMandate, Calendar, false));
        @case.ClearDeparture(new DateOnly(2026, 5, 1), RulePack.UnhcrMandate, Calendar, true);

        Assert.Equal("departure-blocked", early.Code);
        Assert.Equal("non-refoulement-check", noRiskCheck.Code);
        Assert.True(@case.Return!.DepartureCleared);
        Assert.Equal("partner-required", Assert.Throws<DomainException>(() => ReturnArrangement.AfterCounselling(ReturnOption.AssistedWithPartner, null)).Code);
    }

    [Fact]
    public void Return_IsOnlyForAFinalNegativeDecision()
    {
        var recognised = Decided(DecisionOutcome.RecognisedRefugee);

        Assert.Equal("no-final-negative-decision",
            Assert.Throws<DomainException>(() => recognised.StartReturn(ReturnArrangement.AfterCounselling(ReturnOption.Voluntary, null))).Code);
    }
}
