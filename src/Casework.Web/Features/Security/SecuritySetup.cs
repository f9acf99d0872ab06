using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Casework.Data.Identity;
using Casework.Web.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Casework.Web.Features.Security;

/// <summary>Settings of <c>Security</c>: sign-in rate limits and allowed cross-origin callers.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Sign-in and token requests allowed per client address per minute, counted in the database across all nodes
    /// (and on each node in memory first); more get 429 with <c>Retry-After</c>.
    /// </summary>
    public int SignInPermitsPerMinute { get; set; } = 30;

    /// <summary>Origins allowed to call the API from a browser. Empty (the default) means none: CORS is closed.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>
    /// Addresses or networks (CIDR) of the reverse proxies and load balancers in front of this node. Their
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> headers give the client's address (audit trail, rate limits)
    /// and the scheme it used; from anyone else the headers are ignored. Empty (the default): no proxy is trusted.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];
}

public static class SecuritySetup
{
    public const string SignInPolicy = "sign-in";
    private const string CorsPolicy = "casework-cors";

    /// <summary>Rate limits on sign-in and token endpoints, antiforgery, CORS (closed unless origins are configured), HSTS.</summary>
    public static WebApplicationBuilder AddCaseworkSecurity(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        builder.Services.AddSingleton(Options.Create(settings));
        var (proxies, networks) = ParseKnownProxies(settings.KnownProxies);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walk back through X-Forwarded-For while the hop that added an entry is a known proxy, and no further.
            options.ForwardLimit = null;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        builder.Services.AddScoped<SignInThrottle>();
        builder.Services.AddAntiforgery(options => options.Cookie.Name = "casework.antiforgery");
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignInPolicy, http => Partition(http, settings.SignInPermitsPerMinute));

            // The token endpoint is answered by the authorization server's middleware before routing picks an
            // endpoint, so it is limited globally by path.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/connect/token")
                    ? Partition(http, settings.SignInPermitsPerMinute)
                    : RateLimitPartition.GetNoLimiter("unlimited"));
        });
        builder.Services.AddCors(options => options.AddPolicy(CorsPolicy, policy =>
        {
            if (settings.CorsOrigins.Count > 0)
            {
                policy.WithOrigins([.. settings.CorsOrigins]).AllowAnyHeader().AllowAnyMethod();
            }
        }));
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        return builder;
    }

    /// <summary>
    /// First in the pipeline: behind known proxies, the client's address and scheme from their forwarded headers, so
    /// that logging, HTTPS redirection, the authorization server, rate limits and the audit trail see the real client.
    /// </summary>
    public static WebApplication UseCaseworkForwardedHeaders(this WebApplication app)
    {
        var forwarding = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersOptions>>().Value;
        if (forwarding.KnownProxies.Count > 0 || forwarding.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>The entries of <c>Security:KnownProxies</c>: addresses and networks; a wrong entry stops the host, named.</summary>
    public static (List<IPAddress> Addresses, List<System.Net.IPNetwork> Networks) ParseKnownProxies(IEnumerable<string> entries)
    {
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries.Select(e => e.Trim()))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
            {
                addresses.Add(address);
            }
            else
            {
                throw new CaseworkConfigurationException(
                    $"{SecurityOptions.Section}:{nameof(SecurityOptions.KnownProxies)}: '{entry}' is neither an IP address nor a network such as 10.0.0.0/24.");
            }
        }

        return (addresses, networks);
    }

    /// <summary>Security middleware, in order: HTTPS and HSTS outside Development, headers, CORS, rate limits.</summary>
    public static WebApplication UseCaseworkSecurity(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; object-src 'none'; base-uri 'self'";
            await next(http);
        });
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();

        // The limiter above counts on this node only; behind a load balancer each node would allow the full limit.
        // This one counts in the database every node shares.
        var permits = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.SignInPermitsPerMinute;
        app.Use(async (http, next) =>
        {
            if (IsSignIn(http) && await http.RequestServices.GetRequiredService<SignInThrottle>()
                    .TryAcquireAsync(http.Connection.RemoteIpAddress, permits, http.RequestAborted) is { } wait)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many sign-in attempts",
                        Detail = $"Too many sign-in attempts from this address. Try again in {seconds} seconds.",
                    },
                });
                return;
            }

            await next(http);
        });
        return app;
    }

    /// <summary>A sign-in form post or a token request (the endpoints under <see cref="SignInPolicy"/>).</summary>
    private static bool IsSignIn(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method)
        && (http.Request.Path.StartsWithSegments("/connect/token")
            || http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == SignInPolicy);

    private static RateLimitPartition<string> Partition(HttpContext http, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
