using System.Net;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Testing;
using Casework.Web.Tests.Api;
using Casework.Web.Ui;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Casework.Web.Tests.Ui;

/// <summary>The task screen, in a real browser: an officer opens a task from the queue, claims it and completes its form.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TaskPageTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASupervisorReviewingABlockedReturn_ReadsWhyTheCheckStoppedIt_InTheTasksInstructions()
    {
        await using var host = await ApiHost.StartAsync(("officer.a", "EligibilityOfficer"), ("super.a", "Supervisor"));
        var review = await host.BlockedReturnAsync(await host.ClientForAsync("officer.a"), "NBO-2026-000903", new { caseId = "NBO-2026-000903" }, "RealRisk");
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        await HeadlessChromium.SignInAsync(page, $"/tasks/{review.Id}", "super.a", ApiHost.Password);

        Assert.StartsWith("The return was stopped before any departure step: The non-refoulement assessment found a real risk on return.\nNo one is sent back",
            await page.GetByTestId("task-instructions").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOfficer_OpensATaskFromTheQueue_ClaimsIt_AndCompletesItsForm_AfterBeingToldWhatIsMissing()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("officer.a", "EligibilityOfficer"),
            ("partner.a", "LegalAidPartner"));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var interview = await host.OpenItemAsync(number);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/queue?view=EligibilityOfficer", "officer.a", ApiHost.Password);

        await page.GetByRole(AriaRole.Link, new() { Name = interview.Name! }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, $"**/tasks/{interview.Id}");
        Assert.Contains("Amina Test", await page.GetByTestId("applicant").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("not claimed", await page.GetByTestId("task-summary").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("form:has(input[name=_handler][value=complete])").CountAsync());

        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        Assert.Contains("claimed by officer.a", await page.GetByTestId("task-summary").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("officer.a", (await host.OpenItemAsync(number)).ClaimedBy);
        Assert.Equal(1, await page.Locator("form:has(input[name=_handler][value=complete])").CountAsync());

        // Put back: the queue says so and the task is unclaimed; claimed again to work it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?released=*");
        Assert.Contains(interview.Name!, await page.GetByTestId("released").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);
        await page.GotoAsync($"/tasks/{interview.Id}");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).CountAsync());
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        Assert.Equal("officer.a", (await host.OpenItemAsync(number)).ClaimedBy);

        // Without the required interview date: told so next to the field, and nothing is saved.
        await page.GetByLabel("Interpreter language").FillAsync("Somali");
        var refused = await HeadlessChromium.PostFormAsync(page, "Complete");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("nothing was saved", await page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("[data-error=interviewDate]").IsVisibleAsync());
        Assert.Equal("Somali", await page.GetByLabel("Interpreter language").InputValueAsync());
        Assert.Equal(interview.Id, (await host.OpenItemAsync(number)).Id);

        await page.GetByLabel("Interview date").FillAsync("2026-03-20");
        await page.GetByLabel("Legal representative present").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?done=*");
        Assert.Contains($"Completed: {interview.Name}", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

        // The workflow moved on in the runtime: the interview is closed with the form's data, the draft decision is open.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var closed = await db.WorkItems.AsNoTracking().SingleAsync(w => w.Id == interview.Id, Ct);
            Assert.NotEqual(WorkItemStatus.Open, closed.Status);
            Assert.Equal("draftDecision", (await host.OpenItemAsync(number)).ElementId);
            var entry = await db.Journal.AsNoTracking().Where(j => j.Command == "CompleteTask").OrderBy(j => j.At).LastAsync(Ct);
            Assert.Equal("officer.a", entry.Actor);
            Assert.Contains(await db.AuditEntries.Select(a => a.Resource).ToListAsync(Ct), r => r == $"GET /tasks/{interview.Id}");
        }

        // A closed task is not put back.
        var closedRelease = await (await host.ClientForAsync("officer.a")).PostAsync($"/api/tasks/{interview.Id}/release", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, closedRelease.StatusCode);

        // A partner never sees a task screen.
        var partner = await chromium.NewPageAsync(host.Server);
        var response = await HeadlessChromium.SignInAsync(partner, $"/tasks/{interview.Id}", "partner.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);
        Assert.DoesNotContain("Amina", await partner.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFieldRequiredOnlyForOneChoice_SaysSoBesideItsLabel_AndIsAskedForOnlyWhenThatChoiceIsMade()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("officer.a", "EligibilityOfficer"));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        Guid counselling;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("return", number,
                Procedure.ProcedureDriver.Vars(new { caseId = number }), "officer.a", Ct);
            Assert.True(started.Succeeded, started.Message);
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            counselling = await db.WorkItems.Where(w => w.CaseId == number && w.ElementId == "counselling").Select(w => w.Id).SingleAsync(Ct);
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{counselling}", "officer.a", ApiHost.Password);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        Assert.Equal("Return option (required)", await page.Locator("label[for=field-returnOption]").InnerTextAsync());
        Assert.Equal("Partner organisation (required when Return option is Assisted with partner)",
            await page.Locator("label[for=field-partnerOrganisation]").InnerTextAsync());

        await page.Locator("#field-returnOption").SelectOptionAsync("AssistedWithPartner");
        var refused = await HeadlessChromium.PostFormAsync(page, "Complete");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("'Partner organisation' is required when 'Return option' is AssistedWithPartner.",
            await page.Locator("[data-error=partnerOrganisation]").InnerTextAsync());
        Assert.Equal("AssistedWithPartner", await page.Locator("#field-returnOption").InputValueAsync());
        Assert.Equal(counselling, (await host.OpenItemsAsync(number)).Single(w => w.ElementId == "counselling").Id);

        await page.Locator("#field-returnOption").SelectOptionAsync("Voluntary");
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?done=*");
        Assert.Contains("riskAssessment", (await host.OpenItemsAsync(number)).Select(w => w.ElementId));
    }

    [Fact]
    public async Task TheAppealOfficerIsChosenFromTheEnabledEligibilityOfficers_AndTheDrafterIsRefusedBesideTheField()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("officer.b", CaseworkRoles.EligibilityOfficer), ("officer.gone", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CaseworkUser>>();
            var named = (await users.FindByNameAsync("officer.b"))!;
            named.DisplayName = "Beatrice Okafor";
            Assert.True((await users.UpdateAsync(named)).Succeeded);
            Assert.True((await users.SetLockoutEndDateAsync((await users.FindByNameAsync("officer.gone"))!, CaseworkUser.DisabledUntil)).Succeeded);
        }

        var (_, number) = await host.AppealedCaseAsync(await host.ClientForAsync("clerk.a"), await host.ClientForAsync("officer.a"),
            await host.ClientForAsync("supervisor.a"), "Amina");
        var assign = (await host.OpenItemsAsync(number)).Single(w => w.ElementId == "assignAppealOfficer").Id;

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{assign}", "supervisor.a", ApiHost.Password);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        Assert.Equal(["", "Beatrice Okafor (officer.b)", "officer.a: completed 'Draft decision' on this case (four-eyes)"],
            (await page.Locator("#field-appealOfficer option").AllInnerTextsAsync()).Select(t => t.Trim() == "Choose…" ? "" : t.Trim()));
        Assert.Equal(new[] { false, false, true }, await page.Locator("#field-appealOfficer option")
            .EvaluateAllAsync<bool[]>("options => options.map(o => o.disabled)"));

        // The drafter cannot be chosen; a post naming them anyway (the option enabled by hand) is refused beside the field.
        await page.Locator("#field-appealOfficer option[value='officer.a']").EvaluateAsync("o => o.disabled = false");
        await page.Locator("#field-appealOfficer").SelectOptionAsync("officer.a");
        var refused = await HeadlessChromium.PostFormAsync(page, "Complete");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("officer.a completed 'Draft decision' on this case, so someone else must work 'Decide the appeal' (four-eyes).",
            await page.Locator("[data-error=appealOfficer]").InnerTextAsync());
        Assert.Equal("", await page.Locator("#field-appealOfficer").InputValueAsync());
        Assert.Equal(assign, (await host.OpenItemsAsync(number)).Single(w => w.ElementId == "assignAppealOfficer").Id);

        await page.Locator("#field-appealOfficer").SelectOptionAsync("officer.b");
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?done=*");
        Assert.Equal("officer.b", (await host.OpenItemsAsync(number)).Single(w => w.ElementId == "decideAppeal").Assignee);
    }

    [Fact]
    public async Task AClaimOrAPutBackTheDatabaseGivesUpOn_IsSaidOnTheTaskPage_AndChangesNothing()
    {
        await using var host = await ApiHost.StartWithShortLockWaitsAsync(postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer));
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var interview = await host.OpenItemAsync(number);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{interview.Id}", "officer.a", ApiHost.Password);

        // Another transaction keeps everyone from writing tasks: the claim is answered on the task's page, not the error page.
        await using (await host.HoldWritesToAsync("work_items"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Claim this task");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal("1", (await busy.AllHeadersAsync())["retry-after"]);
            Assert.Equal(BusyDatabase.NothingChanged, (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).Trim());
            Assert.Contains("not claimed", await page.GetByTestId("task-summary").InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        Assert.Equal("officer.a", (await host.OpenItemAsync(number)).ClaimedBy);

        // Putting it back while the database is busy: still on the task's page, still theirs.
        await using (await host.HoldWritesToAsync("work_items"))
        {
            var busy = await HeadlessChromium.PostFormAsync(page, "Put back in the queue");
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, busy.Status);
            Assert.Equal(BusyDatabase.NothingChanged, (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).Trim());
            Assert.Contains("claimed by officer.a", await page.GetByTestId("task-summary").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).CountAsync());
        }

        Assert.Equal("officer.a", (await host.OpenItemAsync(number)).ClaimedBy);
        await HeadlessChromium.PostFormAsync(page, "Put back in the queue");
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?released=*");
        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);
    }

    [Fact]
    public async Task AClerk_ProfilesACaseOnItsTaskForm_WithSeveralClaimFeatures_AndTheCaseShowsWhatWasRecorded()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"));
        var clerk = await host.ClientForAsync("clerk.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk);
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        var profile = await host.OpenItemAsync(number);
        Assert.Equal("profile", profile.ElementId);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{profile.Id}", "clerk.a", ApiHost.Password);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");

        // Two claim features picked from the list and the box ticked, but no referral: refused beside it, every choice kept.
        await page.SelectOptionAsync("#field-claimFeatures", new[] { "ManifestlyUnfounded", "FamilyMemberAlreadyInProcedure" });
        await page.GetByLabel("A child is in detention").CheckAsync();
        var refused = await HeadlessChromium.PostFormAsync(page, "Complete");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.True(await page.Locator("[data-error=referral]").IsVisibleAsync());
        Assert.Equal(["ManifestlyUnfounded", "FamilyMemberAlreadyInProcedure"],
            await page.EvaluateAsync<string[]>("() => Array.from(document.querySelector('#field-claimFeatures').selectedOptions, o => o.value)"));
        Assert.True(await page.GetByLabel("A child is in detention").IsCheckedAsync());
        Assert.Equal(profile.Id, (await host.OpenItemAsync(number)).Id);

        // Options read as words, and post the form's own values.
        Assert.Equal("Seeks asylum", await page.Locator("#field-referral option[value=SeeksAsylum]").InnerTextAsync());
        Assert.Equal("Family member already in procedure",
            await page.Locator("#field-claimFeatures option[value=FamilyMemberAlreadyInProcedure]").InnerTextAsync());
        await page.SelectOptionAsync("#field-referral", "SeeksAsylum");
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?done=*");
        // The interview its track leads to, and beside it the supervisors' task for the child in detention.
        var opened = (await host.OpenItemsAsync(number)).Select(w => w.ElementId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, opened.Count);
        Assert.Equal("detentionAttention", opened[0]);
        Assert.StartsWith("interview", opened[1], StringComparison.Ordinal);

        // The case shows the referral with both features and the child in detention, and the track they led to.
        await page.GotoAsync($"/cases/{number}");
        var triage = await page.GetByTestId("triage").InnerTextAsync();
        Assert.Contains("Seeks asylum", triage, StringComparison.Ordinal);
        Assert.Contains("Manifestly unfounded, Family member already in procedure", triage, StringComparison.Ordinal);
        Assert.Matches(@"Child in detention\s+Yes", triage);
        await using var scope = host.Services.CreateAsyncScope();
        var track = (await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Cases.AsNoTracking().SingleAsync(c => c.Id == id, Ct)).Track;
        Assert.NotNull(track);
        Assert.Contains($"{track} track", await page.GetByTestId("case-summary").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AColleagueSeesWhoHoldsATask_ASupervisorPutsItBack_AndTheFourEyesRuleIsExplained()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("officer.a", "EligibilityOfficer"),
            ("officer.b", "EligibilityOfficer"), ("super.a", "Supervisor"), ("auditor.a", "Auditor"));
        var officerA = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("super.a");
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var interview = await host.OpenItemAsync(number);
        Assert.Equal(HttpStatusCode.NoContent, (await officerA.PostAsync($"/api/tasks/{interview.Id}/claim", null, Ct)).StatusCode);
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // A colleague is told who holds the task, and is offered nothing that would only be refused.
        var colleague = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(colleague, $"/tasks/{interview.Id}", "officer.b", ApiHost.Password);
        Assert.Contains("officer.a is working on this task", await colleague.GetByTestId("claimed-by-other").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await colleague.GetByRole(AriaRole.Button, new() { Name = "Claim this task" }).CountAsync());
        Assert.Equal(0, await colleague.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).CountAsync());
        Assert.Contains("claimed again once they put it back", await colleague.GetByTestId("claimed-by-other").InnerTextAsync(), StringComparison.Ordinal);
        // An auditor (who reads every task, of any role) is not promised a claim they could not make.
        var auditor = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(auditor, $"/tasks/{interview.Id}", "auditor.a", ApiHost.Password);
        var notice = await auditor.GetByTestId("claimed-by-other").InnerTextAsync();
        Assert.Contains("It is not a task of your role.", notice, StringComparison.Ordinal);
        Assert.DoesNotContain("claimed again", notice, StringComparison.Ordinal);

        // A supervisor is offered the release, not a claim, and the release frees the task for anyone.
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{interview.Id}", "super.a", ApiHost.Password);
        Assert.Contains("Put it back in the queue", await page.GetByTestId("claimed-by-other").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Claim this task" }).CountAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?released=*");
        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);

        // The supervisor drafts the decision: its review says why they cannot take it and offers no claim.
        await host.CompleteTaskAsync(officerA, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(supervisor, number, "draftDecision", new { decision = "RecognisedRefugee", reasons = "Well-founded fear." });
        var review = await host.OpenItemAsync(number);
        Assert.Equal("reviewDecision", review.ElementId);
        await page.GotoAsync($"/tasks/{review.Id}");
        Assert.Equal("Four-eyes: you completed 'Draft decision' on this case, so someone else must complete 'Review decision (four-eyes)'.",
            (await page.GetByTestId("four-eyes").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Claim this task" }).CountAsync());

        // A claim of it forged from another task's page is refused with 422 and why, and the review stays in the queue.
        var (_, other) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Bashir");
        await page.GotoAsync($"/tasks/{(await host.OpenItemAsync(other)).Id}");
        Assert.Equal(0, await page.GetByTestId("four-eyes").CountAsync());
        var refused = await HeadlessChromium.ForgePostAsync(page, $"/tasks/{review.Id}", new Dictionary<string, string> { ["_handler"] = "claim" });
        Assert.Equal((int)HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("you completed 'Draft decision' on this case, so someone else must complete", await page.GetByRole(AriaRole.Alert).First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);
    }

    [Fact]
    public async Task AClerk_IsRefusedAnOfficersTask_AndAForgedClaimOfIt_ButSeesTheirOwn_AndAnUnknownTaskIsNotFound()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"));
        var clerk = await host.ClientForAsync("clerk.a");
        var (_, number) = await host.TriagedCaseAsync(clerk, "Amina");
        var interview = await host.OpenItemAsync(number);
        var (_, other) = await ApiHost.RegisterCaseAsync(clerk, "Bashir");
        var registration = await host.OpenItemAsync(other);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        // The officers' interview is not the clerk's: nothing of it or its applicant is shown.
        var refused = await HeadlessChromium.SignInAsync(page, $"/tasks/{interview.Id}", "clerk.a", ApiHost.Password);
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("not one of your roles' tasks", await page.GetByRole(AriaRole.Alert).First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Amina", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("applicant").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button).Filter(new() { HasText = "Claim" }).CountAsync());

        // The clerk's own registration task is shown, with its claim button.
        var shown = await page.GotoAsync($"/tasks/{registration.Id}");
        Assert.Equal(200, shown!.Status);
        Assert.Contains("Bashir", await page.GetByTestId("applicant").InnerTextAsync(), StringComparison.Ordinal);

        // A claim of the interview forged from that page (its antiforgery token) is refused, and the task stays unclaimed.
        var forged = await HeadlessChromium.ForgePostAsync(page, $"/tasks/{interview.Id}", new Dictionary<string, string> { ["_handler"] = "claim" });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.DoesNotContain("Amina", await forged.TextAsync(), StringComparison.Ordinal);
        Assert.Contains("not one of your roles' tasks", await page.GetByRole(AriaRole.Alert).First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Null((await host.OpenItemAsync(number)).ClaimedBy);

        var missing = await page.GotoAsync($"/tasks/{Guid.NewGuid()}");
        Assert.Equal((int)HttpStatusCode.NotFound, missing!.Status);
        Assert.Contains("There is no such task", await page.GetByRole(AriaRole.Heading).First.InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOfficerWhoseTaskChangedWhileTheFormWasOpen_IsToldWhatHappened_AndNothingIsSaved()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", "RegistrationClerk"), ("officer.a", "EligibilityOfficer"),
            ("officer.b", "EligibilityOfficer"), ("super.a", "Supervisor"));
        var officerB = await host.ClientForAsync("officer.b");
        var supervisor = await host.ClientForAsync("super.a");
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Amina");
        var interview = await host.OpenItemAsync(number);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{interview.Id}", "officer.a", ApiHost.Password);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");

        // A supervisor puts it back and a colleague takes it, while officer.a is still typing.
        await page.GetByLabel("Interview date").FillAsync("2026-03-10");
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsync($"/api/tasks/{interview.Id}/release", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await officerB.PostAsync($"/api/tasks/{interview.Id}/claim", null, Ct)).StatusCode);
        var taken = await HeadlessChromium.PostFormAsync(page, "Complete");
        Assert.Equal((int)HttpStatusCode.Conflict, taken.Status);
        Assert.Contains("officer.b", await page.GetByRole(AriaRole.Alert).First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("has claimed this task meanwhile. Nothing you entered was saved.", await page.GetByRole(AriaRole.Alert).First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).CountAsync());
        Assert.Equal(interview.Id, (await host.OpenItemAsync(number)).Id);

        // The colleague completes it; a stale form of the supervisor's is answered the same way.
        var supervisorPage = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(supervisorPage, $"/tasks/{interview.Id}", "super.a", ApiHost.Password);
        await host.CompleteTaskAsync(officerB, number, "interviewRegular", new { interviewDate = "2026-03-11" });
        var release = await HeadlessChromium.RunAndLoadAsync(supervisorPage,
            () => supervisorPage.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Request.Method == "POST");
        Assert.Equal((int)HttpStatusCode.Conflict, release.Status);
        Assert.Contains("This task is no longer open: officer.b completed it.", await supervisorPage.GetByRole(AriaRole.Alert).First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await supervisorPage.GetByRole(AriaRole.Button, new() { Name = "Put back in the queue" }).CountAsync());
    }
}
