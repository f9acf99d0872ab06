using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// An appeal lodged at the office, in a real browser: a clerk goes from the case's deadlines to its appeal screen and
/// records a late appeal, which the procedure takes only with the reason it is late. On PostgreSQL, whose lock waits are
/// short here, so a busy database can be shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CaseAppealPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClerk_RecordsALateAppealLodgedAtTheOffice_OnlyWithItsReason_AfterABusyDatabase_AndAnOfficerIsNotOfferedIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var clerkApi = await host.ClientForAsync("clerk.a");
        var (caseId, number) = await host.RejectedCaseAsync(clerkApi, await host.ClientForAsync("officer.a"), await host.ClientForAsync("supervisor.a"),
            "Amina", daysAgo: 35);
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // An officer reads the deadlines but is not offered to record the appeal, and its screen is not theirs.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, $"/cases/{number}", "officer.a", ApiHost.Password);
        Assert.Equal(1, await officer.GetByTestId("deadlines").CountAsync());
        Assert.Equal(0, await officer.GetByTestId("lodge-appeal").CountAsync());
        await officer.GotoAsync($"/cases/{number}/appeal");
        Assert.Equal(0, await officer.Locator("form:has(input[name=_handler][value=lodge])").CountAsync());

        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "clerk.a", ApiHost.Password);
        await page.GetByTestId("lodge-appeal").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}/appeal");
        Assert.Equal("Late appeal possible, with a reason", await page.GetByTestId("status").InnerTextAsync());
        Assert.True(await page.GetByTestId("late-warning").IsVisibleAsync());

        // Without the reason: the procedure's rule refuses it beside the field, keeping the grounds typed; nothing is lodged.
        await page.GetByLabel("Grounds of appeal").FillAsync("The interpreter did not speak my dialect.");
        var refused = await HeadlessChromium.PostFormAsync(page, "Record the appeal");
        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("late appeal needs the reason", await page.Locator("[data-error=lateReason]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("The interpreter did not speak my dialect.", await page.GetByLabel("Grounds of appeal").InputValueAsync());
        Assert.Equal("Late appeal possible, with a reason", await StatusAsync(clerkApi, caseId));

        // Another transaction holds the case's workflow instance: nothing is saved, and everything typed stays for a second try.
        await page.GetByLabel("Why the appeal is late").FillAsync("In hospital until last week.");
        await using (await host.HoldAsync(async db => Assert.NotEqual(0, await db.Instances.Where(i => i.BusinessKey == number)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UpdatedAt, i => i.UpdatedAt), Ct))))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Record the appeal");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("In hospital until last week.", await page.GetByLabel("Why the appeal is late").InputValueAsync());
            Assert.Equal("The interpreter did not speak my dialect.", await page.GetByLabel("Grounds of appeal").InputValueAsync());
        }

        Assert.Equal("Late appeal possible, with a reason", await StatusAsync(clerkApi, caseId));
        await HeadlessChromium.PostFormAsync(page, "Record the appeal");
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}?appealLodged=true");
        Assert.Contains("The appeal is recorded as lodged", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("lodge-appeal").CountAsync());
        Assert.Equal("Lodged", await StatusAsync(clerkApi, caseId));
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(number)).ElementId);

        // A second lodging is not offered; the screen says it is lodged.
        await page.GotoAsync($"/cases/{number}/appeal");
        Assert.Contains("lodged", await page.GetByTestId("not-lodgeable").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("form:has(input[name=_handler][value=lodge])").CountAsync());
    }

    [Fact]
    public async Task AClerk_RecordsAnAppealThatCameByPost_OnTheDayItArrived_SoItIsInTimeWithoutALateReason()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var (caseId, number) = await host.RejectedCaseAsync(await host.ClientForAsync("clerk.a"), await host.ClientForAsync("officer.a"),
            await host.ClientForAsync("supervisor.a"), "Amina", daysAgo: 35);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}/appeal", "clerk.a", ApiHost.Password);

        // The day it reached the office is today unless the clerk says otherwise; a day to come is refused beside the field.
        var arrived = page.GetByLabel("Reached the office on");
        Assert.Equal(Day(today), await arrived.InputValueAsync());
        await page.GetByLabel("Grounds of appeal").FillAsync("The interpreter did not speak my dialect.");
        await arrived.EvaluateAsync("e => e.removeAttribute('max')");
        await arrived.FillAsync(Day(today.AddDays(1)));
        var refused = await HeadlessChromium.PostFormAsync(page, "Record the appeal");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("after today", await page.Locator("[data-error=receivedOn]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(Day(today.AddDays(1)), await arrived.InputValueAsync());
        Assert.Empty(await host.OpenItemsAsync(number));

        // It came by post five days after the notification: in time, so no late reason is asked for.
        await arrived.FillAsync(Day(today.AddDays(-30)));
        await HeadlessChromium.PostFormAsync(page, "Record the appeal");
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}?appealLodged=true");
        Assert.Equal(("InTime", Day(today.AddDays(-30))), await AppealApiTests.AppealTimingAsync(host, caseId));
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(number)).ElementId);
    }

    [Fact]
    public async Task AfterTheWindowClosed_AClerk_StillRecordsAPostedAppealThatArrivedInTime_WhichStopsTheReturn()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var (caseId, number) = await host.RejectedCaseAsync(await host.ClientForAsync("clerk.a"), await host.ClientForAsync("officer.a"),
            await host.ClientForAsync("supervisor.a"), "Amina", daysAgo: 100);
        await host.Services.GetRequiredService<Casework.Data.Runtime.Workers.TimerWorker>().RunOnceAsync(Ct);
        Assert.Equal("counselling", (await host.OpenItemAsync(number)).ElementId);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "clerk.a", ApiHost.Password);

        await page.GetByTestId("lodge-appeal").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}/appeal");
        Assert.Equal("Appeal window closed", await page.GetByTestId("status").InnerTextAsync());
        Assert.Contains("still recorded here with the day it arrived", await page.GetByTestId("recorded-late").InnerTextAsync(), StringComparison.Ordinal);

        // Left at today, it is too late: refused beside the day it arrived, and the return goes on.
        await page.GetByLabel("Grounds of appeal").FillAsync("The interpreter did not speak my dialect.");
        var refused = await HeadlessChromium.PostFormAsync(page, "Record the appeal");
        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("has closed", await page.Locator("[data-error=receivedOn]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("counselling", (await host.OpenItemAsync(number)).ElementId);

        await page.GetByLabel("Reached the office on").FillAsync(Day(today.AddDays(-95)));
        await HeadlessChromium.PostFormAsync(page, "Record the appeal");
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}?appealLodged=true");
        Assert.Equal(("InTime", Day(today.AddDays(-95))), await AppealApiTests.AppealTimingAsync(host, caseId));
        Assert.Equal("assignAppealOfficer", (await host.OpenItemAsync(number)).ElementId);
    }

    private static async Task<string?> StatusAsync(HttpClient staff, Guid caseId) =>
        (await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/appeal", Ct)).GetProperty("status").GetString();
}
