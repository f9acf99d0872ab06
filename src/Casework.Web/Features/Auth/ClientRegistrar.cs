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

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = confidential ? client.ClientSecret : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = client.DisplayName ?? client.ClientId,
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
            Permissions.Prefixes.Scope + AuthorizationServerSetup.ApiScope]);
        if (confidential)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        foreach (var grant in client.GrantTypes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grant);
        }

        if (client.GrantTypes.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Roles]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

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
}
