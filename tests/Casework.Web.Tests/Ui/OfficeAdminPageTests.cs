using System.Net;
using Casework.Data.Identity;
using Casework.Web.Features.Administration;
using Casework.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The administrator's office and rule pack screens, in a real browser: a national pack is added, an office is given it
/// with a holiday, and the office's deadline check shows the dates they compute, explained.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OfficeAdminPageTests
{
    [Fact]
    public async Task AnAdministrator_AddsARulePackAndAnOfficeWithHolidays_AndSeesTheDeadlinesTheyCompute()
    {
        await using var host = await ApiHost.StartAsync(("admin.a", CaseworkRoles.Administrator), ("supervisor.a", CaseworkRoles.Supervisor));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        await HeadlessChromium.SignInAsync(page, "/admin/users", "admin.a", ApiHost.Password);
        await page.GetByTestId("nav-rule-packs").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/admin/rule-packs");
        Assert.Contains("(built in)", await page.Locator("tr[data-pack='UNHCR mandate']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("30", await page.InputValueAsync("#appealWindowDays")); // a new pack starts from the mandate's limits

        // Without a name it is refused beside the field, the numbers typed kept.
        await page.FillAsync("#appealWindowDays", "15");
        var refused = await HeadlessChromium.PostFormAsync(page, "Add the rule pack");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("name", await page.Locator("[data-error=name]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("15", await page.InputValueAsync("#appealWindowDays"));
        await page.FillAsync("#name", "Kenya Refugees Act");
        await HeadlessChromium.PostFormAsync(page, "Add the rule pack");
        await HeadlessChromium.WaitForPageAsync(page, "**done=added");
        Assert.Equal("Kenya Refugees Act", (await page.GetByTestId("pack-heading").InnerTextAsync()).Trim());

        // Changed meanwhile by someone else: this page's change is refused, what is saved now shown, the entry kept.
        using (var scope = host.Services.CreateScope())
        {
            var offices = scope.ServiceProvider.GetRequiredService<OfficeAdministration>();
            var id = (await offices.RulePacksAsync(TestContext.Current.CancellationToken)).Single(p => p.Name == "Kenya Refugees Act").Id!.Value;
            Assert.Equal(AdminResult.Done, (await offices.UpdateRulePackAsync(id, new("Kenya Refugees Act", 15, 10, 6, 30, 60, true), null,
                TestContext.Current.CancellationToken)).Kind);
        }

        await page.FillAsync("#interviewTargetMonths", "3");
        Assert.Equal((int)HttpStatusCode.Conflict, (await HeadlessChromium.PostFormAsync(page, "Save the rule pack")).Status);
        Assert.Contains("within 6 months (regular)", await page.GetByTestId("saved-meanwhile").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("3", await page.InputValueAsync("#interviewTargetMonths"));
        await HeadlessChromium.PostFormAsync(page, "Save the rule pack");
        await HeadlessChromium.WaitForPageAsync(page, "**done=updated");

        // An office with a line that is not a holiday: refused naming the line, what was typed kept.
        await page.GetByTestId("nav-offices").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/admin/offices");
        await page.FillAsync("#code", "NBO");
        await page.FillAsync("#name", "Nairobi");
        await page.SelectOptionAsync("#rulePackId", new SelectOptionValue { Label = "Kenya Refugees Act" });
        await page.FillAsync("#holidays", "2026-04-06 Easter Monday\n6 April Labour Day");
        await page.FillAsync("#annualHolidays", "12-25 Christmas Day\n02-29 Leap Day");
        refused = await HeadlessChromium.PostFormAsync(page, "Add the office");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Line 2", await page.Locator("[data-error=holidays]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Line 2: 29 February", await page.Locator("[data-error=annualHolidays]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("12-25 Christmas Day", await page.InputValueAsync("#annualHolidays"), StringComparison.Ordinal);
        Assert.Equal("NBO", await page.InputValueAsync("#code"));
        Assert.Contains("Easter Monday", await page.InputValueAsync("#holidays"), StringComparison.Ordinal);
        Assert.Equal("Kenya Refugees Act", await page.Locator("#rulePackId option:checked").InnerTextAsync());

        await page.FillAsync("#holidays", "2026-04-06 Easter Monday");
        await page.FillAsync("#annualHolidays", "12-25 Christmas Day");
        await HeadlessChromium.PostFormAsync(page, "Add the office");
        await HeadlessChromium.WaitForPageAsync(page, "**/admin/offices/NBO?done=added");
        Assert.Contains("Kenya Refugees Act · closed Saturday, Sunday · 1 holiday, 1 every year", await page.GetByTestId("office-summary").InnerTextAsync(),
            StringComparison.Ordinal);
        Assert.Equal("12-25 Christmas Day", await page.InputValueAsync("#annualHolidays"));

        // Notified Friday 2026-03-20: 15 days is a Saturday, then Easter Monday, so Tuesday 2026-04-07.
        await page.FillAsync("#notifiedOn", "2026-03-20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compute" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**notifiedOn=2026-03-20**");
        var deadline = await page.Locator("tr[data-date=appeal-deadline]").InnerTextAsync();
        Assert.Contains("2026-04-07", deadline, StringComparison.Ordinal);
        Assert.Contains("a holiday (Easter Monday, office NBO calendar)", deadline, StringComparison.Ordinal);

        // Notified 2030-12-10: 15 days is Wednesday 25 December, closed every year, so Thursday.
        await page.FillAsync("#notifiedOn", "2030-12-10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compute" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**notifiedOn=2030-12-10**");
        deadline = await page.Locator("tr[data-date=appeal-deadline]").InnerTextAsync();
        Assert.Contains("2030-12-26", deadline, StringComparison.Ordinal);
        Assert.Contains("a holiday (Christmas Day, every year, office NBO calendar)", deadline, StringComparison.Ordinal);

        // The office is closed on Fridays too from now on: the deadline check follows.
        await page.CheckAsync("#weekend-Friday");
        await HeadlessChromium.PostFormAsync(page, "Save the settings");
        await HeadlessChromium.WaitForPageAsync(page, "**done=updated");
        Assert.Contains("closed Friday, Saturday, Sunday", await page.GetByTestId("office-summary").InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#notifiedOn", "2026-03-26"); // + 15 = Friday 2026-04-10, now closed: Monday 2026-04-13
        await page.GetByRole(AriaRole.Button, new() { Name = "Compute" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**notifiedOn=2026-03-26**");
        Assert.Contains("2026-04-13", await page.Locator("tr[data-date=appeal-deadline]").InnerTextAsync(), StringComparison.Ordinal);

        // Another administrator puts the office back on the mandate while this page is open with a new holiday typed in:
        // saving is refused with nothing saved, what is saved now shown beside the entries, which are kept; saving again
        // (a decision made seeing both) replaces it.
        await page.FillAsync("#holidays", "2026-04-06 Easter Monday\n2026-06-01 Madaraka Day");
        using (var scope = host.Services.CreateScope())
        {
            var meanwhile = await scope.ServiceProvider.GetRequiredService<OfficeAdministration>().UpdateOfficeAsync("NBO",
                new UpdateOfficeRequest("Nairobi", null, ["Saturday", "Sunday"], [new("2026-04-06", "Easter Monday")]), null, TestContext.Current.CancellationToken);
            Assert.Equal(AdminResult.Done, meanwhile.Kind);
        }

        var stale = await HeadlessChromium.PostFormAsync(page, "Save the settings");
        Assert.Equal((int)HttpStatusCode.Conflict, stale.Status);
        Assert.Contains("nothing was saved", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);
        var saved = await page.GetByTestId("saved-meanwhile").InnerTextAsync();
        Assert.Contains("UNHCR mandate · closed Saturday, Sunday", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("Madaraka", saved, StringComparison.Ordinal);
        Assert.DoesNotContain("Christmas", saved, StringComparison.Ordinal); // the other change left no holiday every year
        Assert.Equal("12-25 Christmas Day", await page.InputValueAsync("#annualHolidays"));
        Assert.Contains("Madaraka Day", await page.InputValueAsync("#holidays"), StringComparison.Ordinal);
        Assert.True(await page.IsCheckedAsync("#weekend-Friday"));
        Assert.Equal("Kenya Refugees Act", await page.Locator("#rulePackId option:checked").InnerTextAsync());
        await HeadlessChromium.PostFormAsync(page, "Save the settings");
        await HeadlessChromium.WaitForPageAsync(page, "**done=updated");
        Assert.Contains("Kenya Refugees Act · closed Friday, Saturday, Sunday · 2 holidays, 1 every year", await page.GetByTestId("office-summary").InnerTextAsync(),
            StringComparison.Ordinal);

        // A supervisor is refused the screens and is not offered them.
        var supervisor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(supervisor, "/admin/offices/NBO", "supervisor.a", ApiHost.Password);
        Assert.Contains("/access-denied", supervisor.Url, StringComparison.Ordinal);
        Assert.Equal(0, await supervisor.GetByTestId("nav-offices").CountAsync());
    }
}
