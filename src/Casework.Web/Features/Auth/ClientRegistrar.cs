using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Web.Features.Auth;

/// <summary>
/// Creates or updates OAuth clients: those in <c>Auth:Clients</c> on start, and any other a caller registers.
/// A client without a secret is public and must use PKCE; client credentials need a secret.
/// </summary>
public sealed class ClientRegistrar(IOpenIddictApplicationManager applications, IOptions<AuthOptions> options, Casework.Data.CaseworkDbContext db)
{
    /// <summary>How often registering starts again when another node registered or updated the same client at that moment.</summary>
    private const int SameMomentAttempts = 5;

    public const string OrganisationProperty = "organisation_id";

    /// <summary>Set on a client an administrator disabled: it keeps its registration but may call no endpoint.</summary>
    public const string DisabledProperty = "casework_disabled";

    public async Task RegisterConfiguredAsync(CancellationToken cancellationToken)
    {
        foreach (var client in options.Value.Clients)
        {
            await RegisterAsync(client, cancellationToken);
        }
    }

    public async Task RegisterAsync(ClientRegistration client, CancellationToken cancellationToken)
    {
        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        if (!confidential && client.GrantTypes.Contains(GrantTypes.ClientCredentials))
        {
            throw new InvalidOperationException(
                $"Auth:Clients: client '{client.ClientId}' uses client_credentials and so needs a ClientSecret.");
        }

        var descriptor = Describe(client);

        // Nodes starting at the same moment register the same configured clients: the one that comes second finds the
        // client created (OpenIddict refuses a second client id) or changed (its concurrency token moved) and starts
        // again from what is stored now.
        for (var attempt = 1; ; attempt++)
        {
            // Read from the database, not through the manager, whose cache keeps an earlier "not found" for this scope.
            var existing = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
                .FirstOrDefaultAsync(a => a.ClientId == client.ClientId, cancellationToken);
            try
            {
                if (existing is null)
                {
                    await applications.CreateAsync(descriptor, cancellationToken);
                }
                else
                {
                    // A client an administrator disabled stays disabled when the configuration registers it again.
                    var stored = new OpenIddictApplicationDescriptor();
                    await applications.PopulateAsync(stored, existing, cancellationToken);
                    if (IsDisabled(stored))
                    {
                        MarkDisabled(descriptor);
                    }

                    await applications.UpdateAsync(existing, descriptor, cancellationToken);
                }

                return;
            }
            catch (OpenIddictExceptions.ValidationException) when (existing is null && attempt < SameMomentAttempts)
            {
                db.ChangeTracker.Clear();
                if (!await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
                        .AnyAsync(a => a.ClientId == client.ClientId, cancellationToken))
                {
                    throw; // a real problem with the client, not someone else's registration
                }
            }
            catch (Exception e) when (attempt < SameMomentAttempts && (e is OpenIddictExceptions.ConcurrencyException
                || e is Microsoft.EntityFrameworkCore.DbUpdateException update && Casework.Data.DbErrors.IsUniqueViolation(update)))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// The stored form of a client: its type, grants, addresses, organisation, and the endpoints it may use. A secret given
    /// here is hashed by OpenIddict when the client is saved; none is kept in clear.
    /// </summary>
    public static OpenIddictApplicationDescriptor Describe(ClientRegistration client)
    {
        var confidential = !string.IsNullOrEmpty(client.ClientSecret);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = confidential ? client.ClientSecret : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = client.DisplayName ?? client.ClientId,
        };
        descriptor.Permissions.Add(Permissions.Prefixes.Scope + AuthorizationServerSetup.ApiScope);
        foreach (var grant in client.GrantTypes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grant);
        }

        if (client.GrantTypes.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.UnionWith([Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Roles]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        descriptor.Permissions.UnionWith(EndpointPermissions(descriptor).ToList());
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        foreach (var uri in client.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
        }

        if (client.OrganisationId is { } organisation)
        {
            descriptor.Properties[OrganisationProperty] = JsonSerializer.SerializeToElement(organisation.ToString());
        }

        return descriptor;
    }

    /// <summary>
    /// The endpoints a client may call, from its type and grants: what a disabled client loses and an enabled one gets back.
    /// </summary>
    public static IEnumerable<string> EndpointPermissions(OpenIddictApplicationDescriptor descriptor)
    {
        yield return Permissions.Endpoints.Token;
        yield return Permissions.Endpoints.Revocation;
        if (descriptor.ClientType == ClientTypes.Confidential)
        {
            yield return Permissions.Endpoints.Introspection;
        }

        if (descriptor.Permissions.Contains(Permissions.GrantTypes.AuthorizationCode))
        {
            yield return Permissions.Endpoints.Authorization;
            yield return Permissions.Endpoints.EndSession;
        }
    }

    public static bool IsDisabled(OpenIddictApplicationDescriptor descriptor) =>
        descriptor.Properties.TryGetValue(DisabledProperty, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>Takes every endpoint away (OpenIddict then refuses the client at each) and marks the client disabled.</summary>
    public static void MarkDisabled(OpenIddictApplicationDescriptor descriptor)
    {
        descriptor.Permissions.RemoveWhere(p => p.StartsWith(Permissions.Prefixes.Endpoint, StringComparison.Ordinal));
        descriptor.Properties[DisabledProperty] = JsonSerializer.SerializeToElement(true);
    }

    public static void MarkEnabled(OpenIddictApplicationDescriptor descriptor)
    {
        descriptor.Properties.Remove(DisabledProperty);
        descriptor.Permissions.UnionWith(EndpointPermissions(descriptor).ToList());
    }
}
