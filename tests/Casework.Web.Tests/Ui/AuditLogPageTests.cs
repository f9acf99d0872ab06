using System.Net;
using Casework.Data.Identity;
using Casework.Web.Tests.Api;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The audit trail screen, in a real browser: an auditor finds what one account changed and everything done to one case
/// (its screens and its task's too), is told which filter is wrong,
/// checks the hash chain, and sees that the search itself was recorded; staff without the role are refused it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditLogPageTests
{
    [Fact]
    public async Task AnAuditor_FindsOneAccountsChanges_IsToldWhichFilterIsWrong_AndChecksTheChain()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var (caseId, number) = await ApiHost.RegisterCaseAsync(clerk);
        Assert.True((await clerk.GetAsync($"/api/cases/{caseId}", ct)).IsSuccessStatusCode);
        var task = (await host.OpenItemAsync(number)).Id;
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // The clerk opens the case's screen and its task's screen.
        var other = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(other, $"/cases/{number}", "clerk.a", ApiHost.Password);
        await HeadlessChromium.WaitForPageAsync(other, $"**/cases/{number}");
        await other.GotoAsync($"/tasks/{task}");
        await HeadlessChromium.WaitForPageAsync(other, $"**/tasks/{task}");

        var page = await chromium.NewPageAsync(host.Server);

        await HeadlessChromium.SignInAsync(page, "/queue", "auditor.a", ApiHost.Password);
        await page.GetByTestId("nav-audit").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/audit");
        await page.FillAsync("#actor", "clerk.a");
        await page.SelectOptionAsync("#action", "write");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/audit?actor=clerk.a&case=&resource=&action=write**");
        var rows = await page.Locator("[data-testid=entries] tbody tr").AllInnerTextsAsync();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains("clerk.a\tchanged", r, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("POST /api/cases", StringComparison.Ordinal));
        Assert.Contains($"of {rows.Count} entries, the newest first", await page.GetByTestId("range").InnerTextAsync(), StringComparison.Ordinal);

        // A path holding the case's id, in capitals.
        await page.GotoAsync($"/audit?resource={caseId.ToString().ToUpperInvariant()}");
        Assert.Contains($"clerk.a\tread\t{number}\tGET /api/cases/{caseId}", await page.GetByTestId("entries").InnerTextAsync(), StringComparison.Ordinal);

        // Everything done to the case, by its number typed in small letters: the screens of the case and of its task, the API
        // read and the registration.
        await page.GotoAsync("/audit");
        await page.FillAsync("#case", number.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/audit?actor=&case=*");
        var ofCase = await page.Locator("[data-testid=entries] tbody tr").AllInnerTextsAsync();
        Assert.Contains(ofCase, r => r.Contains($"\tclerk.a\tread\t{number}\tGET /cases/{number}\t", StringComparison.Ordinal));
        Assert.Contains(ofCase, r => r.Contains($"\tclerk.a\tread\t{number}\tGET /tasks/{task}\t", StringComparison.Ordinal));
        Assert.Contains(ofCase, r => r.Contains($"\tclerk.a\tchanged\t{number}\tPOST /api/cases\t", StringComparison.Ordinal));
        Assert.All(ofCase, r => Assert.Contains($"\t{number}\t", r, StringComparison.Ordinal));

        // The same entries as a CSV file.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        Assert.Matches("^audit-trail-[0-9]{8}T[0-9]{6}Z\\.csv$", download.SuggestedFilename);
        var csv = (await File.ReadAllTextAsync(await download.PathAsync(), ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,actor,action,case,resource,status,remoteAddress,correlationId", csv[0]);
        Assert.Equal(ofCase.Count, csv.Length - 1);
        Assert.Contains(csv, l => l.Contains($",clerk.a,read,{number},GET /tasks/{task},200,", StringComparison.Ordinal));

        // A case number no case has: refused naming the field, what was typed kept.
        await page.FillAsync("#case", "NBO-1999-999999");
        var unknown = await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync(),
            r => r.Url.Contains("case=NBO-1999-999999", StringComparison.Ordinal));
        Assert.Equal((int)HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("case: No case is numbered 'NBO-1999-999999'", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetAttributeAsync("#case", "aria-invalid"));
        Assert.Equal("NBO-1999-999999", await page.InputValueAsync("#case"));

        await page.GotoAsync($"/audit?resource={caseId.ToString().ToUpperInvariant()}");

        // A day that is not one: refused naming the field, the rest of the filters kept.
        await page.FillAsync("#from", "24/11/2026");
        var refused = await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync(),
            r => r.Url.Contains("/audit?", StringComparison.Ordinal));
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("from: '24/11/2026' is not a date", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetAttributeAsync("#from", "aria-invalid"));
        Assert.Equal(caseId.ToString().ToUpperInvariant(), await page.InputValueAsync("#resource"));

        await page.GotoAsync("/audit");
        await page.GetByRole(AriaRole.Link, new() { Name = "Check the chain" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/audit?verify=true");
        Assert.Matches("^All [0-9]+ entries chain correctly\\.$", (await page.GetByTestId("verification").InnerTextAsync()).Trim());

        // The auditor's own searches are in the trail.
        await page.GotoAsync("/audit?actor=auditor.a&resource=/audit");
        Assert.Contains("auditor.a\tread\t\tGET /audit", await page.GetByTestId("entries").InnerTextAsync(), StringComparison.Ordinal);

        // A clerk is refused the screen and is not offered it.
        await other.GotoAsync("/audit");
        Assert.Contains("/access-denied", other.Url, StringComparison.Ordinal);
        Assert.Equal(0, await other.GetByTestId("nav-audit").CountAsync());
    }
}
