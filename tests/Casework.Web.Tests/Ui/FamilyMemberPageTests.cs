using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// A family member's screen (<c>/cases/{number}/family/{memberId}</c>), in a real browser: a clerk reaches it from the
/// case's family table, corrects a dependant's relationship, biodata and documents in place, and removes a member recorded
/// by mistake after confirming it. A refused form keeps what was typed and saves nothing; a correction made on a copy a
/// colleague changed is refused; corrections and removals land in the case's corrections; other roles are not let in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FamilyMemberPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClerk_CorrectsADependantInPlace_AfterARefusalAndAStaleCopy_AndTheCorrectionIsKept()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var clerk = await host.ClientForAsync("clerk.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk);
        var memberId = await AddDependantAsync(clerk, id);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "clerk.a", ApiHost.Password);
        await page.GetByTestId("change-member").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}/family/{memberId}");

        // The form opens with what is on record: relationship, biodata and the document in the first of three rows.
        Assert.Equal(("Child", "Yusuf", "2015-05-01", "Male", "SOM"), (await page.InputValueAsync("#relationship"), await page.InputValueAsync("#givenName"),
            await page.InputValueAsync("#dateOfBirth"), await page.InputValueAsync("#sex"), await page.InputValueAsync("#nationalities")));
        Assert.True(await page.IsCheckedAsync("#dependant"));
        Assert.Equal(3, await page.Locator("fieldset[data-document]").CountAsync());
        Assert.Equal(("Passport", "C100"), (await page.InputValueAsync("[id='documents[0].type']"), await page.InputValueAsync("[id='documents[0].number']")));

        // A birth date in the future (the API's own check), a new document in the second row and no reason: refused beside
        // the date and the reason, everything typed kept, nothing saved.
        await page.FillAsync("#givenName", "Yousef");
        await page.FillAsync("#dateOfBirth", "2099-01-01");
        await page.SelectOptionAsync("[id='documents[1].type']", "BirthCertificate");
        await page.FillAsync("[id='documents[1].number']", "B-9");
        var refused = await SubmitCorrectionAsync(page);
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(2, await page.Locator("[data-error]").CountAsync());
        Assert.Equal(1, await page.Locator("[data-error='dateOfBirth']").CountAsync());
        Assert.Equal("Required: why the family member is being corrected.", await page.Locator("[data-error='reason']").InnerTextAsync());
        Assert.Equal(("Yousef", "B-9"), (await page.InputValueAsync("#givenName"), await page.InputValueAsync("[id='documents[1].number']")));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal("Yusuf", (await db.FamilyMembers.AsNoTracking().SingleAsync(Ct)).GivenName);
            Assert.Equal(["C100"], await db.Documents.Where(d => d.FamilyMemberId == memberId).Select(d => d.Number).ToListAsync(Ct));
            Assert.Equal(0, await db.Corrections.CountAsync(Ct));
        }

        // A colleague corrects the relationship through the API meanwhile: this copy is refused, what was typed stays.
        var current = await clerk.GetAsync($"/api/cases/{id}", Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{id}/family-members/{memberId}")
        {
            Content = JsonContent.Create(new
            {
                relationship = "OtherRelative", dependant = true,
                person = new
                {
                    givenName = "Yusuf", familyName = "Test", dateOfBirth = "2015-05-01", sex = "Male", nationalities = new[] { "SOM" },
                },
                reason = "He is her nephew, not her son.",
            }),
        };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await clerk.SendAsync(put, Ct)).StatusCode);
        await page.FillAsync("#dateOfBirth", "2015-06-01");
        await page.FillAsync("#reason", "Name and birth date as on his birth certificate.");
        var stale = await SubmitCorrectionAsync(page);
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Contains("Someone changed the case after you opened this form, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(),
            StringComparison.Ordinal);
        Assert.Equal("Yousef", await page.InputValueAsync("#givenName"));
        Assert.Equal("Name and birth date as on his birth certificate.", await page.InputValueAsync("#reason"));

        // Opened again it shows the colleague's relationship; the name and birth date corrected, the passport's row emptied
        // and a certificate added: saved, and kept with every field before and after.
        await page.GotoAsync($"/cases/{number}/family/{memberId}");
        Assert.Equal("OtherRelative", await page.InputValueAsync("#relationship"));
        await page.SelectOptionAsync("#relationship", "Child");
        await page.FillAsync("#givenName", "Yousef");
        await page.FillAsync("#dateOfBirth", "2015-06-01");
        await page.SelectOptionAsync("[id='documents[0].type']", "");
        await page.FillAsync("[id='documents[0].number']", "");
        await page.FillAsync("[id='documents[0].issuingCountry']", "");
        await page.SelectOptionAsync("[id='documents[1].type']", "BirthCertificate");
        await page.FillAsync("[id='documents[1].number']", "B-9");
        await page.FillAsync("#reason", "Name and birth date as on his birth certificate.");
        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**familyCorrected=true");
        Assert.Contains("The family member's correction is saved", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Yousef Test", await page.GetByTestId("family").InnerTextAsync(), StringComparison.Ordinal);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var member = await db.FamilyMembers.AsNoTracking().SingleAsync(Ct);
            Assert.Equal(("Yousef", new DateOnly(2015, 6, 1), FamilyRelationship.Child, true),
                (member.GivenName, member.DateOfBirth, member.Relationship, member.Dependant));
            Assert.Equal(["B-9"], await db.Documents.Where(d => d.FamilyMemberId == memberId).Select(d => d.Number).ToListAsync(Ct));
            var mine = (await db.Corrections.AsNoTracking().Where(c => c.By == "clerk.a").ToListAsync(Ct)).OrderBy(c => c.At).Last();
            Assert.Equal((memberId, "Name and birth date as on his birth certificate."), (mine.FamilyMemberId, mine.Reason));
            var fields = JsonDocument.Parse(mine.Changes).RootElement.EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToHashSet();
            Assert.Equal(new HashSet<string?> { "relationship", "givenName", "dateOfBirth", "documents" }, fields);
        }

        // The history reads as words: the field's name and the relationship's.
        var history = await page.GetByTestId("corrections").InnerTextAsync();
        Assert.Contains("Yousef Test: Relationship Other relative → Child; Given name Yusuf → Yousef; Date of birth 1 May 2015 → 1 Jun 2015; "
            + "Documents Passport C100 (SOM) → Birth certificate B-9", history, StringComparison.Ordinal);
        Assert.Equal(["Why: Name and birth date as on his birth certificate.", "Why: He is her nephew, not her son."],
            await page.GetByTestId("correction-reason").AllInnerTextsAsync());

        // Opened again and sent as it stands, without a reason, the form changes nothing: the case page says so, and the
        // case keeps its revision (its ETag) and its corrections.
        long revision;
        int corrections;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            revision = (await db.Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, Ct)).Revision;
            corrections = await db.Corrections.CountAsync(Ct);
        }

        await page.GotoAsync($"/cases/{number}/family/{memberId}");
        Assert.Equal("", await page.InputValueAsync("#reason"));
        await SubmitCorrectionAsync(page);
        await HeadlessChromium.WaitForPageAsync(page, "**unchanged=true");
        Assert.Equal(1, await page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Nothing was corrected: every value you sent is the one already recorded" }).CountAsync());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(revision, (await db.Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, Ct)).Revision);
            Assert.Equal(corrections, await db.Corrections.CountAsync(Ct));
        }

        // An eligibility officer reads the family, is not offered the screen, and is not let in.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, $"/cases/{number}", "officer.a", ApiHost.Password);
        Assert.Contains("Yousef Test", await officer.GetByTestId("family").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await officer.GetByTestId("change-member").CountAsync());
        await officer.GotoAsync($"/cases/{number}/family/{memberId}");
        Assert.Contains("/access-denied", officer.Url, StringComparison.Ordinal);

        // A member of another case, or none, is not found under this one.
        var (_, other) = await ApiHost.RegisterCaseAsync(clerk, "Hawa");
        Assert.Equal((int)HttpStatusCode.NotFound, (await page.GotoAsync($"/cases/{other}/family/{memberId}"))!.Status);
        Assert.Equal((int)HttpStatusCode.NotFound, (await page.GotoAsync($"/cases/{number}/family/{Guid.NewGuid()}"))!.Status);
    }

    [Fact]
    public async Task AClerk_RemovesALinkAndADependant_OnlyOnceConfirmed_OnPostgres_AfterABusyDatabase()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk);
        var (spouseCase, spouseNumber) = await ApiHost.RegisterCaseAsync(clerk, "Hassan");
        var memberId = await AddDependantAsync(clerk, id);
        var linked = await clerk.PostAsJsonAsync($"/api/cases/{id}/family-members", new { relationship = "Spouse", linkedCaseId = spouseCase }, Ct);
        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
        var linkId = (await linked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "clerk.a", ApiHost.Password);
        // The spouse's row, by its link's address.
        await page.Locator($"[data-testid=change-member][href$='/family/{linkId}']").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}/family/{linkId}");

        // A relative with a case of their own: the relationship only, their case linked; no biodata or documents here.
        Assert.Contains(spouseNumber, await page.GetByTestId("linked-case").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#givenName").CountAsync());
        Assert.Equal(0, await page.Locator("fieldset[data-document]").CountAsync());

        // Neither confirmed nor explained: refused beside the box and the reason, nothing removed.
        var unconfirmed = await HeadlessChromium.PostFormAsync(page, "Remove from the case");
        Assert.Equal((int)HttpStatusCode.BadRequest, unconfirmed.Status);
        Assert.Equal("Tick this to confirm the removal.", await page.Locator("[data-error='confirm']").InnerTextAsync());
        Assert.Equal("Required: why the family member is being removed.", await page.Locator("[data-error='removalReason']").InnerTextAsync());
        Assert.Equal(0, await page.Locator("[data-error='reason']").CountAsync());
        Assert.Contains("Nothing was removed: give the reason and confirm the removal first.", await page.GetByRole(AriaRole.Alert).InnerTextAsync(),
            StringComparison.Ordinal);
        Assert.Equal(3, await CountAsync(host, db => db.FamilyMembers.CountAsync(Ct)));

        // Explained but not confirmed: still refused, saying only what is missing, with the reason kept.
        await page.FillAsync("#removal-reason", "Linked to the wrong Hassan.");
        Assert.Equal((int)HttpStatusCode.BadRequest, (await HeadlessChromium.PostFormAsync(page, "Remove from the case")).Status);
        Assert.Contains("Nothing was removed: confirm the removal first.", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Linked to the wrong Hassan.", await page.InputValueAsync("#removal-reason"));

        // Confirmed and explained: the link goes from both cases, each keeping it in its corrections with the reason.
        await page.CheckAsync("#confirm");
        await HeadlessChromium.PostFormAsync(page, "Remove from the case");
        await HeadlessChromium.WaitForPageAsync(page, "**familyRemoved=true");
        Assert.Contains("The family member is removed from the case", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Spouse", await page.GetByTestId("family").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("a family member since removed", await page.GetByTestId("corrections").InnerTextAsync(), StringComparison.Ordinal);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal([memberId], await db.FamilyMembers.Select(f => f.Id).ToListAsync(Ct));
            var kept = await db.Corrections.AsNoTracking().Where(c => c.CaseId == id).SingleAsync(Ct);
            Assert.Equal((linkId, "Linked to the wrong Hassan."), (kept.FamilyMemberId, kept.Reason));
            Assert.Contains(spouseNumber, kept.Changes, StringComparison.Ordinal);
            Assert.Equal(1, await db.Corrections.CountAsync(c => c.CaseId == spouseCase, Ct));
        }

        // The dependant, with a busy database first: 503, nothing removed; then removed with their documents, kept.
        await page.GetByTestId("change-member").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}/family/{memberId}");
        await page.FillAsync("#removal-reason", "Registered twice.");
        await page.CheckAsync("#confirm");
        await using (await host.HoldWritesToAsync("cases"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Remove from the case");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await CountAsync(host, db => db.FamilyMembers.CountAsync(Ct)));
        Assert.Equal(1, await CountAsync(host, db => db.Documents.CountAsync(Ct)));
        Assert.Equal("Registered twice.", await page.InputValueAsync("#removal-reason"));
        await page.CheckAsync("#confirm");
        await HeadlessChromium.PostFormAsync(page, "Remove from the case");
        await HeadlessChromium.WaitForPageAsync(page, "**familyRemoved=true");
        Assert.Equal("No family members recorded.", await page.GetByText("No family members recorded.").InnerTextAsync());
        Assert.Equal(0, await CountAsync(host, db => db.FamilyMembers.CountAsync(Ct)));
        Assert.Equal(0, await CountAsync(host, db => db.Documents.CountAsync(Ct)));
        Assert.Equal(2, await CountAsync(host, db => db.Corrections.CountAsync(c => c.CaseId == id, Ct)));

        // Its screen is gone with it.
        Assert.Equal((int)HttpStatusCode.NotFound, (await page.GotoAsync($"/cases/{number}/family/{memberId}"))!.Status);
    }

    /// <summary>Registers a dependant child with a passport on the case, through the API; their id.</summary>
    private static async Task<Guid> AddDependantAsync(HttpClient clerk, Guid caseId)
    {
        var added = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/family-members", new
        {
            relationship = "Child", dependant = true,
            person = new
            {
                givenName = "Yusuf", familyName = "Test", dateOfBirth = "2015-05-01", sex = "Male", nationalities = new[] { "SOM" },
                documents = new[] { new { type = "Passport", number = "C100", issuingCountry = "SOM" } },
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return (await added.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static async Task<int> CountAsync(ApiHost host, Func<CaseworkDbContext, Task<int>> count)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await count(scope.ServiceProvider.GetRequiredService<CaseworkDbContext>());
    }

    private static Task<IResponse> SubmitCorrectionAsync(IPage page) => HeadlessChromium.PostFormAsync(page, "Save the correction");
}
