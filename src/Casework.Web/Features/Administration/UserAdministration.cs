using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Domain.Cases;
using Casework.Web.Features.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Casework.Web.Features.Administration;

/// <summary>A user account as administrators see it (never a password hash or a security stamp).</summary>
/// <param name="Gender">"Female" or "Male" when recorded: matched against an applicant's request for an interviewer of the same gender.</param>
public sealed record UserView(string Id, string UserName, string? DisplayName, string? Office, Guid? OrganisationId, string? OrganisationName,
    IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset? LockedOutUntil, string? Gender = null);

public sealed record CreateUserRequest(string? UserName, string? DisplayName, IReadOnlyList<string>? Roles, string? Office, Guid? OrganisationId,
    string? Password, string? Gender = null);

public sealed record UpdateUserRequest(string? DisplayName, IReadOnlyList<string>? Roles, string? Office, Guid? OrganisationId, string? Gender = null);

public sealed record SetPasswordRequest(string? Password);

/// <summary>A legal aid organisation as administrators see it: how many lawyers sign in for it.</summary>
public sealed record OrganisationView(Guid Id, string Name, int Lawyers, DateTimeOffset CreatedAt);

/// <summary>What adding an organisation did; <see cref="Message"/> says what was wrong with the name.</summary>
public sealed record OrganisationOutcome(AdminResult Kind, OrganisationView? Organisation = null, string? Message = null);

public enum AdminResult
{
    Done,
    NotFound,
    Invalid,
    Conflict,

    /// <summary>The change named a copy (If-Match) older than the one on record: someone changed it meanwhile; nothing was saved.</summary>
    Stale,
}

/// <summary>What an administration command did: its result, the account as it now is, or the fields that were wrong.</summary>
public sealed record AdminOutcome(AdminResult Kind, UserView? User = null, Dictionary<string, string[]>? Errors = null, string? Message = null)
{
    public static AdminOutcome Invalid(string field, string message) => new(AdminResult.Invalid, Errors: new() { [field] = [message] });
}

/// <summary>
/// Administrators manage who signs in: accounts, their roles, office or partner organisation, passwords, and whether
/// they may sign in at all. A disabled account loses its sessions and tokens at once. The last administrator who can
/// sign in can be neither disabled nor stripped of the role, so the site never locks itself out.
/// </summary>
public sealed class UserAdministration(UserManager<CaseworkUser> users, CaseworkDbContext db, IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations, TimeProvider clock, ILogger<UserAdministration> logger)
{
    /// <summary>A disabled account is locked out until this date: far enough, and exact on every store.</summary>
    public static readonly DateTimeOffset DisabledUntil = CaseworkUser.DisabledUntil;

    private static readonly string[] StaffRoles =
        [CaseworkRoles.RegistrationClerk, CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor];

    public async Task<(List<UserView> Items, int Total)> ListAsync(string? role, string? office, string? search, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var query = db.Users.AsNoTracking();
        if (role is not null)
        {
            var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            query = query.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == roleId));
        }

        query = office is null ? query : query.Where(u => u.OfficeCode == office);
        if (!string.IsNullOrWhiteSpace(search))
        {
            // A user name is ASCII and compared upper-cased as Identity keeps it; a display name is compared folded
            // (NameSearch), so "muller" finds "Jörg Müller" whatever the database.
            var term = search.Trim();
            var normalized = users.NormalizeName(term);
            var folded = NameSearch.Fold(term);
            query = folded.Length == 0
                ? query.Where(u => u.NormalizedUserName!.Contains(normalized))
                : query.Where(u => u.NormalizedUserName!.Contains(normalized) || u.DisplayNameKey!.Contains(folded));
        }

        var total = await query.CountAsync(cancellationToken);
        var accounts = await query.OrderBy(u => u.NormalizedUserName).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (await ViewsAsync(accounts, cancellationToken), total);
    }

    public async Task<UserView?> GetAsync(string id, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken) is { } user
            ? (await ViewsAsync([user], cancellationToken))[0]
            : null;

    public Task<AdminOutcome> CreateAsync(CreateUserRequest request, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "creating an account", () => CreateOnceAsync(request, cancellationToken), cancellationToken);

    private async Task<AdminOutcome> CreateOnceAsync(CreateUserRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.UserName is not { Length: >= 2 and <= 64 } name || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            errors["userName"] = ["A user name of 2 to 64 letters, digits, '.', '-', '_' or '@'."];
        }

        var roles = await ValidateAssignmentAsync(request.Roles, request.Office, request.OrganisationId, request.DisplayName, errors, cancellationToken);
        var gender = GenderOf(request.Gender, "gender", errors);
        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["An initial password is required; give it to the person by a separate channel."];
        }
        else
        {
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, new CaseworkUser(), request.Password);
                if (!result.Succeeded)
                {
                    errors["password"] = [.. result.Errors.Select(e => e.Description)];
                }
            }
        }

        if (errors.Count > 0)
        {
            return new AdminOutcome(AdminResult.Invalid, Errors: errors);
        }

        if (await users.FindByNameAsync(request.UserName!) is not null)
        {
            return new AdminOutcome(AdminResult.Conflict, Message: $"The user name '{request.UserName}' is taken.");
        }

        var user = new CaseworkUser
        {
            UserName = request.UserName, DisplayName = Trimmed(request.DisplayName), OfficeCode = IsPartner(roles) ? null : request.Office,
            OrganisationId = IsPartner(roles) ? request.OrganisationId : null, Gender = gender,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, request.Password!);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another administrator created the same user name a moment ago; nothing of this one is kept.
            db.ChangeTracker.Clear();
            return new AdminOutcome(AdminResult.Conflict, Message: $"The user name '{request.UserName}' is taken.");
        }

        if (!created.Succeeded)
        {
            return created.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName))
                ? new AdminOutcome(AdminResult.Conflict, Message: $"The user name '{request.UserName}' is taken.")
                : new AdminOutcome(AdminResult.Invalid, Errors: new() { ["userName"] = [.. created.Errors.Select(e => e.Description)] });
        }

        Check(await users.AddToRolesAsync(user, roles));
        await transaction.CommitAsync(cancellationToken);
        return new AdminOutcome(AdminResult.Done, await GetAsync(user.Id, cancellationToken));
    }

    /// <param name="id">The account.</param>
    /// <param name="request">Its new name, roles, office and organisation, whole.</param>
    /// <param name="actor">Who changes it (the last administrator cannot take their own role away).</param>
    /// <param name="tag">The <see cref="TagOf(UserView)"/> of the copy the change was made on (If-Match), or null to change whatever is saved.</param>
    /// <param name="cancellationToken">Ends the work.</param>
    public Task<AdminOutcome> UpdateAsync(string id, UpdateUserRequest request, string actor, string? tag, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "changing an account",
            () => AdminRaces.AgainIfRacedAsync(() => UpdateOnceAsync(id, request, actor, tag, cancellationToken),
                () => new AdminOutcome(AdminResult.Conflict, Message: AdminRaces.GaveUp)), cancellationToken);

    /// <summary>
    /// The entity tag of what a change of an account replaces (name, roles, office, organisation): it moves when one of
    /// them changes, not when the person signs in or mistypes a password.
    /// </summary>
    public static string TagOf(UserView user) => TagOf(user.DisplayName, user.Office, user.OrganisationId, user.Gender, user.Roles);

    private static string TagOf(string? displayName, string? office, Guid? organisation, string? gender, IEnumerable<string> roles) =>
        EntityTags.OfSettings([displayName, office, organisation?.ToString(), gender, .. roles.Order(StringComparer.Ordinal)]);

    private async Task<AdminOutcome?> UpdateOnceAsync(string id, UpdateUserRequest request, string actor, string? tag, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new AdminOutcome(AdminResult.NotFound);
        }

        var errors = new Dictionary<string, string[]>();
        var roles = await ValidateAssignmentAsync(request.Roles, request.Office, request.OrganisationId, request.DisplayName, errors, cancellationToken);
        var gender = GenderOf(request.Gender, "gender", errors);
        if (errors.Count > 0)
        {
            return new AdminOutcome(AdminResult.Invalid, Errors: errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var current = await users.GetRolesAsync(user);
        if (tag is not null && tag != TagOf(user.DisplayName, user.OfficeCode, user.OrganisationId, user.Gender, current))
        {
            return Stale(user);
        }

        if (current.Contains(CaseworkRoles.Administrator) && !roles.Contains(CaseworkRoles.Administrator)
            && await IsLastAdministratorAsync(user, cancellationToken))
        {
            return new AdminOutcome(AdminResult.Conflict, Message: user.UserName == actor
                ? "You are the last administrator who can sign in; make someone else an administrator first."
                : $"'{user.UserName}' is the last administrator who can sign in; make someone else an administrator first.");
        }

        user.DisplayName = Trimmed(request.DisplayName);
        user.OfficeCode = IsPartner(roles) ? null : request.Office;
        user.OrganisationId = IsPartner(roles) ? request.OrganisationId : null;
        user.Gender = gender;
        var updated = await users.UpdateAsync(user);
        if (updated.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            // Another change of the account was saved after it was read here: nothing of this one is kept.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return tag is null ? null : Stale(user);
        }

        Check(updated);
        Check(await users.RemoveFromRolesAsync(user, current.Except(roles, StringComparer.Ordinal)));
        Check(await users.AddToRolesAsync(user, roles.Except(current, StringComparer.Ordinal)));
        // A new stamp makes every sign-in cookie re-read the account (roles, office) at its next check; revoking the
        // access tokens makes API clients refresh, and the refreshed token carries the new roles.
        Check(await users.UpdateSecurityStampAsync(user));
        await tokens.RevokeAsync(user.Id, client: null, status: null, type: OpenIddictConstants.TokenTypeIdentifiers.AccessToken, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AdminOutcome(AdminResult.Done, await GetAsync(id, cancellationToken));
    }

    /// <summary>Disables an account: no sign-in, its cookies and tokens stop working at once.</summary>
    public Task<AdminOutcome> DisableAsync(string id, string actor, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "disabling an account", () => DisableOnceAsync(id, actor, cancellationToken), cancellationToken);

    private async Task<AdminOutcome> DisableOnceAsync(string id, string actor, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new AdminOutcome(AdminResult.NotFound);
        }

        if (user.UserName == actor)
        {
            return new AdminOutcome(AdminResult.Conflict, Message: "You cannot disable your own account.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await users.IsInRoleAsync(user, CaseworkRoles.Administrator) && await IsLastAdministratorAsync(user, cancellationToken))
        {
            return new AdminOutcome(AdminResult.Conflict, Message: $"'{user.UserName}' is the last administrator who can sign in.");
        }

        Check(await users.SetLockoutEnabledAsync(user, true));
        Check(await users.SetLockoutEndDateAsync(user, DisabledUntil));
        Check(await users.UpdateSecurityStampAsync(user));
        await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
        await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AdminOutcome(AdminResult.Done, await GetAsync(id, cancellationToken));
    }

    /// <summary>Lets an account sign in again: clears a disablement and a lockout after failed sign-ins.</summary>
    public Task<AdminOutcome> EnableAsync(string id, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "enabling an account", () => EnableOnceAsync(id, cancellationToken), cancellationToken);

    private async Task<AdminOutcome> EnableOnceAsync(string id, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new AdminOutcome(AdminResult.NotFound);
        }

        Check(await users.SetLockoutEndDateAsync(user, null));
        Check(await users.ResetAccessFailedCountAsync(user));
        return new AdminOutcome(AdminResult.Done, await GetAsync(id, cancellationToken));
    }

    /// <summary>Sets a new password (the person forgot theirs); every session and token of the account ends.</summary>
    public Task<AdminOutcome> SetPasswordAsync(string id, string? password, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "setting a password", () => SetPasswordOnceAsync(id, password, cancellationToken), cancellationToken);

    private async Task<AdminOutcome> SetPasswordOnceAsync(string id, string? password, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new AdminOutcome(AdminResult.NotFound);
        }

        if (string.IsNullOrEmpty(password))
        {
            return AdminOutcome.Invalid("password", "A new password is required.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (!reset.Succeeded)
        {
            return new AdminOutcome(AdminResult.Invalid, Errors: new() { ["password"] = [.. reset.Errors.Select(e => e.Description)] });
        }

        await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
        await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AdminOutcome(AdminResult.Done, await GetAsync(id, cancellationToken));
    }

    public async Task<List<OrganisationView>> OrganisationsAsync(CancellationToken cancellationToken)
    {
        var organisations = await db.Organisations.AsNoTracking().ToListAsync(cancellationToken);
        var lawyers = await db.Users.Where(u => u.OrganisationId != null).GroupBy(u => u.OrganisationId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return [.. organisations.OrderBy(o => o.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(o => new OrganisationView(o.Id, o.Name, lawyers.GetValueOrDefault(o.Id), o.CreatedAt))];
    }

    public Task<OrganisationOutcome> AddOrganisationAsync(string? name, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "adding an organisation", () => AddOrganisationOnceAsync(name, cancellationToken), cancellationToken);

    private async Task<OrganisationOutcome> AddOrganisationOnceAsync(string? name, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (name is not { Length: >= 2 and <= 200 })
        {
            return new OrganisationOutcome(AdminResult.Invalid, Message: "The organisation's name, 2 to 200 characters.");
        }

        var normalized = Organisation.Normalize(name);
        if (await db.Organisations.AnyAsync(o => o.NormalizedName == normalized, cancellationToken))
        {
            return new OrganisationOutcome(AdminResult.Conflict, Message: $"There is already an organisation named '{name}'.");
        }

        var organisation = new Organisation { Id = Guid.CreateVersion7(clock.GetUtcNow()), Name = name, CreatedAt = clock.GetUtcNow() };
        db.Organisations.Add(organisation);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return new OrganisationOutcome(AdminResult.Conflict, Message: $"There is already an organisation named '{name}'.");
        }

        return new OrganisationOutcome(AdminResult.Done, new OrganisationView(organisation.Id, name, 0, organisation.CreatedAt));
    }

    /// <summary>
    /// The roles to give, once the request is known to be coherent: at least one known role; staff roles need an office;
    /// a legal aid partner belongs to an existing organisation and holds no other role, so no one is both.
    /// </summary>
    private async Task<List<string>> ValidateAssignmentAsync(IReadOnlyList<string>? requested, string? office, Guid? organisationId,
        string? displayName, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var roles = (requested ?? []).Distinct(StringComparer.Ordinal).ToList();
        var unknown = roles.Where(r => !CaseworkRoles.All.Contains(r)).ToList();
        if (roles.Count == 0)
        {
            errors["roles"] = [$"At least one role: {string.Join(", ", CaseworkRoles.All)}."];
        }
        else if (unknown.Count > 0)
        {
            errors["roles"] = [$"Unknown role {string.Join(", ", unknown)}; the roles are {string.Join(", ", CaseworkRoles.All)}."];
        }
        else if (IsPartner(roles) && roles.Count > 1)
        {
            errors["roles"] = ["A legal aid partner's lawyer holds no other role: they work for another organisation."];
        }

        if (displayName is { Length: > 100 })
        {
            errors["displayName"] = ["At most 100 characters."];
        }

        if (IsPartner(roles))
        {
            if (organisationId is null)
            {
                errors["organisationId"] = ["A legal aid partner's lawyer belongs to an organisation; give its id."];
            }
            else if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken))
            {
                errors["organisationId"] = [$"There is no organisation {organisationId}."];
            }

            if (office is not null)
            {
                errors["office"] = ["A legal aid partner's lawyer has no office; leave it out."];
            }
        }
        else
        {
            if (organisationId is not null)
            {
                errors["organisationId"] = ["Only a legal aid partner's lawyer belongs to an organisation."];
            }

            if (office is not null && !CaseNumber.IsOfficeCode(office))
            {
                errors["office"] = ["An office code of 2 to 10 capital letters, like NBO."];
            }
            else if (office is null && roles.Any(StaffRoles.Contains))
            {
                errors["office"] = ["Clerks, officers and supervisors work for an office; give its code, like NBO."];
            }
        }

        return roles;
    }

    /// <summary>The genders an account may record: those an applicant may ask an interviewer to share.</summary>
    public static readonly IReadOnlyList<string> StaffGenders = [nameof(Sex.Female), nameof(Sex.Male)];

    /// <summary>
    /// A gender as it is kept ("Female" or "Male", whatever the letter case sent), or null for none; anything else is a
    /// problem of <paramref name="field"/>. An account's gender and the genders an interview names are read alike.
    /// </summary>
    public static string? GenderOf(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (StaffGenders.FirstOrDefault(g => string.Equals(g, value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return known;
        }

        errors[field] = ["Female, Male, or leave it out."];
        return null;
    }

    /// <summary>
    /// Whether no other administrator's account is enabled without <paramref name="user"/> (a lockout after failed
    /// sign-ins passes; a disablement does not). Called in the transaction of the
    /// change that would demote or disable them: it first writes the Administrator role row, so two such changes take
    /// turns (PostgreSQL and SQL Server lock the row, SQLite has one writer) and the second sees what the first did;
    /// two administrators demoting each other at the same moment cannot leave none.
    /// </summary>
    private async Task<bool> IsLastAdministratorAsync(CaseworkUser user, CancellationToken cancellationToken)
    {
        var role = users.NormalizeName(CaseworkRoles.Administrator);
        await db.Roles.Where(r => r.NormalizedName == role)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConcurrencyStamp, r => r.ConcurrencyStamp), cancellationToken);
        var administrators = await users.GetUsersInRoleAsync(CaseworkRoles.Administrator);
        return !administrators.Any(a => a.Id != user.Id && !IsDisabled(a));
    }

    /// <summary>Whether an administrator disabled the account (a lockout after failed sign-ins is not that).</summary>
    public static bool IsDisabled(CaseworkUser user) => user.LockoutEnd >= DisabledUntil;

    private async Task<List<UserView>> ViewsAsync(IReadOnlyList<CaseworkUser> page, CancellationToken cancellationToken)
    {
        var ids = page.Select(u => u.Id).ToList();
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ids.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var organisationIds = page.Where(u => u.OrganisationId is not null).Select(u => u.OrganisationId!.Value).Distinct().ToList();
        var organisations = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var now = clock.GetUtcNow();
        return
        [
            .. page.Select(u => new UserView(u.Id, u.UserName!, u.DisplayName, u.OfficeCode, u.OrganisationId,
                u.OrganisationId is { } o && organisations.TryGetValue(o, out var name) ? name : null,
                [.. roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal)],
                IsDisabled(u),
                !IsDisabled(u) && u.LockoutEnd is { } end && end > now ? end : null,
                u.Gender)),
        ];
    }

    private static AdminOutcome Stale(CaseworkUser user) => new(AdminResult.Stale,
        Message: $"The account '{user.UserName}' was changed after the copy this change was made on; nothing was saved. Reload it and make the change again.");

    private static bool IsPartner(IEnumerable<string> roles) => roles.Contains(CaseworkRoles.LegalAidPartner);

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Throws when the account store refused a change the caller had checked it would accept.</summary>
    internal static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The account store refused a change: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
