using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>
/// One correction of a case's registration data, kept so that nothing a person declared is lost when it is put right:
/// who corrected it, when, why, and each changed field's value before and after. The values (and the reason, which may
/// quote them) are personal data: they live here, never in logs, the journal or the audit trail (which records only who
/// changed which case).
/// </summary>
public sealed class CaseCorrectionRecord
{
    /// <summary>The longest reason kept.</summary>
    public const int MaxReasonLength = 2000;

    public Guid Id { get; set; }
    public Guid CaseId { get; set; }

    /// <summary>The family member corrected; null for the principal applicant. Kept after the member is removed.</summary>
    public Guid? FamilyMemberId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }

    /// <summary>Why the record was corrected, as the clerk gave it; null on corrections kept before reasons were asked for.</summary>
    public string? Reason { get; set; }

    /// <summary>JSON array of <c>{ "field", "from", "to" }</c>, in field order.</summary>
    public required string Changes { get; set; }
}

internal sealed class CaseCorrectionConfiguration : IEntityTypeConfiguration<CaseCorrectionRecord>
{
    public void Configure(EntityTypeBuilder<CaseCorrectionRecord> builder)
    {
        builder.ToTable("case_corrections");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.By).HasMaxLength(200);
        builder.Property(c => c.Reason).HasMaxLength(CaseCorrectionRecord.MaxReasonLength);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(c => c.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.CaseId, c.At });
    }
}
