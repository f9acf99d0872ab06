using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Features.Appeals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>
/// An appeal the appellant lodges at the office, without a legal aid partner: a clerk records it through
/// <c>/api/cases/{id}/appeal</c>, on the same rules as a partner's lodging.
/// </summary>
public sealed class AppealApiTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AClerk_RecordsAnAppealLodgedAtTheOffice_WhichStartsTheAppeal_OnceOnly_AndAnEmptyOneSavesNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var (caseId, number) = await host.RejectedCaseAsync(clerk, await host.ClientForAsync("officer.a"), await host.ClientForAsync("supervisor.a"), "Amina");
        var auditor = await host.ClientForAsync("auditor.a");

        var before = await auditor.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/appeal", Ct);
        Assert.Equal(AppealLodging.WindowOpen, before.GetProperty("status").GetString());
        Assert.Equal(number, before.GetProperty("caseNumber").GetString());
        Assert.False(string.IsNullOrEmpty(before.GetProperty("appealDeadline").GetString()));
        Assert.False(string.IsNullOrEmpty(before.GetProperty("appealDeadlineExplanation").GetString()));

        var empty = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "  " }, Ct);
        var problem = await ApiHost.AssertProblemAsync(empty, HttpStatusCode.BadRequest);
        Assert.Contains("required", problem.GetProperty("errors").GetProperty("grounds")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.OpenItemsAsync(number)); // the claim still waits for its appeal
        Assert.Equal(AppealLodging.WindowOpen, (await auditor.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/appeal", Ct)).GetProperty("status").GetString());

        var lodged = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "The interpreter did not speak my dialect." }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, lodged.StatusCode);
        Assert.Equal($"/api/cases/{caseId}/appeal", lodged.Headers.Location?.OriginalString);
        Assert.Equal(AppealLodging.Lodged, (await lodged.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(AppealLodging.Lodged, (await auditor.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/appeal", Ct)).GetProperty("status").GetString());

        // The appeal's procedure started: a supervisor names the appeal officer. The claim records who lodged it and that no
        // organisation did.
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(number)).ElementId);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var instance = await db.Cases.Where(c => c.Id == caseId).Select(c => c.InstanceId!.Value).SingleAsync(Ct);
            var correlated = await db.Journal.Where(j => j.InstanceId == instance && j.Command == "CorrelateMessage").Select(j => j.Actor).ToListAsync(Ct);
            Assert.Equal(["clerk.a"], correlated);
            using var state = JsonDocument.Parse(await db.Instances.Where(i => i.Id == instance).Select(i => i.State).SingleAsync(Ct));
            var variables = state.RootElement.GetProperty("variables");
            Assert.Equal("The interpreter did not speak my dialect.", variables.GetProperty("appealGrounds").GetString());
            Assert.Equal(JsonValueKind.Null, variables.GetProperty("representingOrganisation").ValueKind);
            var appeal = await db.Instances.Where(i => i.ParentInstanceId == instance).Select(i => i.State).SingleAsync(Ct);
            using var appealState = JsonDocument.Parse(appeal);
            Assert.Equal("InTime", appealState.RootElement.GetProperty("variables").GetProperty("appealTiming").GetString());
        }

        var again = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "Once more." }, Ct);
        await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(number)).ElementId);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ALateAppealAtTheOffice_NeedsItsReason_AndOnePastTheGracePeriodIsRefused_WithNothingSaved(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (late, lateNumber) = await host.RejectedCaseAsync(clerk, officer, supervisor, "Amina", daysAgo: 35);
        var (closed, closedNumber) = await host.RejectedCaseAsync(clerk, officer, supervisor, "Hodan", daysAgo: 100);

        Assert.Equal(AppealLodging.LateWithinGrace, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{late}/appeal", Ct)).GetProperty("status").GetString());
        var unexplained = await clerk.PostAsJsonAsync($"/api/cases/{late}/appeal", new { grounds = "Not interpreted." }, Ct);
        var problem = await ApiHost.AssertProblemAsync(unexplained, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("late-reason-required", problem.GetProperty("rule").GetString());
        Assert.Contains("late appeal needs the reason", problem.GetProperty("errors").GetProperty("lateReason")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.OpenItemsAsync(lateNumber));

        var explained = await clerk.PostAsJsonAsync($"/api/cases/{late}/appeal", new { grounds = "Not interpreted.", lateReason = "In hospital until last week." }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, explained.StatusCode);
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(lateNumber)).ElementId);

        Assert.Equal(AppealLodging.WindowClosed, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{closed}/appeal", Ct)).GetProperty("status").GetString());
        var tooLate = await clerk.PostAsJsonAsync($"/api/cases/{closed}/appeal", new { grounds = "Not interpreted.", lateReason = "Abroad." }, Ct);
        Assert.Equal("appeal-window-closed", (await ApiHost.AssertProblemAsync(tooLate, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());
        Assert.Empty(await host.OpenItemsAsync(closedNumber));
        Assert.Equal(AppealLodging.WindowClosed, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{closed}/appeal", Ct)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task APostedAppeal_IsLodgedOnTheDayItReachedTheOffice_SoOneThatArrivedInTimeIsInTime_AndAnImpossibleDaySavesNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // Notified 35 days ago, so late today; the appeal arrived by post five days after the notification.
        var (inTime, inTimeNumber) = await host.RejectedCaseAsync(clerk, officer, supervisor, "Amina", daysAgo: 35);
        Assert.Equal(AppealLodging.LateWithinGrace, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{inTime}/appeal", Ct)).GetProperty("status").GetString());
        foreach (var (receivedOn, says) in new[]
        {
            ("5 Nov 2026", "as a date (yyyy-MM-dd)"),
            (Day(today.AddDays(1)), "after today"),
            (Day(today.AddDays(-36)), "before the decision was notified"),
        })
        {
            var refused = await clerk.PostAsJsonAsync($"/api/cases/{inTime}/appeal", new { grounds = "Not interpreted.", receivedOn }, Ct);
            var problem = await ApiHost.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
            Assert.Contains(says, problem.GetProperty("errors").GetProperty("receivedOn")[0].GetString(), StringComparison.Ordinal);
            Assert.Empty(await host.OpenItemsAsync(inTimeNumber));
        }

        var posted = await clerk.PostAsJsonAsync($"/api/cases/{inTime}/appeal", new { grounds = "Not interpreted.", receivedOn = Day(today.AddDays(-30)) }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(("InTime", Day(today.AddDays(-30))), await AppealTimingAsync(host, inTime));

        // Notified 40 days ago and arrived yesterday, after the deadline: late, so it needs its reason like any late appeal.
        var (late, lateNumber) = await host.RejectedCaseAsync(clerk, officer, supervisor, "Hodan", daysAgo: 40);
        var unexplained = await clerk.PostAsJsonAsync($"/api/cases/{late}/appeal", new { grounds = "Not interpreted.", receivedOn = Day(today.AddDays(-1)) }, Ct);
        Assert.Equal("late-reason-required", (await ApiHost.AssertProblemAsync(unexplained, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());
        Assert.Empty(await host.OpenItemsAsync(lateNumber));
        var explained = await clerk.PostAsJsonAsync($"/api/cases/{late}/appeal",
            new { grounds = "Not interpreted.", lateReason = "In hospital.", receivedOn = Day(today.AddDays(-1)) }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, explained.StatusCode);
        Assert.Equal(("LateWithinGrace", Day(today.AddDays(-1))), await AppealTimingAsync(host, late));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task APostedAppealThatArrivedInTime_RecordedAfterTheWindowClosed_StopsTheReturnAndGoesAhead(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (caseId, number) = await host.RejectedCaseAsync(clerk, await host.ClientForAsync("officer.a"), await host.ClientForAsync("supervisor.a"),
            "Amina", daysAgo: 100);

        // The window closed long ago; the timer fires and the claim goes on to its return arrangements.
        await host.Services.GetRequiredService<Casework.Data.Runtime.Workers.TimerWorker>().RunOnceAsync(Ct);
        Assert.Equal("counselling", (await host.OpenItemAsync(number)).ElementId);
        Assert.Equal(AppealLodging.WindowClosed, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/appeal", Ct)).GetProperty("status").GetString());

        // Recorded as arriving today, or on a day after the window closed, it is too late; nothing changes.
        foreach (var receivedOn in new string?[] { null, Day(today.AddDays(-1)) })
        {
            var tooLate = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "Not interpreted.", lateReason = "Post.", receivedOn }, Ct);
            Assert.Equal("appeal-window-closed", (await ApiHost.AssertProblemAsync(tooLate, HttpStatusCode.UnprocessableEntity)).GetProperty("rule").GetString());
            Assert.Equal("counselling", (await host.OpenItemAsync(number)).ElementId);
        }

        // It reached the office five days after the notification: in time.
        var posted = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "Not interpreted.", receivedOn = Day(today.AddDays(-95)) }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(AppealLodging.Lodged, (await posted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(number)).ElementId);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var claim = await db.Cases.Where(c => c.Id == caseId).Select(c => c.InstanceId!.Value).SingleAsync(Ct);
            var children = await db.Instances.AsNoTracking().Where(i => i.ParentInstanceId == claim).OrderBy(i => i.CreatedAt)
                .Select(i => new { i.ProcessId, i.Status }).ToListAsync(Ct);
            Assert.Equal([("return", Casework.Data.Runtime.Records.InstanceStatus.Cancelled), ("appeal", Casework.Data.Runtime.Records.InstanceStatus.Running)],
                children.Select(c => (c.ProcessId, c.Status)));
            Assert.Equal(Casework.Data.Runtime.Records.WorkItemStatus.Cancelled,
                (await db.WorkItems.SingleAsync(w => w.CaseId == number && w.ElementId == "counselling", Ct)).Status);
            Assert.Equal("Appeal", await db.Cases.Where(c => c.Id == caseId).Select(c => c.Stage).SingleAsync(Ct));
        }

        Assert.Equal(("InTime", Day(today.AddDays(-95))), await AppealTimingAsync(host, caseId));
        await ApiHost.AssertProblemAsync(await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "Again." }, Ct), HttpStatusCode.Conflict);
    }

    /// <summary>How the appeal of a case was timed, and the day it counts as lodged, as its own instance recorded them.</summary>
    internal static async Task<(string? Timing, string? LodgedOn)> AppealTimingAsync(ApiHost host, Guid caseId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var claim = await db.Cases.Where(c => c.Id == caseId).Select(c => c.InstanceId!.Value).SingleAsync(Ct);
        using var state = JsonDocument.Parse(await db.Instances.Where(i => i.ParentInstanceId == claim && i.ProcessId == "appeal").Select(i => i.State).SingleAsync(Ct));
        var variables = state.RootElement.GetProperty("variables");
        return (variables.GetProperty("appealTiming").GetString(), variables.GetProperty("appealLodgedOn").GetString());
    }

    [Fact]
    public async Task OnAnUnknownCase_BothAreNotFound_AndOnACaseWithoutADecision_NothingCanBeLodged()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (caseId, _) = await ApiHost.RegisterCaseAsync(clerk);

        Assert.Equal(HttpStatusCode.NotFound, (await clerk.GetAsync($"/api/cases/{Guid.NewGuid()}/appeal", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clerk.PostAsJsonAsync($"/api/cases/{Guid.NewGuid()}/appeal", new { grounds = "x" }, Ct)).StatusCode);
        Assert.Equal(AppealLodging.NoDecision, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/appeal", Ct)).GetProperty("status").GetString());
        await ApiHost.AssertProblemAsync(await clerk.PostAsJsonAsync($"/api/cases/{caseId}/appeal", new { grounds = "Too early." }, Ct), HttpStatusCode.Conflict);
    }
}
