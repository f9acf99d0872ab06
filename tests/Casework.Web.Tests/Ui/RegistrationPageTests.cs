using System.Net;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The registration screen, in a real browser: a clerk registers a case with its principal applicant's biodata, specific
/// needs and documents, and lands on the new case with its procedure started; a refused form comes back with every entry
/// and the problem beside its field, and saves nothing; other roles are neither offered nor let in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RegistrationPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClerk_RegistersACase_AfterARefusalThatKeptEverythingTyped_AndLandsOnItWithItsProcedureStarted()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/cases", "clerk.a", ApiHost.Password);
        await page.GetByTestId("nav-register").ClickAsync();
        await page.WaitForURLAsync("**/cases/new");
        Assert.Equal("NBO", await page.InputValueAsync("#office"));

        // A birth date in the future and a document without its number: both refused beside their fields.
        await FillAsync(page, dateOfBirth: "2099-01-01", documentNumber: null);
        var refused = await SubmitAsync(page);
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("A date between 1900 and today.", await page.Locator("[data-error='dateOfBirth']").InnerTextAsync());
        Assert.Equal("Required, at most 50 characters.", await page.Locator("[data-error='documents[1].number']").InnerTextAsync());
        Assert.Equal("true", await page.GetAttributeAsync("#dateOfBirth", "aria-invalid"));
        Assert.Equal("Amina", await page.InputValueAsync("#givenName"));
        Assert.Equal("Ameena\nAmeenah", await page.InputValueAsync("#transliterations"));
        Assert.Equal("Female", await page.InputValueAsync("#sex"));
        Assert.Equal("som, eth", await page.InputValueAsync("#nationalities"));
        Assert.True(await page.GetByLabel("The date is approximate").IsCheckedAsync());
        Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = "Woman at risk" }).IsCheckedAsync());
        Assert.False(await page.GetByRole(AriaRole.Checkbox, new() { Name = "Disability" }).IsCheckedAsync());
        Assert.Equal("Passport", await page.InputValueAsync("[id='documents[1].type']"));
        Assert.Equal("som", await page.InputValueAsync("[id='documents[1].issuingCountry']"));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(0, await db.Cases.CountAsync(Ct));
            Assert.Equal(0, await db.Instances.CountAsync(Ct));
        }

        // Corrected, the same form registers the case and opens it.
        await page.FillAsync("#dateOfBirth", "1990-05-01");
        await page.FillAsync("[id='documents[1].number']", "P1234567");
        await SubmitAsync(page);
        await page.WaitForURLAsync("**/cases/NBO-*?registered=true");
        Assert.Contains("is registered and its procedure has started", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var registered = await db.Cases.AsNoTracking().SingleAsync(Ct);
            Assert.EndsWith("/cases/" + registered.CaseNumber + "?registered=true", page.Url, StringComparison.Ordinal);
            Assert.Equal(("NBO", "Amina", "Test", "Ameena,Ameenah"), (registered.Office, registered.GivenName, registered.FamilyName, registered.Transliterations));
            Assert.Equal((new DateOnly(1990, 5, 1), true, "Female"), (registered.DateOfBirth, registered.DateOfBirthApproximate, registered.Sex));
            Assert.Equal(("SOM,ETH", "Somali,Arabic", "WomanAtRisk"), (registered.Nationalities, registered.Languages, registered.SpecificNeeds));
            Assert.Equal("clerk.a", registered.CreatedBy);
            var document = await db.Documents.AsNoTracking().SingleAsync(Ct);
            Assert.Equal((registered.Id, IdentityDocumentType.Passport, "P1234567", "SOM", 0), (document.CaseId, document.Type, document.Number, document.IssuingCountry, document.Position));
            var instance = await db.Instances.AsNoTracking().SingleAsync(Ct);
            Assert.Equal((registered.InstanceId, registered.CaseNumber), (instance.Id, instance.BusinessKey));
            Assert.Equal(1, await db.WorkItems.CountAsync(w => w.CaseId == registered.CaseNumber && w.Status == WorkItemStatus.Open, Ct));
        }

        // An eligibility officer is neither offered the screen nor let in.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, "/cases/new", "officer.a", ApiHost.Password);
        Assert.Contains("/access-denied", officer.Url, StringComparison.Ordinal);
        Assert.Equal(0, await officer.GetByTestId("nav-register").CountAsync());
    }

    [Fact]
    public async Task ARegistrationTheDatabaseGivesUpOn_StaysOnTheFormWithWhatWasTyped_AndSendingItAgainRegistersOneCase()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/cases/new", "clerk.a", ApiHost.Password);
        await FillAsync(page, dateOfBirth: "1990-05-01", documentNumber: "P1234567");

        await using (await host.HoldWritesToAsync("cases"))
        {
            var busy = await SubmitAsync(page);
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Amina", await page.InputValueAsync("#givenName"));
            Assert.Equal("1990-05-01", await page.InputValueAsync("#dateOfBirth"));
            Assert.Equal("P1234567", await page.InputValueAsync("[id='documents[1].number']"));
            Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = "Woman at risk" }).IsCheckedAsync());
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(0, await db.Cases.CountAsync(Ct));
            Assert.Equal(0, await db.Instances.CountAsync(Ct));
        }

        await SubmitAsync(page);
        await page.WaitForURLAsync("**/cases/NBO-*?registered=true");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(1, await db.Cases.CountAsync(c => c.GivenName == "Amina", Ct));
            Assert.Equal(1, await db.Documents.CountAsync(d => d.Number == "P1234567", Ct));
            Assert.Equal(1, await db.Instances.CountAsync(Ct));
        }
    }

    /// <summary>The form as a clerk fills it: the second document row used, the first left empty.</summary>
    private static async Task FillAsync(IPage page, string dateOfBirth, string? documentNumber)
    {
        await page.FillAsync("#givenName", "Amina");
        await page.FillAsync("#familyName", "Test");
        await page.FillAsync("#transliterations", "Ameena\nAmeenah");
        await page.FillAsync("#dateOfBirth", dateOfBirth);
        await page.GetByLabel("The date is approximate").CheckAsync();
        await page.SelectOptionAsync("#sex", "Female");
        await page.FillAsync("#nationalities", "som, eth");
        await page.FillAsync("#languages", "Somali, Arabic");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Woman at risk" }).CheckAsync();
        await page.SelectOptionAsync("[id='documents[1].type']", "Passport");
        await page.FillAsync("[id='documents[1].issuingCountry']", "som");
        if (documentNumber is not null)
        {
            await page.FillAsync("[id='documents[1].number']", documentNumber);
        }
    }

    private static Task<IResponse> SubmitAsync(IPage page) =>
        HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Register the case" }).ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Request.Method == "POST");
}
