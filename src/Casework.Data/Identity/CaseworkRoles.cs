namespace Casework.Data.Identity;

/// <summary>The roles of DESIGN.md §2. Role names are stable: policies and BPMN candidate roles use them.</summary>
public static class CaseworkRoles
{
    public const string RegistrationClerk = nameof(RegistrationClerk);
    public const string EligibilityOfficer = nameof(EligibilityOfficer);
    public const string Supervisor = nameof(Supervisor);
    public const string LegalAidPartner = nameof(LegalAidPartner);
    public const string Auditor = nameof(Auditor);
    public const string Administrator = nameof(Administrator);

    public static IReadOnlyList<string> All { get; } =
        [RegistrationClerk, EligibilityOfficer, Supervisor, LegalAidPartner, Auditor, Administrator];
}
