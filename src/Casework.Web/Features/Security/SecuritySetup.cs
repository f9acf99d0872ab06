using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Casework.Web.Features.Security;

/// <summary>Settings of <c>Security</c>: sign-in rate limits and allowed cross-origin callers.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Sign-in and token requests allowed per client address per minute; more get 429.</summary>
    public int SignInPermitsPerMinute { get; set; } = 30;

    /// <summary>Origins allowed to call the API from a browser. Empty (the default) means none: CORS is closed.</summary>
    public List<string> CorsOrigins { get; set; } = [];
}

public static class SecuritySetup
{
    public const string SignInPolicy = "sign-in";
    private const string CorsPolicy = "casework-cors";

    /// <summary>Rate limits on sign-in and token endpoints, antiforgery, CORS (closed unless origins are configured), HSTS.</summary>
    public static WebApplicationBuilder AddCaseworkSecurity(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
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
            headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'";
            await next(http);
        });
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext http, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
