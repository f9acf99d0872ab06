using Casework.Data.Definitions;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data;

/// <summary>
/// The Casework database. Each provider has a subclass in <c>Providers/</c> that owns its migrations;
/// code outside this project depends on this base type only. Users and roles are ASP.NET Core Identity's
/// tables; the authorization server's applications, authorizations, scopes and tokens are OpenIddict's.
/// </summary>
public abstract class CaseworkDbContext(DbContextOptions options) : IdentityDbContext<CaseworkUser>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core Data Protection keys (sign-in cookies, antiforgery), shared by every node of one site.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Offices.OfficeRecord> Offices => Set<Offices.OfficeRecord>();
    public DbSet<Offices.OfficeHolidayRecord> OfficeHolidays => Set<Offices.OfficeHolidayRecord>();
    public DbSet<Offices.OfficeAnnualHolidayRecord> OfficeAnnualHolidays => Set<Offices.OfficeAnnualHolidayRecord>();
    public DbSet<Offices.RulePackRecord> RulePacks => Set<Offices.RulePackRecord>();
    public DbSet<SignInThrottleRecord> SignInThrottle => Set<SignInThrottleRecord>();
    public DbSet<Audit.AuditEntryRecord> AuditEntries => Set<Audit.AuditEntryRecord>();
    public DbSet<Versioning.MigrationJobRecord> MigrationJobs => Set<Versioning.MigrationJobRecord>();
    public DbSet<Cases.CaseRecord> Cases => Set<Cases.CaseRecord>();
    public DbSet<Cases.RepresentationRecord> Representations => Set<Cases.RepresentationRecord>();
    public DbSet<Cases.InterviewRecord> Interviews => Set<Cases.InterviewRecord>();
    public DbSet<Cases.InterviewOutcomeCorrectionRecord> InterviewOutcomeCorrections => Set<Cases.InterviewOutcomeCorrectionRecord>();
    public DbSet<Cases.FamilyMemberRecord> FamilyMembers => Set<Cases.FamilyMemberRecord>();
    public DbSet<Cases.CaseDocumentRecord> Documents => Set<Cases.CaseDocumentRecord>();
    public DbSet<Cases.CaseCorrectionRecord> Corrections => Set<Cases.CaseCorrectionRecord>();
    public DbSet<Cases.CaseTriageOverrideRecord> TriageOverrides => Set<Cases.CaseTriageOverrideRecord>();

    public DbSet<WorkflowDefinitionRecord> WorkflowDefinitions => Set<WorkflowDefinitionRecord>();
    public DbSet<WorkflowInstanceRecord> Instances => Set<WorkflowInstanceRecord>();
    public DbSet<JournalEntryRecord> Journal => Set<JournalEntryRecord>();
    public DbSet<IncidentRecord> Incidents => Set<IncidentRecord>();
    public DbSet<WorkItemRecord> WorkItems => Set<WorkItemRecord>();
    public DbSet<WorkItemCandidateRecord> WorkItemCandidates => Set<WorkItemCandidateRecord>();
    public DbSet<TimerRecord> Timers => Set<TimerRecord>();
    public DbSet<MessageSubscriptionRecord> MessageSubscriptions => Set<MessageSubscriptionRecord>();
    public DbSet<OutboxMessageRecord> Outbox => Set<OutboxMessageRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CaseworkDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks there (see SqliteCaseworkDbContext).
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}
