using Casework.Domain.Cases;
using Casework.Domain.Common;
using Casework.Domain.Deadlines;

namespace Casework.Domain.Tests.Cases;

public sealed class AsylumCaseTests
{
    private static readonly OfficeCalendar Calendar = OfficeCalendar.Standard("NBO");
    private static readonly RulePack Pack = RulePack.UnhcrMandate;
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Person Adult(params SpecificNeed[] needs) => new(Guid.NewGuid(), new PersonName("Test", "Principal", ["Тест"]),
        new BirthDate(new DateOnly(1990, 1, 1), Approximate: true), Sex.Female, ["SOM"], ["so", "en"], needs.ToHashSet());

    private static Person Child(DetentionStatus detention) => new(Guid.NewGuid(), new PersonName("Test", "Child", []),
        new BirthDate(new DateOnly(2015, 5, 1), Approximate: false), Sex.Male, ["SOM"], ["so"], new HashSet<SpecificNeed>(), detention);

    private static AsylumCase Registered(params SpecificNeed[] needs) =>
        AsylumCase.Register(new CaseNumber("NBO", 2026, 123), "NBO", new DateOnly(2026, 3, 2), Adult(needs));

    private static AsylumCase Notified(DecisionOutcome outcome = DecisionOutcome.Rejected, DateOnly? on = null)
    {
        var @case = Registered();
        @case.RecordReferral(ReferralOutcome.SeeksAsylum);
        @case.Triage(ClaimFeatures.None, new DateOnly(2026, 3, 2));
        @case.DraftDecision(outcome, "Reasons stated in full.", "officer.a", Now);
        @case.ApproveDecision("supervisor.b", Now);
        @case.Notify(on ?? new DateOnly(2026, 2, 2), Pack, Calendar);
        return @case;
    }

    [Fact]
    public void CaseNumber_FormatsAndParses()
    {
        Assert.Equal("NBO-2026-000123", new CaseNumber("NBO", 2026, 123).ToString());
        Assert.Equal(new CaseNumber("NBO", 2026, 123), CaseNumber.Parse("NBO-2026-000123"));
        Assert.Throws<FormatException>(() => CaseNumber.Parse("nbo-26-x"));
    }

    [Fact]
    public void TraffickingReferral_LeavesRsd_WithTheReferralRecorded()
    {
        var @case = Registered();

        @case.RecordReferral(ReferralOutcome.VictimOfTraffickingProcess);

        Assert.Equal(CaseStage.Closed, @case.Stage);
        Assert.Equal(ReferralOutcome.VictimOfTraffickingProcess, @case.Referral);
        Assert.Null(@case.Decision);
        Assert.Equal("referral-required", Assert.Throws<DomainException>(() => @case.Triage(ClaimFeatures.None, new DateOnly(2026, 3, 2))).Code);
    }

    [Fact]
    public void Triage_AndASupervisorOverride_AreBothRecorded()
    {
        var @case = Registered(SpecificNeed.SurvivorOfTortureOrTrauma);
        @case.RecordReferral(ReferralOutcome.SeeksAsylum);

        @case.Triage(ClaimFeatures.None, new DateOnly(2026, 3, 2));
        @case.OverrideTrack(ProcessingTrack.Regular, "supervisor.b", "complex credibility issues");

        Assert.Equal(ProcessingTrack.Regular, @case.Track);
        Assert.Equal(90, @case.Priority);
        Assert.Equal("supervisor.b", @case.TrackOverriddenBy);
        Assert.Contains(@case.TrackReasons, r => r.Contains("accelerated track", StringComparison.Ordinal));
        Assert.Contains(@case.TrackReasons, r => r.Contains("overridden to regular by supervisor.b: complex credibility issues", StringComparison.Ordinal));
    }

    [Fact]
    public void AChildInDetention_FlagsTheCaseForImmediateSupervisorAttention()
    {
        var @case = Registered();
        @case.AddDependant(Child(DetentionStatus.Detained));
        @case.RecordReferral(ReferralOutcome.SeeksAsylum);

        var result = @case.Triage(ClaimFeatures.None, new DateOnly(2026, 3, 2));

        Assert.True(result.NeedsImmediateSupervisorAttention);
        Assert.True(@case.NeedsImmediateSupervisorAttention);
    }

    [Fact]
    public void Review_ByTheDrafter_IsRefused()
    {
        var @case = Registered();
        @case.RecordReferral(ReferralOutcome.SeeksAsylum);
        @case.Triage(ClaimFeatures.None, new DateOnly(2026, 3, 2));
        @case.DraftDecision(DecisionOutcome.Rejected, "Reasons.", "officer.a", Now);

        var error = Assert.Throws<DomainException>(() => @case.ApproveDecision("OFFICER.A", Now));

        Assert.Equal("four-eyes", error.Code);
        Assert.False(@case.Decision!.Approved);
    }

    [Fact]
    public void AppealOfficer_CannotBeTheFirstInstanceOfficer()
    {
        var @case = Notified();
        @case.LodgeAppeal(new DateOnly(2026, 2, 20), "New evidence", "Legal Aid A", null, Pack, Calendar);

        Assert.Equal("four-eyes", Assert.Throws<DomainException>(() => @case.AssignAppealOfficer("officer.a")).Code);
        @case.AssignAppealOfficer("officer.c");
        Assert.Equal("officer.c", @case.Appeal!.AppealOfficer);
    }

    [Fact]
    public void LateAppeal_WithinGrace_NeedsAReason_AndIsAcceptedWithIt()
    {
        var @case = Notified();

        var refused = Assert.Throws<DomainException>(() => @case.LodgeAppeal(new DateOnly(2026, 3, 20), "Grounds", null, null, Pack, Calendar));
        var appeal = @case.LodgeAppeal(new DateOnly(2026, 3, 20), "Grounds", null, "hospitalised", Pack, Calendar);

        Assert.Equal("late-reason-required", refused.Code);
        Assert.Equal("hospitalised", appeal.LateReason);
        Assert.Equal(new DateOnly(2026, 3, 4), appeal.Deadline);
    }

    [Fact]
    public void AppealAfterTheGracePeriod_IsRefused()
    {
        var @case = Notified();

        var error = Assert.Throws<DomainException>(() => @case.LodgeAppeal(new DateOnly(2026, 5, 1), "Grounds", null, "reason", Pack, Calendar));

        Assert.Equal("appeal-window-closed", error.Code);
        Assert.Null(@case.Appeal);
    }

    [Fact]
    public void ReturnStep_IsBlockedWhileTheWindowIsOpenOrAnAppealIsPending()
    {
        var open = Notified();
        var pending = Notified();
        pending.LodgeAppeal(new DateOnly(2026, 2, 10), "Grounds", null, null, Pack, Calendar);
        var closed = Notified();

        Assert.False(open.CanProceedWithReturn(new DateOnly(2026, 4, 1), Pack, Calendar).Allowed);
        Assert.Contains("appeal is pending", pending.CanProceedWithReturn(new DateOnly(2026, 6, 1), Pack, Calendar).Reason, StringComparison.Ordinal);
        Assert.True(closed.CanProceedWithReturn(new DateOnly(2026, 4, 16), Pack, Calendar).Allowed);
    }

    [Fact]
    public void DependantsFollowThePrincipalsFinalDecision()
    {
        var @case = Notified(DecisionOutcome.Rejected);
        var child = Child(DetentionStatus.None);
        @case.AddDependant(child);
        @case.LodgeAppeal(new DateOnly(2026, 2, 10), "Grounds", "Legal Aid A", null, Pack, Calendar);
        @case.AssignAppealOfficer("officer.c");

        @case.DecideAppeal(AppealOutcome.Upheld);

        Assert.Equal(DecisionOutcome.RecognisedRefugee, @case.DerivativeOutcomes()[child.Id]);
        @case.ReferToDurableSolution(DurableSolutionKind.LocalIntegration);
        Assert.Equal(CaseStage.DurableSolution, @case.Stage);
    }

    [Fact]
    public void DurableSolutions_AreOnlyForPeopleInNeedOfProtection()
    {
        var @case = Notified(DecisionOutcome.Rejected);

        Assert.Equal("not-in-need-of-protection", Assert.Throws<DomainException>(() => @case.ReferToDurableSolution(DurableSolutionKind.Resettlement)).Code);
    }
}
