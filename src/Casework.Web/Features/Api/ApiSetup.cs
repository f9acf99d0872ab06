using System.Security.Claims;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Scalar.AspNetCore;

namespace Casework.Web.Features.Api;

/// <summary>Authorization policies by role, problem details for every error, the OpenAPI document and its reference page.</summary>
public static class ApiSetup
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

    /// <summary>Unhandled exceptions become problem details; a domain rule becomes 422 naming the rule. Never a stack trace.</summary>
    public static WebApplication UseCaseworkProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
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
                        BadHttpRequestException bad => new() { Title = "The request could not be read.", Detail = bad.Message },
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
