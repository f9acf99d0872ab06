using System.Security.Claims;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Web.Features.Administration;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Casework.Web.Features.Auth;

public enum PasswordChangeResult { Done, Invalid, NoAccount }

/// <summary>What a change of one's own password did: the fields that were wrong, or the account whose password changed.</summary>
public sealed record PasswordChangeOutcome(PasswordChangeResult Kind, Dictionary<string, string[]>? Errors = null, CaseworkUser? User = null)
{
    public static PasswordChangeOutcome Invalid(string field, string message) =>
        new(PasswordChangeResult.Invalid, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// A signed-in person changes their own password (an administrator gives the first one, or a new one when it is
/// forgotten). The current password must be given; a wrong one counts towards the account's lockout as a failed sign-in
/// does, so an unattended session cannot be used to guess it. The change ends the account's tokens and OpenID Connect
/// authorizations at once and, through the new security stamp, its other browser sessions within the cookie's validation
/// interval; the caller signs the person's own session in again.
/// </summary>
public sealed class PasswordChange(UserManager<CaseworkUser> users, CaseworkDbContext db, IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations, ILogger<PasswordChange> logger)
{
    public Task<PasswordChangeOutcome> ChangeAsync(ClaimsPrincipal principal, string? current, string? next, string? confirmation,
        CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "changing one's password",
            () => ChangeOnceAsync(principal, current, next, confirmation, cancellationToken), cancellationToken);

    private async Task<PasswordChangeOutcome> ChangeOnceAsync(ClaimsPrincipal principal, string? current, string? next, string? confirmation,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(current))
        {
            errors["currentPassword"] = ["Your current password is required."];
        }

        if (string.IsNullOrEmpty(next))
        {
            errors["newPassword"] = ["A new password is required."];
        }
        else if (next == current)
        {
            errors["newPassword"] = ["The new password must differ from the current one."];
        }

        if (!string.IsNullOrEmpty(next) && confirmation != next)
        {
            errors["confirmPassword"] = ["The two new passwords differ."];
        }

        if (errors.Count > 0)
        {
            return new PasswordChangeOutcome(PasswordChangeResult.Invalid, errors);
        }

        if (await users.GetUserAsync(principal) is not { } user)
        {
            return new PasswordChangeOutcome(PasswordChangeResult.NoAccount);
        }

        if (await users.IsLockedOutAsync(user))
        {
            return PasswordChangeOutcome.Invalid("currentPassword",
                "Too many wrong passwords: the password cannot be changed for now. Try again later or ask an administrator.");
        }

        if (!await users.CheckPasswordAsync(user, current!))
        {
            UserAdministration.Check(await users.AccessFailedAsync(user));
            return PasswordChangeOutcome.Invalid("currentPassword", "Your current password is wrong.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await users.ChangePasswordAsync(user, current!, next!);
        if (!changed.Succeeded)
        {
            return new PasswordChangeOutcome(PasswordChangeResult.Invalid,
                new Dictionary<string, string[]> { ["newPassword"] = [.. changed.Errors.Select(e => e.Description)] });
        }

        UserAdministration.Check(await users.ResetAccessFailedCountAsync(user));
        await tokens.RevokeBySubjectAsync(user.Id, cancellationToken);
        await authorizations.RevokeBySubjectAsync(user.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PasswordChangeOutcome(PasswordChangeResult.Done, User: user);
    }
}
