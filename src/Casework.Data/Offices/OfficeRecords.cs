using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Offices;

/// <summary>
/// An office's deadline settings: the rule pack its deadlines are computed by (none: the UNHCR mandate) and its working
/// week. An office code that has no record here works by the defaults (UNHCR mandate, Monday to Friday, no holidays).
/// </summary>
public sealed class OfficeRecord
{
    /// <summary>The office code used in case numbers and on staff accounts, e.g. "NBO".</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public Guid? RulePackId { get; set; }

    /// <summary>The days the office is closed every week, one bit per <see cref="DayOfWeek"/> (bit 0: Sunday).</summary>
    public int WeekendDays { get; set; }

    public List<OfficeHolidayRecord> Holidays { get; set; } = [];

    public List<OfficeAnnualHolidayRecord> AnnualHolidays { get; set; } = [];

    /// <summary>Moves by one on every change: the entity tag a change names (If-Match), so one made on a stale copy is refused.</summary>
    public int Revision { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A day an office is closed, with its name as it appears in deadline explanations.</summary>
public sealed class OfficeHolidayRecord
{
    public required string OfficeCode { get; set; }

    public DateOnly Date { get; set; }

    public required string Name { get; set; }
}

/// <summary>A holiday an office keeps every year on the same month and day (never 29 February), e.g. 1 January.</summary>
public sealed class OfficeAnnualHolidayRecord
{
    public required string OfficeCode { get; set; }

    public int Month { get; set; }

    public int Day { get; set; }

    public required string Name { get; set; }
}

/// <summary>A national or local set of time limits that offices may use instead of the UNHCR mandate.</summary>
public sealed class RulePackRecord
{
    private string name = string.Empty;

    public Guid Id { get; set; }

    public required string Name
    {
        get => name;
        set
        {
            name = value;
            NormalizedName = Normalize(value);
        }
    }

    /// <summary>The name as compared: trimmed and upper-cased; unique, so two packs are never confused by name.</summary>
    public string NormalizedName { get; private set; } = string.Empty;

    public int AppealWindowDays { get; set; }

    public int LateAppealGraceDays { get; set; }

    public int InterviewTargetMonths { get; set; }

    public int AcceleratedInterviewTargetDays { get; set; }

    public int SimplifiedInterviewTargetDays { get; set; }

    public bool MoveDeadlinesToNextWorkingDay { get; set; }

    /// <summary>Moves by one on every change: the entity tag a change names (If-Match), so one made on a stale copy is refused.</summary>
    public int Revision { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
}

internal sealed class OfficeConfiguration : IEntityTypeConfiguration<OfficeRecord>
{
    public void Configure(EntityTypeBuilder<OfficeRecord> builder)
    {
        builder.ToTable("offices");
        builder.HasKey(o => o.Code);
        builder.Property(o => o.Code).HasMaxLength(10);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Revision).IsConcurrencyToken();
        builder.HasOne<RulePackRecord>().WithMany().HasForeignKey(o => o.RulePackId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(o => o.Holidays).WithOne().HasForeignKey(h => h.OfficeCode).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(o => o.AnnualHolidays).WithOne().HasForeignKey(h => h.OfficeCode).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OfficeHolidayConfiguration : IEntityTypeConfiguration<OfficeHolidayRecord>
{
    public void Configure(EntityTypeBuilder<OfficeHolidayRecord> builder)
    {
        builder.ToTable("office_holidays");
        builder.HasKey(h => new { h.OfficeCode, h.Date });
        builder.Property(h => h.OfficeCode).HasMaxLength(10);
        builder.Property(h => h.Name).HasMaxLength(200);
    }
}

internal sealed class OfficeAnnualHolidayConfiguration : IEntityTypeConfiguration<OfficeAnnualHolidayRecord>
{
    public void Configure(EntityTypeBuilder<OfficeAnnualHolidayRecord> builder)
    {
        builder.ToTable("office_annual_holidays");
        builder.HasKey(h => new { h.OfficeCode, h.Month, h.Day });
        builder.Property(h => h.OfficeCode).HasMaxLength(10);
        builder.Property(h => h.Name).HasMaxLength(200);
    }
}

internal sealed class RulePackConfiguration : IEntityTypeConfiguration<RulePackRecord>
{
    public void Configure(EntityTypeBuilder<RulePackRecord> builder)
    {
        builder.ToTable("rule_packs");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.NormalizedName).HasMaxLength(200);
        builder.Property(p => p.Revision).IsConcurrencyToken();
        builder.HasIndex(p => p.NormalizedName).IsUnique();
    }
}
