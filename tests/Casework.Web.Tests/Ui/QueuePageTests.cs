using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>The work queue screen, in a real browser against the application on 127.0.0.1.</summary>
[Collection(BrowserCollection.Name)]
public sealed class QueuePageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOfficer_SignsIn_AndSeesTheRolesQueue_HighestPriorityFirst_WithTheOverdueMarked()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("officer.a", "EligibilityOfficer"),
            ("supervisor.a", "Supervisor"));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (_, first) = await host.TriagedCaseAsync(clerk, "Amina");
        var (second, secondNumber) = await host.TriagedCaseAsync(clerk, "Hassan");
        await OverridePriorityAsync(supervisor, second, 90);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        // Not signed in: the screen sends the officer to the sign-in page, which brings them back.
        await page.GotoAsync("/queue?view=EligibilityOfficer");
        Assert.EndsWith("/account/login?ReturnUrl=%2Fqueue%3Fview%3DEligibilityOfficer", page.Url, StringComparison.Ordinal);
        var signedIn = await HeadlessChromium.SignInAsync(page, page.Url, "officer.a", ApiHost.Password);
        Assert.Equal(200, signedIn!.Status);
        Assert.EndsWith("/queue?view=EligibilityOfficer", page.Url, StringComparison.Ordinal);
        Assert.Equal("officer.a", await page.GetByTestId("signed-in-as").InnerTextAsync());

        // The role's queue: the overridden case first; both tasks are past their due date.
        var rows = page.Locator("tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        Assert.Equal([secondNumber, first], await CaseColumnAsync(rows));
        Assert.Equal("90", await rows.Nth(0).Locator("td").Nth(0).InnerTextAsync());
        Assert.Equal(2, await page.GetByText("Overdue").CountAsync());
        Assert.Contains("1–2 of 2 open tasks", await page.GetByTestId("range").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("past-the-end").CountAsync());

        // A link to a page the queue no longer has shows its last page, and says so.
        await page.GotoAsync("/queue?view=EligibilityOfficer&page=3");
        Assert.Equal("There is no page 3 any more: there are 2 open tasks in this queue now, so this is the last page, 1.",
            await page.GetByTestId("past-the-end").InnerTextAsync());
        Assert.Contains("1–2 of 2 open tasks", await page.GetByTestId("range").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await rows.CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).CountAsync());

        // MudBlazor's styles and Casework's theme reached the browser (the content security policy let them in).
        var appBar = await page.Locator("header.mud-appbar").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(27, 79, 114)", appBar);

        // The officer's own tasks: none is assigned yet.
        await page.GetByRole(AriaRole.Link, new() { Name = "My tasks" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue");
        Assert.True(await page.GetByText("No open tasks in this queue.").IsVisibleAsync());

        // Filtered to an office with no tasks, the queue shows none.
        var other = await page.GotoAsync("/queue?view=EligibilityOfficer&office=KMP");
        Assert.Equal(200, other!.Status);
        Assert.True(await page.GetByText("No open tasks in this queue.").IsVisibleAsync());

        // The screen's reads are in the audit trail as the API's are, under the person who made them.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var reads = await db.AuditEntries.Where(a => a.Resource == "GET /queue").Select(a => new { a.Actor, a.Action, a.Status }).ToListAsync(Ct);
            Assert.Contains(new { Actor = "officer.a", Action = "read", Status = 200 }, reads);
        }

        // Signing out ends the session: the queue asks for a sign-in again.
        await page.GotoAsync("/queue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/queue");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASupervisor_ReassignsTickedTasksOfARoleQueue_ToSomeoneHoldingTheRole_AndIsToldWhatCouldNotMove()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("clerk.b", "RegistrationClerk"),
            ("officer.a", "EligibilityOfficer"), ("supervisor.a", "Supervisor"));
        var clerkApi = await host.ClientForAsync("clerk.a");
        var cases = new List<(Guid Id, string Number)>();
        foreach (var name in new[] { "Amina", "Hassan", "Yonas" })
        {
            cases.Add(await ApiHost.RegisterCaseAsync(clerkApi, name));
        }

        var tasks = new List<Guid>();
        foreach (var (_, number) in cases)
        {
            tasks.Add((await host.OpenItemAsync(number)).Id);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/queue?view=RegistrationClerk", "supervisor.a", ApiHost.Password);
        ILocator Tick(Guid task) => page.Locator($"tr[data-task='{task}'] input[type=checkbox]");
        async Task<string> WithAsync(Guid task) => (await page.Locator($"tr[data-task='{task}'] td").Last.InnerTextAsync()).Trim();

        // Only the accounts holding the queue's role are offered.
        Assert.Equal(["Choose a person", "clerk.a", "clerk.b"], (await page.Locator("#assignee option").AllInnerTextsAsync()).Select(o => o.Trim()));

        // Nothing ticked and no one chosen: both named, nothing changed.
        var refused = await HeadlessChromium.PostFormAsync(page, "Reassign");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("tick them in the first column", await page.GetByTestId("error-taskIds").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Choose the person to give them to.", await page.GetByTestId("error-assignee").InnerTextAsync());
        Assert.Equal("true", await page.Locator("#assignee").GetAttributeAsync("aria-invalid"));
        Assert.Equal(3, await page.Locator("tbody tr").CountAsync());

        // Two ticked and given to clerk.b: the queue shows them with clerk.b, the third untouched.
        await Tick(tasks[0]).CheckAsync();
        await Tick(tasks[1]).CheckAsync();
        await page.Locator("#assignee").SelectOptionAsync("clerk.b");
        var done = await HeadlessChromium.PostFormAsync(page, "Reassign");
        Assert.Equal(200, done.Status);
        Assert.Equal("2 tasks given to clerk.b.", (await page.GetByTestId("reassigned").InnerTextAsync()).Trim());
        Assert.Equal(["clerk.b", "clerk.b", "Unassigned"], [await WithAsync(tasks[0]), await WithAsync(tasks[1]), await WithAsync(tasks[2])]);
        Assert.False(await Tick(tasks[0]).IsCheckedAsync());
        var mine = await (await host.ClientForAsync("clerk.b")).GetFromJsonAsync<JsonElement>("/api/queues/mine", Ct);
        Assert.Equal(tasks[..2].Order(), mine.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Order());

        // A task completed after the queue was shown cannot move, and the report names it with the reason.
        await Tick(tasks[2]).CheckAsync();
        await page.Locator("#assignee").SelectOptionAsync("clerk.a");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems.Where(w => w.Id == tasks[2])
                .ExecuteUpdateAsync(w => w.SetProperty(x => x.Status, Casework.Data.Runtime.Records.WorkItemStatus.Completed), Ct);
        }

        Assert.Equal(200, (await HeadlessChromium.PostFormAsync(page, "Reassign")).Status);
        Assert.StartsWith("0 tasks given to clerk.a. 1 task could not be:", (await page.GetByTestId("reassigned").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.Equal($"Register biodata and specific needs of {cases[2].Number}: The task is completed.",
            (await page.GetByTestId("not-reassigned").InnerTextAsync()).Trim());

        // The trail has the reassignment under each case it moved, and a clerk is offered no reassignment.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var posts = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().AuditEntries
                .Where(a => a.Resource == "POST /queue" && a.Actor == "supervisor.a" && a.Status == 200).Select(a => a.CaseId).ToListAsync(Ct);
            Assert.Equal(cases.Select(c => (Guid?)c.Id).Order(), posts.Order());
        }

        var clerk = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(clerk, "/queue?view=RegistrationClerk", "clerk.a", ApiHost.Password);
        Assert.Equal(0, await clerk.Locator("input[type=checkbox]").CountAsync());
        Assert.Equal(0, await clerk.GetByRole(AriaRole.Button, new() { Name = "Reassign" }).CountAsync());
    }

    [Fact]
    public async Task ATaskFourEyesKeepsTheViewerOff_IsMarkedInTheQueue_WithWhy_AndOnlyForThem()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("officer.a", "EligibilityOfficer"),
            ("supervisor.a", "Supervisor"), ("supervisor.b", "Supervisor"));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (_, draftedBySupervisor) = await host.TriagedCaseAsync(clerk, "Bashir");
        var (_, draftedByOfficer) = await host.TriagedCaseAsync(clerk, "Amina");
        foreach (var (number, drafter) in new[] { (draftedBySupervisor, supervisor), (draftedByOfficer, officer) })
        {
            await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
            await host.CompleteTaskAsync(drafter, number, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        }

        var kept = (await host.OpenItemAsync(draftedBySupervisor)).Id;
        var free = (await host.OpenItemAsync(draftedByOfficer)).Id;
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // The supervisor who drafted one decision is told, on that review's row only, that someone else must do it.
        var drafterPage = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(drafterPage, "/queue?view=Supervisor", "supervisor.a", ApiHost.Password);
        Assert.Equal(2, await drafterPage.Locator("tbody tr").CountAsync());
        Assert.Equal("Four-eyes: you completed 'Draft decision' on this case, so someone else must complete 'Review decision (four-eyes)'.",
            (await drafterPage.Locator($"tr[data-task='{kept}'] [data-testid='four-eyes']").InnerTextAsync()).Trim());
        Assert.Equal(0, await drafterPage.Locator($"tr[data-task='{free}'] [data-testid='four-eyes']").CountAsync());

        // A colleague sees both reviews as theirs to take.
        var colleaguePage = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(colleaguePage, "/queue?view=Supervisor", "supervisor.b", ApiHost.Password);
        Assert.Equal(2, await colleaguePage.Locator("tbody tr").CountAsync());
        Assert.Equal(0, await colleaguePage.GetByTestId("four-eyes").CountAsync());
    }

    [Fact]
    public async Task QueuesAreShownOnlyToTheirRoles_AndBadAddressesSayWhy()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("partner.a", "LegalAidPartner"),
            ("admin.a", "Administrator"));
        var clerkApi = await host.ClientForAsync("clerk.a");
        var (_, number) = await ApiHost.RegisterCaseAsync(clerkApi, "Amina");
        await using var chromium = await HeadlessChromium.LaunchAsync();

        var clerk = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(clerk, "/queue?view=RegistrationClerk", "clerk.a", ApiHost.Password);
        Assert.Equal([number], await CaseColumnAsync(clerk.Locator("tbody tr")));
        var links = await clerk.GetByRole(AriaRole.Navigation, new() { Name = "Queues" }).GetByRole(AriaRole.Link).AllTextContentsAsync();
        Assert.Equal(["My tasks", "Registration clerks"], links.Select(l => l.Trim()));

        var officers = await clerk.GotoAsync("/queue?view=EligibilityOfficer");
        Assert.Equal((int)HttpStatusCode.Forbidden, officers!.Status);
        Assert.Contains("open to that role, supervisors and auditors only", await clerk.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await clerk.Locator("tbody tr").CountAsync());

        var unknown = await clerk.GotoAsync("/queue?view=Janitor");
        Assert.Equal((int)HttpStatusCode.BadRequest, unknown!.Status);
        Assert.Contains("There is no queue called 'Janitor'", await clerk.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        var badPage = await clerk.GotoAsync("/queue?view=RegistrationClerk&page=0");
        Assert.Equal((int)HttpStatusCode.BadRequest, badPage!.Status);
        Assert.Contains("Pages start at 1", await clerk.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        // Roles without a queue are told so and shown no case.
        foreach (var user in new[] { "partner.a", "admin.a" })
        {
            var page = await chromium.NewPageAsync(host.Server);
            var response = await HeadlessChromium.SignInAsync(page, "/queue", user, ApiHost.Password);
            Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
            Assert.Contains("/access-denied", page.Url, StringComparison.Ordinal);
            Assert.True(await page.GetByText("This page is not open to you").IsVisibleAsync());
            Assert.DoesNotContain(number, await page.ContentAsync(), StringComparison.Ordinal);
        }

        // The screens never accept an API token in place of the sign-in cookie.
        using var bearer = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Server };
        bearer.DefaultRequestHeaders.Authorization = clerkApi.DefaultRequestHeaders.Authorization;
        var redirected = await bearer.GetAsync("/queue", Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/account/login", redirected.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private static async Task<List<string>> CaseColumnAsync(ILocator rows) =>
        [.. (await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.querySelectorAll('td')[2].innerText.trim())"))];

    private static async Task OverridePriorityAsync(HttpClient supervisor, Guid id, int priority)
    {
        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{id}/triage")
        {
            Content = JsonContent.Create(new { priority, reason = "Urgent medical needs disclosed." }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await supervisor.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        _ = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
