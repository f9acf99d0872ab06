using Casework.Data;
using Casework.Data.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Web.Features.Auth;

public static class AuthorizationServerSetup
{
    public const string ApiScope = "casework_api";

    /// <summary>
    /// ASP.NET Core Identity users (password policy, lockout) and the OpenIddict authorization server: authorization
    /// code + PKCE, client credentials, rotating refresh tokens, revocation, introspection; no implicit or password
    /// grant. API calls are authenticated with the server's access tokens (OpenIddict validation).
    /// </summary>
    public static WebApplicationBuilder AddCaseworkAuthorizationServer(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthOptions.Section);
        builder.Services.AddOptions<AuthOptions>().Bind(section)
            .Validate(o => o.AccessTokenLifetime >= TimeSpan.FromMinutes(1) && o.AccessTokenLifetime <= TimeSpan.FromDays(1),
                "Auth:AccessTokenLifetime must be between 00:01:00 and 1.00:00:00.")
            .Validate(o => o.RefreshTokenLifetime >= TimeSpan.FromMinutes(5) && o.RefreshTokenLifetime <= TimeSpan.FromDays(90),
                "Auth:RefreshTokenLifetime must be between 00:05:00 and 90.00:00:00.")
            .Validate(o => o.Clients.TrueForAll(c => !string.IsNullOrWhiteSpace(c.ClientId)), "Auth:Clients: every client needs a ClientId.")
            .Validate(o => string.IsNullOrEmpty(o.Issuer) || (Uri.TryCreate(o.Issuer, UriKind.Absolute, out var issuer) && issuer.Scheme is "https" or "http"),
                "Auth:Issuer must be an absolute http(s) URL, like https://casework.example.org/.")
            .ValidateOnStart();
        var auth = section.Get<AuthOptions>() ?? new AuthOptions();

        builder.Services.AddIdentity<CaseworkUser, IdentityRole>(options =>
            {
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = true;
                options.Password.RequireNonAlphanumeric = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = false;
                options.ClaimsIdentity.UserNameClaimType = Claims.Name;
                options.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                options.ClaimsIdentity.RoleClaimType = Claims.Role;
            })
            .AddEntityFrameworkStores<CaseworkDbContext>()
            .AddDefaultTokenProviders();
        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.Cookie.Name = "casework.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
        });
        // A sign-in cookie re-reads its account every minute: a disabled account or a changed role takes effect promptly.
        builder.Services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        var clock = TimeProvider.System;
        var signing = SigningKeys.Load(auth.SigningCertificatePath, auth.SigningCertificatePassword,
            "Auth:SigningCertificatePath", "auth-signing.pfx", builder.Environment, clock);
        var encryption = SigningKeys.Load(auth.EncryptionCertificatePath, auth.EncryptionCertificatePassword,
            "Auth:EncryptionCertificatePath", "auth-encryption.pfx", builder.Environment, clock);

        // Sign-in cookies and antiforgery tokens are protected with keys kept in the database (encrypted with the
        // token encryption certificate), so every node of a site can read what another wrote.
        builder.Services.AddDataProtection()
            .SetApplicationName("Casework")
            .PersistKeysToDbContext<CaseworkDbContext>()
            .ProtectKeysWithCertificate(encryption);

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<CaseworkDbContext>())
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/logout");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();

                // PKCE with SHA-256 only: a "plain" challenge protects nothing if the request is seen.
                options.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, ApiScope);
                if (!string.IsNullOrEmpty(auth.Issuer) && Uri.TryCreate(auth.Issuer, UriKind.Absolute, out var issuer))
                {
                    options.SetIssuer(issuer);
                }

                options.SetAccessTokenLifetime(auth.AccessTokenLifetime).SetRefreshTokenLifetime(auth.RefreshTokenLifetime);

                // Rotation without grace: a refresh token works once; replaying it is refused.
                options.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                options.AddSigningCertificate(signing);
                options.AddEncryptionCertificate(encryption);
                var aspNetCore = options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (!auth.RequireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                // Each access token is checked against its stored entry, so revoking an account's tokens (disabled,
                // password reset) takes effect on the next request, not when the token expires.
                options.EnableTokenEntryValidation();
                options.UseAspNetCore();
            });

        // The API authenticates bearer tokens only; the Identity cookie is for the sign-in page and /connect/authorize.
        builder.Services.Configure<Microsoft.AspNetCore.Authentication.AuthenticationOptions>(options =>
        {
            const string bearer = OpenIddict.Validation.AspNetCore.OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            options.DefaultScheme = bearer;
            options.DefaultAuthenticateScheme = bearer;
            options.DefaultChallengeScheme = bearer;
            options.DefaultForbidScheme = bearer;
        });
        builder.Services.AddAuthorization();
        builder.Services.AddScoped<ClientRegistrar>();
        builder.Services.AddScoped<PasswordChange>();
        builder.Services.AddHostedService<AuthInitializer>();
        return builder;
    }

    public static WebApplication MapCaseworkAuthorizationServer(this WebApplication app)
    {
        app.MapConnectEndpoints();
        app.MapAccountEndpoints();
        return app;
    }
}
