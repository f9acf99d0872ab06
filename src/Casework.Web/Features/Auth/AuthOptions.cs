using System.ComponentModel.DataAnnotations;

namespace Casework.Web.Features.Auth;

/// <summary>Settings of the authorization server (<c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// PKCS#12 file with the token signing key. Relative paths are resolved against the content root. When empty
    /// in Development, a key is created once under <c>data/</c> and reused, so tokens survive restarts.
    /// </summary>
    public string? SigningCertificatePath { get; set; }

    public string? SigningCertificatePassword { get; set; }

    /// <summary>PKCS#12 file with the token encryption key; defaults like the signing key.</summary>
    public string? EncryptionCertificatePath { get; set; }

    public string? EncryptionCertificatePassword { get; set; }

    /// <summary>
    /// The issuer every token names (the public base URL, like https://casework.example.org/). Set it when several
    /// nodes serve one site: each then issues and accepts the same issuer. Empty: the URL of the request.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Refuse plain HTTP on the OpenID Connect endpoints. Off only for local development and tests.</summary>
    public bool RequireHttps { get; set; } = true;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Clients registered (or updated) on start: the web UI, partner systems.</summary>
    public List<ClientRegistration> Clients { get; set; } = [];
}

/// <summary>An OAuth client. A public client (no secret) uses authorization code + PKCE; a confidential one may use client credentials.</summary>
public sealed class ClientRegistration
{
    [Required]
    public string ClientId { get; set; } = string.Empty;

    public string? DisplayName { get; set; }

    /// <summary>Empty for a public (browser or native) client.</summary>
    public string? ClientSecret { get; set; }

    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary><c>authorization_code</c>, <c>refresh_token</c>, <c>client_credentials</c>.</summary>
    public List<string> GrantTypes { get; set; } = [];

    /// <summary>For a partner system's client: the organisation it acts for (its cases only).</summary>
    public Guid? OrganisationId { get; set; }
}
