using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Scalar.AspNetCore;

namespace Casework.Web.Features.Api;

/// <summary>Authorization policies by role, problem details for every error, the OpenAPI document and its reference page.</summary>
public static partial class ApiSetup
{
    public const string Staff = "staff";
    public const string CaseWorkers = "case-workers";
    public const string Supervisors = "supervisors";
    public const string Readers = "readers";
    public const string Overseers = "overseers";
    private const string BearerScheme = "Bearer";

    public static WebApplicationBuilder AddCaseworkApi(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        // A body or parameter that cannot be read reaches the problem-details handler, which says what could not be read
        // (otherwise the endpoint answers a bare 400 in every environment but Development).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            // A bare status (an unknown id, a missing or insufficient token) still says why, as every refusal does.
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "The request carries no valid access token; sign in and send it again.",
                StatusCodes.Status403Forbidden => "Your roles do not allow this.",
                StatusCodes.Status404NotFound =>
                    $"There is nothing at {context.HttpContext.Request.Path} that you can see: it does not exist, was removed, or is not yours to see.",
                StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not answered at {context.HttpContext.Request.Path}.",
                StatusCodes.Status400BadRequest when context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } =>
                    "Nothing was saved: each field that does not hold is named under errors, with what it needs.",
                StatusCodes.Status400BadRequest => $"The request could not be read; nothing was saved. {SeeReference}",
                StatusCodes.Status415UnsupportedMediaType => $"Send the body as application/json. {SeeReference}",
                _ => null,
            };
        });
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Casework API";
                document.Info.Description = "Case management for asylum claims. Every endpoint needs a bearer token from this server's /connect/token.";
                document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new Microsoft.OpenApi.OpenApiSecurityScheme
                {
                    Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An access token from /connect/token (authorization code with PKCE, or client credentials).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // Each operation says how it is protected: the bearer scheme and its policy (roles), or nothing for anonymous.
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
                {
                    return Task.CompletedTask;
                }

                var policies = metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy ?? "authenticated").Distinct().ToList();
                if (policies.Count > 0)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement
                    {
                        [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                    operation.Description = (operation.Description is null ? string.Empty : operation.Description + " ") + "Policy: " + string.Join(", ", policies) + ".";
                }

                return Task.CompletedTask;
            });
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Staff, p => p.RequireRole(CaseworkRoles.RegistrationClerk, CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor, CaseworkRoles.Administrator))
            .AddPolicy(CaseWorkers, p => p.RequireRole(CaseworkRoles.RegistrationClerk, CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor))
            .AddPolicy(Supervisors, p => p.RequireRole(CaseworkRoles.Supervisor))
            // Administrators manage users, clients and rule packs; case data is not theirs to read.
            .AddPolicy(Readers, p => p.RequireRole(CaseworkRoles.RegistrationClerk, CaseworkRoles.EligibilityOfficer, CaseworkRoles.Supervisor, CaseworkRoles.Auditor))
            // A workflow instance's internals (its tokens, journal and incidents) name every element the case passed,
            // the senior exclusion review included: supervisors and auditors only. Clerks and officers have the case.
            .AddPolicy(Overseers, p => p.RequireRole(CaseworkRoles.Supervisor, CaseworkRoles.Auditor));
        return builder;
    }

    /// <summary>The status an unhandled exception answers: 422 for a domain rule, 503 (try again) when the database gave up for
    /// the moment, the request's own status when it could not be read, else 500. The API and the screens alike.</summary>
    public static int StatusFor(Exception exception) =>
        exception is DomainException ? StatusCodes.Status422UnprocessableEntity
        : exception is BadHttpRequestException bad ? bad.StatusCode
        : DbErrors.IsTransient(exception) ? StatusCodes.Status503ServiceUnavailable
        : StatusCodes.Status500InternalServerError;

    /// <summary>
    /// The group every API endpoint is mapped on. A request the database ended to settle a clash with another writer (a
    /// deadlock between two clerks' changes) is run again on the server, with the arguments it was bound to, before it is
    /// answered 503: nothing of the failed attempt was kept, and the caller gets the answer. A SQLite file still busy
    /// after the connection's busy timeout is answered 503 at once (<see cref="DbErrors.IsClashWithAnotherWriter"/>).
    /// </summary>
    public static RouteGroupBuilder MapCaseworkApi(this WebApplication app) =>
        app.MapGroup(string.Empty).AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            var db = http.RequestServices.GetRequiredService<CaseworkDbContext>();
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiSetup));
            return await WriterClash.AgainAfterClashAsync(db, logger, "an API request", () => next(context).AsTask(), http.RequestAborted,
                mayRunAgain: () => !http.Response.HasStarted);
        });

    /// <summary>Unhandled exceptions become problem details; a domain rule becomes 422 naming the rule. Never a stack trace.</summary>
    public static WebApplication UseCaseworkProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
            // The caller's mistake, answered as such: not logged as our error (the framework's message may quote what was sent).
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
            ExceptionHandler = async http =>
            {
                var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                var transient = error is not null && DbErrors.IsTransient(error);
                if (transient)
                {
                    http.Response.Headers.RetryAfter = "1";
                }

                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    Exception = error,
                    ProblemDetails = error switch
                    {
                        DomainException rule => new() { Title = Problems.RuleTitle, Detail = rule.Message, Type = Problems.RuleType + rule.Code, Extensions = { ["rule"] = rule.Code } },
                        BadHttpRequestException bad => Unreadable(http, bad),
                        _ when transient => new()
                        {
                            Title = "The database was busy; try again.",
                            Detail = "Another change to the same records ran at the same moment, or the database could not be reached. Nothing of this request was saved; send it again.",
                        },
                        _ => new()
                        {
                            Title = "Something went wrong on our side; nothing was saved.",
                            Detail = "If it happens again, give support this answer's traceId.",
                        },
                    },
                });
            },
        });
        app.UseStatusCodePages();
        return app;
    }

    private const string SeeReference = "The API reference (/scalar/v1) gives each endpoint's parameters and body.";

    /// <summary>
    /// Why a request could not be read, naming the body's field or the parameter, never quoting what was sent (it may be
    /// personal data).
    /// </summary>
    private static ProblemDetails Unreadable(HttpContext http, BadHttpRequestException bad)
    {
        const string Title = "The request could not be read.";
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            var sent = http.Request.ContentType is { Length: > 0 } type ? $"this request sent {type.Split(';')[0].Trim()}" : "this request named no content type";
            return new() { Title = "The body is not JSON.", Detail = $"Send the body as application/json; {sent}. Nothing was saved." };
        }

        if (bad.InnerException is JsonException json)
        {
            // A reader error (malformed JSON) comes wrapped in a second JsonException; a value of the wrong type does not.
            var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            if (json.InnerException is JsonException || field is null)
            {
                var at = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
                return new() { Title = Title, Detail = $"The body is not well-formed JSON{at}; nothing was saved." };
            }

            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = ["Not a value of the type this field takes."] })
            {
                Title = Title,
                Detail = $"'{field}' is not a value of the type it takes; nothing was saved. {SeeReference}",
            };
        }

        if (http.Request.ContentLength == 0 && (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method)))
        {
            return new() { Title = Title, Detail = $"The request has no body; this endpoint takes a JSON body. {SeeReference}" };
        }

        return new()
        {
            Title = Title,
            Detail = ParameterName().Match(bad.Message) is { Success: true } m
                ? $"The parameter '{m.Groups["name"].Value}' is missing or not of the type it takes; nothing was saved. {SeeReference}"
                : $"Nothing was saved. {SeeReference}",
        };
    }

    /// <summary>The parameter the framework's message names (<c>parameter "Type name"</c>), without the value it quotes.</summary>
    [GeneratedRegex(@"parameter ""(?:[^"" ]+ )?(?<name>[^"" ]+)""")]
    private static partial Regex ParameterName();

    public static WebApplication MapCaseworkApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        return app;
    }

    public static string UserName(this ClaimsPrincipal user) =>
        user.FindFirst(OpenIddict.Abstractions.OpenIddictConstants.Claims.Name)?.Value
        ?? user.FindFirst(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject)?.Value
        ?? throw new InvalidOperationException("An authenticated caller without a name.");
}
