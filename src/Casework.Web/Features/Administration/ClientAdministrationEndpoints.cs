using Casework.Web.Features.Api;
using Casework.Web.Features.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Casework.Web.Features.Administration;

/// <summary>
/// The administrator's API for OAuth clients (under <c>/api/admin</c>). An answer that carries a newly issued secret is
/// never stored by a cache (<c>Cache-Control: no-store</c>); no other answer carries it.
/// </summary>
internal static class ClientAdministrationEndpoints
{
    public static RouteGroupBuilder MapClientAdministration(this RouteGroupBuilder group)
    {
        group.MapGet("/clients", ListAsync).WithSummary("The OAuth clients: partner systems and applications people sign in to, paged.");
        group.MapGet("/clients/{clientId}", GetAsync).WithSummary("One client: type, grants, addresses, organisation, disabled or not.");
        group.MapPost("/clients", CreateAsync).WithSummary("Register a client; a confidential one's secret is in this answer and never shown again.");
        group.MapPut("/clients/{clientId}", UpdateAsync)
            .WithSummary("Change a client's name, addresses or organisation (its ETag as If-Match; not one from Auth:Clients).");
        group.MapPost("/clients/{clientId}/secret", NewSecretAsync)
            .WithSummary("Issue a new secret (shown once); the old one and the client's tokens stop working at once.");
        group.MapPost("/clients/{clientId}/disable", DisableAsync).WithSummary("No more tokens for the client; those it has end at once.");
        group.MapPost("/clients/{clientId}/enable", EnableAsync).WithSummary("Let a disabled client ask for tokens again.");
        return group;
    }

    private static async Task<Results<Ok<Page<ClientView>>, ValidationProblem>> ListAsync(ClientAdministration clients, CancellationToken cancellationToken,
        int page = 1, int pageSize = 50)
    {
        if (QueueEndpoints.Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var (items, total) = await clients.ListAsync(page, pageSize, cancellationToken);
        return TypedResults.Ok(new Page<ClientView>(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<ClientView>, NotFound>> GetAsync(string clientId, ClientAdministration clients, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (await clients.GetAsync(clientId, cancellationToken) is not { } client)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = EntityTags.Quoted(ClientAdministration.TagOf(client));
        return TypedResults.Ok(client);
    }

    private static async Task<Results<Created<IssuedClient>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateClientRequest request,
        ClientAdministration clients, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await clients.CreateAsync(request, cancellationToken);
        switch (outcome.Kind)
        {
            case AdminResult.Done:
                http.Response.Headers.CacheControl = "no-store";
                http.Response.Headers.ETag = EntityTags.Quoted(ClientAdministration.TagOf(outcome.Client!));
                return TypedResults.Created($"/api/admin/clients/{Uri.EscapeDataString(outcome.Client!.ClientId)}", new IssuedClient(outcome.Client, outcome.Secret));
            case AdminResult.Conflict:
                return Problems.Conflict("The client was not registered", outcome.Message);
            default:
                return TypedResults.ValidationProblem(outcome.Errors!);
        }
    }

    private static async Task<Results<Ok<ClientView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(string clientId,
        UpdateClientRequest request, ClientAdministration clients, HttpContext http, CancellationToken cancellationToken,
        [FromHeader(Name = "If-Match")] string? ifMatch = null)
    {
        var outcome = await clients.UpdateAsync(clientId, request, EntityTags.Opaque(ifMatch), cancellationToken);
        if (outcome.Kind == AdminResult.Done)
        {
            http.Response.Headers.ETag = EntityTags.Quoted(ClientAdministration.TagOf(outcome.Client!));
        }

        return Answer(outcome, o => o.Client!);
    }

    private static async Task<Results<Ok<IssuedClient>, NotFound, ValidationProblem, ProblemHttpResult>> NewSecretAsync(string clientId,
        ClientAdministration clients, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await clients.NewSecretAsync(clientId, cancellationToken);
        if (outcome.Kind == AdminResult.Done)
        {
            http.Response.Headers.CacheControl = "no-store";
        }

        return Answer(outcome, o => new IssuedClient(o.Client!, o.Secret));
    }

    private static async Task<Results<Ok<ClientView>, NotFound, ValidationProblem, ProblemHttpResult>> DisableAsync(string clientId,
        ClientAdministration clients, CancellationToken cancellationToken) =>
        Answer(await clients.DisableAsync(clientId, cancellationToken), o => o.Client!);

    private static async Task<Results<Ok<ClientView>, NotFound, ValidationProblem, ProblemHttpResult>> EnableAsync(string clientId,
        ClientAdministration clients, CancellationToken cancellationToken) =>
        Answer(await clients.EnableAsync(clientId, cancellationToken), o => o.Client!);

    private static Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult> Answer<T>(ClientOutcome outcome, Func<ClientOutcome, T> body) =>
        outcome.Kind switch
        {
            AdminResult.Done => TypedResults.Ok(body(outcome)),
            AdminResult.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
            AdminResult.Conflict => Problems.Conflict("The client was not changed", outcome.Message),
            AdminResult.Stale => EntityTags.Stale("The client was not changed", outcome.Message!),
            _ => TypedResults.NotFound(),
        };
}
