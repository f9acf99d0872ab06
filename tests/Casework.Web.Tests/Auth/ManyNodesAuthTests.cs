using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Casework.Web.Features.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Auth;

/// <summary>Two application nodes on one PostgreSQL database, as behind a load balancer: a token from one works on the other.</summary>
public sealed class ManyNodesAuthTests(PostgresFixture postgres)
{
    private const string Issuer = "http://casework.test/";
    private const string PartnerSecret = "partner-secret-of-sufficient-length";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithAConfiguredIssuer_ATokenIssuedByOneNode_IsAcceptedByAnother()
    {
        var (nodeA, a, nodeB, b) = await StartTwoNodesAsync();
        await using var _ = nodeA;
        await using var __ = nodeB;
        await using (var scope = nodeA.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClientRegistrar>().RegisterAsync(new ClientRegistration
            {
                ClientId = "partner-system", ClientSecret = PartnerSecret, GrantTypes = ["client_credentials"],
            }, Ct);
        }

        using var oidc = new OidcTestClient(a);
        var token = (await oidc.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "partner-system", ["client_secret"] = PartnerSecret, ["scope"] = "casework_api",
        }, Ct)).GetProperty("access_token").GetString()!;
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var onA = await http.GetAsync(new Uri(a, "/api/me"), Ct);
        var onB = await http.GetAsync(new Uri(b, "/api/me"), Ct);
        var discoveryB = await http.GetFromJsonAsync<JsonElement>(new Uri(b, "/.well-known/openid-configuration"), Ct);

        Assert.NotEqual(a.Port, b.Port);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Equal(Issuer, discoveryB.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task TheSignInFormFromOneNode_IsAcceptedByAnother_AndItsCookieSignsInThere()
    {
        var (nodeA, a, nodeB, b) = await StartTwoNodesAsync();
        await using var _ = nodeA;
        await using var __ = nodeB;
        await using (var scope = nodeA.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Casework.Data.Identity.CaseworkUser>>();
            var user = new Casework.Data.Identity.CaseworkUser { UserName = "officer.one", OfficeCode = "NBO" };
            Assert.True((await users.CreateAsync(user, "Correct-Horse-42!")).Succeeded);
        }

        // The browser loads the form from node A and the load balancer sends the post to node B (cookies do not
        // depend on the port, so one cookie jar serves both).
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        var page = await browser.GetStringAsync(new Uri(a, "/account/login?ReturnUrl=%2F"), Ct);
        var field = System.Text.RegularExpressions.Regex.Match(page, "name=\"(?<name>__RequestVerificationToken)\"[^>]*value=\"(?<value>[^\"]+)\"");
        Assert.True(field.Success, "The sign-in page has no antiforgery field.");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups["name"].Value] = WebUtility.HtmlDecode(field.Groups["value"].Value),
            ["UserName"] = "officer.one", ["Password"] = "Correct-Horse-42!", ["ReturnUrl"] = "/",
        });
        var signedIn = await browser.PostAsync(new Uri(b, "/account/login"), form, Ct);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(cookies.GetCookies(a).Cast<Cookie>(), c => c.Name == "casework.auth");
        // The nodes share their key ring through the database, not through this machine's disk.
        await using var scopeA = nodeA.Services.CreateAsyncScope();
        var stored = await scopeA.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>().DataProtectionKeys.ToListAsync(Ct);
        var keyA = Assert.Single(nodeA.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>().GetAllKeys());
        var keyB = Assert.Single(nodeB.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>().GetAllKeys());
        Assert.Equal(keyA.KeyId, keyB.KeyId);
        Assert.Equal($"key-{keyA.KeyId}", Assert.Single(stored).FriendlyName);
        Assert.Contains("encryptedSecret", stored[0].Xml, StringComparison.Ordinal); // encrypted at rest with the certificate
        Assert.DoesNotContain("<value>", stored[0].Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIssuerThatIsNotAnAbsoluteUrl_StopsTheHostWithAMessageNamingTheSetting()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        factory.ExtraSettings["Auth:Issuer"] = "casework.test";

        var error = Record.Exception(() => factory.Services);

        Assert.NotNull(error);
        Assert.Contains("Auth:Issuer", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Two nodes on one fresh PostgreSQL database, each on its own port, with the same configured issuer.</summary>
    private async Task<(CaseworkWebFactory NodeA, Uri A, CaseworkWebFactory NodeB, Uri B)> StartTwoNodesAsync()
    {
        postgres.Server.RequireAvailable();
        var database = await postgres.Server.CreateDatabaseAsync("nodes", Ct);
        var nodeA = Node(database);
        var a = Serve(nodeA);
        var nodeB = Node(database);
        return (nodeA, a, nodeB, Serve(nodeB));
    }

    private static CaseworkWebFactory Node(string database)
    {
        var node = CaseworkWebFactory.ForPostgres(database);
        node.ExtraSettings["Auth:Issuer"] = Issuer;
        return node;
    }

    private static Uri Serve(CaseworkWebFactory node)
    {
        node.UseKestrel(0);
        node.StartServer();
        using var client = node.CreateClient();
        return client.BaseAddress!;
    }
}
