using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Casework.Web.Features.Auth;
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
        postgres.Server.RequireAvailable();
        var database = await postgres.Server.CreateDatabaseAsync("nodes", Ct);
        await using var nodeA = Node(database);
        var a = Serve(nodeA);
        await using (var scope = nodeA.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ClientRegistrar>().RegisterAsync(new ClientRegistration
            {
                ClientId = "partner-system", ClientSecret = PartnerSecret, GrantTypes = ["client_credentials"],
            }, Ct);
        }

        await using var nodeB = Node(database);
        var b = Serve(nodeB);
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
    public async Task AnIssuerThatIsNotAnAbsoluteUrl_StopsTheHostWithAMessageNamingTheSetting()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        factory.ExtraSettings["Auth:Issuer"] = "casework.test";

        var error = Record.Exception(() => factory.Services);

        Assert.NotNull(error);
        Assert.Contains("Auth:Issuer", error.ToString(), StringComparison.Ordinal);
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
