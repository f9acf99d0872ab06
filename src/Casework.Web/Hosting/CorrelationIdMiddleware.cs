using System.Diagnostics;
using Serilog.Context;

namespace Casework.Web.Hosting;

/// <summary>
/// Gives every request a correlation id: the caller's <c>X-Correlation-ID</c> when it is a safe token
/// (letters, digits, '-', '_', '.', ':', at most 64), otherwise a new one. The id is on every log event of the
/// request and in the response header.
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-ID";
    private const int MaxLength = 64;

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var id = IsSafe(incoming) ? incoming : Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        using (LogContext.PushProperty("CorrelationId", id))
        {
            await next(context);
        }
    }

    private static bool IsSafe(string value) =>
        value.Length is > 0 and <= MaxLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
