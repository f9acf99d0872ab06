namespace Casework.Domain.Cases;

public enum ProcessingTrack
{
    Regular,
    Accelerated,
    Simplified,
    Merged,
}

public enum CaseStage
{
    Registration,
    Profiling,
    Triage,
    Assessment,
    Review,
    Notification,
    Appeal,
    DurableSolution,
    Return,
    Closed,
}

/// <summary>Where profiling channels a case. Only <see cref="SeeksAsylum"/> leads to refugee status determination.</summary>
public enum ReferralOutcome
{
    SeeksAsylum,
    VictimOfTraffickingProcess,
    ChildProtectionBestInterests,
    AssistedVoluntaryReturnCounselling,
    OtherMigrationOption,
}

public enum Sex
{
    Female,
    Male,
    Other,
    Unknown,
}

/// <summary>Specific needs, following UNHCR's specific-needs categories (abridged to those the procedure acts on).</summary>
public enum SpecificNeed
{
    UnaccompaniedOrSeparatedChild,
    ChildAtRisk,
    WomanAtRisk,
    SurvivorOfTortureOrTrauma,
    SurvivorOfSexualOrGenderBasedViolence,
    Disability,
    SeriousMedicalCondition,
    OlderPersonAtRisk,
    SingleParentOrCaregiver,
    UrgentProtectionNeed,
    LegalOrPhysicalProtectionNeed,
    VictimOfTrafficking,
}

/// <summary>Features of the claim that decide the processing modality (10-Point Plan, differentiated procedures).</summary>
[Flags]
public enum ClaimFeatures
{
    None = 0,
    ManifestlyWellFounded = 1,
    ManifestlyUnfounded = 2,
    SimilarProfileRecognitionRateHigh = 4,
    FamilyMemberAlreadyInProcedure = 8,
    ExclusionIndicators = 16,
}

public enum DecisionOutcome
{
    RecognisedRefugee,
    ComplementaryProtection,
    Rejected,
    Inadmissible,
    Excluded,
    Withdrawn,
    Abandoned,
}

public enum AppealOutcome
{
    Upheld,
    Rejected,
    RemittedForReExamination,
}

public enum DurableSolutionKind
{
    VoluntaryRepatriation,
    LocalIntegration,
    Resettlement,
    ComplementaryPathway,
}

public enum DetentionStatus
{
    None,
    Detained,
    AlternativeToDetention,
}
