using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The supervisor's representation screen, in a real browser: find a case by its number, grant a legal aid
/// organisation the authority to represent its applicant, and revoke it with a reason; the partner's sight of the case
/// follows at once.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RepresentationPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASupervisor_GrantsAndRevokesAnAuthority_AndThePartnerSeesTheCaseOnlyWhileItHoldsOne()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor), ("auditor.a", CaseworkRoles.Auditor));
        await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        await host.AddPartnerAsync("lawyer.b", "Legal Aid B");
        var lawyer = await host.ClientForAsync("lawyer.a");
        var (_, number) = await ApiHost.RegisterCaseAsync(await host.ClientForAsync("clerk.a"), "Halima");

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/representations", "supervisor.a", ApiHost.Password);

        // An unknown number is named in the answer, with nothing to grant; the real one shows the case with no authority yet.
        await FindAsync(page, "NBO-1999-999999");
        Assert.Contains("There is no case numbered 'NBO-1999-999999'", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("form:has(input[name=_handler][value=grant])").CountAsync());
        await FindAsync(page, number);
        Assert.Contains($"Case {number}", await page.GetByTestId("case-heading").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.GetByTestId("no-authorities").CountAsync());

        // A grant without an organisation, or ending before it starts, is refused beside the field, entries kept.
        var noOrganisation = await HeadlessChromium.PostFormAsync(page, "Grant the authority");
        Assert.Equal((int)HttpStatusCode.BadRequest, noOrganisation.Status);
        Assert.Equal("Choose the organisation.", await page.Locator("[data-error=organisationId]").InnerTextAsync());
        await page.SelectOptionAsync("#organisationId", new SelectOptionValue { Label = "Legal Aid A" });
        await page.FillAsync("#validFrom", "2026-03-10");
        await page.FillAsync("#validUntil", "2026-03-01");
        var backwards = await HeadlessChromium.PostFormAsync(page, "Grant the authority");
        Assert.Equal((int)HttpStatusCode.BadRequest, backwards.Status);
        Assert.Equal("Must not be before validFrom.", await page.Locator("[data-error=validUntil]").InnerTextAsync());
        Assert.Equal("2026-03-10", await page.InputValueAsync("#validFrom"));
        Assert.Equal("Legal Aid A", await page.Locator("#organisationId option:checked").InnerTextAsync());
        Assert.Empty((await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct)).EnumerateArray());

        // Granted from today, open-ended: the organisation's lawyer sees the case at once.
        await page.FillAsync("#validFrom", "");
        await page.FillAsync("#validUntil", "");
        await HeadlessChromium.PostFormAsync(page, "Grant the authority");
        Assert.Contains("done=granted", page.Url, StringComparison.Ordinal);
        Assert.Equal("Active", (await page.GetByTestId("authority-status").InnerTextAsync()).Trim());
        Assert.Equal(number, Assert.Single((await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct)).EnumerateArray())
            .GetProperty("caseNumber").GetString());

        // An auditor reads the authorities and is offered nothing to change them by (the number typed in small letters finds the case).
        var auditor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(auditor, $"/representations?case={Uri.EscapeDataString($" {number.ToLowerInvariant()} ")}", "auditor.a", ApiHost.Password);
        Assert.Equal($"Case {number}", (await auditor.GetByTestId("case-heading").InnerTextAsync()).Split(" · ")[0]);
        Assert.Equal("Active", (await auditor.GetByTestId("authority-status").InnerTextAsync()).Trim());
        Assert.Contains("Legal Aid A", await auditor.Locator("tr[data-authority]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("supervisors grant and revoke them", await auditor.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await auditor.Locator("form:has(input[name=_handler][value=grant]), form:has(input[name=_handler][value^=revoke-])").CountAsync());
        // The same selector finds the supervisor's grant form and revoke form, so the auditor's nothing is not a wrong selector.
        Assert.Equal(2, await page.Locator("form:has(input[name=_handler][value=grant]), form:has(input[name=_handler][value^=revoke-])").CountAsync());

        // The same organisation twice over the same days is a conflict; nothing is added.
        await page.SelectOptionAsync("#organisationId", new SelectOptionValue { Label = "Legal Aid A" });
        var twice = await HeadlessChromium.PostFormAsync(page, "Grant the authority");
        Assert.Equal((int)HttpStatusCode.Conflict, twice.Status);
        Assert.Equal(1, await page.Locator("tr[data-authority]").CountAsync());

        // Revoking needs a reason; with one, the lawyer loses sight of the case at once.
        var revoke = page.GetByRole(AriaRole.Button, new() { Name = "Revoke the authority of Legal Aid A" });
        var noReason = await HeadlessChromium.RunAndLoadAsync(page, () => revoke.ClickAsync(), IsPost);
        Assert.Equal((int)HttpStatusCode.BadRequest, noReason.Status);
        Assert.Equal("Say why, in at most 1,000 characters.", await page.Locator("[data-error=reason]").InnerTextAsync());
        Assert.Single((await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct)).EnumerateArray());
        await page.Locator("tr[data-authority] input[name=reason]").FillAsync("The applicant chose another lawyer.");
        await HeadlessChromium.RunAndLoadAsync(page, () => revoke.ClickAsync(), IsPost);
        Assert.Contains("done=revoked", page.Url, StringComparison.Ordinal);
        Assert.Equal("Revoked", (await page.GetByTestId("authority-status").InnerTextAsync()).Trim());
        Assert.Contains("The applicant chose another lawyer.", await page.Locator("tr[data-authority]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await revoke.CountAsync());
        Assert.Empty((await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct)).EnumerateArray());

        // Only supervisors manage authorities, and other staff do not see them here.
        var officer = await chromium.NewPageAsync(host.Server);
        var forbidden = await HeadlessChromium.SignInAsync(officer, "/representations", "officer.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.Forbidden, forbidden!.Status);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var stored = await db.Representations.AsNoTracking().ToListAsync(Ct);
        var only = Assert.Single(stored);
        Assert.Equal("supervisor.a", only.GrantedBy);
        Assert.Equal("supervisor.a", only.RevokedBy);
        var audit = await db.AuditEntries.AsNoTracking().Select(a => new { a.Actor, a.Resource }).ToListAsync(Ct);
        Assert.Contains(audit, a => a.Actor == "supervisor.a" && a.Resource == "GET /representations");
        Assert.Contains(audit, a => a.Actor == "auditor.a" && a.Resource == "GET /representations");
        Assert.Contains(audit, a => a.Actor == "supervisor.a" && a.Resource == "POST /representations");
    }

    [Fact]
    public async Task AGrantOrRevocationTheDatabaseGivesUpOn_StaysOnTheCaseWithWhatWasChosenAndTyped_AndSendingItAgainSavesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor));
        await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var (_, number) = await ApiHost.RegisterCaseAsync(await host.ClientForAsync("clerk.a"), "Halima");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/representations?case={number}", "supervisor.a", ApiHost.Password);
        await page.SelectOptionAsync("#organisationId", new SelectOptionValue { Label = "Legal Aid A" });
        await page.FillAsync("#validUntil", "2031-12-31");

        // Another transaction keeps everyone from writing authorities while the supervisor grants one.
        await using (await host.HoldWritesToAsync("representations"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Grant the authority");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was granted", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Legal Aid A", await page.Locator("#organisationId option:checked").InnerTextAsync());
            Assert.Equal("2031-12-31", await page.InputValueAsync("#validUntil"));
        }

        Assert.Equal(0, await CountAsync(host, revoked: false));
        await HeadlessChromium.PostFormAsync(page, "Grant the authority");
        Assert.Contains("done=granted", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(host, revoked: false));

        // The same for a revocation: the reason typed stays in its field, and sent again it revokes the authority once.
        await page.Locator("tr[data-authority] input[name=reason]").FillAsync("The applicant chose another lawyer.");
        var revoke = page.GetByRole(AriaRole.Button, new() { Name = "Revoke the authority of Legal Aid A" });
        await using (await host.HoldWritesToAsync("representations"))
        {
            var busy = await HeadlessChromium.RunAndLoadAsync(page, () => revoke.ClickAsync(), IsPost);
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was revoked", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("The applicant chose another lawyer.", await page.Locator("tr[data-authority] input[name=reason]").InputValueAsync());
        }

        Assert.Equal(0, await CountAsync(host, revoked: true));
        await HeadlessChromium.RunAndLoadAsync(page, () => revoke.ClickAsync(), IsPost);
        Assert.Contains("done=revoked", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(host, revoked: true));
        Assert.Equal(1, await CountAsync(host, revoked: null));
    }

    private static async Task<int> CountAsync(ApiHost host, bool? revoked)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var all = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Representations.AsNoTracking();
        return await (revoked switch
        {
            true => all.Where(r => r.RevokedAt != null),
            false => all.Where(r => r.RevokedAt == null),
            null => all,
        }).CountAsync(Ct);
    }

    private static bool IsPost(IResponse response) => response.Request.IsNavigationRequest && response.Request.Method == "POST";

    private static async Task<IResponse> FindAsync(IPage page, string caseNumber)
    {
        await page.FillAsync("#case", caseNumber);
        return await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Find the case" }).ClickAsync(),
            r => r.Request.IsNavigationRequest);
    }
}
