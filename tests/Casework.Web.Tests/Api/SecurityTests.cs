using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Features.Security;
using Casework.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Web.Tests.Api;

/// <summary>
/// Security basics over real HTTP (Kestrel on 127.0.0.1), on SQLite and PostgreSQL: headers, HTTPS with HSTS outside
/// Development, rate limits on the token endpoint, antiforgery on the sign-in form, CORS closed, forwarded headers
/// believed from known proxies only.
/// </summary>
public sealed class SecurityTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<CaseworkWebFactory> FactoryAsync(string store) => CaseworkWebFactory.ForStoreAsync(store, postgres);

    /// <summary>Starts <paramref name="factory"/> on Kestrel at 127.0.0.1 (plain HTTP, and HTTPS when asked) and gives its addresses.</summary>
    private static IReadOnlyList<Uri> Serve(CaseworkWebFactory factory, X509Certificate2? https = null)
    {
        factory.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            if (https is not null)
            {
                options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https));
            }
        });
        factory.StartServer();
        return [.. factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];
    }

    private static HttpClient Client(Uri address) => new(new HttpClientHandler
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    }) { BaseAddress = address };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Responses_CarrySecurityHeaders(string store)
    {
        await using var factory = await FactoryAsync(store);
        using var client = Client(Serve(factory)[0]);

        var response = await client.GetAsync("/health/live", Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OutsideDevelopment_PlainHttpIsRedirectedToHttps_AndHttpsAnswersWithHsts(string store)
    {
        using var certificate = LoopbackCertificate();
        await using var factory = await FactoryAsync(store);
        factory.EnvironmentName = "Production";
        var addresses = Serve(factory, certificate);
        using var http = Client(addresses.Single(a => a.Scheme == "http"));
        var httpsAddress = addresses.Single(a => a.Scheme == "https");
        using var https = Client(httpsAddress);

        var plain = await http.GetAsync("/health/live", Ct);
        // HSTS is never sent to loopback host names, so the request names the host the way a browser would.
        using var named = new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Host = "casework.example.org" } };
        var secure = await https.SendAsync(named, Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal(("https", httpsAddress.Port), (plain.Headers.Location!.Scheme, plain.Headers.Location.Port));
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Contains("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TokenEndpoint_IsRateLimitedPerClientAddress(string store)
    {
        await using var factory = await FactoryAsync(store);
        factory.ExtraSettings["Security:SignInPermitsPerMinute"] = "3";
        using var client = Client(Serve(factory)[0]);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody" });
            statuses.Add((await client.PostAsync("/connect/token", form, Ct)).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SignInAttempts_AreCountedAcrossNodes_SharingTheDatabase_PerWindow(string store)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var nodeA = await CaseworkWebFactory.ForStoreAsync(store, postgres, services => services.AddSingleton<TimeProvider>(clock));
        nodeA.ExtraSettings["Security:SignInPermitsPerMinute"] = "3";
        var nodeB = nodeA.Restarted();
        try
        {
            using var a = Client(Serve(nodeA)[0]);
            using var b = Client(Serve(nodeB)[0]);

            // Node A: a sign-in form post (refused for its missing antiforgery token, but an attempt) and two token requests.
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "someone", ["Password"] = "guess" });
            var onA = new List<HttpStatusCode> { (await a.PostAsync("/account/login", form, Ct)).StatusCode };
            onA.Add((await TokenRequestAsync(a)).StatusCode);
            onA.Add((await TokenRequestAsync(a)).StatusCode);
            // Node B has seen nothing from this client, so its own limiter would let this through; the shared count does not.
            using var refused = await TokenRequestAsync(b);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;
            var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);

            Assert.DoesNotContain(HttpStatusCode.TooManyRequests, onA);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Too many sign-in attempts", problem.GetProperty("title").GetString());
            Assert.InRange(retryAfter, 1, 60);
            var row = Assert.Single(await ThrottleRowsAsync(nodeA));
            Assert.Equal(3, row.Attempts);
            Assert.Contains(row.ClientKey, new[] { SignInThrottle.ClientKey(IPAddress.Loopback), SignInThrottle.ClientKey(IPAddress.IPv6Loopback) });

            // The next window allows attempts again, and windows that can no longer count are deleted.
            clock.Advance(SignInThrottle.WindowLength);
            using var nextWindow = await TokenRequestAsync(b);
            clock.Advance(SignInThrottle.WindowLength * 2);
            using var later = await TokenRequestAsync(a);

            Assert.NotEqual(HttpStatusCode.TooManyRequests, nextWindow.StatusCode);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, later.StatusCode);
            var current = clock.GetUtcNow().ToUnixTimeSeconds() / (long)SignInThrottle.WindowLength.TotalSeconds;
            Assert.Equal([(current, 1)], (await ThrottleRowsAsync(nodeA)).Select(r => (r.WindowNumber, r.Attempts)));
        }
        finally
        {
            // Node B owns the temporary files now: it goes last.
            await nodeA.DisposeAsync();
            await nodeB.DisposeAsync();
        }
    }

    private static async Task<HttpResponseMessage> TokenRequestAsync(HttpClient client)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody" });
        return await client.PostAsync("/connect/token", form, Ct);
    }

    private static async Task<List<SignInThrottleRecord>> ThrottleRowsAsync(CaseworkWebFactory node)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().SignInThrottle.AsNoTracking().ToListAsync(Ct);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task BehindAKnownProxy_TheForwardedClientIsAudited_AndEachClientHasItsOwnRateLimit(string store)
    {
        // The test talks from 127.0.0.1, which plays the load balancer.
        var (host, clerk) = await ClerkBehindAsync(store, "clerk.p", knownProxy: "127.0.0.1");
        await using var _ = host;

        await SendFromAsync(clerk, "203.0.113.7", HttpMethod.Get, $"/api/cases/{Guid.NewGuid()}");
        var first = await TokenRequestsFromAsync(host.Server, "203.0.113.7", 4);
        var second = await TokenRequestsFromAsync(host.Server, "203.0.113.8", 1);

        Assert.Equal("203.0.113.7", await LastAuditedAddressAsync(host, "clerk.p"));
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, first.Take(3));
        Assert.Equal(HttpStatusCode.TooManyRequests, first[^1]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, second.Single());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task WithoutKnownProxies_ForwardedHeadersAreIgnored(string store)
    {
        var (host, clerk) = await ClerkBehindAsync(store, "clerk.q", knownProxy: null);
        await using var _ = host;

        await SendFromAsync(clerk, "203.0.113.7", HttpMethod.Get, $"/api/cases/{Guid.NewGuid()}");
        // A caller cannot buy more attempts by claiming other addresses.
        var statuses = new List<HttpStatusCode>();
        foreach (var claimed in new[] { "203.0.113.7", "203.0.113.8", "203.0.113.9", "203.0.113.10" })
        {
            statuses.AddRange(await TokenRequestsFromAsync(host.Server, claimed, 1));
        }

        Assert.Equal("127.0.0.1", await LastAuditedAddressAsync(host, "clerk.q"));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task HttpsEndedAtAKnownProxy_IsHttpsToTheNode_AndToTheAuthorizationServer(string store)
    {
        await using var trusting = await FactoryAsync(store);
        trusting.EnvironmentName = "Production";
        trusting.ExtraSettings["Security:KnownProxies:0"] = "127.0.0.0/8";
        trusting.ExtraSettings["https_port"] = "443"; // where plain HTTP is sent: the site's public HTTPS port
        using var behindProxy = Client(Serve(trusting)[0]);
        await using var untrusting = await FactoryAsync(store);
        untrusting.EnvironmentName = "Production";
        untrusting.ExtraSettings["https_port"] = "443";
        using var direct = Client(Serve(untrusting)[0]);

        var health = await SendFromAsync(behindProxy, "203.0.113.7", HttpMethod.Get, "/health/live", proto: "https");
        var discovery = await SendFromAsync(behindProxy, "203.0.113.7", HttpMethod.Get, "/.well-known/openid-configuration", proto: "https");
        var plain = await SendFromAsync(behindProxy, "203.0.113.7", HttpMethod.Get, "/health/live");
        var claimed = await SendFromAsync(direct, "203.0.113.7", HttpMethod.Get, "/health/live", proto: "https");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        var issuer = JsonDocument.Parse(await discovery.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("issuer").GetString();
        Assert.StartsWith("https://", issuer, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.TemporaryRedirect, "https", 443), (plain.StatusCode, plain.Headers.Location?.Scheme, plain.Headers.Location?.Port));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, claimed.StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.5, 10.1.0.0/16, ::1, fd00::/8", 2, 2)]
    [InlineData("", 0, 0)]
    public void KnownProxies_AreAddressesOrNetworks(string entries, int addresses, int networks)
    {
        var parsed = SecuritySetup.ParseKnownProxies(entries.Split(',', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal((addresses, networks), (parsed.Addresses.Count, parsed.Networks.Count));
    }

    [Theory]
    [InlineData("proxy.example.org")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.300")]
    public void AWrongKnownProxy_StopsTheHost_Named(string entry)
    {
        var error = Assert.Throws<CaseworkConfigurationException>(() => SecuritySetup.ParseKnownProxies(["10.0.0.5", entry]));

        Assert.Contains($"Security:KnownProxies: '{entry}'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The application with three sign-in attempts a minute and a signed-in clerk, trusting <paramref name="knownProxy"/> if given.</summary>
    private async Task<(ApiHost Host, HttpClient Clerk)> ClerkBehindAsync(string store, string clerk, string? knownProxy)
    {
        var factory = await FactoryAsync(store);
        factory.ExtraSettings["Security:SignInPermitsPerMinute"] = "3";
        if (knownProxy is not null)
        {
            factory.ExtraSettings["Security:KnownProxies:0"] = knownProxy;
        }

        var host = await ApiHost.StartAsync(factory, (clerk, CaseworkRoles.RegistrationClerk));
        return (host, await host.ClientForAsync(clerk));
    }

    private static async Task<HttpResponseMessage> SendFromAsync(HttpClient client, string forwardedFor, HttpMethod method, string path,
        string? proto = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (proto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", proto);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<List<HttpStatusCode>> TokenRequestsFromAsync(Uri server, string forwardedFor, int count)
    {
        using var client = Client(server);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "nobody" }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            statuses.Add((await client.SendAsync(request, Ct)).StatusCode);
        }

        return statuses;
    }

    private static async Task<string?> LastAuditedAddressAsync(ApiHost host, string user)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.AuditEntries.Where(a => a.Actor == user).OrderByDescending(a => a.Id).Select(a => a.RemoteAddress).FirstAsync(Ct);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SignInForm_WithoutItsAntiforgeryToken_IsRefused(string store)
    {
        await using var factory = await FactoryAsync(store);
        using var client = Client(Serve(factory)[0]);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "x", ["Password"] = "y" });

        var response = await client.PostAsync("/account/login", form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Cors_IsClosedByDefault(string store)
    {
        await using var factory = await FactoryAsync(store);
        using var client = Client(Serve(factory)[0]);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        preflight.Headers.Add("Origin", "https://elsewhere.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await client.SendAsync(preflight, Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static X509Certificate2 LoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        // Kestrel needs the private key in a form the platform's TLS stack can use.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
