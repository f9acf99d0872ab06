using System.Net;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>Closing an undecided claim from the case screen, in a real browser: supervisors only, with how and why.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CaseClosurePageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASupervisor_ClosesAnAbandonedClaimOnTheCaseScreen_WithAReason_WhileAnOfficerIsOfferedNothingAndAForgedPostIsRefused()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // An officer reads the case but is not offered the closure, and a post forged with the officer's own antiforgery token is refused.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, $"/cases/{number}", "officer.a", ApiHost.Password);
        Assert.Equal(0, await officer.GetByTestId("close-claim").CountAsync());
        await officer.GotoAsync($"/tasks/{(await host.OpenItemAsync(number)).Id}"); // a screen with a form, for its antiforgery token
        var forged = await HeadlessChromium.ForgePostAsync(officer, $"/cases/{number}", new Dictionary<string, string>
        {
            ["_handler"] = "close", ["revision"] = await RevisionAsync(host, number), ["outcome"] = "Withdrawn", ["closeReason"] = "Forged.",
        });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(WorkflowState.Running, await StateAsync(host, number));

        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "supervisor.a", ApiHost.Password);

        // Neither how nor why: both named beside their fields, nothing closed.
        var refused = await HeadlessChromium.PostFormAsync(page, "Close the claim");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.True(await page.Locator("[data-error='close.outcome']").IsVisibleAsync());
        Assert.True(await page.Locator("[data-error='close.reason']").IsVisibleAsync());
        Assert.Equal(WorkflowState.Running, await StateAsync(host, number));

        // A reason without the choice keeps the reason as typed.
        await page.GetByLabel("Why (kept on the case").FillAsync("Three letters returned; no contact since March.");
        refused = await HeadlessChromium.PostFormAsync(page, "Close the claim");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("Three letters returned; no contact since March.", await page.GetByLabel("Why (kept on the case").InputValueAsync());

        await page.GetByRole(AriaRole.Radio, new() { Name = "Abandoned" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Close the claim" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/cases/*?closed=true");
        Assert.Contains("The claim is closed", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("stage Closed", await page.GetByTestId("case-summary").InnerTextAsync(), StringComparison.Ordinal);
        var closure = await page.GetByTestId("closure").InnerTextAsync();
        Assert.Contains("Claim closed as abandoned by supervisor.a", closure, StringComparison.Ordinal);
        Assert.Contains("Why: Three letters returned; no contact since March.", closure, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("close-claim").CountAsync());
        Assert.Contains("Cancelled", await page.GetByTestId("tasks").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(WorkflowState.Cancelled, await StateAsync(host, number));
    }

    private enum WorkflowState
    {
        Running,
        Cancelled,
    }

    private static async Task<WorkflowState> StateAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var c = await db.Cases.AsNoTracking().SingleAsync(x => x.CaseNumber == number, Ct);
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == c.InstanceId, Ct);
        var open = await db.WorkItems.CountAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct);
        return (instance.Status, open, c.ClosedAs, c.Stage) switch
        {
            (InstanceStatus.Running, 1, null, not "Closed") => WorkflowState.Running,
            (InstanceStatus.Cancelled, 0, "Abandoned", "Closed") => WorkflowState.Cancelled,
            var other => throw new Xunit.Sdk.XunitException($"Half-closed: {other}"),
        };
    }

    private static async Task<string> RevisionAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var revision = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Cases.Where(c => c.CaseNumber == number).Select(c => c.Revision).SingleAsync(Ct);
        return revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
