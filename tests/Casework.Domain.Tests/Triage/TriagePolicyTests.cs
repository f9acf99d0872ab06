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
