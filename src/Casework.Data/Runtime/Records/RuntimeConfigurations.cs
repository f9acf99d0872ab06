using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Casework.Data.Runtime.Records;

internal sealed class WorkflowInstanceConfiguration : IEntityTypeConfiguration<WorkflowInstanceRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowInstanceRecord> builder)
    {
        builder.ToTable("workflow_instances");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.ProcessId).HasMaxLength(200);
        builder.Property(i => i.BusinessKey).HasMaxLength(100);
        builder.Property(i => i.ParentElementId).HasMaxLength(200);
        builder.Property(i => i.ParentChildId).HasMaxLength(300);
        builder.Property(i => i.State).IsRequired();
        builder.Property(i => i.Revision).IsConcurrencyToken();
        builder.HasOne<Definitions.WorkflowDefinitionRecord>().WithMany().HasForeignKey(i => i.DefinitionId)
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => new { i.ProcessId, i.Version, i.Status });
        builder.HasIndex(i => i.BusinessKey);
        builder.HasIndex(i => i.ParentInstanceId);
    }
}

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntryRecord>
{
    public void Configure(EntityTypeBuilder<JournalEntryRecord> builder)
    {
        builder.ToTable("workflow_journal");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Actor).HasMaxLength(200);
        builder.Property(j => j.Command).HasMaxLength(100);
        builder.HasIndex(j => new { j.InstanceId, j.Id });
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<IncidentRecord>
{
    public void Configure(EntityTypeBuilder<IncidentRecord> builder)
    {
        builder.ToTable("workflow_incidents");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.ElementId).HasMaxLength(200);
        builder.Property(i => i.Error).HasMaxLength(4000);
        builder.Property(i => i.IncidentRef).HasMaxLength(100);
        builder.Property(i => i.ResolvedBy).HasMaxLength(200);
        builder.HasIndex(i => new { i.InstanceId, i.ResolvedAt });
    }
}

internal sealed class WorkItemConfiguration : IEntityTypeConfiguration<WorkItemRecord>
{
    public void Configure(EntityTypeBuilder<WorkItemRecord> builder)
    {
        builder.ToTable("work_items");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.TaskId).HasMaxLength(100);
        builder.Property(w => w.ElementId).HasMaxLength(200);
        builder.Property(w => w.Name).HasMaxLength(400);
        builder.Property(w => w.FormKey).HasMaxLength(200);
        builder.Property(w => w.CandidateRoles).HasMaxLength(1000);
        builder.Property(w => w.CandidateUsers).HasMaxLength(1000);
        builder.Property(w => w.Assignee).HasMaxLength(200);
        builder.Property(w => w.ClaimedBy).HasMaxLength(200);
        builder.Property(w => w.ClosedBy).HasMaxLength(200);
        builder.Property(w => w.CaseId).HasMaxLength(100);
        builder.Property(w => w.CaseOffice).HasMaxLength(50);
        builder.Property(w => w.CaseTrack).HasMaxLength(50);
        builder.Property(w => w.Revision).IsConcurrencyToken();
        builder.HasMany(w => w.Candidates).WithOne().HasForeignKey(c => c.WorkItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(w => new { w.InstanceId, w.TaskId }).IsUnique();

        // "My tasks": by assignee, most urgent first.
        builder.HasIndex(w => new { w.Assignee, w.Status, w.Priority, w.DueAt })
            .IsDescending(false, false, true, false)
            .HasDatabaseName("IX_work_items_queue_assignee");

        // Everything open on a case.
        builder.HasIndex(w => new { w.CaseId, w.Status });
    }
}

internal sealed class WorkItemCandidateConfiguration : IEntityTypeConfiguration<WorkItemCandidateRecord>
{
    public void Configure(EntityTypeBuilder<WorkItemCandidateRecord> builder)
    {
        builder.ToTable("work_item_candidates");
        builder.HasKey(c => new { c.WorkItemId, c.Role });
        builder.Property(c => c.Role).HasMaxLength(100);
        builder.Property(c => c.CaseOffice).HasMaxLength(50);

        // Role/office queues: open tasks by candidate role and office, priority descending, then due date.
        builder.HasIndex(c => new { c.Role, c.CaseOffice, c.Status, c.Priority, c.DueAt })
            .IsDescending(false, false, false, true, false)
            .HasDatabaseName("IX_work_item_candidates_queue");
    }
}

internal sealed class TimerConfiguration : IEntityTypeConfiguration<TimerRecord>
{
    public void Configure(EntityTypeBuilder<TimerRecord> builder)
    {
        builder.ToTable("workflow_timers");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.TimerId).HasMaxLength(100);
        builder.Property(t => t.ElementId).HasMaxLength(200);
        builder.Property(t => t.LeaseOwner).HasMaxLength(200);
        builder.Property(t => t.LastError).HasMaxLength(4000);
        builder.HasIndex(t => new { t.InstanceId, t.TimerId }).IsUnique();
        builder.HasIndex(t => new { t.DueAt, t.LeaseExpiresAt });
    }
}

internal sealed class MessageSubscriptionConfiguration : IEntityTypeConfiguration<MessageSubscriptionRecord>
{
    public void Configure(EntityTypeBuilder<MessageSubscriptionRecord> builder)
    {
        builder.ToTable("workflow_message_subscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.SubscriptionId).HasMaxLength(100);
        builder.Property(s => s.MessageName).HasMaxLength(200);
        builder.Property(s => s.CorrelationKey).HasMaxLength(200);
        builder.Property(s => s.ElementId).HasMaxLength(200);
        builder.HasIndex(s => new { s.InstanceId, s.SubscriptionId }).IsUnique();
        builder.HasIndex(s => new { s.MessageName, s.CorrelationKey });
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessageRecord>
{
    public void Configure(EntityTypeBuilder<OutboxMessageRecord> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Type).HasMaxLength(200);
        builder.Property(o => o.Payload).IsRequired();
        builder.Property(o => o.LeaseOwner).HasMaxLength(200);
        builder.Property(o => o.LastError).HasMaxLength(4000);
        builder.HasIndex(o => new { o.ProcessedAt, o.DueAt });
    }
}
