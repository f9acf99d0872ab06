using Casework.Domain.Cases;
using Casework.Domain.Common;
using Casework.Domain.Triage;

namespace Casework.Domain.Tests.Triage;

public sealed class TriagePolicyTests
{
    [Theory]
    [InlineData(SpecificNeed.SurvivorOfTortureOrTrauma, ProcessingTrack.Accelerated, 90)]
    [InlineData(SpecificNeed.UnaccompaniedOrSeparatedChild, ProcessingTrack.Accelerated, 80)]
    [InlineData(SpecificNeed.SeriousMedicalCondition, ProcessingTrack.Regular, 70)]
    public void SpecificNeeds_SetPriority_AndTheStrongestGroupsTakeTheAcceleratedTrack(SpecificNeed need, ProcessingTrack track, int priority)
    {
        var result = TriagePolicy.Decide(ReferralOutcome.SeeksAsylum, [need], ClaimFeatures.None);

        Assert.Equal((track, priority), (result.Track, result.Priority));
        Assert.NotEmpty(result.Reasons);
    }

    [Theory]
    [InlineData(ClaimFeatures.ManifestlyWellFounded, ProcessingTrack.Accelerated, "manifestly well-founded")]
    [InlineData(ClaimFeatures.ManifestlyUnfounded, ProcessingTrack.Accelerated, "manifestly unfounded")]
    [InlineData(ClaimFeatures.FamilyMemberAlreadyInProcedure, ProcessingTrack.Merged, "family member")]
    [InlineData(ClaimFeatures.SimilarProfileRecognitionRateHigh, ProcessingTrack.Simplified, "high recognition rate")]
    [InlineData(ClaimFeatures.None, ProcessingTrack.Regular, "no feature")]
    [InlineData(ClaimFeatures.ManifestlyWellFounded | ClaimFeatures.ExclusionIndicators, ProcessingTrack.Regular, "exclusion")]
    public void ClaimFeatures_ChooseTheModality_WithTheReason(ClaimFeatures features, ProcessingTrack track, string reason)
    {
        var result = TriagePolicy.Decide(ReferralOutcome.SeeksAsylum, [], features);

        Assert.Equal(track, result.Track);
        Assert.Contains(result.Reasons, r => r.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void AChildApplicant_IsInTheChildrensGroup_WithoutARecordedNeed_AndAHigherGroupStillWins()
    {
        var child = TriagePolicy.Decide(ReferralOutcome.SeeksAsylum, [], ClaimFeatures.None, applicantIsChild: true);
        var adult = TriagePolicy.Decide(ReferralOutcome.SeeksAsylum, [], ClaimFeatures.None);
        var tortured = TriagePolicy.Decide(ReferralOutcome.SeeksAsylum, [SpecificNeed.SurvivorOfTortureOrTrauma], ClaimFeatures.None, applicantIsChild: true);

        Assert.Equal((ProcessingTrack.Accelerated, 80), (child.Track, child.Priority));
        Assert.Equal(["priority 80: children", "the principal applicant is a child (under 18)"], child.Reasons.Take(2));
        Assert.Equal((ProcessingTrack.Regular, 0), (adult.Track, adult.Priority));
        Assert.DoesNotContain(adult.Reasons, r => r.Contains("child", StringComparison.Ordinal));
        Assert.Equal(90, tortured.Priority);
        Assert.Equal(["priority 90: survivors of torture or trauma", "the principal applicant is a child (under 18)"], tortured.Reasons.Take(2));
    }

    [Theory]
    [InlineData("2010-03-01", "2028-02-29", 17)]
    [InlineData("2010-03-01", "2028-03-01", 18)]
    [InlineData("2008-02-29", "2026-02-28", 17)]
    [InlineData("2008-02-29", "2026-03-01", 18)]
    [InlineData("2008-12-31", "2026-12-30", 17)]
    [InlineData("2008-12-31", "2026-12-31", 18)]
    public void AgeOn_CountsFullYearsByMonthAndDay_LeapYearsIncluded(string born, string on, int age) =>
        Assert.Equal(age, new BirthDate(DateOnly.Parse(born, System.Globalization.CultureInfo.InvariantCulture), Approximate: false)
            .AgeOn(DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void NonAsylumReferral_IsNotTriagedForRsd()
    {
        var error = Assert.Throws<DomainException>(() => TriagePolicy.Decide(ReferralOutcome.VictimOfTraffickingProcess, [], ClaimFeatures.None));

        Assert.Equal("not-an-rsd-referral", error.Code);
    }

    [Fact]
    public void QueueOrder_PutsPriorityGroupsFirst_ThenEarliestDue_ThenOldest()
    {
        var day = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var items = new List<(int, DateTimeOffset?, DateTimeOffset)>
        {
            (0, day.AddDays(1), day),
            (90, day.AddDays(20), day),
            (90, day.AddDays(5), day.AddHours(1)),
            (90, day.AddDays(5), day),
            (80, null, day),
        };

        items.Sort(TriagePolicy.QueueOrder);

        Assert.Equal([(90, day.AddDays(5), day), (90, day.AddDays(5), day.AddHours(1)), (90, day.AddDays(20), day), (80, null, day), (0, day.AddDays(1), day)],
            items.Select(i => ((int, DateTimeOffset?, DateTimeOffset))i));
    }
}
