using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Definitions;

internal sealed class WorkflowDefinitionConfiguration : IEntityTypeConfiguration<WorkflowDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRecord> builder)
    {
        builder.ToTable("workflow_definitions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.ProcessId).HasMaxLength(200).IsRequired();
        builder.Property(d => d.Name).HasMaxLength(400);
        builder.Property(d => d.BpmnXml).IsRequired();
        builder.Property(d => d.ContentHash).HasMaxLength(64).IsRequired();
        builder.Property(d => d.PublishedBy).HasMaxLength(200);
        builder.Property(d => d.ReleaseNote).HasMaxLength(4000);
        builder.HasIndex(d => new { d.ProcessId, d.Version }).IsUnique();
        builder.HasIndex(d => new { d.ProcessId, d.ContentHash });
    }
}
