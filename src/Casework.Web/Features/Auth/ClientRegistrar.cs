using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Web.Features.Auth;

/// <summary>
/// Creates or updates OAuth clients: those in <c>Auth:Clients</c> on start, and any other a caller registers.
/// A client without a secret is public and must use PKCE; client credentials need a secret.
/// </summary>
public sealed class ClientRegistrar(IOpenIddictApplicationManager applications, IOptions<AuthOptions> options)
{
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

        var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
    }
}
