using Casework.Domain.Cases;

namespace Casework.Domain.Triage;

/// <summary>The outcome of triage: a track and a priority, each with the reasons that decided them.</summary>
public sealed record TriageResult(ProcessingTrack Track, int Priority, IReadOnlyList<string> Reasons, bool NeedsImmediateSupervisorAttention);

/// <summary>
/// Chooses the processing modality and the priority from the profiling outcome, the specific needs and the claim's
/// features (RSD Procedural Standards; 10-Point Plan). Priority groups come first in every queue: the score is
/// highest for urgent protection needs and decreases through the groups.
/// </summary>
public static class TriagePolicy
{
    /// <summary>The priority of the children's group, which a principal applicant under 18 is in whatever needs were recorded.</summary>
    public const int ChildrenScore = 80;

    private static readonly (SpecificNeed Need, int Score, string Group)[] PriorityGroups =
    [
        (SpecificNeed.UrgentProtectionNeed, 100, "urgent protection needs"),
        (SpecificNeed.LegalOrPhysicalProtectionNeed, 100, "urgent protection needs"),
        (SpecificNeed.SurvivorOfTortureOrTrauma, 90, "survivors of torture or trauma"),
        (SpecificNeed.SurvivorOfSexualOrGenderBasedViolence, 90, "survivors of torture or trauma"),
        (SpecificNeed.WomanAtRisk, 85, "women at risk"),
        (SpecificNeed.UnaccompaniedOrSeparatedChild, ChildrenScore, "children"),
        (SpecificNeed.ChildAtRisk, ChildrenScore, "children"),
        (SpecificNeed.OlderPersonAtRisk, 75, "older persons or persons with disabilities without support"),
        (SpecificNeed.Disability, 75, "older persons or persons with disabilities without support"),
        (SpecificNeed.SeriousMedicalCondition, 70, "urgent medical needs"),
    ];

    /// <summary>
    /// The reason given when exclusion indicators decide the track. It is exclusion material: only supervisors see it.
    /// </summary>
    public const string ExclusionReason = "regular track: exclusion indicators need a full examination";

    /// <summary>
    /// Track and priority with their reasons. <paramref name="applicantIsChild"/>: the principal applicant is under 18, which puts
    /// the claim in the children's priority group even when no specific need says so (a higher group still wins).
    /// </summary>
    public static TriageResult Decide(ReferralOutcome referral, IReadOnlyCollection<SpecificNeed> needs, ClaimFeatures features,
        bool childInDetention = false, bool applicantIsChild = false)
    {
        if (referral != ReferralOutcome.SeeksAsylum)
        {
            throw new Common.DomainException("not-an-rsd-referral",
                $"Triage applies to asylum claims; this case was referred to {referral}, which is not an RSD decision.");
        }

        var reasons = new List<string>();
        var (priority, group) = Priority(needs);
        if (applicantIsChild && priority < ChildrenScore)
        {
            (priority, group) = (ChildrenScore, "children");
        }

        if (group is not null)
        {
            reasons.Add($"priority {priority}: {group}");
        }

        if (applicantIsChild)
        {
            reasons.Add("the principal applicant is a child (under 18)");
        }

        ProcessingTrack track;
        if (features.HasFlag(ClaimFeatures.ExclusionIndicators))
        {
            track = ProcessingTrack.Regular;
            reasons.Add(ExclusionReason);
        }
        else if (group is not null && priority >= 80)
        {
            track = ProcessingTrack.Accelerated;
            reasons.Add($"accelerated track: specific needs ({group})");
        }
        else if (features.HasFlag(ClaimFeatures.ManifestlyWellFounded))
        {
            track = ProcessingTrack.Accelerated;
            reasons.Add("accelerated track: manifestly well-founded claim");
        }
        else if (features.HasFlag(ClaimFeatures.ManifestlyUnfounded))
        {
            track = ProcessingTrack.Accelerated;
            reasons.Add("accelerated track: manifestly unfounded claim");
        }
        else if (features.HasFlag(ClaimFeatures.FamilyMemberAlreadyInProcedure))
        {
            track = ProcessingTrack.Merged;
            reasons.Add("merged track: a family member's claim is already in the procedure");
        }
        else if (features.HasFlag(ClaimFeatures.SimilarProfileRecognitionRateHigh))
        {
            track = ProcessingTrack.Simplified;
            reasons.Add("simplified track: profile with a high recognition rate");
        }
        else
        {
            track = ProcessingTrack.Regular;
            reasons.Add("regular track: no feature calls for another modality");
        }

        if (childInDetention)
        {
            reasons.Add("a child is in detention: immediate supervisor attention");
        }

        return new TriageResult(track, priority, reasons, childInDetention);
    }

    /// <summary>The highest priority group among the needs (0 and null when none applies).</summary>
    public static (int Score, string? Group) Priority(IEnumerable<SpecificNeed> needs)
    {
        var best = (Score: 0, Group: (string?)null);
        foreach (var need in needs)
        {
            foreach (var (candidate, score, group) in PriorityGroups)
            {
                if (candidate == need && score > best.Score)
                {
                    best = (score, group);
                }
            }
        }

        return best;
    }

    /// <summary>Queue order: priority descending, then the earliest due date, then the oldest.</summary>
    public static IComparer<(int Priority, DateTimeOffset? DueAt, DateTimeOffset CreatedAt)> QueueOrder { get; } =
        Comparer<(int Priority, DateTimeOffset? DueAt, DateTimeOffset CreatedAt)>.Create((a, b) =>
        {
            var byPriority = b.Priority.CompareTo(a.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byDue = (a.DueAt ?? DateTimeOffset.MaxValue).CompareTo(b.DueAt ?? DateTimeOffset.MaxValue);
            return byDue != 0 ? byDue : a.CreatedAt.CompareTo(b.CreatedAt);
        });
}
