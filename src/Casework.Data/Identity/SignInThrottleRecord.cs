using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Identity;

/// <summary>
/// Sign-in attempts from one client in one fixed window, shared by every node on the database (so N nodes do not
/// allow N times the limit). The client is stored as a hash of its address, never the address; rows older than the
/// previous window are deleted as new windows start.
/// </summary>
public sealed class SignInThrottleRecord
{
    /// <summary>SHA-256 of the client address, as 64 hex digits.</summary>
    public required string ClientKey { get; set; }

    /// <summary>The window's number: its start in seconds since the Unix epoch divided by the window's length.</summary>
    public long WindowNumber { get; set; }

    public int Attempts { get; set; }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottleRecord>
{
    public void Configure(EntityTypeBuilder<SignInThrottleRecord> builder)
    {
        builder.ToTable("sign_in_throttle");
        builder.HasKey(t => new { t.ClientKey, t.WindowNumber });
        builder.Property(t => t.ClientKey).HasMaxLength(64).IsUnicode(false);
        builder.Property(t => t.WindowNumber).ValueGeneratedNever();
        builder.HasIndex(t => t.WindowNumber);
    }
}
