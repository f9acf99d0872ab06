using Casework.Data.Cases;
using Microsoft.AspNetCore.Identity;

namespace Casework.Data.Identity;

/// <summary>A person who signs in: staff of an office, or a lawyer of a partner organisation.</summary>
public sealed class CaseworkUser : IdentityUser
{
    /// <summary>The lockout end an administrator's disablement sets: far beyond any lockout after failed sign-ins.</summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private string? displayName;

    /// <summary>The name shown to colleagues (staff only; not an applicant's data).</summary>
    public string? DisplayName
    {
        get => displayName;
        set
        {
            displayName = value;
            DisplayNameKey = value is null ? null : NameSearch.Fold(value);
        }
    }

    /// <summary>
    /// <see cref="DisplayName"/> folded as names are searched (<see cref="NameSearch.Fold"/>), set with it, so an
    /// administrator's "muller" finds "Jörg Müller" on every database. Accounts made before it existed are given theirs
    /// on start (<see cref="SearchKeyBackfill"/>).
    /// </summary>
    public string? DisplayNameKey { get; private set; }

    /// <summary>The office whose queues a staff member works, e.g. "NBO".</summary>
    public string? OfficeCode { get; set; }

    /// <summary>For a LegalAidPartner: the organisation the lawyer acts for.</summary>
    public Guid? OrganisationId { get; set; }

    /// <summary>
    /// "Female" or "Male" when recorded: what an applicant's request for an interviewer of the same gender is checked
    /// against when an interview is scheduled. Optional; an account without it cannot take such an interview.
    /// </summary>
    public string? Gender { get; set; }
}

/// <summary>An external organisation (legal aid partner) whose lawyers represent applicants.</summary>
public sealed class Organisation
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

    /// <summary>
    /// The name as it is compared, set with <see cref="Name"/>: trimmed and upper-cased, so "Legal Aid" and "legal aid "
    /// are one organisation. Its unique index refuses the second even when two administrators add them at the same moment.
    /// </summary>
    public string NormalizedName { get; private set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
}
