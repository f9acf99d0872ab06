using System.Net;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Features.Administration;
using Casework.Web.Tests.Api;
using Casework.Web.Tests.Auth;
using Casework.Web.Ui;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The administrator's account screens, in a real browser: add an organisation, create a lawyer's account that then
/// signs in, change a colleague's roles, disable an account so it cannot sign in; and nobody else gets in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminPageTests(PostgresFixture postgres)
{
    private const string NewPassword = "Another-Horse-77!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAdministrator_CreatesChangesAndDisablesAccounts_WithErrorsBesideTheirFields()
    {
        await using var host = await ApiHost.StartAsync(("admin.a", CaseworkRoles.Administrator), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        // An administrator without a case role lands on the accounts, not on queues they may not see.
        var landing = await HeadlessChromium.SignInAsync(page, "/", "admin.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.OK, landing.Status);
        Assert.EndsWith("/admin/users", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("3 accounts", await page.GetByTestId("account-count").InnerTextAsync(), StringComparison.Ordinal);

        // An organisation first, then its lawyer; a lawyer without one is refused beside the field, entries kept.
        await page.FillAsync("#organisationName", "Refugee Legal Aid");
        await HeadlessChromium.PostFormAsync(page, "Add the organisation");
        await HeadlessChromium.WaitForPageAsync(page, "**done=organisation");
        Assert.Contains("Refugee Legal Aid (0 lawyers)", await page.GetByTestId("organisations").InnerTextAsync(), StringComparison.Ordinal);

        await page.FillAsync("#userName", "lawyer.x");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.LegalAidPartner }).CheckAsync();
        await page.FillAsync("#password", NewPassword);
        var refused = await HeadlessChromium.PostFormAsync(page, "Create the account");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("belongs to an organisation", await page.Locator("[data-error=organisationId]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("lawyer.x", await page.InputValueAsync("#userName"));
        Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.LegalAidPartner }).IsCheckedAsync());

        await page.SelectOptionAsync("#organisationId", new SelectOptionValue { Label = "Refugee Legal Aid" });
        await page.FillAsync("#password", "weak");
        var weak = await HeadlessChromium.PostFormAsync(page, "Create the account");
        Assert.Equal((int)HttpStatusCode.BadRequest, weak.Status);
        Assert.Equal(1, await page.Locator("[data-error=password]").CountAsync());

        await page.FillAsync("#password", NewPassword);
        await HeadlessChromium.PostFormAsync(page, "Create the account");
        await HeadlessChromium.WaitForPageAsync(page, "**done=created");
        Assert.Equal("lawyer.x", await page.GetByTestId("account-heading").InnerTextAsync());
        Assert.Contains("Refugee Legal Aid", await page.GetByTestId("account-status").InnerTextAsync(), StringComparison.Ordinal);
        using (var lawyer = new OidcTestClient(host.Server))
        {
            Assert.True((await lawyer.SignInAsync("api-tests", "lawyer.x", NewPassword, Ct)).TryGetProperty("access_token", out _));
        }

        // A colleague's roles: the officer becomes a supervisor as well.
        await page.GotoAsync("/admin/users?search=officer");
        await page.GetByRole(AriaRole.Link, new() { Name = "officer.a" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.Supervisor }).CheckAsync();
        Assert.Equal("", await page.InputValueAsync("#gender"));
        await page.SelectOptionAsync("#gender", "Female");
        await HeadlessChromium.PostFormAsync(page, "Save the changes");
        await HeadlessChromium.WaitForPageAsync(page, "**done=updated");
        Assert.Contains($"{CaseworkRoles.EligibilityOfficer}, {CaseworkRoles.Supervisor}", await page.GetByTestId("account-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Female", await page.InputValueAsync("#gender"));

        // Another administrator moves the officer to another office while this page is open with a new name typed: saving
        // is refused with nothing saved, what is saved now shown beside the kept entries; saving again replaces it.
        await page.FillAsync("#displayName", "Officer A");
        using (var scope = host.Services.CreateScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            var colleague = (await accounts.ListAsync(null, null, "officer.a", 1, 10, Ct)).Items.Single();
            Assert.Equal(AdminResult.Done, (await accounts.UpdateAsync(colleague.Id, new UpdateUserRequest(colleague.DisplayName, colleague.Roles, "MOG", null, colleague.Gender),
                "someone.else", null, Ct)).Kind);
        }

        var stale = await HeadlessChromium.PostFormAsync(page, "Save the changes");
        Assert.Equal((int)HttpStatusCode.Conflict, stale.Status);
        Assert.Contains("MOG", await page.GetByTestId("saved-meanwhile").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Female", await page.GetByTestId("saved-meanwhile").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Officer A", await page.InputValueAsync("#displayName"));
        await HeadlessChromium.PostFormAsync(page, "Save the changes");
        await HeadlessChromium.WaitForPageAsync(page, "**done=updated");
        Assert.Equal("Officer A", await page.InputValueAsync("#displayName"));

        // Disabled, the officer cannot sign in; enabled again, they can.
        await HeadlessChromium.PostFormAsync(page, "Disable this account");
        await HeadlessChromium.WaitForPageAsync(page, "**done=disabled");
        Assert.Contains("Disabled", await page.GetByTestId("account-status").InnerTextAsync(), StringComparison.Ordinal);
        var officer = await chromium.NewPageAsync(host.Server);
        await officer.GotoAsync("/queue");
        await officer.GetByLabel("User name").FillAsync("officer.a");
        await officer.GetByLabel("Password").FillAsync(ApiHost.Password);
        var locked = await HeadlessChromium.PostFormAsync(officer, "Sign in");
        Assert.Equal((int)HttpStatusCode.Locked, locked.Status);
        await HeadlessChromium.PostFormAsync(page, "Let this account sign in again");
        await HeadlessChromium.WaitForPageAsync(page, "**done=enabled");
        Assert.Contains("Can sign in", await page.GetByTestId("account-status").InnerTextAsync(), StringComparison.Ordinal);
        var back = await HeadlessChromium.SignInAsync(officer, "/queue", "officer.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.OK, back.Status);

        // The administrator cannot disable themselves: refused with the reason, nothing changed.
        await page.GotoAsync("/admin/users?search=admin.a");
        await page.GetByRole(AriaRole.Link, new() { Name = "admin.a" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        var self = await HeadlessChromium.PostFormAsync(page, "Disable this account");
        Assert.Equal((int)HttpStatusCode.Conflict, self.Status);
        Assert.Contains("cannot disable your own account", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);

        // A supervisor is refused the screens and is not offered them.
        var supervisor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(supervisor, "/admin/users", "supervisor.a", ApiHost.Password);
        Assert.Contains("/access-denied", supervisor.Url, StringComparison.Ordinal);
        Assert.Equal(0, await supervisor.GetByTestId("nav-accounts").CountAsync());
        Assert.Equal(1, await page.GetByTestId("nav-accounts").CountAsync());
    }

    /// <summary>Clicks a form's button; the response to its post (a redirect once done, the page itself when refused).</summary>
    [Fact]
    public async Task TheAccountList_PagesThroughEveryAccount_KeepingItsFilter()
    {
        await using var host = await ApiHost.StartAsync(("admin.a", CaseworkRoles.Administrator), ("officer.a", CaseworkRoles.EligibilityOfficer));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            for (var i = 1; i <= Casework.Web.Ui.Pages.AdminUsers.PageSize + 5; i++)
            {
                var auditor = new CaseworkUser { UserName = $"auditor.{i:D3}" };
                Assert.True((await users.CreateAsync(auditor)).Succeeded);
                Assert.True((await users.AddToRoleAsync(auditor, CaseworkRoles.Auditor)).Succeeded);
            }
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/admin/users?role=Auditor", "admin.a", ApiHost.Password);
        var shown = Casework.Web.Ui.Pages.AdminUsers.PageSize;
        Assert.Equal($"{shown + 5} accounts, 1–{shown} shown", await page.GetByTestId("account-count").InnerTextAsync());
        Assert.Equal(shown, await page.Locator("tr[data-account]").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).CountAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**page=2");
        Assert.Equal($"{shown + 5} accounts, {shown + 1}–{shown + 5} shown", await page.GetByTestId("account-count").InnerTextAsync());
        Assert.Equal([$"auditor.{shown + 1:D3}", $"auditor.{shown + 2:D3}", $"auditor.{shown + 3:D3}", $"auditor.{shown + 4:D3}", $"auditor.{shown + 5:D3}"],
            await page.Locator("tr[data-account]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.account)"));
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).CountAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, url => !url.Contains("page=", StringComparison.Ordinal));
        Assert.Contains("role=Auditor", page.Url, StringComparison.Ordinal);
        Assert.Equal("auditor.001", await page.Locator("tr[data-account]").First.GetAttributeAsync("data-account"));
        Assert.Equal(0, await page.GetByTestId("past-the-end").CountAsync());

        // A link to a page the list no longer has (accounts were disabled meanwhile, say) shows the last page and says so.
        var past = await page.GotoAsync("/admin/users?role=Auditor&page=7");
        Assert.Equal(200, past!.Status);
        Assert.Equal($"There is no page 7 any more: there are {shown + 5} accounts matching now, so this is the last page, 2.",
            await page.GetByTestId("past-the-end").InnerTextAsync());
        Assert.Equal($"{shown + 5} accounts, {shown + 1}–{shown + 5} shown", await page.GetByTestId("account-count").InnerTextAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).CountAsync());
    }

    [Fact]
    public async Task AnAccountTheDatabaseGivesUpOn_StaysOnTheFormWithItsEntries_AndSendingItAgainCreatesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("admin.a", CaseworkRoles.Administrator));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/admin/users", "admin.a", ApiHost.Password);
        await page.FillAsync("#userName", "clerk.new");
        await page.FillAsync("#displayName", "Hodan Clerk");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.RegistrationClerk }).CheckAsync();
        await page.FillAsync("#office", "NBO");
        await page.FillAsync("#password", NewPassword);

        // Another administrator's transaction is writing an account of the same name, not yet committed: the new
        // account's row waits on it.
        await using (await host.HoldAsync(async db =>
        {
            db.Users.Add(new CaseworkUser { UserName = "clerk.new", NormalizedUserName = "CLERK.NEW", OfficeCode = "NBO" });
            await db.SaveChangesAsync(Ct);
        }))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Create the account");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was saved. What you entered is still below except the password",
                await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("clerk.new", await page.InputValueAsync("#userName"));
            Assert.Equal("Hodan Clerk", await page.InputValueAsync("#displayName"));
            Assert.Equal("NBO", await page.InputValueAsync("#office"));
            Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.RegistrationClerk }).IsCheckedAsync());
        }

        // The other transaction ended without its account; the password (never sent back to the browser) typed again, the
        // same form creates this one.
        await page.FillAsync("#password", NewPassword);
        await HeadlessChromium.PostFormAsync(page, "Create the account");
        await HeadlessChromium.WaitForPageAsync(page, "**done=created");
        Assert.Equal("clerk.new", await page.GetByTestId("account-heading").InnerTextAsync());
    }

    [Fact]
    public async Task AnAccountChangeOrOrganisationTheDatabaseGivesUpOn_StaysOnItsFormWithTheEntries_AndSendingItAgainSavesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("admin.a", CaseworkRoles.Administrator), ("officer.a", CaseworkRoles.EligibilityOfficer));
        string officerId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            officerId = (await scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>().FindByNameAsync("officer.a"))!.Id;
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/admin/users/{officerId}", "admin.a", ApiHost.Password);
        await page.FillAsync("#displayName", "Farah Officer");
        await page.FillAsync("#office", "KKM");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.Supervisor }).CheckAsync();

        // Another transaction keeps everyone from writing accounts while the administrator saves the change, then disables
        // the account: each is answered on the account's own page with what was typed, and nothing of either is saved.
        await using (await host.HoldWritesToAsync("\"AspNetUsers\""))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Save the changes");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Farah Officer", await page.InputValueAsync("#displayName"));
            Assert.Equal("KKM", await page.InputValueAsync("#office"));
            Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.Supervisor }).IsCheckedAsync());

            var notDisabled = await HeadlessChromium.PostFormAsync(page, "Disable this account");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, notDisabled.Status);
            Assert.Equal("The database was busy, so nothing was changed. Try again in a moment.",
                (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).Trim());

            await page.FillAsync("#password", NewPassword);
            var notSet = await HeadlessChromium.PostFormAsync(page, "Set the password");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, notSet.Status);
            Assert.Contains("so the password was not set. Type it again", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            var unchanged = (await users.FindByIdAsync(officerId))!;
            Assert.Equal(("NBO", false), (unchanged.OfficeCode, unchanged.DisplayName == "Farah Officer"));
            Assert.Equal([CaseworkRoles.EligibilityOfficer], await users.GetRolesAsync(unchanged));
            Assert.False(await users.IsLockedOutAsync(unchanged));
            Assert.True(await users.CheckPasswordAsync(unchanged, ApiHost.Password));
        }

        // The held transaction has ended: the change typed again is saved.
        await page.FillAsync("#displayName", "Farah Officer");
        await page.FillAsync("#office", "KKM");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = CaseworkRoles.Supervisor }).CheckAsync();
        await HeadlessChromium.PostFormAsync(page, "Save the changes");
        await HeadlessChromium.WaitForPageAsync(page, "**done=updated");
        Assert.Contains("KKM", await page.GetByTestId("account-status").InnerTextAsync(), StringComparison.Ordinal);

        // Letting a disabled account in again is answered the same way, and it stays disabled until the next click.
        await HeadlessChromium.PostFormAsync(page, "Disable this account");
        await HeadlessChromium.WaitForPageAsync(page, "**done=*");
        await using (await host.HoldWritesToAsync("\"AspNetUsers\""))
        {
            var notEnabled = await HeadlessChromium.PostFormAsync(page, "Let this account sign in again");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, notEnabled.Status);
            Assert.Equal("1", (await notEnabled.AllHeadersAsync())["retry-after"]);
            Assert.Equal(BusyDatabase.NothingChanged, (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).Trim());
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            Assert.True(await users.IsLockedOutAsync((await users.FindByIdAsync(officerId))!));
        }

        await HeadlessChromium.PostFormAsync(page, "Let this account sign in again");
        await HeadlessChromium.WaitForPageAsync(page, "**done=*");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            Assert.False(await users.IsLockedOutAsync((await users.FindByIdAsync(officerId))!));
        }

        // A new organisation's name is kept the same way, and sent again it is added once.
        await page.GotoAsync("/admin/users");
        await page.FillAsync("#organisationName", "Refugee Legal Aid");
        await using (await host.HoldWritesToAsync("organisations"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Add the organisation");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Refugee Legal Aid", await page.InputValueAsync("#organisationName"));
        }

        await HeadlessChromium.PostFormAsync(page, "Add the organisation");
        await HeadlessChromium.WaitForPageAsync(page, "**done=organisation");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Organisations.CountAsync(o => o.Name == "Refugee Legal Aid", Ct));
        }
    }
}
