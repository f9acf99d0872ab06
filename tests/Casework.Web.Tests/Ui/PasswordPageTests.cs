using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Casework.Web.Tests.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// Anyone signed in changes their own password on <c>/account/password</c>, in a real browser: the current one is
/// required (a wrong one counts towards lockout), the new one is typed twice and meets the password rules; once changed,
/// this browser stays signed in while the account's other sessions and tokens end.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PasswordPageTests(PostgresFixture postgres)
{
    private const string NewPassword = "Another-Horse-77!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOfficer_ChangesTheirPassword_StaysSignedInHere_AndEveryOtherSessionEnds()
    {
        // The sign-in cookie re-reads its account on every request here (a minute in the application), so the other
        // browser's session ends at its next request rather than within a minute.
        await using var host = await ApiHost.StartAsync(
            services => services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("clerk.b", CaseworkRoles.RegistrationClerk));
        using var oidc = new OidcTestClient(host.Server);
        var tokens = await oidc.SignInAsync("api-tests", "officer.a", ApiHost.Password, Ct);
        using var app = Bearer(host, tokens);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/api/me", Ct)).StatusCode);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        var other = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(other, "/queue", "officer.a", ApiHost.Password);
        await HeadlessChromium.SignInAsync(page, "/queue", "officer.a", ApiHost.Password);
        await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByTestId("nav-password").ClickAsync(), r => r.Request.IsNavigationRequest);
        Assert.EndsWith("/account/password", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        // A wrong current password: refused beside its field, counted as a failed sign-in, nothing typed sent back.
        await FillAsync(page, "Wrong-Password-1!", NewPassword, NewPassword);
        var wrong = await HeadlessChromium.PostFormAsync(page, "Change the password");
        Assert.Equal((int)HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("current password is wrong", await page.Locator("[data-error=currentPassword]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["", "", ""], [await page.InputValueAsync("#currentPassword"), await page.InputValueAsync("#newPassword"),
            await page.InputValueAsync("#confirmPassword")]);
        Assert.Equal(1, (await AccountAsync(host, "officer.a")).AccessFailedCount);

        // The two new ones differ; then a new one the rules refuse: each named beside its field.
        await FillAsync(page, ApiHost.Password, NewPassword, NewPassword + "x");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await HeadlessChromium.PostFormAsync(page, "Change the password")).Status);
        Assert.Contains("differ", await page.Locator("[data-error=confirmPassword]").InnerTextAsync(), StringComparison.Ordinal);
        await FillAsync(page, ApiHost.Password, "weak", "weak");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await HeadlessChromium.PostFormAsync(page, "Change the password")).Status);
        Assert.Contains("at least 12 characters", await page.Locator("[data-error=newPassword]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await HasPasswordAsync(host, "officer.a", ApiHost.Password));

        await FillAsync(page, ApiHost.Password, NewPassword, NewPassword);
        await HeadlessChromium.PostFormAsync(page, "Change the password");
        await HeadlessChromium.WaitForPageAsync(page, "**changed=true");
        Assert.Contains("Your password was changed", await page.GetByTestId("notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await AccountAsync(host, "officer.a")).AccessFailedCount);

        // This browser is still signed in; the other one is sent to sign in; the app's tokens no longer work.
        var queue = await page.GotoAsync("/queue");
        Assert.Equal((int)HttpStatusCode.OK, queue!.Status);
        Assert.Equal("officer.a", await page.GetByTestId("signed-in-as").InnerTextAsync());
        await other.GotoAsync("/queue");
        Assert.Contains("/account/login", other.Url, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetAsync("/api/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await oidc.TokenResponseAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!, ["client_id"] = "api-tests",
        }, Ct)).StatusCode);

        // The new password signs in; the old one does not.
        using (var fresh = new OidcTestClient(host.Server))
        {
            Assert.True((await fresh.SignInAsync("api-tests", "officer.a", NewPassword, Ct)).TryGetProperty("access_token", out _));
        }

        Assert.False(await HasPasswordAsync(host, "officer.a", ApiHost.Password));
        Assert.True(await HasPasswordAsync(host, "clerk.b", ApiHost.Password));

        // Every signed-in person has the link; someone not signed in is sent to sign in first.
        var clerk = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(clerk, "/cases", "clerk.b", ApiHost.Password);
        Assert.Equal(1, await clerk.GetByTestId("nav-password").CountAsync());
        var anonymous = await chromium.NewPageAsync(host.Server);
        await anonymous.GotoAsync("/account/password");
        Assert.Contains("/account/login", anonymous.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordChangeTheDatabaseIsTooBusyFor_IsAnsweredOnThePage_AndChangesNothing()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("officer.a", CaseworkRoles.EligibilityOfficer));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/account/password", "officer.a", ApiHost.Password);

        await using (await host.HoldWritesToAsync("\"AspNetUsers\""))
        {
            await FillAsync(page, ApiHost.Password, NewPassword, NewPassword);
            var busy = await HeadlessChromium.PostFormAsync(page, "Change the password");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("so the password was not changed", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.True(await HasPasswordAsync(host, "officer.a", ApiHost.Password));

        // Sent again once the other transaction has ended, it is changed.
        await FillAsync(page, ApiHost.Password, NewPassword, NewPassword);
        await HeadlessChromium.PostFormAsync(page, "Change the password");
        await HeadlessChromium.WaitForPageAsync(page, "**changed=true");
        Assert.True(await HasPasswordAsync(host, "officer.a", NewPassword));
    }

    private static async Task FillAsync(IPage page, string current, string next, string again)
    {
        await page.FillAsync("#currentPassword", current);
        await page.FillAsync("#newPassword", next);
        await page.FillAsync("#confirmPassword", again);
    }

    private static async Task<bool> HasPasswordAsync(ApiHost host, string userName, string password)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        return await users.CheckPasswordAsync((await users.FindByNameAsync(userName))!, password);
    }

    private static async Task<CaseworkUser> AccountAsync(ApiHost host, string userName)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>().FindByNameAsync(userName))!;
    }

    private static HttpClient Bearer(ApiHost host, JsonElement tokens)
    {
        var http = new HttpClient { BaseAddress = host.Server };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        return http;
    }
}
