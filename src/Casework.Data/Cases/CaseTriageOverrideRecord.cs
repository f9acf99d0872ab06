using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>
/// A supervisor's override of a case's triage: the processing track and priority before and after, who decided it,
/// when, and why. The reason is free text about the person and may hold personal data: it lives here, never in logs,
/// the workflow journal or the audit trail.
/// </summary>
public sealed class CaseTriageOverrideRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public string? FromTrack { get; set; }
    public required string ToTrack { get; set; }
    public int FromPriority { get; set; }
    public int ToPriority { get; set; }
    public required string Reason { get; set; }
}

internal sealed class CaseTriageOverrideConfiguration : IEntityTypeConfiguration<CaseTriageOverrideRecord>
{
    public void Configure(EntityTypeBuilder<CaseTriageOverrideRecord> builder)
    {
        builder.ToTable("case_triage_overrides");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.By).HasMaxLength(200);
        builder.Property(o => o.FromTrack).HasMaxLength(32);
        builder.Property(o => o.ToTrack).HasMaxLength(32);
        builder.Property(o => o.Reason).HasMaxLength(2000);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(o => o.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => new { o.CaseId, o.At });
    }
}
