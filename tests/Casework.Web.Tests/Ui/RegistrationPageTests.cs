using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
/// Registering people on the screens, in a real browser: a clerk registers a case with its principal applicant's biodata,
/// specific needs and documents, and lands on the new case with its procedure started; on the case they record family
/// members (a relative's own case, or a dependant). A refused form comes back with every entry and the problem beside its
/// field, and saves nothing; other roles are neither offered the forms nor let in.
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
        await HeadlessChromium.WaitForPageAsync(page, "**/cases/new");
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
        await HeadlessChromium.WaitForPageAsync(page, "**/cases/NBO-*?registered=true");
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
    public async Task ARegistrationFamilyMemberOrCorrectionTheDatabaseGivesUpOn_StaysOnTheFormWithWhatWasTyped_AndSendingItAgainSavesItOnce()
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
        await HeadlessChromium.WaitForPageAsync(page, "**/cases/NBO-*?registered=true");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(1, await db.Cases.CountAsync(c => c.GivenName == "Amina", Ct));
            Assert.Equal(1, await db.Documents.CountAsync(d => d.Number == "P1234567", Ct));
            Assert.Equal(1, await db.Instances.CountAsync(Ct));
        }

        // On the new case, a dependant the database gives up on stays in the form; sent again, it is recorded once.
        await page.SelectOptionAsync("[id='member.relationship']", "Child");
        await page.FillAsync("[id='member.givenName']", "Yusuf");
        await page.FillAsync("[id='member.familyName']", "Test");
        await page.FillAsync("[id='member.dateOfBirth']", "2019-05-01");
        await page.SelectOptionAsync("[id='member.sex']", "Male");
        await page.FillAsync("[id='member.nationalities']", "SOM");
        await using (await host.HoldWritesToAsync("case_family_members"))
        {
            var busy = await SubmitFamilyAsync(page);
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Yusuf", await page.InputValueAsync("[id='member.givenName']"));
            Assert.Equal("Child", await page.InputValueAsync("[id='member.relationship']"));
        }

        await SubmitFamilyAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**familyAdded=true");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().FamilyMembers.CountAsync(f => f.GivenName == "Yusuf", Ct));
        }

        // So does a correction of the registration.
        await page.GetByTestId("correct-registration").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/correct");
        await page.FillAsync("#givenName", "Aminah");
        await page.FillAsync("#reason", "Spelt as in her passport.");
        await using (await host.HoldWritesToAsync("cases"))
        {
            var busy = await SubmitCorrectionAsync(page);
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Aminah", await page.InputValueAsync("#givenName"));
        }

        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**corrected=true");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal("Aminah", (await db.Cases.AsNoTracking().SingleAsync(Ct)).GivenName);
            Assert.Equal(1, await db.Corrections.CountAsync(Ct));
        }
    }

    [Fact]
    public async Task AClerk_RecordsARelativesCaseAndADependantOnACase_AfterRefusalsThatKeptWhatWasTyped()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var clerk = await host.ClientForAsync("clerk.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (relativeId, relative) = await ApiHost.RegisterCaseAsync(clerk, "Hodan");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "clerk.a", ApiHost.Password);

        // A case number and a person's details together, then a number no case has: refused beside the number, nothing saved.
        await page.SelectOptionAsync("[id='member.relationship']", "Sibling");
        await page.FillAsync("[id='member.case']", relative.ToLowerInvariant());
        await page.FillAsync("[id='member.givenName']", "Yusuf");
        var both = await SubmitFamilyAsync(page);
        Assert.Equal((int)HttpStatusCode.BadRequest, both.Status);
        Assert.Equal("Give their own case number or their details below, not both.", await page.Locator("[data-error='member.case']").InnerTextAsync());
        Assert.Equal("Sibling", await page.InputValueAsync("[id='member.relationship']"));
        Assert.Equal("Yusuf", await page.InputValueAsync("[id='member.givenName']"));
        await page.FillAsync("[id='member.givenName']", "");
        await page.FillAsync("[id='member.case']", "NBO-1999-000001");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await SubmitFamilyAsync(page)).Status);
        Assert.Equal("No case has this number.", await page.Locator("[data-error='member.case']").InnerTextAsync());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().FamilyMembers.CountAsync(Ct));
        }

        // The relative's own case, by its number in any letter case: linked both ways.
        await page.FillAsync("[id='member.case']", relative.ToLowerInvariant());
        await SubmitFamilyAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**familyAdded=true");
        Assert.Contains("The family member is recorded", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Their own case: " + relative, await page.GetByTestId("family").InnerTextAsync(), StringComparison.Ordinal);

        // A dependant without a date of birth is refused with the API's reason beside the field; completed, recorded.
        await page.SelectOptionAsync("[id='member.relationship']", "Child");
        await page.GetByLabel("A dependant of the applicant").CheckAsync();
        await page.FillAsync("[id='member.givenName']", "Yusuf");
        await page.FillAsync("[id='member.familyName']", "Test");
        await page.SelectOptionAsync("[id='member.sex']", "Male");
        await page.FillAsync("[id='member.nationalities']", "som");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await SubmitFamilyAsync(page)).Status);
        Assert.Equal("A date between 1900 and today.", await page.Locator("[data-error='member.dateOfBirth']").InnerTextAsync());
        Assert.True(await page.GetByLabel("A dependant of the applicant").IsCheckedAsync());
        Assert.Equal("Male", await page.InputValueAsync("[id='member.sex']"));
        await page.FillAsync("[id='member.dateOfBirth']", "2019-05-01");
        await SubmitFamilyAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**familyAdded=true");
        Assert.Contains("Yusuf Test", await page.GetByTestId("family").InnerTextAsync(), StringComparison.Ordinal);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var members = await db.FamilyMembers.AsNoTracking().Where(f => f.CaseId == id).OrderBy(f => f.CreatedAt).ToListAsync(Ct);
            Assert.Equal([(FamilyRelationship.Sibling, false, (Guid?)relativeId, (string?)null), (FamilyRelationship.Child, true, null, "Yusuf")],
                members.Select(m => (m.Relationship, m.Dependant, m.LinkedCaseId, m.GivenName)));
            Assert.Equal(("SOM", (DateOnly?)new DateOnly(2019, 5, 1), "Male"), (members[1].Nationalities, members[1].DateOfBirth, members[1].Sex));
            Assert.Equal(1, await db.FamilyMembers.CountAsync(f => f.CaseId == relativeId && f.LinkedCaseId == id, Ct));
        }

        // An eligibility officer reads the family but is not offered the form.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, $"/cases/{number}", "officer.a", ApiHost.Password);
        Assert.Contains("Yusuf Test", await officer.GetByTestId("family").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await officer.GetByTestId("add-family").CountAsync());
    }

    [Fact]
    public async Task AClerk_CorrectsTheRegistration_WhileACorrectionOnACopySomeoneChangedIsRefusedWithWhatWasTyped()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer));
        var (id, number) = await ApiHost.RegisterCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "clerk.a", ApiHost.Password);
        await page.GetByTestId("correct-registration").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}/correct");
        Assert.Equal(("Amina", "Test", "1990-01-01", "Female", "SOM"), (await page.InputValueAsync("#givenName"), await page.InputValueAsync("#familyName"),
            await page.InputValueAsync("#dateOfBirth"), await page.InputValueAsync("#sex"), await page.InputValueAsync("#nationalities")));

        // Without a nationality or a reason the correction is refused beside both, and nothing changes.
        await page.FillAsync("#givenName", "Aminah");
        await page.FillAsync("#nationalities", "");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await SubmitCorrectionAsync(page)).Status);
        Assert.Equal("At least one ISO 3166 alpha-3 code, like SOM.", await page.Locator("[data-error='nationalities']").InnerTextAsync());
        Assert.Equal("Required: why the registration is being corrected.", await page.Locator("[data-error='reason']").InnerTextAsync());
        Assert.Equal("Aminah", await page.InputValueAsync("#givenName"));

        // Another clerk corrects the family name through the API meanwhile: this form's copy is stale and is refused.
        var other = await host.ClientForAsync("clerk.b");
        var etag = (await other.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{id}/principal")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                person = new { givenName = "Amina", familyName = "Testa", dateOfBirth = "1990-01-01", sex = "Female", nationalities = new[] { "SOM" } },
                reason = "Family name as in her passport.",
            }),
        })
        {
            put.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
            Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(put, Ct)).StatusCode);
        }

        await page.FillAsync("#nationalities", "SOM");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Disability" }).CheckAsync();
        await page.FillAsync("#reason", "Given name as in her passport.");
        var stale = await SubmitCorrectionAsync(page);
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Contains("Someone changed the case after you opened this form, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(),
            StringComparison.Ordinal);
        Assert.Equal("Aminah", await page.InputValueAsync("#givenName"));
        Assert.True(await page.GetByRole(AriaRole.Checkbox, new() { Name = "Disability" }).IsCheckedAsync());
        Assert.Equal("Given name as in her passport.", await page.InputValueAsync("#reason"));

        // Opened again it shows the colleague's change; the correction made on it is saved and kept.
        await page.GotoAsync($"/cases/{number}/correct");
        Assert.Equal("Testa", await page.InputValueAsync("#familyName"));
        Assert.Equal("", await page.InputValueAsync("#reason"));
        await page.FillAsync("#givenName", "Aminah");
        await page.FillAsync("#reason", "Given name as in her passport.");
        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**corrected=true");
        Assert.Contains("Aminah Testa", await page.GetByTestId("principal").InnerTextAsync(), StringComparison.Ordinal);
        // The case lists both corrections with their reasons, newest first.
        Assert.Equal(["Why: Given name as in her passport.", "Why: Family name as in her passport."],
            await page.GetByTestId("correction-reason").AllInnerTextsAsync());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var corrected = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
            Assert.Equal(("Aminah", "Testa", null), (corrected.GivenName, corrected.FamilyName, corrected.SpecificNeeds));
            var kept = await db.Corrections.AsNoTracking().Where(c => c.CaseId == id).OrderBy(c => c.At).ToListAsync(Ct);
            Assert.Equal(["clerk.b", "clerk.a"], kept.Select(c => c.By));
            Assert.Contains("Aminah", kept[1].Changes, StringComparison.Ordinal);
        }

        // Sent again as the case now reads, without a reason, the correction changes nothing: the case page says so, and
        // the case keeps its revision (its ETag) and its two corrections.
        long revision;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            revision = (await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Cases.AsNoTracking().SingleAsync(c => c.Id == id, Ct)).Revision;
        }

        await page.GetByTestId("correct-registration").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/correct");
        Assert.Equal("", await page.InputValueAsync("#reason"));
        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**unchanged=true");
        Assert.Equal(1, await page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Nothing was corrected: every value you sent is the one already recorded" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The correction is saved" }).CountAsync());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(revision, (await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, Ct)).Revision);
            Assert.Equal(2, await db.Corrections.CountAsync(c => c.CaseId == id, Ct));
        }

        // An eligibility officer is neither offered the screen nor let in.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, $"/cases/{number}/correct", "officer.a", ApiHost.Password);
        Assert.Contains("/access-denied", officer.Url, StringComparison.Ordinal);
        await officer.GotoAsync($"/cases/{number}");
        Assert.Equal(0, await officer.GetByTestId("correct-registration").CountAsync());
    }

    [Fact]
    public async Task AClerk_CorrectsAddsAndRemovesDocumentsInTheirRows_AfterARefusalShownOnTheRowItCameFrom()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var registered = await clerk.PostAsJsonAsync("/api/cases", new
        {
            office = "NBO", registeredOn = "2026-03-02",
            principal = new
            {
                givenName = "Amina", familyName = "Test", dateOfBirth = "1990-01-01", sex = "Female", nationalities = new[] { "SOM" },
                documents = new object[]
                {
                    new { type = "Passport", number = "P123456", issuingCountry = "SOM", expiresOn = "2030-01-01" },
                    new { type = "NationalIdCard", number = "N222", issuingCountry = "SOM" },
                },
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var created = await registered.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var (id, number) = (created.GetProperty("id").GetGuid(), created.GetProperty("caseNumber").GetString()!);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}/correct", "clerk.a", ApiHost.Password);

        // The held documents fill the first rows, in their order; two empty rows follow for new ones.
        Assert.Equal(4, await page.Locator("fieldset[data-document]").CountAsync());
        Assert.Equal(("Passport", "P123456", "SOM", "2030-01-01"), (await page.InputValueAsync("[id='documents[0].type']"),
            await page.InputValueAsync("[id='documents[0].number']"), await page.InputValueAsync("[id='documents[0].issuingCountry']"),
            await page.InputValueAsync("[id='documents[0].expiresOn']")));
        Assert.Equal(("NationalIdCard", "N222"), (await page.InputValueAsync("[id='documents[1].type']"), await page.InputValueAsync("[id='documents[1].number']")));
        Assert.Equal("", await page.InputValueAsync("[id='documents[2].number']"));

        // The passport's number corrected, a birth certificate added in the last row with a country no code has:
        // refused beside that row's field (the third document sent, the fourth row), what was typed kept, nothing saved.
        await page.FillAsync("[id='documents[0].number']", "P1234567");
        await page.SelectOptionAsync("[id='documents[3].type']", "BirthCertificate");
        await page.FillAsync("[id='documents[3].number']", "B-77");
        await page.FillAsync("[id='documents[3].issuingCountry']", "S0M");
        await page.FillAsync("#reason", "Documents seen at the interview.");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await SubmitCorrectionAsync(page)).Status);
        Assert.Equal("An ISO 3166 alpha-3 code, like SOM.", await page.Locator("[data-error='documents[3].issuingCountry']").InnerTextAsync());
        Assert.Equal(1, await page.Locator("[data-error]").CountAsync());
        Assert.Equal(("P1234567", "B-77"), (await page.InputValueAsync("[id='documents[0].number']"), await page.InputValueAsync("[id='documents[3].number']")));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(["P123456", "N222"], await db.Documents.Where(d => d.CaseId == id).OrderBy(d => d.Position).Select(d => d.Number).ToListAsync(Ct));
            Assert.Equal(0, await db.Corrections.CountAsync(Ct));
        }

        // The country corrected and the identity card's row emptied: the documents become the passport and the certificate.
        await page.FillAsync("[id='documents[3].issuingCountry']", "som");
        await page.SelectOptionAsync("[id='documents[1].type']", "");
        await page.FillAsync("[id='documents[1].number']", "");
        await page.FillAsync("[id='documents[1].issuingCountry']", "");
        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**corrected=true");
        List<Guid> kept;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var documents = await db.Documents.AsNoTracking().Where(d => d.CaseId == id).OrderBy(d => d.Position).ToListAsync(Ct);
            Assert.Equal([("Passport", "P1234567", "SOM"), ("BirthCertificate", "B-77", "SOM")],
                documents.Select(d => (d.Type.ToString(), d.Number, d.IssuingCountry)));
            Assert.Equal(new DateOnly(2030, 1, 1), documents[0].ExpiresOn);
            kept = [.. documents.Select(d => d.Id)];
            var correction = await db.Corrections.AsNoTracking().SingleAsync(Ct);
            Assert.Contains("\"documents\"", correction.Changes, StringComparison.Ordinal);
            Assert.Contains("N222", correction.Changes, StringComparison.Ordinal);
        }

        // A correction of the name alone leaves the documents as they are, rows and all.
        await page.GotoAsync($"/cases/{number}/correct");
        Assert.Equal("B-77", await page.InputValueAsync("[id='documents[1].number']"));
        await page.FillAsync("#givenName", "Aminah");
        await page.FillAsync("#reason", "Spelt as in her passport.");
        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**corrected=true");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(kept, await db.Documents.Where(d => d.CaseId == id).OrderBy(d => d.Position).Select(d => d.Id).ToListAsync(Ct));
            var last = (await db.Corrections.AsNoTracking().ToListAsync(Ct)).OrderBy(c => c.At).Last();
            Assert.DoesNotContain("documents", last.Changes, StringComparison.Ordinal);
        }
    }

    private static Task<IResponse> SubmitCorrectionAsync(IPage page) => HeadlessChromium.PostFormAsync(page, "Save the correction");

    private static Task<IResponse> SubmitFamilyAsync(IPage page) => HeadlessChromium.PostFormAsync(page, "Add the family member");

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

    private static Task<IResponse> SubmitAsync(IPage page) => HeadlessChromium.PostFormAsync(page, "Register the case");
}
