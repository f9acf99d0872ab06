using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

public sealed class DefinitionApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Intake = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cw="urn:casework:bpmn" id="d" targetNamespace="urn:t">
          <bpmn:process id="intake" isExecutable="true">
            <bpmn:startEvent id="s" />
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="check" />
            <bpmn:userTask id="check" name="Check" cw:candidateRoles="RegistrationClerk" cw:due="P3D" />
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="e" />
            <bpmn:endEvent id="e" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoSupervisorsSavingTheFirstDraftOfAProcessAtOnce_BothSucceed_AndOneDraftRemains(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor), ("supervisor.b", CaseworkRoles.Supervisor));
        HttpClient[] supervisors = [await host.ClientForAsync("supervisor.a"), await host.ClientForAsync("supervisor.b")];

        for (var round = 1; round <= 6; round++)
        {
            var process = $"intake-{round}";
            var answers = await ApiHost.AtOnceAsync(supervisors.Length, n => supervisors[n].PutAsJsonAsync($"/api/workflow-definitions/{process}/draft",
                new { bpmn = Intake.Replace("\"intake\"", $"\"{process}\"", StringComparison.Ordinal).Replace("P3D", $"P{n + 1}D", StringComparison.Ordinal) }, Ct));

            foreach (var answer in answers)
            {
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync(Ct)}");
            }

            // Without If-Match the later save wins, as it does one after the other; there is one draft, one of the two.
            var saved = await supervisors[0].GetStringAsync($"/api/workflow-definitions/{process}/versions/0/bpmn", Ct);
            Assert.True(saved.Contains("P1D", StringComparison.Ordinal) ^ saved.Contains("P2D", StringComparison.Ordinal), saved);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoSupervisorsPublishingTheSameDraftAtOnce_PublishItOnce_AndNeitherGetsAnError(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor), ("supervisor.b", CaseworkRoles.Supervisor));
        HttpClient[] supervisors = [await host.ClientForAsync("supervisor.a"), await host.ClientForAsync("supervisor.b")];
        const int Rounds = 6;

        for (var round = 1; round <= Rounds; round++)
        {
            var draft = Intake.Replace("P3D", $"P{round}D", StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await supervisors[0].PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = draft }, Ct)).StatusCode);
            var answers = await ApiHost.AtOnceAsync(supervisors.Length,
                n => supervisors[n].PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = $"round {round}" }, Ct));

            // One of them publishes the draft; the other finds it published (nothing new) or gone (no draft left to publish).
            foreach (var answer in answers)
            {
                Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity,
                    $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync(Ct)}");
            }

            var published = new List<int>();
            foreach (var answer in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
            {
                published.AddRange((await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
            }

            Assert.Equal([round], published);
        }

        var versions = await supervisors[1].GetFromJsonAsync<JsonElement>("/api/workflow-definitions/intake/versions", Ct);
        Assert.Equal(Enumerable.Range(1, Rounds), versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).Order());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Supervisor_DraftsValidatesPublishesAndDiffsVersions_AnInvalidDraftIsRefusedWithElementProblems(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor), ("clerk.a", CaseworkRoles.RegistrationClerk));
        var supervisor = await host.ClientForAsync("supervisor.a");
        var clerk = await host.ClientForAsync("clerk.a");

        var broken = Intake.Replace("cw:due=\"P3D\"", "cw:due=\"three days\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = broken }, Ct)).StatusCode);
        var report = await (await supervisor.PostAsync("/api/workflow-definitions/intake/draft/validate", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var refused = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "first" }, Ct);

        Assert.False(report.GetProperty("valid").GetBoolean());
        Assert.Equal("check", report.GetProperty("problems")[0].GetProperty("elementId").GetString());
        var refusal = await ApiHost.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("check", refusal.GetProperty("problems")[0].GetProperty("elementId").GetString());

        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = Intake }, Ct);
        var forbidden = await clerk.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "x" }, Ct);
        var v1 = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "first" }, Ct);
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = Intake.Replace("P3D", "P5D", StringComparison.Ordinal) }, Ct);
        var v2 = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "longer" }, Ct);
        var diff = await supervisor.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/intake/diff?from=1&to=2", Ct);
        var bpmn = await clerk.GetStringAsync("/api/workflow-definitions/intake/versions/2/bpmn", Ct);
        var versions = await clerk.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/intake/versions", Ct);
        var unknown = await clerk.GetAsync("/api/workflow-definitions/no-such-process/versions", Ct);
        var badId = await supervisor.PutAsJsonAsync("/api/workflow-definitions/Intake_2/draft", new { bpmn = Intake }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal(2, (await v2.Content.ReadFromJsonAsync<JsonElement>(Ct))[0].GetProperty("version").GetInt32());
        Assert.Equal(["check"], diff.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(diff.GetProperty("added").EnumerateArray());
        Assert.Contains("P5D", bpmn, StringComparison.Ordinal);
        Assert.Equal([(2, "Published", "longer"), (1, "Published", "first")],
            versions.EnumerateArray().Where(v => v.GetProperty("version").GetInt32() > 0)
                .Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("status").GetString(), v.GetProperty("releaseNote").GetString())));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // A new process id the screens could not address is refused, naming the field, and nothing is written.
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.True((await badId.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("processId", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await clerk.GetAsync("/api/workflow-definitions/Intake_2/versions/0/bpmn", Ct)).StatusCode);

        // Retiring: an older version goes; the only published version left stays, or no new intake could start.
        var retired = await supervisor.PostAsync("/api/workflow-definitions/intake/versions/1/retire", null, Ct);
        var again = await supervisor.PostAsync("/api/workflow-definitions/intake/versions/1/retire", null, Ct);
        var last = await supervisor.PostAsync("/api/workflow-definitions/intake/versions/2/retire", null, Ct);
        var problem = await last.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var after = await clerk.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/intake/versions", Ct);

        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await ApiHost.AssertProblemAsync(last, HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        Assert.Contains("only published version of intake", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([(2, "Published"), (1, "Retired")],
            after.EnumerateArray().Where(v => v.GetProperty("version").GetInt32() > 0)
                .Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("status").GetString())));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoSupervisorsEditingOneDraft_TheOneWithAStaleCopyGets412NamingIfMatch_AndNothingIsLost(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor), ("supervisor.b", CaseworkRoles.Supervisor));
        var a = await host.ClientForAsync("supervisor.a");
        var b = await host.ClientForAsync("supervisor.b");
        await a.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = Intake }, Ct);
        var loadedByA = await a.GetAsync("/api/workflow-definitions/intake/versions/0/bpmn", Ct);
        var loadedByB = await b.GetAsync("/api/workflow-definitions/intake/versions/0/bpmn", Ct);
        var tag = loadedByA.Headers.ETag!.Tag;

        var savedByB = await SendAsync(b, HttpMethod.Put, "/api/workflow-definitions/intake/draft", new { bpmn = Intake.Replace("P3D", "P4D", StringComparison.Ordinal) }, tag);
        var staleSaveByA = await SendAsync(a, HttpMethod.Put, "/api/workflow-definitions/intake/draft", new { bpmn = Intake.Replace("P3D", "P9D", StringComparison.Ordinal) }, tag);
        var stalePublishByA = await SendAsync(a, HttpMethod.Post, "/api/workflow-definitions/intake/draft/publish", new { releaseNote = "mine" }, tag);
        var draftNow = await a.GetStringAsync("/api/workflow-definitions/intake/versions/0/bpmn", Ct);
        var published = await SendAsync(b, HttpMethod.Post, "/api/workflow-definitions/intake/draft/publish", new { releaseNote = "four days" },
            savedByB.Headers.ETag!.Tag);

        Assert.Equal(tag, loadedByB.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, savedByB.StatusCode);
        Assert.NotEqual(tag, savedByB.Headers.ETag!.Tag);
        foreach (var stale in new[] { staleSaveByA, stalePublishByA })
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
            Assert.True((await stale.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("If-Match", out _));
        }

        Assert.Contains("P4D", draftNow, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ADraftNamingAStageThatDoesNotExist_IsRefusedAtThatElement(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        var staged = Intake.Replace("cw:due=\"P3D\"", "cw:due=\"P3D\" cw:stage=\"Limbo\"", StringComparison.Ordinal);
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = staged }, Ct);

        var report = await (await supervisor.PostAsync("/api/workflow-definitions/intake/draft/validate", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var publish = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "x" }, Ct);
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = staged.Replace("Limbo", "Assessment", StringComparison.Ordinal) }, Ct);
        var fixedPublish = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "x" }, Ct);

        var problem = Assert.Single(report.GetProperty("problems").EnumerateArray());
        Assert.Equal(("unknown-stage", "check"), (problem.GetProperty("code").GetString(), problem.GetProperty("elementId").GetString()));
        Assert.Contains("Assessment", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        var publishProblem = await ApiHost.AssertProblemAsync(publish, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("unknown-stage", Assert.Single(publishProblem.GetProperty("problems").EnumerateArray()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, fixedPublish.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Ct);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ADraftWithoutBpmn_IsAValidationProblemNamingTheField(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");

        var response = await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = "" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("bpmn", out _));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Supervisor_DiscardsADraft_OnlyTheOneTheyLoaded_AndPublishedVersionsStay(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = Intake }, Ct);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "first" }, Ct)).StatusCode);
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = Intake.Replace("P3D", "P4D", StringComparison.Ordinal) }, Ct);
        var loaded = await supervisor.GetAsync("/api/workflow-definitions/intake/versions/0/bpmn", Ct);
        // A colleague saves another draft after that one was loaded.
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = Intake.Replace("P3D", "P6D", StringComparison.Ordinal) }, Ct);

        using var stale = new HttpRequestMessage(HttpMethod.Delete, "/api/workflow-definitions/intake/draft");
        stale.Headers.IfMatch.Add(loaded.Headers.ETag!);
        var refused = await supervisor.SendAsync(stale, Ct);
        var kept = await supervisor.GetStringAsync("/api/workflow-definitions/intake/versions/0/bpmn", Ct);
        var discarded = await supervisor.DeleteAsync("/api/workflow-definitions/intake/draft", Ct);
        var gone = await supervisor.GetAsync("/api/workflow-definitions/intake/versions/0/bpmn", Ct);
        var again = await supervisor.DeleteAsync("/api/workflow-definitions/intake/draft", Ct);
        var versions = await supervisor.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/intake/versions", Ct);

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Contains("P6D", kept, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, discarded.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal([(1, "Published")], versions.EnumerateArray().Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("status").GetString())));

        // A process that was never published goes with its draft.
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/tracing/draft", new { bpmn = Intake.Replace("\"intake\"", "\"tracing\"", StringComparison.Ordinal) }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.DeleteAsync("/api/workflow-definitions/tracing/draft", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync("/api/workflow-definitions/tracing/versions", Ct)).StatusCode);
    }
}

public sealed class MigrationApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string V1 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cw="urn:casework:bpmn" id="d" targetNamespace="urn:t">
          <bpmn:process id="intake" isExecutable="true">
            <bpmn:startEvent id="s" />
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="check" />
            <bpmn:userTask id="check" name="Check" cw:candidateRoles="RegistrationClerk" />
            <bpmn:boundaryEvent id="sla" attachedToRef="check" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="sla" targetRef="late" />
            <bpmn:endEvent id="late" />
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="e" />
            <bpmn:endEvent id="e" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Supervisor_DryRunsThenMigratesRunningInstancesInBatches_AndPollsProgress(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", Casework.Data.Identity.CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = V1 }, ct);
        await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "v1" }, ct);
        var ids = new List<Guid>();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var runtime = scope.ServiceProvider.GetRequiredService<Casework.Data.Runtime.WorkflowRuntime>();
            for (var i = 0; i < 3; i++)
            {
                ids.Add((await runtime.StartAsync("intake", $"C-{i}", null, "clerk", ct)).InstanceId!.Value);
            }
        }

        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = V1.Replace("P3D", "P5D", StringComparison.Ordinal) }, ct);
        await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "v2" }, ct);

        var dryRun = await (await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/migrations/dry-run", new { from = 1, to = 2 }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var started = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/migrations", new { from = 1, to = 2 }, ct);
        var second = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/migrations", new { from = 1, to = 2 }, ct);
        var outbox = host.Services.GetRequiredService<Casework.Data.Runtime.Workers.OutboxDispatcher>();
        await outbox.RunOnceAsync(ct);
        var progress = await supervisor.GetFromJsonAsync<JsonElement>(started.Headers.Location!, ct);

        Assert.Equal(3, dryRun.GetArrayLength());
        Assert.All(dryRun.EnumerateArray(), r => Assert.True(r.GetProperty("canMigrate").GetBoolean()));
        Assert.Contains(dryRun[0].GetProperty("changes").EnumerateArray(), c => c.GetProperty("kind").GetString() == "TimerRecomputed");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        // One migration of a process at a time: the second is refused while the first has batches to run.
        await ApiHost.AssertProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Contains(started.Headers.Location!.ToString(), await second.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(("Completed", 3, 3, 0), (progress.GetProperty("status").GetString(), progress.GetProperty("total").GetInt32(),
            progress.GetProperty("migrated").GetInt32(), progress.GetProperty("failed").GetInt32()));
        foreach (var id in ids)
        {
            var instance = await supervisor.GetFromJsonAsync<JsonElement>($"/api/instances/{id}", ct);
            Assert.Equal(2, instance.GetProperty("version").GetInt32());
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Supervisor_StopsAMigrationBetweenBatches_MovedCasesStayMoved_TheRestStay_AndANewMoveCanStart(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", Casework.Data.Identity.CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = V1 }, ct);
        await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "v1" }, ct);
        var cases = Casework.Data.Versioning.InstanceMigrations.BatchSize + 5;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var runtime = scope.ServiceProvider.GetRequiredService<Casework.Data.Runtime.WorkflowRuntime>();
            for (var i = 0; i < cases; i++)
            {
                await runtime.StartAsync("intake", $"C-{i}", null, "clerk", ct);
            }
        }

        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = V1.Replace("P3D", "P5D", StringComparison.Ordinal) }, ct);
        await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "v2" }, ct);
        var started = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/migrations", new { from = 1, to = 2 }, ct);
        var job = started.Headers.Location!.ToString();
        var outbox = host.Services.GetRequiredService<Casework.Data.Runtime.Workers.OutboxDispatcher>();
        await outbox.RunOnceAsync(ct); // the first batch moves; the second is queued

        var stopped = await supervisor.PostAsync(job + "/cancel", null, ct);
        var stoppedBody = await stopped.Content.ReadFromJsonAsync<JsonElement>(ct);
        var again = await supervisor.PostAsync(job + "/cancel", null, ct);
        var unknown = await supervisor.PostAsync($"/api/migrations/{Guid.NewGuid()}/cancel", null, ct);
        await outbox.RunOnceAsync(ct); // the queued batch finds the job stopped
        var progress = await supervisor.GetFromJsonAsync<JsonElement>(job, ct);

        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Equal(("Cancelled", "supervisor.a"), (stoppedBody.GetProperty("status").GetString(), stoppedBody.GetProperty("cancelledBy").GetString()));
        await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("already been stopped", await again.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(("Cancelled", cases, Casework.Data.Versioning.InstanceMigrations.BatchSize, 0),
            (progress.GetProperty("status").GetString(), progress.GetProperty("total").GetInt32(),
                progress.GetProperty("migrated").GetInt32(), progress.GetProperty("failed").GetInt32()));
        Assert.Equal(5, await RunningOnVersionAsync(host, 1, ct));
        Assert.Equal(Casework.Data.Versioning.InstanceMigrations.BatchSize, await RunningOnVersionAsync(host, 2, ct));

        // A stopped move no longer blocks the next one, which takes the cases left behind.
        var next = await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/migrations", new { from = 1, to = 2 }, ct);
        await outbox.RunOnceAsync(ct);
        var finished = await supervisor.GetFromJsonAsync<JsonElement>(next.Headers.Location!, ct);
        var finishedAgain = await supervisor.PostAsync(next.Headers.Location + "/cancel", null, ct);

        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        Assert.Equal(("Completed", 5), (finished.GetProperty("status").GetString(), finished.GetProperty("migrated").GetInt32()));
        Assert.Equal(0, await RunningOnVersionAsync(host, 1, ct));
        await ApiHost.AssertProblemAsync(finishedAgain, HttpStatusCode.Conflict);
        Assert.Contains("already finished", await finishedAgain.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task MovesOfOneProcessStartedTogether_OneStarts_TheOthersAre409_AndTheDatabaseHoldsTheRule(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", Casework.Data.Identity.CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = V1 }, ct);
        await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "v1" }, ct);
        await supervisor.PutAsJsonAsync("/api/workflow-definitions/intake/draft", new { bpmn = V1.Replace("P3D", "P5D", StringComparison.Ordinal) }, ct);
        await supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/draft/publish", new { releaseNote = "v2" }, ct);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            supervisor.PostAsJsonAsync("/api/workflow-definitions/intake/migrations", new { from = 1, to = 2 }, ct)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            await ApiHost.AssertProblemAsync(refused, HttpStatusCode.Conflict);
        }

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        Assert.Equal(1, await db.MigrationJobs.CountAsync(ct));
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Type == Casework.Data.Versioning.MigrationBatchHandler.MessageType, ct));

        // Written past the service's check, a second unfinished move is refused by the database itself.
        db.MigrationJobs.Add(new Casework.Data.Versioning.MigrationJobRecord
        {
            Id = Guid.NewGuid(), ProcessId = "intake", FromVersion = 1, ToVersion = 2, Mapping = "{}", RequestedBy = "supervisor.a",
            CreatedAt = DateTimeOffset.UtcNow, Status = Casework.Data.Versioning.MigrationJobStatus.Pending,
        });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
    }

    private static async Task<int> RunningOnVersionAsync(ApiHost host, int version, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        var definition = await db.WorkflowDefinitions.Where(d => d.ProcessId == "intake" && d.Version == version).Select(d => d.Id).SingleAsync(ct);
        return await db.Instances.CountAsync(i => i.DefinitionId == definition && i.Status == Casework.Data.Runtime.Records.InstanceStatus.Running, ct);
    }
}
