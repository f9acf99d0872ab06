using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Web.Tests.Procedure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>
/// A task's instructions (its user task's documentation) reach whoever works it through <c>GET /api/tasks/{id}</c>, filled in from
/// the case's variables: a supervisor reviewing a blocked return is told why the check stopped it.
/// </summary>
public sealed class TaskInstructionsApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Briefing = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cw="urn:casework:bpmn" id="d" targetNamespace="urn:t">
          <bpmn:process id="briefing" isExecutable="true">
            <bpmn:startEvent id="s" />
            <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="check" />
            <bpmn:userTask id="check" name="Check" cw:candidateRoles="Supervisor">
              <bpmn:documentation>Office ${office}. Needs: ${needs}. Urgent: ${urgent}. Interpreter: ${interpreter}. Count: ${needs.length + 1}. Broken: ${interpreter.name}.</bpmn:documentation>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="e" />
            <bpmn:endEvent id="e" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ASupervisorReviewingABlockedReturn_IsToldWhyTheCheckStoppedIt(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        const string Number = "NBO-2026-000901";
        var supervisor = await host.ClientForAsync("supervisor.a");

        // A return started while the appeal is still pending: the check before the first departure step refuses it.
        var review = await host.BlockedReturnAsync(await host.ClientForAsync("officer.a"), Number, new { caseId = Number, appealTiming = "InTime" }, "NoRealRisk");
        var task = await supervisor.GetFromJsonAsync<JsonElement>($"/api/tasks/{review.Id}", Ct);
        Assert.StartsWith("The return was stopped before any departure step: An appeal is pending.\nNo one is sent back while an appeal is pending",
            task.GetProperty("instructions").GetString(), StringComparison.Ordinal);

        // A task whose workflow gives no instructions has none.
        Guid counselling;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            counselling = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems
                .Where(w => w.CaseId == Number && w.ElementId == "counselling").Select(w => w.Id).SingleAsync(Ct);
        }

        var done = await supervisor.GetFromJsonAsync<JsonElement>($"/api/tasks/{counselling}", Ct);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("instructions").ValueKind);
    }

    [Fact]
    public async Task Placeholders_AreFilledInFromTheVariables_AndOneNeverSetOrThatFails_SaysSo()
    {
        await using var host = await ApiHost.StartAsync(("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/workflow-definitions/briefing/draft", new { bpmn = Briefing }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/workflow-definitions/briefing/draft/publish", new { releaseNote = "first" }, Ct)).StatusCode);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("briefing", "NBO-2026-000902",
                ProcedureDriver.Vars(new { office = "NBO", needs = new[] { "Child", "Torture" }, urgent = true, interpreter = (string?)null }), "supervisor.a", Ct);
            Assert.True(started.Succeeded, started.Message);
        }

        var check = await host.OpenItemAsync("NBO-2026-000902");
        var task = await supervisor.GetFromJsonAsync<JsonElement>($"/api/tasks/{check.Id}", Ct);

        Assert.Equal("Office NBO. Needs: Child, Torture. Urgent: yes. Interpreter: (not recorded). Count: 3. Broken: (not available).",
            task.GetProperty("instructions").GetString());
    }

    [Fact]
    public async Task APlaceholderThatDoesNotParse_IsRefusedAtPublication_NamingTheTask_AndNothingIsPublished()
    {
        await using var host = await ApiHost.StartAsync(("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        var broken = Briefing.Replace("${office}", "${office +}", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/workflow-definitions/briefing/draft", new { bpmn = broken }, Ct)).StatusCode);

        var refused = await supervisor.PostAsJsonAsync("/api/workflow-definitions/briefing/draft/publish", new { releaseNote = "first" }, Ct);

        var problem = (await ApiHost.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity)).GetProperty("problems")[0];
        Assert.Equal("check", problem.GetProperty("elementId").GetString());
        Assert.Equal("expression-syntax", problem.GetProperty("code").GetString());
        Assert.Contains("${office +}", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkflowDefinitions
            .AnyAsync(d => d.ProcessId == "briefing" && d.Version > 0, Ct));
    }
}
