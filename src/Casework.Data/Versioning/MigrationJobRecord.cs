using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Versioning;

public enum MigrationJobStatus
{
    Pending,
    Running,
    Completed,

    /// <summary>A supervisor stopped it: cases already moved stay moved, the rest stay where they were.</summary>
    Cancelled,
}

/// <summary>A migration of running instances from one version to another, applied in batches; its progress is polled.</summary>
public sealed class MigrationJobRecord
{
    public Guid Id { get; set; }
    public required string ProcessId { get; set; }
    public int FromVersion { get; set; }
    public int ToVersion { get; set; }

    /// <summary>Source element id → target element id, as JSON; ids not listed map to themselves.</summary>
    public required string Mapping { get; set; }

    public MigrationJobStatus Status { get; set; }
    public int Total { get; set; }
    public int Migrated { get; set; }
    public int Failed { get; set; }

    /// <summary>One line per instance that could not move, with the reason.</summary>
    public string? Failures { get; set; }

    public required string RequestedBy { get; set; }

    /// <summary>Who stopped it, when <see cref="Status"/> is <see cref="MigrationJobStatus.Cancelled"/>.</summary>
    public string? CancelledBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it finished, or when it was stopped.</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}

internal sealed class MigrationJobConfiguration : IEntityTypeConfiguration<MigrationJobRecord>
{
    public void Configure(EntityTypeBuilder<MigrationJobRecord> builder)
    {
        builder.ToTable("migration_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.ProcessId).HasMaxLength(200);
        builder.Property(j => j.RequestedBy).HasMaxLength(200);
        builder.Property(j => j.CancelledBy).HasMaxLength(200);
        builder.Property(j => j.Mapping).IsRequired();

        // One unfinished move per process, held by the database: two moves started in the same instant cannot both be
        // written (statuses are stored by name; the quoted column works on SQLite, PostgreSQL and SQL Server).
        builder.HasIndex(j => j.ProcessId).IsUnique()
            .HasFilter($"\"Status\" IN ('{nameof(MigrationJobStatus.Pending)}', '{nameof(MigrationJobStatus.Running)}')")
            .HasDatabaseName("IX_migration_jobs_unfinished_process");
    }
}
