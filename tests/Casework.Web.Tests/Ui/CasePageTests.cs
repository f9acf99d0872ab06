using System.Net;
using System.Net.Http.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>
/// The case screen, in a real browser: staff read the whole case file (applicant, family, triage, representation and
/// the procedure's tasks); exclusion material and a supervisor's exclusion review reach supervisors only; every read is
/// audited; partners and unknown case numbers get nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CasePageTests(PostgresFixture postgres)
{
    private const string ExclusionCanary = "Canary-Exclusion-4471";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOfficer_OpensTheCaseFromATask_AndReadsTheFile_WhileExclusionMaterialIsShownToSupervisorsOnly()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var organisation = await host.AddPartnerAsync("lawyer.a", "Legal Aid Kenya");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (_, relative) = await ApiHost.RegisterCaseAsync(clerk, "Hodan");
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{id}/family-members", new
        {
            relationship = "Child", dependant = true,
            person = new { givenName = "Yusuf", familyName = "Test", dateOfBirth = "2019-05-01", sex = "Male", nationalities = new[] { "SOM" } },
        }, Ct)).StatusCode);
        var relativeId = await CaseIdAsync(host, relative);
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{id}/family-members",
            new { relationship = "Sibling", linkedCaseId = relativeId }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await supervisor.PostAsJsonAsync($"/api/cases/{id}/representations", new { organisationId = organisation }, Ct)).StatusCode);

        // Exclusion indicators at profiling; the drafter flags exclusion; a supervisor confirms it with notes.
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling",
            new { referral = "SeeksAsylum", claimFeatures = new[] { "ExclusionIndicators", "SimilarProfileRecognitionRateHigh" } }, Ct)).StatusCode);
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Excluded", reasons = "Article 1F.", exclusionFlagged = true });
        await host.CompleteTaskAsync(supervisor, number, "exclusionReview", new { exclusionConfirmed = true, exclusionNotes = ExclusionCanary });

        await using var chromium = await HeadlessChromium.LaunchAsync();

        // The officer reaches the case from the task screen of the draft decision they completed.
        var page = await chromium.NewPageAsync(host.Server);
        var draft = await WorkItemIdAsync(host, number, "draftDecision");
        await HeadlessChromium.SignInAsync(page, $"/tasks/{draft}", "officer.a", ApiHost.Password);
        await page.GetByTestId("task-summary").GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{number}");

        var summary = await page.GetByTestId("case-summary").InnerTextAsync();
        Assert.Contains("NBO", summary, StringComparison.Ordinal);
        Assert.Contains("registered 2 Mar 2026", summary, StringComparison.Ordinal);
        Assert.Contains("Regular track", summary, StringComparison.Ordinal);
        var principal = await page.GetByTestId("principal").InnerTextAsync();
        Assert.Contains("Amina Test", principal, StringComparison.Ordinal);
        Assert.Contains("1 Jan 1990", principal, StringComparison.Ordinal);
        var family = await page.GetByTestId("family").InnerTextAsync();
        Assert.Contains("Yusuf Test", family, StringComparison.Ordinal);
        Assert.Contains("Child (dependant)", family, StringComparison.Ordinal);
        Assert.Contains("Legal Aid Kenya", await page.GetByTestId("representation").InnerTextAsync(), StringComparison.Ordinal);
        var triage = await page.GetByTestId("triage").InnerTextAsync();
        Assert.Contains("Seeks asylum", triage, StringComparison.Ordinal);
        Assert.Contains("Similar profile recognition rate high", triage, StringComparison.Ordinal);
        // The interview target, with how the office's rules computed it, met by the interview.
        var target = page.GetByTestId("deadlines").Locator("tr[data-deadline=InterviewTarget]");
        Assert.Equal("Held", await target.GetAttributeAsync("data-status"));
        var targetText = await target.InnerTextAsync();
        Assert.Contains("Interview target", targetText, StringComparison.Ordinal);
        Assert.Contains("Interview held on 10 Mar 2026", targetText, StringComparison.Ordinal);
        Assert.Contains("(UNHCR mandate)", targetText, StringComparison.Ordinal);

        // Exclusion material, and the supervisor's exclusion review, stay out of the officer's view.
        var content = await page.ContentAsync();
        Assert.DoesNotContain(ExclusionCanary, content, StringComparison.Ordinal);
        Assert.DoesNotContain("ExclusionIndicators", content, StringComparison.Ordinal);
        Assert.DoesNotContain("Exclusion indicators", content, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await page.GetByTestId("exclusion").CountAsync());
        var review = await WorkItemIdAsync(host, number, "exclusionReview");
        var tasks = page.GetByTestId("tasks");
        Assert.Equal(1, await tasks.Locator($"tr[data-task='{draft}']").CountAsync());
        Assert.Equal(0, await tasks.Locator($"tr[data-task='{review}']").CountAsync());
        Assert.Contains("officer.a", await tasks.Locator($"tr[data-task='{draft}']").InnerTextAsync(), StringComparison.Ordinal);

        // A linked relative's case is one click away.
        await page.GetByTestId("family").GetByRole(AriaRole.Link, new() { Name = relative }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{relative}");
        Assert.Contains("Hodan Test", await page.GetByTestId("principal").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("deadlines").CountAsync()); // not triaged: nothing computed yet

        // The supervisor sees the exclusion material and the review task.
        var supervisorPage = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(supervisorPage, $"/cases/{number}", "supervisor.a", ApiHost.Password);
        var exclusion = await supervisorPage.GetByTestId("exclusion").InnerTextAsync();
        Assert.Contains(ExclusionCanary, exclusion, StringComparison.Ordinal);
        Assert.Contains("Confirmed on review", exclusion, StringComparison.Ordinal);
        Assert.Equal(1, await supervisorPage.GetByTestId("tasks").Locator($"tr[data-task='{review}']").CountAsync());
        // ... and reaches the representation screen of the case from it.
        await supervisorPage.GetByRole(AriaRole.Link, new() { Name = "All authorities, past and present" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(supervisorPage, "**/representations?case=*");
        Assert.Contains(number, await supervisorPage.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains("Legal Aid Kenya", await supervisorPage.ContentAsync(), StringComparison.Ordinal);

        // An auditor reads the case and the review task exists for them, but not the exclusion material itself.
        var auditorPage = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(auditorPage, $"/cases/{number}", "auditor.a", ApiHost.Password);
        Assert.DoesNotContain(ExclusionCanary, await auditorPage.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await auditorPage.GetByTestId("exclusion").CountAsync());

        // Every read is in the audit trail.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var readers = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().AuditEntries.AsNoTracking()
                .Where(a => a.Resource == $"GET /cases/{number}" && a.Action == "read").Select(a => a.Actor).ToListAsync(Ct);
            Assert.Contains("officer.a", readers);
            Assert.Contains("supervisor.a", readers);
            Assert.Contains("auditor.a", readers);
        }
    }

    [Fact]
    public async Task TheQueueLinksTheCase_WhichListsCorrections_AnUnknownCaseNumberAnswers404_AndAPartnerIsRefusedTheCaseScreen()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk));
        await host.AddPartnerAsync("lawyer.a", "Legal Aid Kenya");
        var clerkApi = await host.ClientForAsync("clerk.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerkApi, "Amina");
        // A correction of the principal's name, which the case screen lists with who made it and the values before and after.
        var etag = (await clerkApi.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        using (var correct = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{id}/principal"))
        {
            correct.Content = JsonContent.Create(new
            {
                person = new { givenName = "Aminah", familyName = "Test", dateOfBirth = "1990-01-01", sex = "Female", nationalities = new[] { "SOM" } },
                reason = "Spelt as in her passport.",
            });
            correct.Headers.TryAddWithoutValidation("If-Match", etag);
            Assert.Equal(HttpStatusCode.OK, (await clerkApi.SendAsync(correct, Ct)).StatusCode);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();

        var clerk = await chromium.NewPageAsync(host.Server);
        var missing = await HeadlessChromium.SignInAsync(clerk, "/cases/NBO-2026-999999", "clerk.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.NotFound, missing.Status);
        // The queue links each task's case.
        await clerk.GotoAsync("/queue?view=RegistrationClerk");
        await clerk.Locator("tr[data-task]").GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(clerk, $"**/cases/{number}");
        Assert.Contains("Aminah Test", await clerk.GetByTestId("principal").InnerTextAsync(), StringComparison.Ordinal);
        var corrections = await clerk.GetByTestId("corrections").InnerTextAsync();
        Assert.Contains("clerk.a, principal applicant: Given name Amina → Aminah", corrections, StringComparison.Ordinal);

        var partner = await chromium.NewPageAsync(host.Server);
        var refused = await HeadlessChromium.SignInAsync(partner, $"/cases/{number}", "lawyer.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        Assert.DoesNotContain("Amina", await partner.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOfficer_FindsCasesByTheStartOfTheirNumberOrANameWhateverItsAccents_FiltersByStage_AndOpensOne()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var clerk = await host.ClientForAsync("clerk.a");
        var (_, amina) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (hodanId, hodan) = await ApiHost.RegisterCaseAsync(clerk, "Hodan");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/queue", "officer.a", ApiHost.Password);
        await page.GetByTestId("nav-cases").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/cases");

        // Every case, the most recently registered (here: the higher number) first.
        Assert.Contains("1–2 of 2 cases", await page.GetByTestId("range").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal([hodan, amina], await page.GetByTestId("cases").Locator("tbody tr td:first-child").AllInnerTextsAsync());

        // A page the search no longer has (from an old link) shows the last one, and says so.
        await page.GotoAsync("/cases?page=4");
        Assert.Equal("There is no page 4 any more: there are 2 cases matching now, so this is the last page, 1.",
            await page.GetByTestId("past-the-end").InnerTextAsync());
        Assert.Equal([hodan, amina], await page.GetByTestId("cases").Locator("tbody tr td:first-child").AllInnerTextsAsync());
        await page.GotoAsync("/cases");

        // By part of a name, in any case.
        await page.GetByLabel("Name of the applicant or a family member").FillAsync("hoD");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/cases?*name=hoD*");
        Assert.Equal([hodan], await page.GetByTestId("cases").Locator("tbody tr td:first-child").AllInnerTextsAsync());

        // By the start of the number, typed in lower case; a stage no case is at finds nothing.
        await page.GotoAsync($"/cases?number={Uri.EscapeDataString(amina[..^1].ToLowerInvariant())}");
        Assert.Equal(2, await page.GetByTestId("cases").Locator("tbody tr").CountAsync());
        await page.GotoAsync($"/cases?number={Uri.EscapeDataString(amina)}&stage=Closed");
        Assert.Contains("No case matches.", await page.GetByTestId("range").InnerTextAsync(), StringComparison.Ordinal);
        var wrongStage = await page.GotoAsync("/cases?stage=Sideways");
        Assert.Equal((int)HttpStatusCode.BadRequest, wrongStage!.Status);
        Assert.Contains("'Sideways' is not a stage", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        // A name of only hyphens would match every case, and one longer than the box takes is not a name: both refused,
        // as the API refuses them, with the search form still there to correct it.
        foreach (var term in new[] { " - ' ", new string('a', 101) })
        {
            var wrongName = await page.GotoAsync($"/cases?name={Uri.EscapeDataString(term)}");
            Assert.Equal((int)HttpStatusCode.BadRequest, wrongName!.Status);
            Assert.Contains("Name: Part of a name, 1 to 100 characters", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(0, await page.GetByTestId("cases").CountAsync());
            Assert.True(await page.Locator("#name").IsVisibleAsync());
        }

        await page.GotoAsync($"/cases?number={Uri.EscapeDataString(amina)}");
        await page.GetByTestId("cases").GetByRole(AriaRole.Link, new() { Name = amina }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/cases/{amina}");
        Assert.Contains("Amina Test", await page.GetByTestId("principal").InnerTextAsync(), StringComparison.Ordinal);

        // A name is found whatever its accents and letter case, given and family name together.
        var (_, omer) = await ApiHost.RegisterCaseAsync(clerk, "Ömer");
        await page.GotoAsync("/cases");
        await page.GetByLabel("Name of the applicant or a family member").FillAsync("TEST omer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/cases?*name=TEST*");
        Assert.Equal([omer], await page.GetByTestId("cases").Locator("tbody tr td:first-child").AllInnerTextsAsync());
        Assert.Equal("TEST omer", await page.GetByLabel("Name of the applicant or a family member").InputValueAsync());
        Assert.Equal(0, await page.GetByTestId("matched-family").CountAsync());

        // A dependant's name finds the case they are on, and the list says whose name it was.
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{hodanId}/family-members", new
        {
            relationship = "Child", dependant = true,
            person = new { givenName = "Zeynep", familyName = "Çelik", dateOfBirth = "2019-01-01", sex = "Female", nationalities = new[] { "SOM" } },
        }, TestContext.Current.CancellationToken)).StatusCode);
        await page.GotoAsync("/cases?name=celik");
        Assert.Equal([hodan], await page.GetByTestId("cases").Locator("tbody tr td:first-child").AllInnerTextsAsync());
        Assert.Equal("Family member: Zeynep Çelik", await page.GetByTestId("matched-family").InnerTextAsync());
    }

    [Fact]
    public async Task AnOverrideTheDatabaseGivesUpOn_StaysOnTheCaseWithTheChoicesAndReasonAsTyped_AndSendingItAgainSavesIt()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres,
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor));
        var (id, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "supervisor.a", ApiHost.Password);
        var newTrack = await page.GetByLabel("Processing track").InputValueAsync() == "Accelerated" ? "Regular" : "Accelerated";
        const string Reason = "Medical evidence makes the claim manifestly well-founded.";
        await page.GetByLabel("Processing track").SelectOptionAsync(newTrack);
        await page.GetByLabel("Priority (0–100").FillAsync("80");
        await page.GetByLabel("Why (kept with the override)").FillAsync(Reason);

        // Another transaction holds the case's row while the supervisor overrides its triage.
        await using (await host.HoldAsync(async db =>
            Assert.Equal(1, await db.Cases.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision), Ct))))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Override");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Contains("The database was busy, so nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(newTrack, await page.GetByLabel("Processing track").InputValueAsync());
            Assert.Equal("80", await page.GetByLabel("Priority (0–100").InputValueAsync());
            Assert.Equal(Reason, await page.GetByLabel("Why (kept with the override)").InputValueAsync());
        }

        var supervisorApi = await host.ClientForAsync("supervisor.a");
        Assert.Equal(0, (await supervisorApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{id}/triage", Ct)).GetProperty("overrides").GetArrayLength());

        // Once the other transaction has ended, the same form, sent again as it stands, saves the override once.
        await page.GetByRole(AriaRole.Button, new() { Name = "Override" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/cases/*?overridden=true");
        var after = await supervisorApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{id}/triage", Ct);
        Assert.Equal((newTrack, 1), (after.GetProperty("track").GetString(), after.GetProperty("overrides").GetArrayLength()));
    }

    [Fact]
    public async Task ASupervisor_OverridesTheTriageOnTheCaseScreen_WithAReason_AndAStaleScreenOrAnotherRoleChangesNothing()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var (id, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var supervisorApi = await host.ClientForAsync("supervisor.a");
        var before = await supervisorApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{id}/triage", Ct);
        var track = before.GetProperty("track").GetString()!;
        var newTrack = track == "Accelerated" ? "Regular" : "Accelerated";
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{number}", "supervisor.a", ApiHost.Password);
        var stale = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(stale, $"/cases/{number}", "supervisor.a", ApiHost.Password);
        Assert.Equal(track, await page.GetByLabel("Processing track").InputValueAsync());
        // Registered on 2 March 2026 and never interviewed: the target has passed, and the screen says how long ago.
        var deadline = (await supervisorApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{id}/deadlines", Ct))[0];
        var overdue = page.GetByTestId("deadlines").Locator("tr[data-deadline=InterviewTarget]");
        Assert.Equal("Passed", await overdue.GetAttributeAsync("data-status"));
        Assert.Contains($"Passed {-deadline.GetProperty("daysLeft").GetInt32()} days ago", await overdue.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(deadline.GetProperty("explanation").GetString()!, await overdue.InnerTextAsync(), StringComparison.Ordinal);

        // Without a reason: told so beside the field, the choices kept, nothing changed.
        await page.GetByLabel("Processing track").SelectOptionAsync(newTrack);
        await page.GetByLabel("Priority (0–100").FillAsync("80");
        var refused = await HeadlessChromium.PostFormAsync(page, "Override");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.True(await page.Locator("[data-error=reason]").IsVisibleAsync());
        Assert.Equal(newTrack, await page.GetByLabel("Processing track").InputValueAsync());
        Assert.Equal("80", await page.GetByLabel("Priority (0–100").InputValueAsync());
        Assert.Equal(track, (await supervisorApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{id}/triage", Ct)).GetProperty("track").GetString());

        await page.GetByLabel("Why (kept with the override)").FillAsync("Medical evidence makes the claim manifestly well-founded.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Override" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/cases/*?overridden=true");
        Assert.Contains("The override is saved", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains($"{newTrack} track", await page.GetByTestId("case-summary").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("supervisor.a: " + track + " → " + newTrack + ", priority " + before.GetProperty("priority").GetInt32() + " → 80. Medical evidence",
            await page.GetByTestId("overrides").InnerTextAsync(), StringComparison.Ordinal);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var item = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems.AsNoTracking()
                .SingleAsync(w => w.CaseId == number && w.Status == Casework.Data.Runtime.Records.WorkItemStatus.Open, Ct);
            Assert.Equal(newTrack, item.CaseTrack);
            Assert.Equal(80, item.CasePriority);
        }

        // The second screen was opened before the override: its override is refused and changes nothing.
        await stale.GetByLabel("Priority (0–100").FillAsync("10");
        await stale.GetByLabel("Why (kept with the override)").FillAsync("Second thoughts.");
        var late = await HeadlessChromium.PostFormAsync(stale, "Override");
        Assert.Equal((int)HttpStatusCode.PreconditionFailed, late.Status);
        Assert.Contains("nothing was changed", await stale.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);

        // An officer sees no override form, and a forged post (with the officer's own antiforgery token) is refused.
        var officer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(officer, $"/cases/{number}", "officer.a", ApiHost.Password);
        Assert.Equal(0, await officer.GetByTestId("override").CountAsync());
        Guid task;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            task = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems.AsNoTracking()
                .Where(w => w.CaseId == number && w.Status == Casework.Data.Runtime.Records.WorkItemStatus.Open).Select(w => w.Id).SingleAsync(Ct);
        }

        await officer.GotoAsync($"/tasks/{task}");
        var currentRevision = await CurrentRevisionAsync(host, number);
        var forged = await HeadlessChromium.ForgePostAsync(officer, $"/cases/{number}", new Dictionary<string, string>
        {
            ["_handler"] = "override", ["revision"] = currentRevision, ["track"] = "Simplified", ["priority"] = "5", ["reason"] = "Forged.",
        });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        var after = await supervisorApi.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{id}/triage", Ct);
        Assert.Equal(newTrack, after.GetProperty("track").GetString());
        Assert.Equal(1, after.GetProperty("overrides").GetArrayLength());
    }

    private static async Task<string> CurrentRevisionAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var revision = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Cases.Where(c => c.CaseNumber == number).Select(c => c.Revision).SingleAsync(Ct);
        return revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<Guid> CaseIdAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Cases.Where(c => c.CaseNumber == number).Select(c => c.Id).SingleAsync(Ct);
    }

    private static async Task<Guid> WorkItemIdAsync(ApiHost host, string number, string element)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems
            .Where(w => w.CaseId == number && w.ElementId == element).Select(w => w.Id).SingleAsync(Ct);
    }
}
