using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>
/// The people who work a case read its deadlines: the interview target from triage, then the appeal deadline and the late-appeal
/// cut-off from the notification, each with the explanation the office's rules gave and where the case stands today.
/// </summary>
public sealed class CaseDeadlineApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ACasesDeadlines_AreTheOfficesComputedDates_WithTheirExplanations_AndWhereTheCaseStandsAtEachStep(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator), ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var iso = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // The same office's rules, asked directly: the case must show the very dates and explanations they give.
        var rules = await (await host.ClientForAsync("admin")).GetFromJsonAsync<JsonElement>(
            $"/api/admin/offices/NBO/deadlines?notifiedOn={iso}&registeredOn=2026-03-02", Ct);

        // Registered, not yet triaged: nothing is computed yet.
        var (registered, _) = await ApiHost.RegisterCaseAsync(clerk, "Bashir");
        Assert.Empty(await DeadlinesAsync(officer, registered));

        // Triaged onto the regular track: its interview target (registered 2026-03-02, so long passed by now).
        var (id, number) = await host.TriagedCaseAsync(clerk, "Amina");
        var target = Assert.Single(await DeadlinesAsync(officer, id));
        var expected = rules.GetProperty("interviewTargets").GetProperty("Regular");
        AssertDeadline(target, "InterviewTarget", expected, "Passed", today, null);
        Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("explanation").GetString()));

        // The interview is held: the target is met on that day.
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        AssertDeadline(Assert.Single(await DeadlinesAsync(officer, id)), "InterviewTarget", expected, "Held", today, "2026-03-10");

        // Notified today: the appeal window is open, and the auditor reads the same.
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        await host.CompleteTaskAsync(supervisor, number, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, number, "notify", new { notifiedOn = iso, deliveryMethod = "InPerson" });
        var notified = await DeadlinesAsync(await host.ClientForAsync("auditor.a"), id);
        Assert.Equal(3, notified.Count);
        AssertDeadline(notified[1], "AppealDeadline", rules.GetProperty("appealDeadline"), "Open", today, null);
        AssertDeadline(notified[2], "LateAppealCutoff", rules.GetProperty("lateAppealCutoff"), "Open", today, null);
        Assert.True(notified[1].GetProperty("daysLeft").GetInt32() > 0);

        // The appeal is lodged: both appeal dates say so, with the day.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var lodged = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().CorrelateMessageAsync("AppealLodged", number,
                Procedure.ProcedureDriver.Vars(new { appealGrounds = "New evidence." }), "lawyer.a", Ct);
            Assert.True(lodged.Succeeded, lodged.Message);
        }

        var appealed = await DeadlinesAsync(supervisor, id);
        AssertDeadline(appealed[1], "AppealDeadline", rules.GetProperty("appealDeadline"), "Lodged", today, iso);
        AssertDeadline(appealed[2], "LateAppealCutoff", rules.GetProperty("lateAppealCutoff"), "Lodged", today, iso);

        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/cases/{Guid.NewGuid()}/deadlines", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AClaimClosedBeforeItsInterview_ShowsTheTargetAsNoLongerApplying(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, _) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Hassan");
        Assert.Equal("Passed", Assert.Single(await DeadlinesAsync(supervisor, id)).GetProperty("status").GetString());

        using var close = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/closure")
        {
            Content = JsonContent.Create(new { outcome = "Withdrawn", reason = "Withdrawn in writing." }),
        };
        close.Headers.TryAddWithoutValidation("If-Match", (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.SendAsync(close, Ct)).StatusCode);

        var target = Assert.Single(await DeadlinesAsync(supervisor, id));
        Assert.Equal(("InterviewTarget", "Ended"), (target.GetProperty("kind").GetString(), target.GetProperty("status").GetString()));
    }

    private static async Task<List<JsonElement>> DeadlinesAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/cases/{id}/deadlines", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray()];
    }

    private static void AssertDeadline(JsonElement deadline, string kind, JsonElement computed, string status, DateOnly today, string? doneOn)
    {
        var date = computed.GetProperty("date").GetString()!;
        Assert.Equal((kind, date, computed.GetProperty("explanation").GetString(), status),
            (deadline.GetProperty("kind").GetString(), deadline.GetProperty("date").GetString(), deadline.GetProperty("explanation").GetString(),
                deadline.GetProperty("status").GetString()));
        Assert.Equal(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - today.DayNumber, deadline.GetProperty("daysLeft").GetInt32());
        Assert.Equal(doneOn, deadline.GetProperty("doneOn").GetString());
    }
}
