using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>A corpus of bad payloads against every write endpoint: a 4xx problem each time, never 500, nothing changed.</summary>
public sealed class BadInputTests
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

    [Fact]
    public async Task EveryWriteEndpoint_AnswersBadPayloadsWith4xx_AndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(("supervisor.a", CaseworkRoles.Supervisor));
        var instance = await host.StartClaimAsync("NBO-2026-000800");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var task = await TaskIdAsync(host, ct);
        var writes = new[]
        {
            "POST /api/cases", $"POST /api/tasks/{task}/complete", $"POST /api/tasks/{Guid.NewGuid()}/complete",
            "PUT /api/workflow-definitions/intake/draft", "POST /api/workflow-definitions/intake/draft/validate",
            "POST /api/workflow-definitions/asylum-claim/draft/publish", "POST /api/workflow-definitions/asylum-claim/versions/99/retire",
            $"POST /api/instances/{instance}/incidents/{Guid.NewGuid()}/retry",
        };
        var before = await SnapshotAsync(host, ct);

        var failures = new List<string>();
        foreach (var write in writes)
        {
            foreach (var payload in Payloads)
            {
                var (method, path) = (write.Split(' ')[0], write.Split(' ')[1]);
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                var response = await supervisor.SendAsync(request, ct);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(ct);
                if (status >= 500 || (status >= 400 && !response.Content.Headers.ContentType!.MediaType!.Contains("json", StringComparison.Ordinal)))
                {
                    failures.Add($"{write} with {payload[..Math.Min(40, payload.Length)]}: {status} {body[..Math.Min(200, body.Length)]}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await SnapshotAsync(host, ct));
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
            await db.WorkItems.Select(w => w.Status + ":" + w.ClaimedBy).SingleAsync(ct),
            await db.WorkflowDefinitions.CountAsync(ct), await db.Journal.CountAsync(ct));
    }
}
