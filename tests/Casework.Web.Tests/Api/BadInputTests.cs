using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>A corpus of bad payloads against every write endpoint: a 4xx problem each time, never 500, nothing changed.</summary>
public sealed partial class BadInputTests(Casework.Testing.PostgresFixture postgres)
{
    private static readonly string[] Payloads =
    [
        "{ not json",
        "[]",
        "\"text\"",
        "{ \"data\": \"not an object\" }",
        "{ \"data\": { \"registeredOn\": 42 } }",
        "{ \"data\": { \"unknownField\": true } }",
        "{ \"bpmn\": 123 }",
        "{ \"bpmn\": \"" + new string('x', 2_100_000) + "\" }",
        "{ \"releaseNote\": \"" + new string('x', 5000) + "\" }",
        "{ \"releaseNote\": [1, 2] }",
        "",
    ];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EveryWriteEndpoint_AnswersBadPayloadsWith4xx_AndChangesNothing(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        var organisation = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var lawyer = await host.ClientForAsync("lawyer.a");
        var (caseId, _) = await ApiHost.RegisterCaseAsync(supervisor);
        var representation = await (await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = organisation }, ct))
            .Content.ReadFromJsonAsync<Guid>(ct);
        var task = await TaskIdAsync(host, ct);
        var instance = await InstanceIdAsync(host, ct);

        // Every write endpoint of the API, found from the routing table so a new one cannot be forgotten. Endpoints that take
        // a body are called on real records; endpoints without one (claim, release, retire, retry) on ids that do not exist,
        // since any payload would do for them.
        var writes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m != "GET")
                .Select(m => (Method: m, Route: e.RoutePattern.RawText!, TakesBody: e.Metadata.GetMetadata<IAcceptsMetadata>() is not null)))
            .ToList();
        string PathFor((string Method, string Route, bool TakesBody) write) => Parameter().Replace(write.Route, m => (m.Value, write.TakesBody) switch
        {
            ("{processId}", _) => write.TakesBody ? "asylum-claim" : "no-such-process",
            ("{version:int}", _) => "99",
            ("{representationId:guid}", true) => representation.ToString(),
            ("{caseId:guid}", true) => caseId.ToString(),
            ("{id:guid}", true) when write.Route.StartsWith("/api/cases", StringComparison.Ordinal) => caseId.ToString(),
            ("{id:guid}", true) when write.Route.StartsWith("/api/tasks", StringComparison.Ordinal) => task.ToString(),
            ("{id:guid}", true) when write.Route.StartsWith("/api/instances", StringComparison.Ordinal) => instance.ToString(),
            _ => Guid.NewGuid().ToString(),
        });
        var before = await SnapshotAsync(host, ct);

        var failures = new List<string>();
        foreach (var write in writes)
        {
            var path = PathFor(write);
            var client = write.Route.StartsWith("/api/partner", StringComparison.Ordinal) ? lawyer : supervisor;
            foreach (var payload in Payloads)
            {
                using var request = new HttpRequestMessage(new HttpMethod(write.Method), path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                var response = await client.SendAsync(request, ct);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(ct);
                if (status >= 500 || status < 400 || !response.Content.Headers.ContentType!.MediaType!.Contains("json", StringComparison.Ordinal))
                {
                    failures.Add($"{write.Method} {path} with {payload[..Math.Min(40, payload.Length)]}: {status} {body[..Math.Min(200, body.Length)]}");
                }
            }
        }

        Assert.True(writes.Count >= 17, $"only {writes.Count} write endpoints found");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await SnapshotAsync(host, ct));
    }

    private static async Task<Guid> InstanceIdAsync(ApiHost host, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Instances.Select(i => i.Id).SingleAsync(ct);
    }

    private static async Task<Guid> TaskIdAsync(ApiHost host, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems.Select(w => w.Id).SingleAsync(ct);
    }

    private static async Task<string> SnapshotAsync(ApiHost host, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return string.Join("|", await db.Instances.Select(i => i.Revision + ":" + i.Status).SingleAsync(ct),
            await db.WorkItems.Select(w => w.Status + ":" + w.ClaimedBy + ":" + w.Assignee).SingleAsync(ct),
            string.Join(",", await db.WorkflowDefinitions.OrderBy(d => d.Id).Select(d => d.Status + ":" + d.Version).ToListAsync(ct)),
            await db.Journal.CountAsync(ct), await db.Cases.CountAsync(ct), await db.FamilyMembers.CountAsync(ct), await db.Documents.CountAsync(ct),
            await db.Representations.Select(r => r.Revoked + ":" + r.ValidUntil).SingleAsync(ct), await db.MigrationJobs.CountAsync(ct),
            await db.Outbox.CountAsync(ct), await db.Corrections.CountAsync(ct), await db.TriageOverrides.CountAsync(ct));
    }

    [GeneratedRegex("{[^}]+}")]
    private static partial Regex Parameter();
}
