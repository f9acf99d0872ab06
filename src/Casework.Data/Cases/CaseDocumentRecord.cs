using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>Kinds of identity and civil documents recorded at registration.</summary>
public enum IdentityDocumentType
{
    Passport,
    NationalIdCard,
    BirthCertificate,
    MarriageCertificate,
    RefugeeCard,
    TravelDocument,
    Other,
}

/// <summary>
/// An identity or civil document of a case's principal (no family member) or of a dependant registered on the case.
/// Document numbers are personal data: they never go into logs, the journal or the audit trail.
/// </summary>
public sealed class CaseDocumentRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid? FamilyMemberId { get; set; }

    /// <summary>The document's place in the list it was registered with.</summary>
    public int Position { get; set; }
    public IdentityDocumentType Type { get; set; }
    public required string Number { get; set; }
    public string? IssuingCountry { get; set; }
    public DateOnly? ExpiresOn { get; set; }
}

internal sealed class CaseDocumentConfiguration : IEntityTypeConfiguration<CaseDocumentRecord>
{
    public void Configure(EntityTypeBuilder<CaseDocumentRecord> builder)
    {
        builder.ToTable("case_documents");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Type).HasConversion<string>().HasMaxLength(32);
        builder.Property(d => d.Number).HasMaxLength(50);
        builder.Property(d => d.IssuingCountry).HasMaxLength(3);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<FamilyMemberRecord>().WithMany().HasForeignKey(d => d.FamilyMemberId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => d.CaseId);
        builder.HasIndex(d => d.FamilyMemberId);
    }
}
