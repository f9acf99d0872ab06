using Microsoft.AspNetCore.Hosting;
using System.Net;

namespace Casework.Web.Tests.Api;

/// <summary>Security basics: headers, HTTPS outside Development, sign-in rate limits, antiforgery, CORS closed.</summary>
public sealed class SecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/live", Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopment_PlainHttpIsRedirectedToHttps_AndHttpsAnswersWithHsts()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        await using var production = factory.WithWebHostBuilder(b => b.UseEnvironment("Production").UseSetting("https_port", "443"));
        using var http = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var https = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, BaseAddress = new Uri("https://casework.example.org"),
        });

        var plain = await http.GetAsync("/health/live", Ct);
        var secure = await https.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal("https", plain.Headers.Location!.Scheme);
        Assert.Contains("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint_IsRateLimitedPerClientAddress()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        await using var limited = factory.WithWebHostBuilder(b => b.UseSetting("Security:SignInPermitsPerMinute", "3"));
        using var client = limited.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody" });
            statuses.Add((await client.PostAsync("/connect/token", form, Ct)).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task SignInForm_WithoutItsAntiforgeryToken_IsRefused()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        using var client = factory.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "x", ["Password"] = "y" });

        var response = await client.PostAsync("/account/login", form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Cors_IsClosedByDefault()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        preflight.Headers.Add("Origin", "https://elsewhere.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await client.SendAsync(preflight, Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
