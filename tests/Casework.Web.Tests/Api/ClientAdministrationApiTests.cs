using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Web.Tests.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;

namespace Casework.Web.Tests.Api;

/// <summary>
/// Administrators register OAuth clients on SQLite and PostgreSQL: the secret they are given really gets tokens, is shown
/// once, and replacing it or disabling the client ends what was issued before.
/// </summary>
public sealed class ClientAdministrationApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task APartnerSystem_GetsTokensWithTheSecretShownOnce_AndANewSecretOrDisablingEndsWhatWasIssued(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        using var oidc = new OidcTestClient(host.Server);
        var first = await OrganisationAsync(admin, "Refugee Legal Aid");
        var second = await OrganisationAsync(admin, "Asylum Access Partners");

        var created = await admin.PostAsJsonAsync("/api/admin/clients",
            new { clientId = "rla-system", displayName = "RLA case system", grantTypes = new[] { "client_credentials" }, organisationId = first }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore, "An answer with a secret must not be cached.");
        Assert.Equal("/api/admin/clients/rla-system", created.Headers.Location!.OriginalString);
        var issued = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var secret = issued.GetProperty("clientSecret").GetString()!;
        Assert.True(secret.Length >= 43, secret);
        var view = issued.GetProperty("client");
        Assert.True(view.GetProperty("confidential").GetBoolean());
        Assert.Equal(["client_credentials"], view.GetProperty("grantTypes").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("Refugee Legal Aid", view.GetProperty("organisationName").GetString());
        Assert.False(view.GetProperty("disabled").GetBoolean());
        Assert.False(view.GetProperty("configured").GetBoolean());

        // The secret works at the token endpoint, and the token acts for the organisation chosen.
        var token = await TokenAsync(oidc, "rla-system", secret);
        var me = await MeAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(first.ToString(), (await me.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("organisation").GetString());

        // It is never shown again, and only its hash is stored.
        var read = await admin.GetStringAsync("/api/admin/clients/rla-system", Ct);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/clients",
            new { clientId = "aap-system", grantTypes = new[] { "client_credentials" }, organisationId = second }, Ct)).StatusCode);
        var list = await admin.GetStringAsync("/api/admin/clients", Ct);
        Assert.DoesNotContain(secret, read, StringComparison.Ordinal);
        Assert.DoesNotContain("clientSecret", read, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        // Each client in the list with its own organisation's name.
        Assert.Equal(["aap-system: Asylum Access Partners", "api-tests: ", "rla-system: Refugee Legal Aid"],
            JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray()
                .Select(c => $"{c.GetProperty("clientId").GetString()}: {c.GetProperty("organisationName").GetString()}"));
        Assert.NotEqual(secret, (await StoredAsync(host, "rla-system")).ClientSecret);

        // The copy an administrator opens before the secret is renewed (a new secret does not make it stale); the
        // registering answer carried the same tag.
        var tag = (await admin.GetAsync("/api/admin/clients/rla-system", Ct)).Headers.ETag?.Tag;
        Assert.NotNull(tag);
        Assert.Equal(tag, created.Headers.ETag?.Tag);

        // A new secret: the old one and the token it got stop working at once; the new one works.
        var renewed = await admin.PostAsync("/api/admin/clients/rla-system/secret", null, Ct);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.True(renewed.Headers.CacheControl?.NoStore);
        var newSecret = (await renewed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(host, token)).StatusCode);
        Assert.False((await oidc.TokenResponseAsync(ClientCredentials("rla-system", secret), Ct)).IsSuccessStatusCode);
        token = await TokenAsync(oidc, "rla-system", newSecret);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(host, token)).StatusCode);

        // Acting for another organisation: tokens carrying the old one end.
        var moved = await ApiHost.PutAsync(admin, "/api/admin/clients/rla-system", new { displayName = "RLA system", organisationId = second }, tag);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.NotEqual(tag, moved.Headers.ETag?.Tag);
        Assert.Equal("Asylum Access Partners", (await moved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("organisationName").GetString());

        // A second change made on the same copy is refused with nothing saved.
        var stale = await ApiHost.PutAsync(admin, "/api/admin/clients/rla-system", new { displayName = "Renamed", organisationId = second }, tag);
        var problem = await ApiHost.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _), problem.ToString());
        Assert.Equal("RLA system", (await admin.GetFromJsonAsync<JsonElement>("/api/admin/clients/rla-system", Ct)).GetProperty("displayName").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(host, token)).StatusCode);
        token = await TokenAsync(oidc, "rla-system", newSecret);
        Assert.Equal(second.ToString(), (await (await MeAsync(host, token)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("organisation").GetString());

        // Disabled: its token ends and it gets no other; enabled: it does again, with the same secret.
        var disabled = await admin.PostAsync("/api/admin/clients/rla-system/disable", null, Ct);
        Assert.True((await disabled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(host, token)).StatusCode);
        Assert.False((await oidc.TokenResponseAsync(ClientCredentials("rla-system", newSecret), Ct)).IsSuccessStatusCode);
        var enabled = await admin.PostAsync("/api/admin/clients/rla-system/enable", null, Ct);
        Assert.False((await enabled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(host, await TokenAsync(oidc, "rla-system", newSecret))).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnApplicationPeopleSignInTo_IsPublicWithPkce_AndDisablingItEndsTheTokensItGot(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator), ("clerk", CaseworkRoles.RegistrationClerk));
        var admin = await host.ClientForAsync("admin");

        var created = await admin.PostAsJsonAsync("/api/admin/clients", new
        {
            clientId = "field-app", grantTypes = new[] { "authorization_code", "refresh_token" },
            redirectUris = new[] { OidcTestClient.RedirectUri }, postLogoutRedirectUris = new[] { "https://field.example.org/" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(JsonValueKind.Null, issued.GetProperty("clientSecret").ValueKind);
        Assert.False(issued.GetProperty("client").GetProperty("confidential").GetBoolean());
        Assert.Equal([OidcTestClient.RedirectUri], issued.GetProperty("client").GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()));

        // A clerk signs in through it (authorization code with PKCE) and uses the API.
        using var oidc = new OidcTestClient(host.Server);
        var tokens = await oidc.SignInAsync("field-app", "clerk", ApiHost.Password, Ct);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(host, access)).StatusCode);

        // A public client has no secret to replace.
        var noSecret = await ApiHost.AssertProblemAsync(await admin.PostAsync("/api/admin/clients/field-app/secret", null, Ct), HttpStatusCode.Conflict);
        Assert.Contains("public client", noSecret.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Disabled: the clerk's token from it ends, and its refresh token gets nothing; other clients are untouched.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/admin/clients/field-app/disable", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(host, access)).StatusCode);
        var refresh = await oidc.TokenResponseAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "field-app", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        }, Ct);
        Assert.False(refresh.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/clients", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task BadInputNamesTheField_AndRegistersNothing_AndATakenIdIsAConflict(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        var organisationId = await OrganisationAsync(admin, "Refugee Legal Aid");
        string[] system = ["client_credentials"];
        string[] app = ["authorization_code"];
        string[] back = [OidcTestClient.RedirectUri];

        await Refused(new { clientId = "x", grantTypes = system, organisationId }, "clientId");
        await Refused(new { clientId = "bad id!", grantTypes = system, organisationId }, "clientId");
        await Refused(new { clientId = "none-1", grantTypes = Array.Empty<string>(), organisationId }, "grantTypes");
        await Refused(new { clientId = "none-2", grantTypes = new[] { "password" }, organisationId }, "grantTypes");
        await Refused(new { clientId = "none-3", grantTypes = new[] { "refresh_token" }, redirectUris = back }, "grantTypes");
        await Refused(new { clientId = "none-4", grantTypes = new[] { "client_credentials", "authorization_code" }, redirectUris = back, organisationId }, "grantTypes");
        await Refused(new { clientId = "none-5", grantTypes = system, confidential = false, organisationId }, "confidential");
        await Refused(new { clientId = "none-6", grantTypes = system }, "organisationId");
        await Refused(new { clientId = "none-7", grantTypes = system, organisationId = Guid.NewGuid() }, "organisationId");
        await Refused(new { clientId = "none-8", grantTypes = system, organisationId, redirectUris = back }, "redirectUris");
        await Refused(new { clientId = "none-9", grantTypes = app }, "redirectUris");
        await Refused(new { clientId = "none-10", grantTypes = app, redirectUris = new[] { "http://field.example.org/cb" } }, "redirectUris");
        await Refused(new { clientId = "none-11", grantTypes = app, redirectUris = new[] { "https://field.example.org/cb#x" } }, "redirectUris");
        await Refused(new { clientId = "none-12", grantTypes = app, redirectUris = new[] { "/relative" } }, "redirectUris");
        await Refused(new { clientId = "none-13", grantTypes = app, redirectUris = back, postLogoutRedirectUris = new[] { "ftp://x/" } }, "postLogoutRedirectUris");
        await Refused(new { clientId = "none-14", grantTypes = app, redirectUris = back, organisationId }, "organisationId");
        await Refused(new { clientId = "none-15", displayName = new string('n', 201), grantTypes = app, redirectUris = back }, "displayName");

        var clients = await admin.GetFromJsonAsync<JsonElement>("/api/admin/clients", Ct);
        Assert.Equal(["api-tests"], clients.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("clientId").GetString()));

        Assert.Equal(HttpStatusCode.Created,
            (await admin.PostAsJsonAsync("/api/admin/clients", new { clientId = "rla-system", grantTypes = system, organisationId }, Ct)).StatusCode);
        var taken = await ApiHost.AssertProblemAsync(
            await admin.PostAsJsonAsync("/api/admin/clients", new { clientId = "rla-system", grantTypes = system, organisationId }, Ct), HttpStatusCode.Conflict);
        Assert.Equal(("The client was not registered", "The client id 'rla-system' is taken."),
            (taken.GetProperty("title").GetString(), taken.GetProperty("detail").GetString()));

        // A change is checked the same way, and a bad one changes nothing.
        var badChange = await admin.PutAsJsonAsync("/api/admin/clients/rla-system", new { displayName = "Renamed", organisationId = Guid.NewGuid() }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badChange.StatusCode);
        Assert.Equal("rla-system", (await admin.GetFromJsonAsync<JsonElement>("/api/admin/clients/rla-system", Ct)).GetProperty("displayName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/clients/nobody", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/admin/clients/nobody/disable", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/clients?pageSize=0", Ct)).StatusCode);

        Task Refused(object request, string field) => ApiHost.AssertFieldRefusedAsync(admin, "/api/admin/clients", request, field);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AConfiguredClient_IsChangedInTheConfiguration_ButADisablementHereOutlivesARestart(string store)
    {
        var factory = await CaseworkWebFactory.ForStoreAsync(store, postgres);
        factory.ExtraSettings["Auth:Clients:0:ClientId"] = "configured-system";
        factory.ExtraSettings["Auth:Clients:0:ClientSecret"] = "configured-secret-0123456789";
        factory.ExtraSettings["Auth:Clients:0:GrantTypes:0"] = "client_credentials";
        var restarted = factory.Restarted();
        var host = await ApiHost.StartAsync(factory, ("admin", CaseworkRoles.Administrator));
        try
        {
            var admin = await host.ClientForAsync("admin");
            var view = await admin.GetFromJsonAsync<JsonElement>("/api/admin/clients/configured-system", Ct);
            Assert.True(view.GetProperty("configured").GetBoolean());

            foreach (var refused in new[]
            {
                await admin.PutAsJsonAsync("/api/admin/clients/configured-system", new { displayName = "Renamed" }, Ct),
                await admin.PostAsync("/api/admin/clients/configured-system/secret", null, Ct),
            })
            {
                var problem = await ApiHost.AssertProblemAsync(refused, HttpStatusCode.Conflict);
                Assert.Contains("Auth:Clients", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/admin/clients/configured-system/disable", null, Ct)).StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }

        // The next start registers the configured client again, and it stays disabled until an administrator enables it.
        await using var again = await ApiHost.StartAsync(restarted);
        using var oidc = new OidcTestClient(again.Server);
        Assert.False((await oidc.TokenResponseAsync(ClientCredentials("configured-system", "configured-secret-0123456789"), Ct)).IsSuccessStatusCode);
        var adminAgain = await again.ClientForAsync("admin");
        Assert.True((await adminAgain.GetFromJsonAsync<JsonElement>("/api/admin/clients/configured-system", Ct)).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await adminAgain.PostAsync("/api/admin/clients/configured-system/enable", null, Ct)).StatusCode);
        Assert.True((await oidc.TokenResponseAsync(ClientCredentials("configured-system", "configured-secret-0123456789"), Ct)).IsSuccessStatusCode);
    }

    private static async Task<Guid> OrganisationAsync(HttpClient admin, string name)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/organisations", new { name }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>A partner system's token request.</summary>
    internal static Dictionary<string, string> ClientCredentials(string clientId, string secret) => new()
    {
        ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "casework_api",
    };

    private static async Task<string> TokenAsync(OidcTestClient oidc, string clientId, string secret) =>
        (await oidc.TokenAsync(ClientCredentials(clientId, secret), Ct)).GetProperty("access_token").GetString()!;

    private static async Task<HttpResponseMessage> MeAsync(ApiHost host, string accessToken)
    {
        using var http = new HttpClient { BaseAddress = host.Server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await http.GetAsync("/api/me", Ct);
    }

    private static async Task<OpenIddictEntityFrameworkCoreApplication> StoredAsync(ApiHost host, string clientId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>().Set<OpenIddictEntityFrameworkCoreApplication>()
            .AsNoTracking().SingleAsync(a => a.ClientId == clientId, Ct);
    }
}
