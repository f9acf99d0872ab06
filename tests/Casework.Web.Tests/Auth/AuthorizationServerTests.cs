using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Web.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Auth;

/// <summary>The authorization server's tests with its stores in SQLite.</summary>
public sealed class AuthorizationServerTests : AuthorizationServerContract
{
    protected override Task<CaseworkWebFactory> CreateFactoryAsync() => Task.FromResult(CaseworkWebFactory.ForSqlite());
}

/// <summary>The same tests with the authorization server's stores in PostgreSQL.</summary>
public sealed class PostgresAuthorizationServerTests(Casework.Testing.PostgresFixture postgres) : AuthorizationServerContract
{
    protected override Task<CaseworkWebFactory> CreateFactoryAsync()
    {
        postgres.Server.RequireAvailable();
        return CaseworkWebFactory.ForPostgresAsync(postgres.Server);
    }
}

/// <summary>The OpenID Connect server over real HTTP: Kestrel on 127.0.0.1, the raw protocol, no test shortcuts.</summary>
public abstract class AuthorizationServerContract : IAsyncLifetime
{
    private const string Password = "Correct-Horse-42!";
    private const string SpaClient = "test-spa";
    private const string PartnerClient = "partner-system";
    private const string PartnerSecret = "partner-secret-of-sufficient-length";
    private static readonly Guid PartnerOrganisation = Guid.Parse("6d1f7c0e-2b7a-4f43-9d0b-1f6a8f0c1a11");

    private CaseworkWebFactory factory = null!;
    private OidcTestClient client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<CaseworkWebFactory> CreateFactoryAsync();

    public async ValueTask InitializeAsync()
    {
        Serve(await CreateFactoryAsync());

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        var officer = new CaseworkUser { UserName = "officer.one", OfficeCode = "NBO" };
        AssertSucceeded(await users.CreateAsync(officer, Password));
        AssertSucceeded(await users.AddToRoleAsync(officer, CaseworkRoles.EligibilityOfficer));

        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        db.Organisations.Add(new Organisation { Id = PartnerOrganisation, Name = "Legal Aid Partner A" });
        await db.SaveChangesAsync(Ct);

        var registrar = scope.ServiceProvider.GetRequiredService<ClientRegistrar>();
        await registrar.RegisterAsync(new ClientRegistration
        {
            ClientId = SpaClient,
            RedirectUris = [OidcTestClient.RedirectUri],
            GrantTypes = ["authorization_code", "refresh_token"],
        }, Ct);
        await registrar.RegisterAsync(new ClientRegistration
        {
            ClientId = PartnerClient,
            ClientSecret = PartnerSecret,
            GrantTypes = ["client_credentials"],
            OrganisationId = PartnerOrganisation,
        }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        client?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AuthorizationCodeWithPkce_SignsInThroughTheFormAndTheTokenCallsTheApi()
    {
        var tokens = await client.SignInAsync(SpaClient, "officer.one", Password, Ct);

        var me = await GetMeAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("officer.one", body.GetProperty("name").GetString());
        Assert.Equal("NBO", body.GetProperty("office").GetString());
        Assert.Equal([CaseworkRoles.EligibilityOfficer], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(tokens.TryGetProperty("id_token", out _));
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task RefreshToken_IsRotated_AndTheOldOneIsRefused()
    {
        var tokens = await client.SignInAsync(SpaClient, "officer.one", Password, Ct);
        var first = tokens.GetProperty("refresh_token").GetString()!;

        var refreshed = await client.TokenAsync(Refresh(first), Ct);
        var reuse = await client.TokenResponseAsync(Refresh(first), Ct);

        Assert.NotEqual(first, refreshed.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Contains("invalid_grant", await reuse.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_OfARefreshToken_StopsItFromBeingUsed()
    {
        var tokens = await client.SignInAsync(SpaClient, "officer.one", Password, Ct);
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        using var revoke = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = refresh, ["token_type_hint"] = "refresh_token", ["client_id"] = SpaClient,
        });
        var revoked = await client.Http.PostAsync("/connect/revoke", revoke, Ct);
        var after = await client.TokenResponseAsync(Refresh(refresh), Ct);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_GiveAPartnerSystemATokenForItsOrganisation_ThatIntrospectsAsActive()
    {
        var tokens = await client.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = PartnerClient,
            ["client_secret"] = PartnerSecret,
            ["scope"] = "casework_api",
        }, Ct);
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        var me = await (await GetMeAsync(accessToken)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var introspect = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = accessToken, ["client_id"] = PartnerClient, ["client_secret"] = PartnerSecret,
        });
        var introspection = await (await client.Http.PostAsync("/connect/introspect", introspect, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(PartnerClient, me.GetProperty("subject").GetString());
        Assert.Equal(PartnerOrganisation.ToString(), me.GetProperty("organisation").GetString());
        Assert.Equal([CaseworkClaims.PartnerSystemRole], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(introspection.GetProperty("active").GetBoolean());
    }

    [Theory]
    [InlineData("password")]
    [InlineData("implicit")]
    public async Task UnsupportedGrants_AreRefused(string grant)
    {
        var response = await client.TokenResponseAsync(new Dictionary<string, string>
        {
            ["grant_type"] = grant, ["client_id"] = SpaClient, ["username"] = "officer.one", ["password"] = Password,
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unsupported_grant_type", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplicitFlow_IsRefusedAtTheAuthorizationEndpoint()
    {
        var response = await client.Http.GetAsync(
            $"/connect/authorize?client_id={SpaClient}&response_type=token&redirect_uri={Uri.EscapeDataString(OidcTestClient.RedirectUri)}&scope=openid",
            Ct);

        // Refused either on the spot or by redirecting back with an error; never with a token.
        var location = response.Headers.Location?.ToString() ?? string.Empty;
        Assert.DoesNotContain("access_token", location, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Contains("error=unsupported_response_type", location, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task SignIn_AfterFiveWrongPasswords_LocksTheAccount()
    {
        var login = new Uri("/account/login?ReturnUrl=%2F", UriKind.Relative);
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostLoginAsync(login, "officer.one", "Wrong-Password-1!", Ct);
            Assert.NotEqual(HttpStatusCode.Redirect, wrong.StatusCode);
        }

        var right = await client.PostLoginAsync(login, "officer.one", Password, Ct);

        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoveryDocument_OffersTheCodeFlowWithPkce_ClientCredentials_Refresh_Revocation_AndIntrospection()
    {
        var discovery = await client.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration", Ct);

        string[] Values(string name) => [.. discovery.GetProperty(name).EnumerateArray().Select(v => v.GetString()!)];
        Assert.Equal(["authorization_code", "client_credentials", "refresh_token"], Values("grant_types_supported").Order());
        Assert.Equal(["S256"], Values("code_challenge_methods_supported"));
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "revocation_endpoint", "introspection_endpoint", "jwks_uri" })
        {
            Assert.StartsWith(client.Http.BaseAddress!.ToString().TrimEnd('/'), discovery.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AfterARestart_TheSigningKeysAreTheSame_AndTokensIssuedBeforeStillWork()
    {
        var token = (await client.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = PartnerClient, ["client_secret"] = PartnerSecret, ["scope"] = "casework_api",
        }, Ct)).GetProperty("access_token").GetString()!;
        var keysBefore = await client.Http.GetStringAsync("/.well-known/jwks", Ct);
        var before = await GetMeAsync(token);

        // The site's public URL stays what it was (Auth:Issuer) while the restarted process listens on another port.
        var restarted = factory.Restarted();
        restarted.ExtraSettings["Auth:Issuer"] = client.Http.BaseAddress!.ToString();
        client.Dispose();
        await factory.DisposeAsync();
        Serve(restarted);
        var keysAfter = await client.Http.GetStringAsync("/.well-known/jwks", Ct);
        var after = await GetMeAsync(token);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(keysBefore, keysAfter);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task APlainPkceChallenge_IsRefused()
    {
        var response = await client.Http.GetAsync(
            $"/connect/authorize?client_id={SpaClient}&response_type=code&redirect_uri={Uri.EscapeDataString(OidcTestClient.RedirectUri)}&scope=openid"
            + "&code_challenge=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH&code_challenge_method=plain&state=s", Ct);

        var location = response.Headers.Location?.ToString() ?? string.Empty;
        Assert.DoesNotContain("code=", location.Replace("error_code", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(location.Contains("error=invalid_request", StringComparison.Ordinal) || response.StatusCode == HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode} {location}");
    }

    [Theory]
    [InlineData("short-1A!", "PasswordTooShort")]
    [InlineData("no-digits-here-A!", "PasswordRequiresDigit")]
    [InlineData("no-upper-case-42!", "PasswordRequiresUpper")]
    [InlineData("NoSymbolsAtAll42", "PasswordRequiresNonAlphanumeric")]
    public async Task AWeakPassword_IsRefusedByThePasswordPolicy(string password, string code)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();

        var result = await users.CreateAsync(new CaseworkUser { UserName = "weak.one", OfficeCode = "NBO" }, password);

        Assert.Contains(code, result.Errors.Select(e => e.Code));
        Assert.Null(await users.FindByNameAsync("weak.one"));
    }

    [Fact]
    public async Task Api_WithoutAToken_Answers401()
    {
        var response = await client.Http.GetAsync("/api/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>Runs <paramref name="host"/> on Kestrel at 127.0.0.1 and points the OIDC client at it.</summary>
    private void Serve(CaseworkWebFactory host)
    {
        factory = host;
        factory.UseKestrel(0);
        factory.StartServer();
        using var http = factory.CreateClient();
        client = new OidcTestClient(http.BaseAddress!);
        Assert.Equal("127.0.0.1", http.BaseAddress!.Host is "localhost" ? "127.0.0.1" : http.BaseAddress.Host);
    }

    private Task<HttpResponseMessage> GetMeAsync(string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.Http.SendAsync(request, Ct);
    }

    private static Dictionary<string, string> Refresh(string token) => new()
    {
        ["grant_type"] = "refresh_token", ["refresh_token"] = token, ["client_id"] = SpaClient,
    };

    private static void AssertSucceeded(IdentityResult result) =>
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
}
