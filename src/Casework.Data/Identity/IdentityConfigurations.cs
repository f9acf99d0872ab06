using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Identity;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.ToTable("organisations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.NormalizedName).HasMaxLength(200);
        builder.HasIndex(o => o.NormalizedName).IsUnique();
    }
}

internal sealed class CaseworkUserConfiguration : IEntityTypeConfiguration<CaseworkUser>
{
    public void Configure(EntityTypeBuilder<CaseworkUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);

        // Folding can spell a letter out in two (ß → ss, æ → ae), so the key may be longer than the name.
        builder.Property(u => u.DisplayNameKey).HasMaxLength(400);
        builder.Property(u => u.OfficeCode).HasMaxLength(50);
        builder.Property(u => u.Gender).HasMaxLength(16);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}
