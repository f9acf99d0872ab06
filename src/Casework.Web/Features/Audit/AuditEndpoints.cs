using Casework.Data;
using Casework.Data.Audit;
using Casework.Data.Identity;
using Casework.Web.Features.Api;
using Casework.Web.Features.Queues;
using Casework.Web.Hosting;
using Casework.Web.Ui;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Casework.Web.Features.Audit;

/// <summary>
/// Records every read and write of case data (tasks, queues, instances) and of user accounts in the hash-chained audit trail: who, when,
/// what (method and path, never the body or query), from where, and the answer's status. Auditors verify the chain.
/// </summary>
public static class AuditEndpoints
{
    public const string Auditors = "auditors";

    /// <summary>
    /// The paths whose requests are audited: everything that reads or changes a case, its tasks, interviews or workflow instance
    /// (case numbers in a calendar or a migration plan included), the audit trail itself, administration and the procedure's
    /// definitions. Not audited: signing in and out, tokens, the caller's own account, health, the API description, static files
    /// and the statistics (counts with no case in them).
    /// </summary>
    private static readonly string[] CaseData =
    [
        "/api/cases", "/api/tasks", "/api/queues", "/api/instances", "/api/partner", "/api/admin", "/api/audit/entries", "/api/audit/export",
        "/api/interviews", "/api/me/interviews", "/api/workflow-definitions", "/api/migrations",
        "/audit", "/queue", "/tasks", "/partner", "/representations", "/cases", "/admin", "/interviews", "/workflows",
    ];

    /// <summary>Whether requests to <paramref name="path"/> are written to the audit trail.</summary>
    internal static bool IsAudited(PathString path) => CaseData.Any(prefix => path.StartsWithSegments(prefix));

    public static WebApplicationBuilder AddCaseworkAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditEntries>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Auditors, p => p.RequireRole(CaseworkRoles.Auditor, CaseworkRoles.Administrator));
        return builder;
    }

    public static WebApplication UseCaseworkAudit(this WebApplication app)
    {
        app.UseWhen(http => IsAudited(http.Request.Path), branch => branch.Use(async (http, next) =>
        {
            await next(http);
            var user = http.User.Identity?.IsAuthenticated == true ? http.User.UserName() : "anonymous";
            var action = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? "read" : "write";
            var caseIds = await AuditedCase.OfAsync(http, http.RequestServices.GetRequiredService<CaseworkDbContext>(), CancellationToken.None);
            await http.RequestServices.GetRequiredService<AuditTrail>().AppendAsync(user, action, $"{http.Request.Method} {http.Request.Path}",
                http.Connection.RemoteIpAddress?.ToString(), http.Response.Headers[CorrelationIdMiddleware.HeaderName].ToString(),
                http.Response.StatusCode, caseIds, CancellationToken.None);
        }));
        return app;
    }

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit/verify", async (AuditTrail trail, CancellationToken cancellationToken) =>
                TypedResults.Ok(await trail.VerifyAsync(cancellationToken)))
            .WithTags("Audit").RequireAuthorization(Auditors).WithSummary("Recomputes the hash chain; names the first altered entry.");
        app.MapGet("/api/audit/entries", SearchAsync).WithTags("Audit").RequireAuthorization(Auditors)
            .WithSummary("The audit trail newest first, by account, case (its number or id), path piece, read or write and day; reading it is audited too.");
        app.MapGet("/api/audit/export", ExportAsync).WithTags("Audit").RequireAuthorization(Auditors)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("Every entry the same filters find, newest first, as a CSV file; exporting is audited too.");

        // The same file for the Audit trail screen, which signs in with the cookie rather than a bearer token.
        app.MapGet("/audit/export", ExportAsync).RequireAuthorization(UiSetup.AuditPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem>> ExportAsync(AuditEntries entries, TimeProvider clock,
        HttpContext http, string? actor = null, string? resource = null, string? action = null, string? from = null, string? to = null,
        [FromQuery(Name = "case")] string? caseRef = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (await entries.CheckAsync(new AuditQuery(actor, resource, action, from, to, caseRef), errors, http.RequestAborted) is not { } filter)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Stream(body => AuditCsv.WriteAsync(body, entries.AllAsync(filter), http.RequestAborted), AuditCsv.ContentType,
            AuditCsv.FileName(clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<Page<AuditEntryView>>, ValidationProblem>> SearchAsync(AuditEntries entries, CancellationToken cancellationToken,
        string? actor = null, string? resource = null, string? action = null, string? from = null, string? to = null, [FromQuery(Name = "case")] string? caseRef = null,
        int page = 1, int pageSize = 50)
    {
        if (QueueEndpoints.Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var errors = new Dictionary<string, string[]>();
        return await entries.CheckAsync(new AuditQuery(actor, resource, action, from, to, caseRef), errors, cancellationToken) is { } filter
            ? TypedResults.Ok(await entries.SearchAsync(filter, page, pageSize, cancellationToken))
            : TypedResults.ValidationProblem(errors);
    }
}
