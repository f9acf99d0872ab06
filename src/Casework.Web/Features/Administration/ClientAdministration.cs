using System.Security.Cryptography;
using System.Text.Json;
using Casework.Data;
using Casework.Web.Features.Api;
using Casework.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Web.Features.Administration;

/// <summary>
/// An OAuth client as administrators see it. Its secret is never shown again after it was issued: only a hash is stored.
/// <see cref="Configured"/>: registered from <c>Auth:Clients</c> on every start, so only disabling and enabling apply.
/// </summary>
public sealed record ClientView(string ClientId, string DisplayName, bool Confidential, IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris, Guid? OrganisationId, string? OrganisationName,
    bool Disabled, bool Configured);

/// <summary>A client with the secret just issued to it: the only answer that carries the secret.</summary>
public sealed record IssuedClient(ClientView Client, string? ClientSecret);

public sealed record CreateClientRequest(string? ClientId, string? DisplayName, IReadOnlyList<string>? GrantTypes, bool? Confidential,
    IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? PostLogoutRedirectUris, Guid? OrganisationId);

public sealed record UpdateClientRequest(string? DisplayName, IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? PostLogoutRedirectUris,
    Guid? OrganisationId);

/// <summary>What a client administration command did; <see cref="Secret"/> only when one was issued.</summary>
public sealed record ClientOutcome(AdminResult Kind, ClientView? Client = null, string? Secret = null, Dictionary<string, string[]>? Errors = null,
    string? Message = null);

/// <summary>
/// Administrators register the OAuth clients that call the API: partner systems (client credentials, acting for one legal
/// aid organisation) and applications users sign in to (authorization code with PKCE). A confidential client's secret is
/// made here, shown once, and can be replaced; a client can be disabled, which ends its tokens at once. Clients from
/// <c>Auth:Clients</c> are registered again on every start, so they are changed there; they can still be disabled here,
/// and stay disabled across restarts until enabled here.
/// </summary>
public sealed class ClientAdministration(IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations, CaseworkDbContext db, IOptions<AuthOptions> options, ILogger<ClientAdministration> logger)
{
    private static readonly string[] KnownGrants = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials];

    public async Task<(List<ClientView> Items, int Total)> ListAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking();
        var total = await query.CountAsync(cancellationToken);
        var clients = await query.OrderBy(a => a.ClientId).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var descriptors = new List<OpenIddictApplicationDescriptor>(clients.Count);
        foreach (var client in clients)
        {
            descriptors.Add(await DescribeAsync(client, cancellationToken));
        }

        // The page's organisations' names in one query, not one per client.
        var organisations = descriptors.Select(d => OrganisationOf(d.Properties)).OfType<Guid>().Distinct().ToList();
        Dictionary<Guid, string> names = organisations.Count == 0
            ? new()
            : await db.Organisations.AsNoTracking().Where(o => organisations.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        return (descriptors.ConvertAll(d => View(d, OrganisationOf(d.Properties) is { } id ? names.GetValueOrDefault(id) : null)), total);
    }

    public async Task<ClientView?> GetAsync(string clientId, CancellationToken cancellationToken) =>
        await FindAsync(clientId, cancellationToken) is { } client ? await ViewAsync(client, cancellationToken) : null;

    public Task<ClientOutcome> CreateAsync(CreateClientRequest request, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "registering a client", () => CreateOnceAsync(request, cancellationToken), cancellationToken);

    private async Task<ClientOutcome> CreateOnceAsync(CreateClientRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var clientId = request.ClientId?.Trim();
        if (clientId is not { Length: >= 3 and <= 100 } || !clientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            errors["clientId"] = ["A client id of 3 to 100 letters, digits, '.', '-' or '_'."];
        }

        var grants = (request.GrantTypes ?? []).Select(g => g?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
        if (grants.Count == 0 || grants.Any(g => !KnownGrants.Contains(g)))
        {
            errors["grantTypes"] = [$"One or more of {string.Join(", ", KnownGrants)}."];
        }
        else if (grants.Contains(GrantTypes.RefreshToken) && !grants.Contains(GrantTypes.AuthorizationCode))
        {
            errors["grantTypes"] = ["refresh_token goes with authorization_code: a partner system asks for a new token with its secret instead."];
        }
        else if (grants.Contains(GrantTypes.ClientCredentials) && grants.Contains(GrantTypes.AuthorizationCode))
        {
            errors["grantTypes"] = ["A partner system (client_credentials) and an application people sign in to (authorization_code) are separate clients."];
        }

        var partnerSystem = grants.Contains(GrantTypes.ClientCredentials);
        var confidential = request.Confidential ?? partnerSystem;
        if (partnerSystem && !confidential)
        {
            errors["confidential"] = ["A partner system authenticates with its secret, so it is confidential."];
        }

        var redirects = ValidateAddresses(request.RedirectUris, request.PostLogoutRedirectUris, grants.Contains(GrantTypes.AuthorizationCode), errors);
        await ValidateOrganisationAsync(request.OrganisationId, partnerSystem, errors, cancellationToken);
        ValidateDisplayName(request.DisplayName, errors);
        if (errors.Count > 0)
        {
            return new ClientOutcome(AdminResult.Invalid, Errors: errors);
        }

        if (await FindAsync(clientId!, cancellationToken) is not null)
        {
            return new ClientOutcome(AdminResult.Conflict, Message: $"The client id '{clientId}' is taken.");
        }

        var secret = confidential ? NewSecret() : null;
        var descriptor = ClientRegistrar.Describe(new ClientRegistration
        {
            ClientId = clientId!, DisplayName = Trimmed(request.DisplayName), ClientSecret = secret, GrantTypes = grants,
            RedirectUris = redirects.Redirects, PostLogoutRedirectUris = redirects.PostLogout,
            OrganisationId = partnerSystem ? request.OrganisationId : null,
        });
        try
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        catch (Exception e) when (e is OpenIddictExceptions.ValidationException
            || e is DbUpdateException update && DbErrors.IsUniqueViolation(update))
        {
            // Another administrator registered the same client id a moment ago; nothing of this one is kept.
            db.ChangeTracker.Clear();
            if (await FindAsync(clientId!, cancellationToken) is not null)
            {
                return new ClientOutcome(AdminResult.Conflict, Message: $"The client id '{clientId}' is taken.");
            }

            throw;
        }

        return new ClientOutcome(AdminResult.Done, await GetAsync(clientId!, cancellationToken), secret);
    }

    /// <summary>Changes what a client is called, where it may send people back to, or the organisation a partner system acts for.</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="request">Its new name, addresses and organisation, whole.</param>
    /// <param name="tag">The <see cref="TagOf"/> of the copy the change was made on (If-Match), or null to change whatever is saved.</param>
    /// <param name="cancellationToken">Ends the work.</param>
    public Task<ClientOutcome> UpdateAsync(string clientId, UpdateClientRequest request, string? tag, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "changing a client",
            () => AdminRaces.AgainIfRacedAsync(() => UpdateOnceAsync(clientId, request, tag, cancellationToken),
                () => new ClientOutcome(AdminResult.Conflict, Message: AdminRaces.GaveUp)), cancellationToken);

    /// <summary>
    /// The entity tag of what a change of a client replaces (name, addresses, organisation): it moves when one of them
    /// changes, not when the client is disabled or given a new secret.
    /// </summary>
    public static string TagOf(ClientView client) => EntityTags.OfSettings([client.DisplayName, client.OrganisationId?.ToString(),
        .. client.RedirectUris.Order(StringComparer.Ordinal), "\u001e", .. client.PostLogoutRedirectUris.Order(StringComparer.Ordinal)]);

    private async Task<ClientOutcome?> UpdateOnceAsync(string clientId, UpdateClientRequest request, string? tag, CancellationToken cancellationToken)
    {
        if (await FindAsync(clientId, cancellationToken) is not { } client)
        {
            return new ClientOutcome(AdminResult.NotFound);
        }

        if (IsConfigured(clientId))
        {
            return Configured(clientId);
        }

        if (tag is not null && await GetAsync(clientId, cancellationToken) is { } current && TagOf(current) != tag)
        {
            return Stale(clientId);
        }

        var descriptor = await DescribeAsync(client, cancellationToken);
        var partnerSystem = descriptor.Permissions.Contains(Permissions.GrantTypes.ClientCredentials);
        var errors = new Dictionary<string, string[]>();
        var redirects = ValidateAddresses(request.RedirectUris, request.PostLogoutRedirectUris,
            descriptor.Permissions.Contains(Permissions.GrantTypes.AuthorizationCode), errors);
        await ValidateOrganisationAsync(request.OrganisationId, partnerSystem, errors, cancellationToken);
        ValidateDisplayName(request.DisplayName, errors);
        if (errors.Count > 0)
        {
            return new ClientOutcome(AdminResult.Invalid, Errors: errors);
        }

        var organisationBefore = OrganisationOf(descriptor.Properties);
        descriptor.DisplayName = Trimmed(request.DisplayName) ?? clientId;
        descriptor.RedirectUris.Clear();
        descriptor.RedirectUris.UnionWith(redirects.Redirects.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.PostLogoutRedirectUris.Clear();
        descriptor.PostLogoutRedirectUris.UnionWith(redirects.PostLogout.Select(u => new Uri(u, UriKind.Absolute)));
        descriptor.Properties.Remove(ClientRegistrar.OrganisationProperty);
        if (partnerSystem)
        {
            descriptor.Properties[ClientRegistrar.OrganisationProperty] = JsonSerializer.SerializeToElement(request.OrganisationId!.Value.ToString());
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await applications.UpdateAsync(client, descriptor, cancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            // Another change of the client was saved after it was read here: nothing of this one is kept.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return tag is null ? null : Stale(clientId);
        }

        if (organisationBefore != OrganisationOf(descriptor.Properties))
        {
            // The organisation is in the partner system's tokens: those issued for the old one end now.
            await EndTokensAsync(client, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ClientOutcome(AdminResult.Done, await GetAsync(clientId, cancellationToken));
    }

    private static ClientOutcome Stale(string clientId) => new(AdminResult.Stale,
        Message: $"The client '{clientId}' was changed after the copy this change was made on; nothing was saved. Reload it and make the change again.");

    /// <summary>Issues a new secret to a confidential client: the old one, and every token issued to the client, stop working at once.</summary>
    public Task<ClientOutcome> NewSecretAsync(string clientId, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "issuing a client secret", () => NewSecretOnceAsync(clientId, cancellationToken), cancellationToken);

    private async Task<ClientOutcome> NewSecretOnceAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await FindAsync(clientId, cancellationToken) is not { } client)
        {
            return new ClientOutcome(AdminResult.NotFound);
        }

        if (IsConfigured(clientId))
        {
            return Configured(clientId);
        }

        var descriptor = await DescribeAsync(client, cancellationToken);
        if (descriptor.ClientType != ClientTypes.Confidential)
        {
            return new ClientOutcome(AdminResult.Conflict, Message: $"'{clientId}' is a public client: it has no secret; it proves itself with PKCE.");
        }

        var secret = NewSecret();
        descriptor.ClientSecret = secret;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await applications.UpdateAsync(client, descriptor, cancellationToken);
        await EndTokensAsync(client, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ClientOutcome(AdminResult.Done, await GetAsync(clientId, cancellationToken), secret);
    }

    /// <summary>No more tokens for the client, and those it has end at once (a leaked secret, a partner that left).</summary>
    public Task<ClientOutcome> DisableAsync(string clientId, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "disabling a client", () => SetDisabledOnceAsync(clientId, true, cancellationToken), cancellationToken);

    public Task<ClientOutcome> EnableAsync(string clientId, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "enabling a client", () => SetDisabledOnceAsync(clientId, false, cancellationToken), cancellationToken);

    private async Task<ClientOutcome> SetDisabledOnceAsync(string clientId, bool disable, CancellationToken cancellationToken)
    {
        if (await FindAsync(clientId, cancellationToken) is not { } client)
        {
            return new ClientOutcome(AdminResult.NotFound);
        }

        var descriptor = await DescribeAsync(client, cancellationToken);
        if (disable)
        {
            ClientRegistrar.MarkDisabled(descriptor);
        }
        else
        {
            ClientRegistrar.MarkEnabled(descriptor);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await applications.UpdateAsync(client, descriptor, cancellationToken);
        if (disable)
        {
            await EndTokensAsync(client, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ClientOutcome(AdminResult.Done, await GetAsync(clientId, cancellationToken));
    }

    private async Task EndTokensAsync(OpenIddictEntityFrameworkCoreApplication client, CancellationToken cancellationToken)
    {
        await tokens.RevokeByApplicationIdAsync(client.Id!, cancellationToken);
        await authorizations.RevokeByApplicationIdAsync(client.Id!, cancellationToken);
    }

    /// <summary>Read from the database, not through the manager, whose cache may keep an earlier answer for this scope.</summary>
    private Task<OpenIddictEntityFrameworkCoreApplication?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        db.Set<OpenIddictEntityFrameworkCoreApplication>().FirstOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);

    private async Task<OpenIddictApplicationDescriptor> DescribeAsync(OpenIddictEntityFrameworkCoreApplication client, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, client, cancellationToken);
        return descriptor;
    }

    private async Task<ClientView> ViewAsync(OpenIddictEntityFrameworkCoreApplication client, CancellationToken cancellationToken)
    {
        var descriptor = await DescribeAsync(client, cancellationToken);
        var organisationName = OrganisationOf(descriptor.Properties) is { } id
            ? await db.Organisations.AsNoTracking().Where(o => o.Id == id).Select(o => o.Name).FirstOrDefaultAsync(cancellationToken)
            : null;
        return View(descriptor, organisationName);
    }

    private ClientView View(OpenIddictApplicationDescriptor descriptor, string? organisationName)
    {
        var organisation = OrganisationOf(descriptor.Properties);
        return new ClientView(descriptor.ClientId!, descriptor.DisplayName ?? descriptor.ClientId!, descriptor.ClientType == ClientTypes.Confidential,
            [.. KnownGrants.Where(g => descriptor.Permissions.Contains(Permissions.Prefixes.GrantType + g))],
            [.. descriptor.RedirectUris.Select(u => u.OriginalString).Order(StringComparer.Ordinal)],
            [.. descriptor.PostLogoutRedirectUris.Select(u => u.OriginalString).Order(StringComparer.Ordinal)],
            organisation, organisationName, ClientRegistrar.IsDisabled(descriptor), IsConfigured(descriptor.ClientId!));
    }

    private static Guid? OrganisationOf(Dictionary<string, JsonElement> properties) =>
        properties.TryGetValue(ClientRegistrar.OrganisationProperty, out var value) && Guid.TryParse(value.GetString(), out var id) ? id : null;

    private bool IsConfigured(string clientId) => options.Value.Clients.Any(c => c.ClientId == clientId);

    private static ClientOutcome Configured(string clientId) => new(AdminResult.Conflict, Message:
        $"'{clientId}' is registered from the configuration (Auth:Clients) at every start: change it there. Here it can only be disabled or enabled.");

    /// <summary>Where an application people sign in to may send them back: absolute, https (or http to this machine, for a desktop app).</summary>
    private static (List<string> Redirects, List<string> PostLogout) ValidateAddresses(IReadOnlyList<string>? redirects, IReadOnlyList<string>? postLogout,
        bool signIn, Dictionary<string, string[]> errors)
    {
        List<string> Check(IReadOnlyList<string>? given, string field)
        {
            var addresses = (given ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).ToList();
            if (!signIn && addresses.Count > 0)
            {
                errors[field] = ["Only an application people sign in to (authorization_code) has addresses to send them back to."];
            }
            else if (addresses.FirstOrDefault(a => !Acceptable(a)) is { } bad)
            {
                errors[field] = [$"'{bad}' is not an absolute https address without a fragment (http only to localhost or 127.0.0.1)."];
            }

            return addresses;
        }

        var result = (Check(redirects, "redirectUris"), Check(postLogout, "postLogoutRedirectUris"));
        if (signIn && result.Item1.Count == 0 && !errors.ContainsKey("redirectUris"))
        {
            errors["redirectUris"] = ["At least one address to send people back to after they sign in."];
        }

        return result;
    }

    private static bool Acceptable(string address) =>
        address.Length <= 2000 && Uri.TryCreate(address, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.Fragment)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    private async Task ValidateOrganisationAsync(Guid? organisation, bool partnerSystem, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (!partnerSystem)
        {
            if (organisation is not null)
            {
                errors["organisationId"] = ["Only a partner system (client_credentials) acts for an organisation."];
            }
        }
        else if (organisation is null)
        {
            errors["organisationId"] = ["A partner system acts for one legal aid organisation and sees its cases only: choose it."];
        }
        else if (!await db.Organisations.AnyAsync(o => o.Id == organisation, cancellationToken))
        {
            errors["organisationId"] = ["There is no such organisation."];
        }
    }

    private static void ValidateDisplayName(string? displayName, Dictionary<string, string[]> errors)
    {
        if (Trimmed(displayName) is { Length: > 200 })
        {
            errors["displayName"] = ["At most 200 characters."];
        }
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>256 random bits, base64url: as strong as a secret needs to be, and safe in a form post or a header.</summary>
    private static string NewSecret() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
