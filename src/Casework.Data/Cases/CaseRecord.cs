using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Cases;

/// <summary>
/// A registered case: the columns searches, queues and statistics filter on, and the principal's biodata.
/// Personal data lives here (and in the workflow state), never in logs or the journal.
/// </summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    public required string CaseNumber { get; set; }
    public required string Office { get; set; }
    public int Year { get; set; }
    public int Sequence { get; set; }
    public DateOnly RegisteredOn { get; set; }
    public required string Stage { get; set; }
    public string? Track { get; set; }
    public int Priority { get; set; }
    public required string GivenName { get; set; }
    public required string FamilyName { get; set; }
    public string? Transliterations { get; set; }

    /// <summary>
    /// The names folded for search (<see cref="NameSearch.KeyOf"/>), written with them. Null only on a case registered
    /// before the key existed, until the start-up backfill (<see cref="SearchKeyBackfill"/>) has written it.
    /// </summary>
    public string? SearchKey { get; set; }
    public DateOnly DateOfBirth { get; set; }
    public bool DateOfBirthApproximate { get; set; }
    public required string Sex { get; set; }
    public required string Nationalities { get; set; }
    public string? Languages { get; set; }
    public string? SpecificNeeds { get; set; }
    public Guid? InstanceId { get; set; }

    /// <summary>The first-instance decision once it is notified (kept in step with the procedure).</summary>
    public string? Decision { get; set; }
    /// <summary>
    /// Why a supervisor closed the claim before a decision was notified (<c>Withdrawn</c> or <c>Abandoned</c>), with who,
    /// when and why; null while the claim was never closed that way. See <c>CaseClosure</c> in the host.
    /// </summary>
    public string? ClosedAs { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public string? ClosureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public long Revision { get; set; }
}

internal sealed class CaseConfiguration : IEntityTypeConfiguration<CaseRecord>
{
    public void Configure(EntityTypeBuilder<CaseRecord> builder)
    {
        builder.ToTable("cases");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.CaseNumber).HasMaxLength(32);
        builder.Property(c => c.Office).HasMaxLength(10);
        builder.Property(c => c.Stage).HasMaxLength(32);
        builder.Property(c => c.Track).HasMaxLength(32);
        builder.Property(c => c.Decision).HasMaxLength(32);
        builder.Property(c => c.GivenName).HasMaxLength(200);
        builder.Property(c => c.FamilyName).HasMaxLength(200);
        builder.Property(c => c.Transliterations).HasMaxLength(1000);
        builder.Property(c => c.SearchKey).HasMaxLength(NameSearch.MaxKeyLength);
        builder.Property(c => c.Sex).HasMaxLength(16);
        builder.Property(c => c.Nationalities).HasMaxLength(200);
        builder.Property(c => c.Languages).HasMaxLength(200);
        builder.Property(c => c.SpecificNeeds).HasMaxLength(1000);
        builder.Property(c => c.CreatedBy).HasMaxLength(200);
        builder.Property(c => c.ClosedAs).HasMaxLength(16);
        builder.Property(c => c.ClosedBy).HasMaxLength(200);
        builder.Property(c => c.ClosureReason).HasMaxLength(2000);
        builder.Property(c => c.Revision).IsConcurrencyToken();
        builder.HasIndex(c => c.CaseNumber).IsUnique();
        builder.HasIndex(c => new { c.Office, c.Year, c.Sequence }).IsUnique();
        builder.HasIndex(c => new { c.Office, c.Stage });
    }
}
