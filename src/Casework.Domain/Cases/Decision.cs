using Casework.Domain.Common;

namespace Casework.Domain.Cases;

/// <summary>A first-instance decision: drafted by one officer, reviewed by another (four-eyes), then notified.</summary>
public sealed class Decision
{
    private Decision(Guid id, DecisionOutcome outcome, string reasons, string draftedBy, DateTimeOffset draftedAt)
    {
        Id = id;
        Outcome = outcome;
        Reasons = reasons;
        DraftedBy = draftedBy;
        DraftedAt = draftedAt;
    }

    public Guid Id { get; }
    public DecisionOutcome Outcome { get; }
    public string Reasons { get; }
    public string DraftedBy { get; }
    public DateTimeOffset DraftedAt { get; }
    public string? ReviewedBy { get; private set; }
    public DateTimeOffset? ReviewedAt { get; private set; }
    public bool Approved => ReviewedBy is not null;

    internal static Decision Draft(Guid id, DecisionOutcome outcome, string reasons, string officer, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(reasons))
        {
            throw new DomainException("reasons-required", "A decision must state its reasons.");
        }

        return new Decision(id, outcome, reasons, officer, at);
    }

    internal void Approve(string reviewer, DateTimeOffset at)
    {
        if (string.Equals(reviewer, DraftedBy, StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainException("four-eyes", $"The reviewer of a decision cannot be its drafter ({DraftedBy}); ask another supervisor.");
        }

        ReviewedBy = reviewer;
        ReviewedAt = at;
    }
}

/// <summary>An appeal against the first-instance decision.</summary>
public sealed record Appeal(
    DateOnly LodgedOn,
    DateOnly Deadline,
    string Grounds,
    string? RepresentingOrganisation,
    string? LateReason,
    string? AppealOfficer = null,
    AppealOutcome? Outcome = null)
{
    public bool IsPending => Outcome is null;
}
