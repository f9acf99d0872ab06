using System.Net;
using System.Net.Http.Json;
using Casework.Data;
using Casework.Data.Runtime.Records;
using Casework.Data.Runtime.Workers;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// Moving running cases to a newer workflow version from the screen, in a real browser: the supervisor sees what changed
/// and which cases cannot move and why, maps a renamed task, starts the move and follows it to the end.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MigratePageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASupervisor_SeesWhichCasesCannotMove_MapsTheRenamedTask_AndMovesThemAll()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"), ("clerk.a", "RegistrationClerk"), ("auditor.a", "Auditor"));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("super.a");
        var amina = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var farah = await ApiHost.RegisterCaseAsync(clerk, "Farah");
        // Version 2 gives the registration task, where both cases wait, another id.
        var v1 = await supervisor.GetStringAsync("/api/workflow-definitions/asylum-claim/versions/1/bpmn", Ct);
        var v2 = v1.Replace("\"register\"", "\"registerBiodata\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/workflow-definitions/asylum-claim/draft", new { bpmn = v2 }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await supervisor.PostAsJsonAsync("/api/workflow-definitions/asylum-claim/draft/publish", new { releaseNote = "Registration task renamed" }, Ct)).StatusCode);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows", "super.a", ApiHost.Password);
        var claim = page.Locator("[data-process=asylum-claim]");
        Assert.Equal(0, await claim.Locator("tr[data-version='2'] [data-testid=move-cases]").CountAsync());
        await claim.Locator("tr[data-version='1'] [data-testid=move-cases]").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/asylum-claim/migrate?from=1&to=2");

        // Nothing can move while the task the cases wait at has no counterpart; the screen says which cases and why.
        Assert.Equal("0 of 2 running case(s) can move to version 2.", (await page.GetByTestId("movable").InnerTextAsync()).Trim());
        Assert.Contains("registerBiodata", await page.Locator("[data-diff=added]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Register biodata and specific needs (register)", await page.Locator("[data-diff=removed]").InnerTextAsync(), StringComparison.Ordinal);
        var blocked = await page.GetByTestId("cannot-move").InnerTextAsync();
        Assert.Contains(amina.Number, blocked, StringComparison.Ordinal);
        Assert.Contains(farah.Number, blocked, StringComparison.Ordinal);
        Assert.Contains("has no counterpart in version 2", blocked, StringComparison.Ordinal);
        Assert.DoesNotContain("Amina", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("form:has(input[name=_handler][value=migrate])").CountAsync());

        await page.GetByLabel("Register biodata and specific needs (register) becomes").SelectOptionAsync("register=registerBiodata");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check again with this mapping" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/migrate?from=1&to=2&map=register%3DregisterBiodata");
        Assert.Equal("2 of 2 running case(s) can move to version 2.", (await page.GetByTestId("movable").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.GetByTestId("cannot-move").CountAsync());
        Assert.Equal("register=registerBiodata", await page.GetByLabel("Register biodata and specific needs (register) becomes").InputValueAsync());
        Assert.Equal([1, 1], await VersionsAsync(host));

        await page.GetByRole(AriaRole.Button, new() { Name = "Move 2 case(s) to version 2" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/asylum-claim/migrate?job=*");
        Assert.Equal("In progress: 0 of 2 case(s) moved so far, 0 could not move. This page refreshes itself.",
            (await page.GetByTestId("job-status").InnerTextAsync()).Trim());

        // A second move of the same process is refused while this one runs.
        await page.GotoAsync("/workflows/asylum-claim/migrate?from=1&to=2&map=register%3DregisterBiodata");
        var second = await HeadlessChromium.RunAndLoadAsync(page,
            () => page.GetByRole(AriaRole.Button, new() { Name = "Move 2 case(s) to version 2" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(409, second.Status);
        Assert.Contains("being moved already", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await CountJobsAsync(host));

        // The job runs as the outbox dispatcher delivers its batches (workers are off in tests: one pass by hand).
        await host.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct);
        await page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Link, new() { Name = "See its progress." }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/migrate?job=*");
        Assert.Equal("Finished: 2 of 2 case(s) moved to version 2, 0 could not move.", (await page.GetByTestId("job-status").InnerTextAsync()).Trim());
        Assert.Equal([2, 2], await VersionsAsync(host));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var open = await db.WorkItems.Where(w => w.Status == WorkItemStatus.Open).Select(w => new { w.CaseId, w.ElementId }).ToListAsync(Ct);
            Assert.Equal(2, open.Count);
            Assert.All(open, w => Assert.Equal("registerBiodata", w.ElementId));
        }

        // The clerk goes on with the moved task; an auditor reads the workflows but does not move cases.
        await host.CompleteTaskAsync(clerk, amina.Number, "registerBiodata", new { registeredOn = "2026-03-02" });
        await page.GotoAsync("/workflows");
        Assert.Equal(0, await page.Locator("[data-process=asylum-claim] [data-testid=move-cases]").CountAsync());
        var auditor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(auditor, "/workflows/asylum-claim/migrate", "auditor.a", ApiHost.Password);
        await HeadlessChromium.WaitForPageAsync(auditor, "**/access-denied**");
    }

    [Fact]
    public async Task AMoveToAVersionThatIsNoLongerPublished_IsRefused_AndNothingMoves()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"), ("clerk.a", "RegistrationClerk"));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("super.a");
        await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var v1 = await supervisor.GetStringAsync("/api/workflow-definitions/asylum-claim/versions/1/bpmn", Ct);
        foreach (var note in new[] { "v2", "v3" })
        {
            await supervisor.PutAsJsonAsync("/api/workflow-definitions/asylum-claim/draft", new { bpmn = v1.Replace("P3D", note == "v2" ? "P4D" : "P5D", StringComparison.Ordinal) }, Ct);
            Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/workflow-definitions/asylum-claim/draft/publish", new { releaseNote = note }, Ct)).StatusCode);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/asylum-claim/migrate?from=1&to=2", "super.a", ApiHost.Password);
        Assert.Equal("1 of 1 running case(s) can move to version 2.", (await page.GetByTestId("movable").InnerTextAsync()).Trim());
        // A changed due date moves with the case: the diff names the task.
        Assert.Contains("(register)", await page.Locator("[data-diff=changed]").InnerTextAsync(), StringComparison.Ordinal);

        // Someone retires version 2 while the page is open.
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsync("/api/workflow-definitions/asylum-claim/versions/2/retire", null, Ct)).StatusCode);
        var refused = await HeadlessChromium.RunAndLoadAsync(page,
            () => page.GetByRole(AriaRole.Button, new() { Name = "Move 1 case(s) to version 2" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(400, refused.Status);
        Assert.Contains("Version 2 of asylum-claim is not published", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountJobsAsync(host));
        Assert.Equal([1], await VersionsAsync(host));

        // The same page with two equal versions, or a mapping that is not a pair, says what is wrong.
        Assert.Equal(400, (await page.GotoAsync("/workflows/asylum-claim/migrate?from=1&to=1"))!.Status);
        Assert.Contains("two different versions", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(400, (await page.GotoAsync("/workflows/asylum-claim/migrate?from=1&to=3&map=register"))!.Status);
        Assert.Contains("The element mapping 'register'", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(404, (await page.GotoAsync("/workflows/no-such-process/migrate"))!.Status);
    }

    [Fact]
    public async Task ASupervisor_StopsAMove_TheCasesStay_AColleaguesLateStopIsAnswered_AndANewMoveCanStart()
    {
        await using var host = await ApiHost.StartAsync(("super.a", "Supervisor"), ("super.b", "Supervisor"), ("clerk.a", "RegistrationClerk"));
        await OneCaseAndASecondVersionAsync(host);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/asylum-claim/migrate?from=1&to=2", "super.a", ApiHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Move 1 case(s) to version 2" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/asylum-claim/migrate?job=*");
        var colleague = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(colleague, new Uri(page.Url).PathAndQuery, "super.b", ApiHost.Password);
        Assert.Equal(1, await colleague.Locator("meta[http-equiv=refresh]").CountAsync());

        var stop = await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Stop this move" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(200, stop.Status);
        Assert.Equal("Stopped: 0 of 1 case(s) moved to version 2, 0 could not move. The others stay on version 1 and can be moved later.",
            (await page.GetByTestId("job-status").InnerTextAsync()).Trim());
        Assert.Contains("stopped by super.a", await page.GetByTestId("job").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Stop this move" }).CountAsync());
        Assert.Equal(0, await page.Locator("meta[http-equiv=refresh]").CountAsync());

        // The colleague's page still offered the button; their stop is answered, not failed.
        var late = await HeadlessChromium.RunAndLoadAsync(colleague, () => colleague.GetByRole(AriaRole.Button, new() { Name = "Stop this move" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(409, late.Status);
        Assert.Contains("stopped already, by super.a", await colleague.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        // Its queued batch finds it stopped: the case stays on version 1, and a new move may start.
        await host.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct);
        Assert.Equal([1], await VersionsAsync(host));
        await page.GetByRole(AriaRole.Link, new() { Name = "Move other cases" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move 1 case(s) to version 2" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/asylum-claim/migrate?job=*");
        await host.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(Ct);
        await page.ReloadAsync();
        Assert.Equal("Finished: 1 of 1 case(s) moved to version 2, 0 could not move.", (await page.GetByTestId("job-status").InnerTextAsync()).Trim());
        Assert.Equal([2], await VersionsAsync(host));
        Assert.Equal(2, await CountJobsAsync(host));
    }

    [Fact]
    public async Task AStartOrStopTheDatabaseGivesUpOn_IsAnsweredOnTheMovePage_NothingChanges_AndTheSecondClickDoesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("super.a", "Supervisor"), ("clerk.a", "RegistrationClerk"));
        await OneCaseAndASecondVersionAsync(host);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/workflows/asylum-claim/migrate?from=1&to=2", "super.a", ApiHost.Password);
        var move = page.GetByRole(AriaRole.Button, new() { Name = "Move 1 case(s) to version 2" });

        // Another transaction keeps everyone from writing moves while the supervisor starts one.
        await using (await host.HoldWritesToAsync("migration_jobs"))
        {
            var busy = await HeadlessChromium.RunAndLoadAsync(page, () => move.ClickAsync(), r => r.Request.Method == "POST");
            Assert.Equal(503, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so no case was moved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("1 of 1 running case(s) can move to version 2.", (await page.GetByTestId("movable").InnerTextAsync()).Trim());
        }

        Assert.Equal(0, await CountJobsAsync(host));
        await move.ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/workflows/asylum-claim/migrate?job=*");
        Assert.Equal(1, await CountJobsAsync(host));

        // The same for stopping it: the job page answers, the move goes on, and the next click stops it.
        var stop = page.GetByRole(AriaRole.Button, new() { Name = "Stop this move" });
        await using (await host.HoldWritesToAsync("migration_jobs"))
        {
            var busy = await HeadlessChromium.RunAndLoadAsync(page, () => stop.ClickAsync(), r => r.Request.Method == "POST");
            Assert.Equal(503, busy.Status);
            Assert.Contains("The database was busy, so the move was not stopped", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(1, await stop.CountAsync());
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.Null((await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().MigrationJobs.SingleAsync(Ct)).CancelledBy);
        }

        await HeadlessChromium.RunAndLoadAsync(page, () => stop.ClickAsync(), r => r.Request.Method == "POST");
        Assert.StartsWith("Stopped: 0 of 1 case(s) moved", (await page.GetByTestId("job-status").InnerTextAsync()).Trim(), StringComparison.Ordinal);
    }

    /// <summary>A case registered on version 1 of the claim workflow, and a version 2 that only gives registration a day more.</summary>
    private static async Task OneCaseAndASecondVersionAsync(ApiHost host)
    {
        var supervisor = await host.ClientForAsync("super.a");
        await ApiHost.RegisterCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var v1 = await supervisor.GetStringAsync("/api/workflow-definitions/asylum-claim/versions/1/bpmn", Ct);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PutAsJsonAsync("/api/workflow-definitions/asylum-claim/draft",
            new { bpmn = v1.Replace("cw:due=\"P3D\"", "cw:due=\"P4D\"", StringComparison.Ordinal) }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync("/api/workflow-definitions/asylum-claim/draft/publish", new { releaseNote = "v2" }, Ct)).StatusCode);
    }

    private static async Task<List<int>> VersionsAsync(ApiHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.Instances.Where(i => i.ProcessId == "asylum-claim").OrderBy(i => i.CreatedAt).Select(i => i.Version).ToListAsync(Ct);
    }

    private static async Task<int> CountJobsAsync(ApiHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().MigrationJobs.CountAsync(Ct);
    }
}
