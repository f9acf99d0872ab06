using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>
/// A legal aid partner's authority to represent the applicant of a case: while it is active and unexpired, the
/// partner organisation sees the case's appeal (and only what the appeal needs) and may lodge it.
/// </summary>
public sealed class RepresentationRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid OrganisationId { get; set; }
    public DateOnly ValidFrom { get; set; }
    public DateOnly? ValidUntil { get; set; }
    public bool Revoked { get; set; }
    public string? RevokedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }
    public required string GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}

internal sealed class RepresentationConfiguration : IEntityTypeConfiguration<RepresentationRecord>
{
    public void Configure(EntityTypeBuilder<RepresentationRecord> builder)
    {
        builder.ToTable("representations");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.GrantedBy).HasMaxLength(200);
        builder.Property(r => r.RevokedBy).HasMaxLength(200);
        builder.Property(r => r.RevocationReason).HasMaxLength(1000);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Identity.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.OrganisationId, r.CaseId });
    }
}
