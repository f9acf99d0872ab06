using System.Security.Claims;
using Casework.Web.Features.Auth;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Web.Features.Me;

/// <summary><c>GET /api/me</c>: who the caller is, as the API sees them (subject, name, roles, office, organisation).</summary>
public static class GetMe
{
    public sealed record Response(string Subject, string? Name, IReadOnlyList<string> Roles, string? Office, string? Organisation);

    public static IEndpointRouteBuilder MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", Handle)
            .RequireAuthorization()
            .WithName("GetMe")
            .WithTags("Me")
            .WithSummary("The signed-in caller.");
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<Response> Handle(ClaimsPrincipal user) =>
        TypedResults.Ok(new Response(
            user.GetClaim(Claims.Subject) ?? string.Empty,
            user.GetClaim(Claims.Name),
            [.. user.GetClaims(Claims.Role)],
            user.GetClaim(CaseworkClaims.Office),
            user.GetClaim(CaseworkClaims.Organisation)));
}
