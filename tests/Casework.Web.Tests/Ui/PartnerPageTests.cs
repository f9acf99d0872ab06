using System.Globalization;
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
/// The legal aid partner's screens, in a real browser: a lawyer lands on the appeals of the clients their organisation
/// represents, sees the deadlines, and lodges an appeal in time and a late one with its reason.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PartnerPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ALawyer_SeesOnlyTheirClientsDeadlines_LodgesAnAppealInTime_AndALateOneOnlyWithItsReason()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var (orgA, orgB) = (await host.AddPartnerAsync("lawyer.a", "Legal Aid A"), await host.AddPartnerAsync("lawyer.b", "Legal Aid B"));
        // Sign-ins are limited per address (30 a minute), so each person signs in to the API once.
        var staff = new Staff(host, await host.ClientForAsync("clerk.a"), await host.ClientForAsync("officer.a"), await host.ClientForAsync("supervisor.a"));
        var supervisor = staff.Supervisor;
        var lawyerApi = await host.ClientForAsync("lawyer.a");
        var inTime = await NotifiedCaseAsync(staff, Today());
        var late = await NotifiedCaseAsync(staff, Today().AddDays(-35));
        var waiting = await ApiHost.RegisterCaseAsync(staff.Clerk);
        var others = await NotifiedCaseAsync(staff, Today());
        foreach (var (id, organisation) in new[] { (inTime.Id, orgA), (late.Id, orgA), (waiting.Id, orgA), (others.Id, orgB) })
        {
            var granted = await supervisor.PostAsJsonAsync($"/api/cases/{id}/representations", new { organisationId = organisation }, Ct);
            Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/", "lawyer.a", ApiHost.Password);

        // The start page for a lawyer is the appeals list: open appeals first, the overdue one on top; nothing of B's client.
        Assert.EndsWith("/partner/appeals", page.Url, StringComparison.Ordinal);
        Assert.Contains("Legal Aid A", await page.GetByTestId("organisation").InnerTextAsync(), StringComparison.Ordinal);
        var rows = page.Locator("tr[data-case]");
        Assert.Equal([late.Number, inTime.Number, waiting.Number], await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.case)"));
        Assert.DoesNotContain(others.Number, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal("Late appeal possible, with a reason", await StatusAsync(page, late.Number));
        Assert.Equal("Appeal window open", await StatusAsync(page, inTime.Number));
        Assert.Equal("No appealable decision yet", await StatusAsync(page, waiting.Number));
        var deadline = await Row(page, inTime.Number).GetByTestId("deadline").InnerTextAsync();
        Assert.Contains("days left", deadline, StringComparison.Ordinal);
        Assert.Contains("appeal window 30 calendar days", deadline, StringComparison.Ordinal);
        Assert.Equal(0, await Row(page, waiting.Number).GetByRole(AriaRole.Link, new() { Name = $"Lodge the appeal of case {waiting.Number}" }).CountAsync());

        // In time: the grounds are required; without them nothing is lodged and the refusal says so beside the field.
        await page.GetByRole(AriaRole.Link, new() { Name = $"Lodge the appeal of case {inTime.Number}" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/partner/appeals/{inTime.Id}");
        Assert.Equal(0, await page.Locator("#lateReason").CountAsync());
        Assert.Equal(1, await page.Locator("form:has(input[name=_handler][value=lodge])").CountAsync());
        var refused = await SubmitAsync(page);
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.True(await page.Locator("[data-error=grounds]").IsVisibleAsync());
        Assert.Equal("Appeal window open", await ApiStatusAsync(lawyerApi, inTime.Id));

        await page.GetByLabel("Grounds of appeal").FillAsync("New country-of-origin information.");
        await SubmitAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**/partner/appeals?lodged=*");
        Assert.Contains($"Appeal lodged for case {inTime.Number}", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Lodged", await StatusAsync(page, inTime.Number));
        Assert.Equal("Lodged", await ApiStatusAsync(lawyerApi, inTime.Id));

        // Late: lodging without the reason is refused by the procedure's rule (422), keeping what was typed.
        await page.GetByRole(AriaRole.Link, new() { Name = $"Lodge the appeal of case {late.Number}" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/partner/appeals/{late.Id}");
        Assert.True(await page.GetByTestId("late-warning").IsVisibleAsync());
        await page.GetByLabel("Grounds of appeal").FillAsync("The interview was not interpreted.");
        var withoutReason = await SubmitAsync(page);
        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, withoutReason.Status);
        Assert.Contains("a late appeal needs the reason it is late", await page.Locator("[data-error=lateReason]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("The interview was not interpreted.", await page.GetByLabel("Grounds of appeal").InputValueAsync());
        Assert.Equal("Late appeal possible, with a reason", await ApiStatusAsync(lawyerApi, late.Id));

        await page.GetByLabel("Why the appeal is late").FillAsync("The decision reached the applicant only last week.");
        await SubmitAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**/partner/appeals?lodged=*");
        Assert.Equal("Lodged", await StatusAsync(page, late.Number));
        var variables = await AppealVariablesAsync(host, late.Number);
        Assert.Equal("LateWithinGrace", variables.GetProperty("appealTiming").GetString());
        Assert.Equal("The decision reached the applicant only last week.", variables.GetProperty("lateReason").GetString());
        Assert.Equal(orgA.ToString(), variables.GetProperty("representingOrganisation").GetString());

        // Nothing more to lodge on a lodged case; the case without a decision says why.
        await page.GotoAsync($"/partner/appeals/{waiting.Id}");
        Assert.Contains("No decision has been notified", await page.GetByTestId("not-lodgeable").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("form:has(input[name=_handler][value=lodge])").CountAsync());

        // Another organisation's lawyer is answered as if the case did not exist; staff do not get the partner screens.
        var lawyerB = await chromium.NewPageAsync(host.Server);
        var notFound = await HeadlessChromium.SignInAsync(lawyerB, $"/partner/appeals/{late.Id}", "lawyer.b", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.NotFound, notFound!.Status);
        Assert.DoesNotContain(late.Number, await lawyerB.ContentAsync(), StringComparison.Ordinal);
        var officer = await chromium.NewPageAsync(host.Server);
        var forbidden = await HeadlessChromium.SignInAsync(officer, "/partner/appeals", "officer.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.Forbidden, forbidden!.Status);
        await officer.GotoAsync("/");
        Assert.EndsWith("/queue", officer.Url, StringComparison.Ordinal);

        await using var scope = host.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().AuditEntries.AsNoTracking()
            .Select(a => new { a.Actor, a.Resource }).ToListAsync(Ct);
        Assert.Contains(audit, a => a.Actor == "lawyer.a" && a.Resource == "GET /partner/appeals");
        Assert.Contains(audit, a => a.Actor == "lawyer.a" && a.Resource == $"POST /partner/appeals/{late.Id}");
        Assert.Contains(audit, a => a.Actor == "lawyer.b" && a.Resource == $"GET /partner/appeals/{late.Id}");
    }

    [Fact]
    public async Task AnAppealTheDatabaseGivesUpOn_StaysOnTheFormWithTheGroundsAsTyped_AndSendingItAgainLodgesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var organisation = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var staff = new Staff(host, await host.ClientForAsync("clerk.a"), await host.ClientForAsync("officer.a"), await host.ClientForAsync("supervisor.a"));
        var client = await NotifiedCaseAsync(staff, Today());
        Assert.Equal(HttpStatusCode.Created,
            (await staff.Supervisor.PostAsJsonAsync($"/api/cases/{client.Id}/representations", new { organisationId = organisation }, Ct)).StatusCode);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/partner/appeals/{client.Id}", "lawyer.a", ApiHost.Password);
        const string Grounds = "The interview was held without an interpreter of the applicant's language; new country information.";
        await page.GetByLabel("Grounds of appeal").FillAsync(Grounds);

        // Another transaction holds the case's workflow instances (the one waiting for the appeal among them) while the lawyer lodges it.
        await using (await host.HoldAsync(async db => Assert.NotEqual(0, await db.Instances.Where(i => i.BusinessKey == client.Number)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.UpdatedAt, i => i.UpdatedAt), Ct))))
        {
            var busy = await SubmitAsync(page);
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(Grounds, await page.GetByLabel("Grounds of appeal").InputValueAsync());
        }

        Assert.Equal("Appeal window open", await ApiStatusAsync(await host.ClientForAsync("lawyer.a"), client.Id));

        // Once the other transaction has ended, the same form, sent again as it stands, lodges the appeal.
        await SubmitAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**/partner/appeals?lodged=*");
        Assert.Equal(Grounds, (await AppealVariablesAsync(host, client.Number)).GetProperty("appealGrounds").GetString());
    }

    [Fact]
    public async Task AClientWhoWithdrewTheClaim_IsShownAsClosedWithTheDay_AndNoAppealIsOffered()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var organisation = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var (clerk, officer, supervisor) = (await host.ClientForAsync("clerk.a"), await host.ClientForAsync("officer.a"), await host.ClientForAsync("supervisor.a"));
        var (id, number) = await host.TriagedCaseAsync(clerk, "Amina");
        Assert.Equal(HttpStatusCode.Created,
            (await supervisor.PostAsJsonAsync($"/api/cases/{id}/representations", new { organisationId = organisation }, Ct)).StatusCode);
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Withdrawn", reasons = "The applicant withdrew the claim in writing." });

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/", "lawyer.a", ApiHost.Password);

        Assert.Equal("Claim closed without a decision", await StatusAsync(page, number));
        Assert.Equal(0, await Row(page, number).GetByRole(AriaRole.Link, new() { Name = $"Lodge the appeal of case {number}" }).CountAsync());
        await Row(page, number).GetByRole(AriaRole.Link, new() { Name = $"Details of case {number}" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/partner/appeals/{id}");
        Assert.Equal("Withdrawn on " + Today().ToString("d MMM yyyy", CultureInfo.InvariantCulture), (await page.GetByTestId("claim-closed").InnerTextAsync()).Trim());
        Assert.Equal("The claim was withdrawn without a decision, so there is nothing to appeal.",
            (await page.GetByTestId("not-lodgeable").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.GetByLabel("Grounds of appeal").CountAsync());
        Assert.DoesNotContain("withdrew the claim in writing", await page.ContentAsync(), StringComparison.Ordinal);
    }

    private static ILocator Row(IPage page, string caseNumber) => page.Locator($"tr[data-case='{caseNumber}']");

    private static async Task<string> StatusAsync(IPage page, string caseNumber) =>
        (await Row(page, caseNumber).GetByTestId("status").TextContentAsync())!.Trim();

    private static Task<IResponse> SubmitAsync(IPage page) =>
        HeadlessChromium.PostFormAsync(page, "Lodge the appeal");

    /// <summary>What the partner API says of the case, as lawyer.a.</summary>
    private static async Task<string> ApiStatusAsync(HttpClient lawyer, Guid caseId)
    {
        var appeals = await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);
        return appeals.EnumerateArray().Single(a => a.GetProperty("caseId").GetGuid() == caseId).GetProperty("status").GetString()!;
    }

    private static async Task<JsonElement> AppealVariablesAsync(ApiHost host, string caseNumber)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var state = await db.Instances.AsNoTracking().Where(i => i.BusinessKey == caseNumber && i.ProcessId == "appeal").Select(i => i.State).SingleAsync(Ct);
        return JsonDocument.Parse(state).RootElement.GetProperty("variables").Clone();
    }

    /// <summary>A case taken through the first instance to a rejection notified on <paramref name="notifiedOn"/>.</summary>
    private static async Task<(Guid Id, string Number)> NotifiedCaseAsync(Staff staff, DateOnly notifiedOn)
    {
        var (host, clerk, officer, supervisor) = staff;
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk);
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = notifiedOn.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        await host.CompleteTaskAsync(clerk, number, "profile", new { referral = "SeeksAsylum" });
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = notifiedOn.AddDays(-20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        await host.CompleteTaskAsync(supervisor, number, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, number, "notify", new { notifiedOn = notifiedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), deliveryMethod = "InPerson" });
        return (id, number);
    }

    /// <summary>The staff's API clients, signed in once.</summary>
    private sealed record Staff(ApiHost Host, HttpClient Clerk, HttpClient Officer, HttpClient Supervisor);

    // The host runs on the system clock, as the deadlines do.
    private static DateOnly Today() => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
}
