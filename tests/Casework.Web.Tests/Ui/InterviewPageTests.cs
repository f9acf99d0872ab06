using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Testing;
using Casework.Web.Features.Api;
using Casework.Web.Tests.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
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

    [Fact]
    public async Task AnInvitedLawyer_AnswersOnTheirInterviewsScreen_TheOfficerSeesTheAnswerAlsoOnTheirAgenda_AndAnAnswerToAnInterviewCancelledMeanwhileIsRefused()
    {
        await using var host = await ApiHost.StartAsync(("clerk", CaseworkRoles.RegistrationClerk), ("officer", CaseworkRoles.EligibilityOfficer),
            ("supervisor", CaseworkRoles.Supervisor), ("auditor", CaseworkRoles.Auditor));
        var organisation = await host.AddPartnerAsync("lawyer", "Refugee Legal Aid");
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer");
        var supervisor = await host.ClientForAsync("supervisor");
        var monday = InterviewApiTests.Monday;
        var first = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Eden");
        var second = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Feven");
        var interviews = new Dictionary<Guid, Guid>();
        foreach (var (id, day) in new[] { (first.Id, monday), (second.Id, monday.AddDays(1)) })
        {
            Assert.Equal(HttpStatusCode.Created, (await supervisor.PostAsJsonAsync($"/api/cases/{id}/representations", new { organisationId = organisation },
                TestContext.Current.CancellationToken)).StatusCode);
            var booked = await officer.PostAsJsonAsync($"/api/cases/{id}/interviews", new
            {
                date = day.ToString("yyyy-MM-dd"), startTime = "09:30", interviewer = "officer", language = "Tigrinya", representativeInvited = true,
            }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            interviews[id] = (await booked.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);

        // The lawyer's start page says two invitations await an answer and leads to them, the earliest first.
        await HeadlessChromium.SignInAsync(page, "/", "lawyer", ApiHost.Password);
        Assert.Contains("2 interview invitations await your answer", await page.GetByTestId("unanswered-invitations").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByTestId("nav-interviews").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/partner/interviews");
        Assert.Equal([first.Number, second.Number], await page.Locator("tr[data-case]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.case)"));
        var firstRow = page.Locator($"tr[data-case='{first.Number}']");
        Assert.Contains($"Monday {Dates.Show(monday)}, 09:30–11:30", await firstRow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Not answered yet", (await firstRow.GetByTestId("answer").InnerTextAsync()).Trim());
        Assert.DoesNotContain("officer", await firstRow.InnerTextAsync(), StringComparison.Ordinal);

        // Answered: recorded, shown with who answered, and seen by staff.
        await HeadlessChromium.PostFormAsync(page, $"A representative will attend the interview of case {first.Number}");
        await HeadlessChromium.WaitForPageAsync(page, "**/partner/interviews?answered=*");
        Assert.Contains($"interview of case {first.Number} is recorded", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("A representative will attend (lawyer,", (await firstRow.GetByTestId("answer").InnerTextAsync()).Trim(), StringComparison.Ordinal);

        // The second interview is cancelled while the lawyer's screen still offers to answer it: the answer is refused in words.
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{second.Id}/interviews/{interviews[second.Id]}/cancel",
            new { reason = "The interviewer is ill." }, TestContext.Current.CancellationToken)).StatusCode);
        var refused = await HeadlessChromium.PostFormAsync(page, $"No representative will attend the interview of case {second.Number}");
        Assert.Equal((int)HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("cancelled", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Cancelled on", (await page.Locator($"tr[data-case='{second.Number}']").GetByTestId("status").InnerTextAsync()).Trim(),
            StringComparison.Ordinal);
        Assert.DoesNotContain("interviewer is ill", await page.ContentAsync(), StringComparison.Ordinal);
        var secondView = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{second.Id}/interviews/{interviews[second.Id]}",
            TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Null, secondView.GetProperty("representativeAnswer").ValueKind);

        // Both answers are in their case's audit trail.
        var auditor = await host.ClientForAsync("auditor");
        foreach (var id in new[] { first.Id, second.Id })
        {
            var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={id}&actor=lawyer&action=write", TestContext.Current.CancellationToken);
            Assert.Contains(trail.GetProperty("items").EnumerateArray(), e => e.GetProperty("resource").GetString() == "POST /partner/interviews");
        }

        // The officer sees the answer on the interviews screen and on the case screen.
        var staff = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(staff, $"/cases/{first.Number}/interviews", "officer", ApiHost.Password);
        Assert.StartsWith("Invited; will attend (answered by lawyer,", (await staff.GetByTestId("representative").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        await staff.GotoAsync($"/cases/{first.Number}");
        Assert.Contains("the legal representative is invited and will attend.", await staff.GetByTestId("interview").InnerTextAsync(), StringComparison.Ordinal);

        // The officer's own agenda lists the interview they hold, with the answer, and not the cancelled one.
        await staff.GetByTestId("nav-my-interviews").ClickAsync();
        await HeadlessChromium.WaitForPageAsync(staff, "**/interviews");
        Assert.Equal([first.Number], await staff.Locator("tr[data-case]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.case)"));
        Assert.Equal($"Monday {Dates.Show(monday)}", (await staff.GetByTestId("day").InnerTextAsync()).Trim());
        Assert.StartsWith("Invited; will attend", (await staff.GetByTestId("representative").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        var badRange = await staff.GotoAsync("/interviews?days=500");
        Assert.Equal((int)HttpStatusCode.BadRequest, badRange!.Status);
        Assert.Contains("from 1 to 92", await staff.Locator("[data-error=days]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await staff.Locator("tr[data-case]").CountAsync());
    }

    [Fact]
    public async Task AnInterviewerIsToldWhichPastInterviewsAwaitTheirOutcome_RecordsAnAbsenceWithWhatWasDone_AndTheTaskScreenShowsIt()
    {
        await using var host = await ApiHost.StartAsync(("clerk", CaseworkRoles.RegistrationClerk), ("officer.f", CaseworkRoles.EligibilityOfficer),
            ("officer.m", CaseworkRoles.EligibilityOfficer));
        var ct = TestContext.Current.CancellationToken;
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var missed = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Meron");
        var coming = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Nardos");
        async Task<Guid> BookAsync(Guid caseId, string start)
        {
            var booked = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews",
                new { date = InterviewApiTests.Monday.ToString("yyyy-MM-dd"), startTime = start, interviewer = "officer.f", language = "Tigrinya" }, ct);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            return (await booked.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        }

        var past = await BookAsync(missed.Id, "09:30");
        await BookAsync(coming.Id, "14:00");
        var lastWeek = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-7);
        await InterviewApiTests.MoveInterviewAsync(host, past, lastWeek);
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // Another officer is offered nothing to record on an interview that is not theirs.
        var other = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(other, $"/cases/{missed.Number}/interviews", "officer.m", ApiHost.Password);
        Assert.Contains("awaiting its outcome", await other.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await other.GetByRole(AriaRole.Button, new() { Name = "Record the outcome" }).CountAsync());

        // The interviewer's agenda names the past interview awaiting its outcome; the coming one is on its day.
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, "/interviews", "officer.f", ApiHost.Password);
        var awaiting = page.GetByTestId("awaiting-outcome");
        Assert.Contains($"{missed.Number} ({Dates.Show(lastWeek)})", await awaiting.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(coming.Number, await awaiting.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Scheduled by officer.f", await page.Locator($"tr[data-case='{coming.Number}'] [data-testid=interview-status]").InnerTextAsync(),
            StringComparison.Ordinal);

        // An absence without a note is refused beside the field, the choice kept; with one it is recorded.
        await HeadlessChromium.RunAndLoadAsync(page, () => awaiting.GetByRole(AriaRole.Link, new() { Name = missed.Number }).ClickAsync(),
            r => r.Request.IsNavigationRequest);
        await page.GetByLabel("The applicant did not come").CheckAsync();
        var refused = await HeadlessChromium.PostFormAsync(page, "Record the outcome");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("reach the applicant", await page.Locator("[data-error=note]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("The applicant did not come").IsCheckedAsync());
        await page.Locator("textarea[name=note]").FillAsync("Called twice, no answer; a letter was sent to the registered address.");
        await HeadlessChromium.PostFormAsync(page, "Record the outcome");
        await HeadlessChromium.WaitForPageAsync(page, "**done=recorded");
        var status = await page.GetByTestId("interview-status").InnerTextAsync();
        Assert.Contains("The applicant did not come (recorded by officer.f", status, StringComparison.Ordinal);
        Assert.Contains("a letter was sent", status, StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Record the outcome" }).CountAsync());
        Assert.Equal(1, await page.Locator("#date").CountAsync());

        // The case screen and the interview task's screen say so; the agenda no longer asks for it.
        await page.GotoAsync($"/cases/{missed.Number}");
        Assert.Contains("was missed: the applicant did not come", await page.GetByTestId("interview").InnerTextAsync(), StringComparison.Ordinal);
        Guid task;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            task = await scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>().WorkItems
                .Where(w => w.CaseId == missed.Number && w.FormKey == "interview" && w.Status == Casework.Data.Runtime.Records.WorkItemStatus.Open)
                .Select(w => w.Id).SingleAsync(ct);
        }

        await page.GotoAsync($"/tasks/{task}");
        Assert.Contains("The applicant did not come (recorded by officer.f", await page.GetByTestId("task-interview").InnerTextAsync(), StringComparison.Ordinal);
        await page.GotoAsync("/interviews");
        Assert.Equal(0, await page.GetByTestId("awaiting-outcome").CountAsync());
    }

    [Fact]
    public async Task ASupervisorSeesTheirOfficesInterviewsByEveryInterviewer_AndThoseAwaitingTheirOutcome_AndMayLookAtEveryOffice()
    {
        await using var host = await ApiHost.StartAsync(("clerk", CaseworkRoles.RegistrationClerk), ("officer.f", CaseworkRoles.EligibilityOfficer),
            ("officer.m", CaseworkRoles.EligibilityOfficer), ("supervisor", CaseworkRoles.Supervisor));
        var ct = TestContext.Current.CancellationToken;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            var supervisorAccount = (await users.FindByNameAsync("supervisor"))!;
            supervisorAccount.OfficeCode = "NBO";
            Assert.True((await users.UpdateAsync(supervisorAccount)).Succeeded);
            var officerM = (await users.FindByNameAsync("officer.m"))!;
            officerM.DisplayName = "Daniel Okoth";
            Assert.True((await users.UpdateAsync(officerM)).Succeeded);
        }

        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        async Task<(Guid Interview, string Number)> BookAsync(string givenName, string office, string interviewer, string start)
        {
            var (id, number) = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, givenName, office);
            var booked = await officer.PostAsJsonAsync($"/api/cases/{id}/interviews",
                new { date = InterviewApiTests.Monday.ToString("yyyy-MM-dd"), startTime = start, interviewer, language = "Tigrinya" }, ct);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            return ((await booked.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid(), number);
        }

        var past = await BookAsync("Almaz", "NBO", "officer.m", "09:30");
        var coming = await BookAsync("Bethlehem", "NBO", "officer.f", "09:30");
        var elsewhere = await BookAsync("Danait", "KLA", "officer.f", "14:00");
        var lastWeek = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-7);
        await InterviewApiTests.MoveInterviewAsync(host, past.Interview, lastWeek);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, Casework.Web.Ui.Pages.OfficeInterviews.Path, "supervisor", ApiHost.Password);

        // Their own office first: the interview another officer held last week awaits its outcome, named with its interviewer;
        // the coming four weeks show every interviewer's interviews at the office, not another office's.
        Assert.Equal("NBO", await page.Locator("#office").InputValueAsync());
        var awaiting = page.GetByTestId("office-awaiting");
        Assert.Contains("Daniel Okoth (officer.m)", await awaiting.Locator($"tr[data-case='{past.Number}']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(Dates.Show(lastWeek), await awaiting.Locator($"tr[data-case='{past.Number}']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator($"tr[data-case='{coming.Number}']").CountAsync());
        Assert.Equal(0, await page.Locator($"tr[data-case='{elsewhere.Number}']").CountAsync());

        // Every office when the office is left empty.
        await page.Locator("#office").FillAsync("");
        await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync(),
            r => r.Request.IsNavigationRequest);
        Assert.Contains("at every office", await page.GetByTestId("range").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("officer.f", await page.Locator($"tr[data-case='{elsewhere.Number}'] [data-testid=interviewer]").InnerTextAsync(),
            StringComparison.Ordinal);

        // An office code that cannot be one is refused beside the field, and nothing is listed as if it were empty.
        await page.Locator("#office").FillAsync("N1");
        var refused = await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync(),
            r => r.Request.IsNavigationRequest);
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("office code", await page.Locator("[data-error=office]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByTestId("no-interviews").CountAsync());
        Assert.Equal(0, await page.Locator("tr[data-case]").CountAsync());

        // The supervisor follows the interview awaiting its outcome to its case, where they may record it for the officer.
        await page.GotoAsync(Casework.Web.Ui.Pages.OfficeInterviews.Path);
        await HeadlessChromium.RunAndLoadAsync(page, () => page.GetByTestId("office-awaiting").GetByRole(AriaRole.Link, new() { Name = past.Number }).ClickAsync(),
            r => r.Request.IsNavigationRequest);
        Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Record the outcome" }).CountAsync());
    }

    [Fact]
    public async Task ASupervisorCorrectsARecordedOutcomeWithTheReason_TheEarlierOneStaysInSight_AndACancelOfAnInterviewCancelledMeanwhileIsTold()
    {
        await using var host = await ApiHost.StartAsync(("clerk", CaseworkRoles.RegistrationClerk), ("officer.f", CaseworkRoles.EligibilityOfficer),
            ("supervisor", CaseworkRoles.Supervisor));
        var ct = TestContext.Current.CancellationToken;
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var missed = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Rahel");
        var coming = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Saba");
        async Task<Guid> BookAsync(Guid caseId, string start)
        {
            var booked = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews",
                new { date = InterviewApiTests.Monday.ToString("yyyy-MM-dd"), startTime = start, interviewer = "officer.f", language = "Tigrinya" }, ct);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            return (await booked.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        }

        var past = await BookAsync(missed.Id, "09:30");
        var next = await BookAsync(coming.Id, "14:00");
        await InterviewApiTests.MoveInterviewAsync(host, past, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{missed.Id}/interviews/{past}/outcome",
            new { outcome = "ApplicantAbsent", note = "Called twice; no answer." }, ct)).StatusCode);
        await using var chromium = await HeadlessChromium.LaunchAsync();

        // The interviewer who recorded it is not offered a correction.
        var interviewer = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(interviewer, $"/cases/{missed.Number}/interviews", "officer.f", ApiHost.Password);
        Assert.Contains("The applicant did not come (recorded by officer.f", await interviewer.GetByTestId("interview-status").InnerTextAsync(),
            StringComparison.Ordinal);
        Assert.Equal(0, await interviewer.GetByText("Correct this outcome").CountAsync());

        // A supervisor opens the correction, which starts from what is recorded; without a reason it is refused beside the field.
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/cases/{missed.Number}/interviews", "supervisor", ApiHost.Password);
        await page.GetByText("Correct this outcome").ClickAsync();
        Assert.True(await page.GetByLabel("The applicant did not come").IsCheckedAsync());
        var note = page.GetByLabel("Note (for an absence: what was done to reach the applicant)");
        Assert.Equal("Called twice; no answer.", await note.InputValueAsync());
        await page.GetByLabel("Held", new() { Exact = true }).CheckAsync();
        await note.FillAsync("Came at noon and was interviewed in full.");
        var refused = await HeadlessChromium.PostFormAsync(page, "Correct the outcome");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Say why the recorded outcome was wrong", await page.Locator("[data-error=reason]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Held", new() { Exact = true }).IsCheckedAsync());
        Assert.Equal("Came at noon and was interviewed in full.", await note.InputValueAsync());
        Assert.Contains("(recorded by officer.f", await page.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);

        // With the reason it is corrected; the earlier outcome, who recorded it and why it was corrected stay in sight.
        await page.GetByLabel("Why the recorded outcome was wrong").FillAsync("Recorded before the applicant arrived late.");
        await HeadlessChromium.PostFormAsync(page, "Correct the outcome");
        await HeadlessChromium.WaitForPageAsync(page, "**done=corrected");
        var status = await page.GetByTestId("interview-status").InnerTextAsync();
        Assert.Contains("Held (corrected by supervisor", status, StringComparison.Ordinal);
        Assert.Contains("Came at noon", status, StringComparison.Ordinal);
        var earlier = await page.GetByTestId("earlier-outcome").InnerTextAsync();
        Assert.Contains("Earlier: The applicant did not come (recorded by officer.f", earlier, StringComparison.Ordinal);
        Assert.Contains("Called twice; no answer.", earlier, StringComparison.Ordinal);
        Assert.Contains("Corrected by supervisor", earlier, StringComparison.Ordinal);
        Assert.Contains("because: Recorded before the applicant arrived late.", earlier, StringComparison.Ordinal);

        // The other case's interview is cancelled through the API while the supervisor's screen still offers to cancel it.
        await page.GotoAsync($"/cases/{coming.Number}/interviews");
        await page.GetByLabel("Reason for cancelling").FillAsync("The applicant is ill.");
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{coming.Id}/interviews/{next}/cancel",
            new { reason = "The interpreter is away." }, ct)).StatusCode);
        var stale = await HeadlessChromium.PostFormAsync(page, "Cancel the interview");
        Assert.Equal((int)HttpStatusCode.Conflict, stale.Status);
        Assert.Contains("cancelled already", await page.GetByTestId("problem").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Cancelled by officer.f", await page.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("The interpreter is away.", await page.GetByTestId("interview-status").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInterviewTasksForm_IsPrefilledFromTheInterviewOnceHeld_ForTheOfficerToCheck_AndWhatIsSubmittedCounts()
    {
        await using var host = await ApiHost.StartAsync(("clerk", CaseworkRoles.RegistrationClerk), ("officer.f", CaseworkRoles.EligibilityOfficer));
        var ct = TestContext.Current.CancellationToken;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
            var user = (await users.FindByNameAsync("officer.f"))!;
            user.Gender = "Female";
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }

        var officer = await host.ClientForAsync("officer.f");
        var (caseId, number) = await InterviewApiTests.CaseInAssessmentAsync(host, await host.ClientForAsync("clerk"), "Tsega");
        var booked = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews", new
        {
            date = InterviewApiTests.Monday.ToString("yyyy-MM-dd"), startTime = "09:30", interviewer = "officer.f", language = "Tigrinya",
            interpreter = "Amanuel Haile", requestedInterviewerGender = "Female",
        }, ct);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var interviewId = (await booked.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        Guid task;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            task = await scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>().WorkItems
                .Where(w => w.CaseId == number && w.FormKey == "interview" && w.Status == Casework.Data.Runtime.Records.WorkItemStatus.Open)
                .Select(w => w.Id).SingleAsync(ct);
        }

        // While the interview is still to come, nothing is filled in.
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync(host.Server);
        await HeadlessChromium.SignInAsync(page, $"/tasks/{task}", "officer.f", ApiHost.Password);
        await HeadlessChromium.PostFormAsync(page, "Claim this task");
        await page.GotoAsync($"/tasks/{task}");
        Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).CountAsync());
        Assert.Equal(0, await page.GetByTestId("prefilled").CountAsync());
        Assert.Equal("", await page.GetByLabel("Interview date").InputValueAsync());
        Assert.Equal("", await page.GetByLabel("Interpreter language").InputValueAsync());

        // Held yesterday: the day, the interpreter's language and the gender asked for are filled in and said to be.
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await InterviewApiTests.MoveInterviewAsync(host, interviewId, yesterday);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews/{interviewId}/outcome", new { outcome = "Held" }, ct))
            .StatusCode);
        await page.GotoAsync($"/tasks/{task}");
        Assert.Contains($"filled in from the interview of {Dates.Show(yesterday)}", await page.GetByTestId("prefilled").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(yesterday.ToString("yyyy-MM-dd"), await page.GetByLabel("Interview date").InputValueAsync());
        Assert.Equal("Tigrinya", await page.GetByLabel("Interpreter language").InputValueAsync());
        Assert.True(await page.GetByLabel("Interviewer and interpreter of the same gender requested").IsCheckedAsync());
        Assert.False(await page.GetByLabel("Legal representative present").IsCheckedAsync());

        // The officer corrects one value; what is submitted is what the workflow keeps.
        await page.GetByLabel("Interpreter language").FillAsync("Tigrinya and Amharic");
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete" }).ClickAsync();
        await HeadlessChromium.WaitForPageAsync(page, "**/queue?done=*");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var state = await scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>().Instances.AsNoTracking()
                .Where(i => i.BusinessKey == number).OrderBy(i => i.CreatedAt).Select(i => i.State).FirstAsync(ct);
            var variables = JsonDocument.Parse(state).RootElement.GetProperty("variables");
            Assert.Equal(yesterday.ToString("yyyy-MM-dd"), variables.GetProperty("interviewDate").GetString());
            Assert.Equal("Tigrinya and Amharic", variables.GetProperty("interpreterLanguage").GetString());
            Assert.True(variables.GetProperty("sameGenderRequested").GetBoolean());
            Assert.False(variables.GetProperty("representativePresent").GetBoolean());
        }
    }
}
