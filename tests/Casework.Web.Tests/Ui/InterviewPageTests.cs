using System.Net;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// A case's interview screen in a real browser: an officer books the interview with the gender the applicant asked for,
/// is told beside the field when the interviewer does not match, sees it on the case screen, and cancels it with a reason.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InterviewPageTests
{
    [Fact]
    public async Task AnOfficer_BooksTheInterviewWithTheGenderAskedFor_IsToldBesideTheFieldWhenItDoesNotMatch_AndCancelsItWithAReason()
    {
        await using var host = await ApiHost.StartAsync(("clerk", CaseworkRoles.RegistrationClerk), ("officer.f", CaseworkRoles.EligibilityOfficer),
            ("officer.m", CaseworkRoles.EligibilityOfficer));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            foreach (var (name, shown, gender) in new[] { ("officer.f", "Hanna Tesfaye", "Female"), ("officer.m", "Daniel Okoth", "Male") })
            {
                var user = (await users.FindByNameAsync(name))!;
                (user.DisplayName, user.Gender) = (shown, gender);
                Assert.True((await users.UpdateAsync(user)).Succeeded);
            }
        }

        var (_, number) = await InterviewApiTests.CaseInAssessmentAsync(host, await host.ClientForAsync("clerk"), "Selam");
        var monday = InterviewApiTests.Monday;
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        // From the case screen to its interviews.
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "officer.m", ApiHost.Password);
        Assert.Equal("No interview is scheduled.", (await page.GetByTestId("interview").InnerTextAsync()).Trim());
        await page.GetByRole(AriaRole.Link, new() { Name = "Book or cancel interviews, see past ones" }).ClickAsync();
        await page.WaitForURLAsync($"**/cases/{number}/interviews");
        Assert.Contains("speaks Tigrinya, Arabic", await page.GetByTestId("applicant").InnerTextAsync(), StringComparison.Ordinal);

        // The applicant asked for a female interviewer and interpreter; a male interviewer is refused beside the field.
        await page.FillAsync("#date", monday.ToString("yyyy-MM-dd"));
        await page.FillAsync("#startTime", "09:30");
        await page.SelectOptionAsync("#interviewer", "officer.m");
        await page.SelectOptionAsync("#language", "Arabic");
        await page.FillAsync("#interpreter", "Selam Haile");
        await page.SelectOptionAsync("#interpreterGender", "Female");
        await page.SelectOptionAsync("#requestedInterviewerGender", "Female");
        await page.SelectOptionAsync("#requestedInterpreterGender", "Female");
        var refused = await HeadlessChromium.PostFormAsync(page, "Book the interview");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("female interviewer", await page.Locator("[data-error=interviewer]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetAttributeAsync("#interviewer", "aria-invalid"));
        Assert.Equal(monday.ToString("yyyy-MM-dd"), await page.InputValueAsync("#date"));
        Assert.Equal("Arabic", await page.InputValueAsync("#language"));
        Assert.Equal("Female", await page.InputValueAsync("#requestedInterpreterGender"));
        Assert.Equal("Selam Haile", await page.InputValueAsync("#interpreter"));
        Assert.Equal(1, await page.GetByTestId("no-interviews").CountAsync());

        // A female interviewer: booked, shown in the list, and the form gives way until it is cancelled.
        await page.SelectOptionAsync("#interviewer", "officer.f");
        await HeadlessChromium.PostFormAsync(page, "Book the interview");
        await HeadlessChromium.WaitForPageAsync(page, "**done=booked");
        var row = page.Locator("tr[data-interview]");
        Assert.Equal(1, await row.CountAsync());
        var text = await row.InnerTextAsync();
        Assert.Contains($"Monday {Casework.Web.Features.Api.Dates.Show(monday)}, 09:30–11:30", text, StringComparison.Ordinal);
        Assert.Contains("Hanna Tesfaye", text, StringComparison.Ordinal);
        Assert.Contains("Arabic, interpreter Selam Haile (Female)", text, StringComparison.Ordinal);
        Assert.Contains("Female interviewer, Female interpreter", text, StringComparison.Ordinal);
        Assert.Contains("Scheduled by officer.m", await page.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#date").CountAsync());
        Assert.Equal(1, await page.GetByTestId("one-at-a-time").CountAsync());

        // The case screen says when and with whom.
        await page.GotoAsync($"/cases/{number}");
        Assert.Contains($"{Casework.Web.Features.Api.Dates.Show(monday)}, 09:30–11:30 (office time) with Hanna Tesfaye, in Arabic",
            await page.GetByTestId("interview").InnerTextAsync(), StringComparison.Ordinal);

        // Cancelling takes a reason, beside the field when missing; then the interview stays listed as cancelled.
        await page.GotoAsync($"/cases/{number}/interviews");
        var noReason = await HeadlessChromium.PostFormAsync(page, "Cancel the interview");
        Assert.Equal((int)HttpStatusCode.BadRequest, noReason.Status);
        Assert.Equal(1, await page.Locator("[data-error=reason]").CountAsync());
        await page.Locator("input[name=reason]").FillAsync("The applicant is in hospital.");
        await HeadlessChromium.PostFormAsync(page, "Cancel the interview");
        await HeadlessChromium.WaitForPageAsync(page, "**done=cancelled");
        Assert.Contains("Cancelled by officer.m", await page.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("The applicant is in hospital.", await page.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#date").CountAsync());

        // A clerk reads the interviews and is offered nothing to book or cancel them with.
        var clerk = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(clerk, $"/cases/{number}/interviews", "clerk", ApiHost.Password);
        Assert.Equal(1, await clerk.Locator("tr[data-interview]").CountAsync());
        Assert.Equal(0, await clerk.Locator("form[method=post]:not([action='/account/logout'])").CountAsync());
        Assert.Equal(0, await clerk.GetByRole(AriaRole.Button, new() { Name = "Book the interview" }).CountAsync());
    }
}
