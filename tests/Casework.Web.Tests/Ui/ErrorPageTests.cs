using System.Net;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// What a person in a browser sees when a screen cannot do what they asked: a page in the application's own layout that
/// says what happened and whether anything was saved, never the API's JSON and never the server's internals. Real
/// failures of a real PostgreSQL database, not stand-ins.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ErrorPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APageTheDatabaseCannotServe_ShowsAPageSayingSo_AndLoadingItAgainWorks()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var item = await host.OpenItemAsync(number);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{item.Id}", "officer.a", ApiHost.Password);

        // Another transaction keeps everyone from even reading tasks (as a schema change would) while the officer opens
        // the queue: the screens' own error page says so, in the layout, without the exception.
        await using (await host.HoldAsync(async db =>
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE work_items IN ACCESS EXCLUSIVE MODE", Ct)))
        {
            var busy = await page.GotoAsync("/queue?view=EligibilityOfficer");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy!.Status);
            Assert.StartsWith("text/html", (await busy.AllHeadersAsync())["content-type"], StringComparison.Ordinal);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Equal("The database was busy", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            // Only a page was being read: nothing was sent, and loading it again is what to do.
            var detail = await page.GetByTestId("error-detail").InnerTextAsync();
            Assert.Contains("this page could not be shown. Nothing was changed; reload the page in a moment.", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("what you sent", detail, StringComparison.Ordinal);
            Assert.Equal("officer.a", await page.GetByTestId("signed-in-as").InnerTextAsync());
            Assert.DoesNotContain("lock timeout", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase); // the database's message
        }

        // Once the other transaction has ended, the same page is shown.
        var shown = await page.GotoAsync("/queue?view=EligibilityOfficer");
        Assert.Equal((int)HttpStatusCode.OK, shown!.Status);
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = item.Name! }).CountAsync());
    }

    [Fact]
    public async Task AFormTheDatabaseGivesUpOn_WithoutAnAnswerOfItsOwn_ShowsThePageSayingNothingSentWasSaved()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("officer.a", CaseworkRoles.EligibilityOfficer));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await page.GotoAsync("/queue");
        await page.GetByLabel("User name").FillAsync("officer.a");
        await page.GetByLabel("Password").FillAsync(ApiHost.Password);

        // The sign-in form has no busy answer of its own: while another transaction holds the table that counts sign-in
        // attempts, sending it ends on the general page, which speaks of what was sent rather than of a page to reload.
        await using (await host.HoldAsync(async db =>
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE sign_in_throttle IN ACCESS EXCLUSIVE MODE", Ct)))
        {
            var busy = await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
                r => r.Request.IsNavigationRequest && r.Request.Frame == page.MainFrame);
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Equal("The database was busy", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            var detail = await page.GetByTestId("error-detail").InnerTextAsync();
            Assert.Contains("Nothing of what you sent was saved; go back and send it again.", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("reload the page", detail, StringComparison.Ordinal);
        }

        // Going back and sending it again signs in.
        await HeadlessChromium.SignInAsync(page, "/queue", "officer.a", ApiHost.Password);
        Assert.Equal("officer.a", await page.GetByTestId("signed-in-as").InnerTextAsync());
    }

    [Fact]
    public async Task ACompletionTheDatabaseGivesUpOn_StaysOnTheTaskWithWhatWasTyped_AndSendingItAgainCompletesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var item = await host.OpenItemAsync(number);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{item.Id}", "officer.a", ApiHost.Password);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        await page.GetByLabel("Interview date").FillAsync("2026-03-20");
        await page.GetByLabel("Interpreter language").FillAsync("Somali");

        // Another transaction holds the task's row while the officer completes it.
        await using (await host.HoldAsync(async db =>
            Assert.Equal(1, await db.WorkItems.Where(w => w.Id == item.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.Priority, w => w.Priority), Ct))))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Complete");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("2026-03-20", await page.GetByLabel("Interview date").InputValueAsync());
            Assert.Equal("Somali", await page.GetByLabel("Interpreter language").InputValueAsync());
        }

        Assert.Equal(item.Id, (await host.OpenItemAsync(number)).Id);

        // Once the other transaction has ended, the same form, sent again as it stands, completes the task.
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?done=*");
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var closed = await db.WorkItems.AsNoTracking().SingleAsync(w => w.Id == item.Id, Ct);
        Assert.Equal(WorkItemStatus.Completed, closed.Status);
        Assert.Equal(1, await db.Journal.CountAsync(j => j.Command == "CompleteTask" && j.Actor == "officer.a", Ct));
        Assert.Contains("Somali", (await db.Instances.AsNoTracking().SingleAsync(i => i.Id == closed.InstanceId, Ct)).State, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScreenThatFails_ShowsAPageWithAReferenceAndNoInternals_WhileTheApiStillAnswersProblemDetails()
    {
        await using var host = await ApiHost.StartAsync("postgres", postgres, ("officer.a", CaseworkRoles.EligibilityOfficer));
        var officer = await host.ClientForAsync("officer.a");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/queue?view=EligibilityOfficer", "officer.a", ApiHost.Password);

        // The queue's table goes missing under the running node (as after a botched manual change to the database).
        await ExecuteAsync(host, "ALTER TABLE work_items RENAME TO work_items_away");
        try
        {
            var failed = await page.GotoAsync("/queue?view=EligibilityOfficer");
            Assert.Equal((int)HttpStatusCode.InternalServerError, failed!.Status);
            Assert.StartsWith("text/html", (await failed.AllHeadersAsync())["content-type"], StringComparison.Ordinal);
            Assert.Equal("Something went wrong on our side", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
            Assert.Equal("The page could not be shown. Nothing was changed.", await page.GetByTestId("error-detail").InnerTextAsync());
            var reference = await page.GetByTestId("error-reference").InnerTextAsync();
            Assert.Matches("^[0-9a-f-]{20,}$", reference);
            var text = await page.Locator("body").InnerTextAsync();
            Assert.DoesNotContain("work_items", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);

            // A program calling the API is answered in its own terms, with the same kind of reference.
            var api = await officer.GetAsync("/api/queues/roles/EligibilityOfficer", Ct);
            var problem = await ApiHost.AssertProblemAsync(api, HttpStatusCode.InternalServerError);
            Assert.Equal(JsonValueKind.String, problem.GetProperty("traceId").ValueKind);
        }
        finally
        {
            await ExecuteAsync(host, "ALTER TABLE work_items_away RENAME TO work_items");
        }

        // An address with no screen is a page too, not the API's JSON.
        var nowhere = await page.GotoAsync("/no-such-screen");
        Assert.Equal((int)HttpStatusCode.NotFound, nowhere!.Status);
        Assert.StartsWith("text/html", (await nowhere.AllHeadersAsync())["content-type"], StringComparison.Ordinal);
        Assert.Equal("There is no such page", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        Assert.Equal("officer.a", await page.GetByTestId("signed-in-as").InnerTextAsync());

        // With the table back the queue works again.
        var back = await page.GotoAsync("/queue?view=EligibilityOfficer");
        Assert.Equal((int)HttpStatusCode.OK, back!.Status);
    }

    [Fact]
    public async Task AFormWhoseAntiforgeryTokenNoLongerHolds_ShowsThePageSayingNothingWasSaved()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var item = await host.OpenItemAsync(number);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{item.Id}", "officer.a", ApiHost.Password);

        // The form's token no longer matches (as when it was loaded for someone who has since signed out).
        await page.EvaluateAsync("() => document.querySelectorAll('input[name=__RequestVerificationToken]').forEach(i => i.value = 'expired')");
        var refused = await HeadlessChromium.PostFormAsync(page, "Claim this task");

        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.StartsWith("text/html", (await refused.AllHeadersAsync())["content-type"], StringComparison.Ordinal);
        Assert.Equal("The request could not be read", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        Assert.Contains("Nothing was saved", await page.GetByTestId("error-detail").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("officer.a", await page.GetByTestId("signed-in-as").InnerTextAsync());
        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // The audit trail records the refused post as what it was.
            var audit = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().AuditEntries.AsNoTracking()
                .Where(a => a.Resource == $"POST /tasks/{item.Id}").Select(a => new { a.Actor, a.Action, a.Status }).ToListAsync(Ct);
            Assert.Equal(new { Actor = "officer.a", Action = "write", Status = 400 }, Assert.Single(audit));
        }

        // Reloaded, the form carries a good token again and the claim goes through.
        await page.GotoAsync($"/tasks/{item.Id}");
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        Assert.Equal("officer.a", (await host.OpenItemAsync(number)).ClaimedBy);
    }

    private static async Task ExecuteAsync(ApiHost host, string sql)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Database.ExecuteSqlRawAsync(sql, Ct);
    }
}
