using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Audit;

/// <summary>
/// One read or write of case data: who, when, what, from where. Append-only; each entry's <see cref="Hash"/> covers
/// its fields and the previous entry's hash, so changing or removing an entry breaks the chain from there on.
/// </summary>
public sealed class AuditEntryRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Resource { get; set; }
    public string? RemoteAddress { get; set; }
    public string? CorrelationId { get; set; }
    public int Status { get; set; }

    /// <summary>
    /// The case the request touched (named by its path, its task's or instance's case, or the case a write created), so an
    /// auditor finds the reads of a case's tasks beside those of the case. Covered by the hash when present; entries written
    /// before it existed have none.
    /// </summary>
    public Guid? CaseId { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntryRecord>
{
    public void Configure(EntityTypeBuilder<AuditEntryRecord> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Actor).HasMaxLength(200);
        builder.Property(a => a.Action).HasMaxLength(20);
        builder.Property(a => a.Resource).HasMaxLength(400);
        builder.Property(a => a.RemoteAddress).HasMaxLength(64);
        builder.Property(a => a.CorrelationId).HasMaxLength(64);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.HasIndex(a => a.At);
        // An auditor's "what did this account do", newest first.
        builder.HasIndex(a => new { a.Actor, a.Id });
        // "Who read or changed this case", newest first.
        builder.HasIndex(a => new { a.CaseId, a.Id });
    }
}
