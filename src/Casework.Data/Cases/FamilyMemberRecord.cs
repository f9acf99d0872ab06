using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>How a family member is related to a case's principal applicant (as seen from that case).</summary>
public enum FamilyRelationship
{
    Spouse,
    Child,
    Parent,
    Sibling,
    OtherRelative,
}

/// <summary>
/// A family member of a case's principal applicant: either a person registered on this case (a dependant, with
/// biodata) or a link to another case whose principal is the relative. A link is stored from both sides, so each
/// case lists it. Dependants follow the principal's final decision (derivative status), recorded here when the
/// procedure applies it.
/// </summary>
public sealed class FamilyMemberRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public FamilyRelationship Relationship { get; set; }
    public bool Dependant { get; set; }
    public Guid? LinkedCaseId { get; set; }
    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public bool DateOfBirthApproximate { get; set; }
    public string? Sex { get; set; }
    public string? Nationalities { get; set; }
    public string? Transliterations { get; set; }

    /// <summary>
    /// The names of a family member registered on this case, folded for search (<see cref="NameSearch.KeyOf"/>); null on a link
    /// to another case, which is found by its own principal.
    /// </summary>
    public string? SearchKey { get; set; }
    public string? Languages { get; set; }
    public string? SpecificNeeds { get; set; }
    public string? DerivativeStatus { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The relationship seen from the other side of a link (a parent's child is the child's parent).</summary>
    public static FamilyRelationship Inverse(FamilyRelationship relationship) => relationship switch
    {
        FamilyRelationship.Child => FamilyRelationship.Parent,
        FamilyRelationship.Parent => FamilyRelationship.Child,
        _ => relationship,
    };
}

internal sealed class FamilyMemberConfiguration : IEntityTypeConfiguration<FamilyMemberRecord>
{
    public void Configure(EntityTypeBuilder<FamilyMemberRecord> builder)
    {
        builder.ToTable("case_family_members");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Relationship).HasConversion<string>().HasMaxLength(16);
        builder.Property(f => f.GivenName).HasMaxLength(200);
        builder.Property(f => f.FamilyName).HasMaxLength(200);
        builder.Property(f => f.Sex).HasMaxLength(16);
        builder.Property(f => f.Nationalities).HasMaxLength(200);
        builder.Property(f => f.Transliterations).HasMaxLength(1000);
        builder.Property(f => f.SearchKey).HasMaxLength(NameSearch.MaxKeyLength);
        builder.Property(f => f.Languages).HasMaxLength(200);
        builder.Property(f => f.SpecificNeeds).HasMaxLength(1000);
        builder.Property(f => f.DerivativeStatus).HasMaxLength(32);
        builder.Property(f => f.CreatedBy).HasMaxLength(200);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(f => f.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(f => f.LinkedCaseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(f => f.CaseId);
        builder.HasIndex(f => new { f.CaseId, f.LinkedCaseId }).IsUnique();
    }
}
