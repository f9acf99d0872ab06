using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>Booking RSD interviews through the API on SQLite and PostgreSQL: the applicant's rights, the office's days, no double booking.</summary>
public sealed class InterviewApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A Monday at least a week ahead: the NBO office (no settings) is open on it.</summary>
    internal static DateOnly Monday
    {
        get
        {
            var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7);
            while (day.DayOfWeek != DayOfWeek.Monday)
            {
                day = day.AddDays(1);
            }

            return day;
        }
    }

    private async Task<ApiHost> StartAsync(string store)
    {
        var host = await ApiHost.StartAsync(store, postgres, ("clerk", CaseworkRoles.RegistrationClerk), ("officer.f", CaseworkRoles.EligibilityOfficer),
            ("officer.m", CaseworkRoles.EligibilityOfficer), ("officer.n", CaseworkRoles.EligibilityOfficer), ("supervisor", CaseworkRoles.Supervisor),
            ("auditor", CaseworkRoles.Auditor));
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        foreach (var (name, gender) in new[] { ("officer.f", "Female"), ("officer.m", "Male") })
        {
            var user = (await users.FindByNameAsync(name))!;
            user.Gender = gender;
            user.DisplayName = name == "officer.f" ? "Hanna Tesfaye" : "Daniel Okoth";
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }

        return host;
    }

    /// <summary>A case in assessment (its interview task open) whose applicant speaks Tigrinya and Arabic.</summary>
    internal static async Task<(Guid Id, string Number)> CaseInAssessmentAsync(ApiHost host, HttpClient clerk, string givenName, string office = "NBO")
    {
        var principal = new
        {
            givenName, familyName = "Test", dateOfBirth = "1990-01-01", sex = "Female", nationalities = new[] { "ERI" }, languages = new[] { "Tigrinya", "Arabic" },
        };
        var response = await clerk.PostAsJsonAsync("/api/cases", new { office, registeredOn = "2026-03-02", principal }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var (id, number) = (created.GetProperty("id").GetGuid(), created.GetProperty("caseNumber").GetString()!);
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        var profiled = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum" }, Ct);
        Assert.True(profiled.IsSuccessStatusCode, await profiled.Content.ReadAsStringAsync(Ct));
        return (id, number);
    }

    private static object Booking(DateOnly date, string start = "09:30", string interviewer = "officer.f", string language = "Tigrinya",
        string? requestedInterviewerGender = null, string? interpreter = null, string? interpreterGender = null, string? requestedInterpreterGender = null,
        bool representativeInvited = false, int? durationMinutes = null) => new
        {
            date = date.ToString("yyyy-MM-dd"), startTime = start, durationMinutes, interviewer, language, interpreter, interpreterGender,
            requestedInterviewerGender, requestedInterpreterGender, representativeInvited,
        };

    private static async Task<int> InterviewCountAsync(ApiHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Interviews.CountAsync(Ct);
    }

    /// <summary>Waits until <paramref name="count"/> PostgreSQL sessions of the test's database wait for a lock.</summary>
    private static async Task WaitForLockWaitersAsync(ApiHost host, int count)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        for (var waited = 0; ; waited += 50)
        {
            var waiting = await db.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").SingleAsync(Ct);
            if (waiting >= count)
            {
                return;
            }

            Assert.True(waited < 15_000, $"Only {waiting} of {count} bookings came to wait for a lock.");
            await Task.Delay(50, Ct);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnInterview_IsBookedWithTheGendersTheApplicantAskedFor_InTheirLanguage_OnAnOpenDay_AndBadInputNamesEveryField(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.m");
        var supervisor = await host.ClientForAsync("supervisor");
        var (caseId, _) = await CaseInAssessmentAsync(host, clerk, "Selam");
        var path = $"/api/cases/{caseId}/interviews";

        // Everything wrong at once: each field is named, and nothing is written.
        var bad = await officer.PostAsJsonAsync(path, Booking(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), start: "9h", interviewer: "clerk",
            language: "French", requestedInterpreterGender: "Female", representativeInvited: true, durationMinutes: 600), Ct);
        var problem = await ApiHost.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "date", "startTime", "durationMinutes", "interviewer", "language", "interpreter", "representativeInvited" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} not named: {problem}");
        }

        Assert.Contains("Tigrinya, Arabic", errors.GetProperty("language")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not an eligibility officer", errors.GetProperty("interviewer")[0].GetString(), StringComparison.Ordinal);

        // A day the office is closed, and an interviewer of another gender than the one asked for, or of none recorded.
        var saturday = await officer.PostAsJsonAsync(path, Booking(Monday.AddDays(5)), Ct);
        Assert.Contains("Saturday", (await ApiHost.AssertProblemAsync(saturday, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("date")[0].GetString(),
            StringComparison.Ordinal);
        var male = await officer.PostAsJsonAsync(path, Booking(Monday, interviewer: "officer.m", requestedInterviewerGender: "Female"), Ct);
        Assert.Contains("female interviewer", (await ApiHost.AssertProblemAsync(male, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("interviewer")[0]
            .GetString(), StringComparison.Ordinal);
        var unrecorded = await officer.PostAsJsonAsync(path, Booking(Monday, interviewer: "officer.n", requestedInterviewerGender: "Female"), Ct);
        Assert.Contains("not recorded", (await ApiHost.AssertProblemAsync(unrecorded, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("interviewer")[0]
            .GetString(), StringComparison.Ordinal);
        var interpreterOfAnotherGender = await officer.PostAsJsonAsync(path, Booking(Monday, interpreter: "Yonas", interpreterGender: "Male",
            requestedInterpreterGender: "Female"), Ct);
        Assert.True((await ApiHost.AssertProblemAsync(interpreterOfAnotherGender, HttpStatusCode.BadRequest)).GetProperty("errors")
            .TryGetProperty("interpreterGender", out _));
        Assert.Equal(0, await InterviewCountAsync(host));

        // With an organisation representing the applicant, its lawyer can be invited; the booking says everything back.
        var organisation = await host.AddPartnerAsync("lawyer", "Refugee Legal Aid");
        Assert.Equal(HttpStatusCode.Created, (await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = organisation }, Ct)).StatusCode);
        var booked = await officer.PostAsJsonAsync(path, Booking(Monday, interviewer: "officer.f", language: "tigrinya", requestedInterviewerGender: "female",
            interpreter: "Selam Haile", interpreterGender: "Female", requestedInterpreterGender: "Female", representativeInvited: true), Ct);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var view = await booked.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal($"{path}/{view.GetProperty("id").GetGuid()}", booked.Headers.Location!.OriginalString);
        Assert.Equal(Monday.ToString("yyyy-MM-dd"), view.GetProperty("date").GetString());
        Assert.Equal("09:30", view.GetProperty("startTime").GetString());
        Assert.Equal("11:30", view.GetProperty("endTime").GetString());
        Assert.Equal("Hanna Tesfaye", view.GetProperty("interviewerName").GetString());
        Assert.Equal("Tigrinya", view.GetProperty("language").GetString());
        Assert.Equal("Female", view.GetProperty("requestedInterviewerGender").GetString());
        Assert.True(view.GetProperty("representativeInvited").GetBoolean());
        Assert.Equal("Scheduled", view.GetProperty("status").GetString());
        Assert.Equal("officer.m", view.GetProperty("scheduledBy").GetString());

        // Staff who read the case read its interviews; a clerk books none.
        var auditor = await host.ClientForAsync("auditor");
        var listed = await auditor.GetFromJsonAsync<JsonElement>(path, Ct);
        Assert.Equal(view.GetProperty("id").GetGuid(), listed.EnumerateArray().Single().GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsJsonAsync(path, Booking(Monday), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/cases/{Guid.NewGuid()}/interviews", Ct)).StatusCode);

        // A case not yet in assessment books no interview: a rule of the procedure, with the stage it is at.
        var (early, _) = await ApiHost.RegisterCaseAsync(clerk, "Early");
        var refused = await officer.PostAsJsonAsync($"/api/cases/{early}/interviews", Booking(Monday, start: "14:00"), Ct);
        var rule = await ApiHost.AssertProblemAsync(refused, (HttpStatusCode)422);
        Assert.Contains("Registration", rule.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await InterviewCountAsync(host));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ACaseHasOneScheduledInterview_AnInterviewerOneAtATime_EvenWhenBookedAtOnce_AndACancellationWithItsReasonFreesTheSlot(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var supervisor = await host.ClientForAsync("supervisor");
        var first = await CaseInAssessmentAsync(host, clerk, "Abeba");
        var second = await CaseInAssessmentAsync(host, clerk, "Birtukan");
        var third = await CaseInAssessmentAsync(host, clerk, "Chaltu");

        var booked = await officer.PostAsJsonAsync($"/api/cases/{first.Id}/interviews", Booking(Monday), Ct);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var interview = (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        // The case's second booking is refused while the first stands.
        var again = await supervisor.PostAsJsonAsync($"/api/cases/{first.Id}/interviews", Booking(Monday.AddDays(1)), Ct);
        Assert.Contains("cancel it first", (await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);

        // The interviewer is taken from 09:30 to 11:30: an overlap is refused with the other case named, the next slot is free.
        var overlap = await officer.PostAsJsonAsync($"/api/cases/{second.Id}/interviews", Booking(Monday, start: "10:30"), Ct);
        var clash = (await ApiHost.AssertProblemAsync(overlap, HttpStatusCode.Conflict)).GetProperty("detail").GetString();
        Assert.Contains("09:30 to 11:30", clash, StringComparison.Ordinal);
        Assert.Contains(first.Number, clash, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created,
            (await officer.PostAsJsonAsync($"/api/cases/{second.Id}/interviews", Booking(Monday, start: "11:30", durationMinutes: 60), Ct)).StatusCode);

        // Two schedulers taking the same free slot of one interviewer for two cases at the same moment: one gets it. On
        // PostgreSQL both are held at their insert until both have read the interviewer's day, as two nodes could be.
        var third2 = await CaseInAssessmentAsync(host, clerk, "Dawit");
        Guid[] cases = [third.Id, third2.Id];
        var hold = store == "postgres" ? await host.HoldWritesToAsync("interviews") : null;
        var sends = cases.Select((id, n) => (n == 0 ? officer : supervisor)
            .PostAsJsonAsync($"/api/cases/{id}/interviews", Booking(Monday, start: "14:00", durationMinutes: 90), Ct)).ToArray();
        if (hold is not null)
        {
            await WaitForLockWaitersAsync(host, 2);
            await hold.DisposeAsync();
        }

        var atOnce = await Task.WhenAll(sends);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], atOnce.Select(a => a.StatusCode).Order());
        await ApiHost.AssertProblemAsync(atOnce.Single(a => a.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
        Assert.Equal(3, await InterviewCountAsync(host));

        // Cancelling takes a reason; cancelled, it stays on record with who and why, and the case books another.
        var path = $"/api/cases/{first.Id}/interviews/{interview}";
        await ApiHost.AssertFieldRefusedAsync(officer, path + "/cancel", new { reason = " " }, "reason");
        var cancelled = await officer.PostAsJsonAsync(path + "/cancel", new { reason = "The applicant is in hospital." }, Ct);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var view = await cancelled.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Cancelled", view.GetProperty("status").GetString());
        Assert.Equal("The applicant is in hospital.", view.GetProperty("cancellationReason").GetString());
        Assert.Equal("officer.f", view.GetProperty("cancelledBy").GetString());
        await ApiHost.AssertProblemAsync(await officer.PostAsJsonAsync(path + "/cancel", new { reason = "Twice." }, Ct), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Created,
            (await officer.PostAsJsonAsync($"/api/cases/{first.Id}/interviews", Booking(Monday.AddDays(1)), Ct)).StatusCode);
        Assert.Equal(2, (await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{first.Id}/interviews", Ct)).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsJsonAsync($"/api/cases/{second.Id}/interviews/{interview}/cancel",
            new { reason = "Not this case's." }, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnInvitedRepresentative_SeesTheInterview_AndAnswersWhetherTheyAttend_OnlyWhileTheirOrganisationRepresentsTheApplicant(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var supervisor = await host.ClientForAsync("supervisor");
        var auditor = await host.ClientForAsync("auditor");
        var (orgA, orgB) = (await host.AddPartnerAsync("lawyer.a", "Refugee Legal Aid"), await host.AddPartnerAsync("lawyer.b", "Other Legal Aid"));
        var lawyerA = await host.ClientForAsync("lawyer.a");
        var lawyerB = await host.ClientForAsync("lawyer.b");
        var invited = await CaseInAssessmentAsync(host, clerk, "Eden");
        var uninvited = await CaseInAssessmentAsync(host, clerk, "Feven");
        var representation = Guid.Empty;
        foreach (var id in new[] { invited.Id, uninvited.Id })
        {
            var grant = await supervisor.PostAsJsonAsync($"/api/cases/{id}/representations", new { organisationId = orgA }, Ct);
            Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
            representation = id == invited.Id ? await grant.Content.ReadFromJsonAsync<Guid>(Ct) : representation;
        }

        Assert.Equal(HttpStatusCode.Created, (await officer.PostAsJsonAsync($"/api/cases/{uninvited.Id}/interviews", Booking(Monday, start: "14:00"), Ct)).StatusCode);
        var booked = await officer.PostAsJsonAsync($"/api/cases/{invited.Id}/interviews", Booking(Monday, interpreter: "Yonas", interpreterGender: "Male",
            representativeInvited: true), Ct);
        var interview = (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var answer = $"/api/partner/interviews/{interview}/attendance";

        // The representing organisation sees the interview it is invited to, and only what it needs to come to it.
        var seen = Assert.Single((await lawyerA.GetFromJsonAsync<JsonElement>("/api/partner/interviews", Ct)).EnumerateArray());
        Assert.Equal(invited.Number, seen.GetProperty("caseNumber").GetString());
        Assert.Equal(Monday.ToString("yyyy-MM-dd"), seen.GetProperty("date").GetString());
        Assert.Equal(("09:30", "11:30"), (seen.GetProperty("startTime").GetString(), seen.GetProperty("endTime").GetString()));
        Assert.Equal(("Tigrinya", true, "Scheduled"), (seen.GetProperty("language").GetString(), seen.GetProperty("interpreterBooked").GetBoolean(),
            seen.GetProperty("status").GetString()));
        Assert.False(string.IsNullOrEmpty(seen.GetProperty("office").GetString()));
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("answer").ValueKind);
        Assert.False(seen.TryGetProperty("interviewer", out _));
        Assert.False(seen.TryGetProperty("givenName", out _));

        // Another organisation sees nothing of it and cannot answer for it.
        Assert.Empty((await lawyerB.GetFromJsonAsync<JsonElement>("/api/partner/interviews", Ct)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await lawyerB.GetAsync($"/api/partner/interviews/{interview}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ApiHost.PutAsync(lawyerB, answer, new { attending = true }, null)).StatusCode);

        // The answer is required; once given, staff see it with who gave it, and it can be changed.
        var missing = await ApiHost.PutAsync(lawyerA, answer, new { }, null);
        Assert.True((await ApiHost.AssertProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("attending", out _));
        var yes = await ApiHost.PutAsync(lawyerA, answer, new { attending = true }, null);
        Assert.Equal(HttpStatusCode.OK, yes.StatusCode);
        Assert.Equal("Attending", (await yes.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("answer").GetString());
        var staffView = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{invited.Id}/interviews/{interview}", Ct);
        Assert.Equal(("Attending", "lawyer.a"), (staffView.GetProperty("representativeAnswer").GetString(),
            staffView.GetProperty("representativeAnsweredBy").GetString()));
        var no = await ApiHost.PutAsync(lawyerA, answer, new { attending = false }, null);
        Assert.Equal("NotAttending", (await no.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("answer").GetString());
        Assert.Equal("NotAttending", (await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{invited.Id}/interviews/{interview}", Ct))
            .GetProperty("representativeAnswer").GetString());

        // The answers, the refused one too, are in the case's audit trail.
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={invited.Id}&actor=lawyer.a&action=write", Ct);
        Assert.Equal(3, trail.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("resource").GetString() == $"PUT {answer}"));

        // Cancelled, the interview stays in the partner's list as cancelled, without the staff's reason, and takes no answer.
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{invited.Id}/interviews/{interview}/cancel",
            new { reason = "The interviewer is ill." }, Ct)).StatusCode);
        var cancelled = Assert.Single((await lawyerA.GetFromJsonAsync<JsonElement>("/api/partner/interviews", Ct)).EnumerateArray());
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, cancelled.GetProperty("cancelledAt").ValueKind);
        Assert.DoesNotContain("interviewer is ill", cancelled.GetRawText(), StringComparison.Ordinal);
        await ApiHost.AssertProblemAsync(await ApiHost.PutAsync(lawyerA, answer, new { attending = true }, null), HttpStatusCode.Conflict);

        // A past interview leaves the list and takes no answer.
        var rebooked = await officer.PostAsJsonAsync($"/api/cases/{invited.Id}/interviews", Booking(Monday.AddDays(1), representativeInvited: true), Ct);
        var past = (await rebooked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
            Assert.Equal(1, await db.Interviews.Where(i => i.Id == past).ExecuteUpdateAsync(s => s.SetProperty(i => i.Date, yesterday), Ct));
        }

        Assert.DoesNotContain((await lawyerA.GetFromJsonAsync<JsonElement>("/api/partner/interviews", Ct)).EnumerateArray(),
            i => i.GetProperty("id").GetGuid() == past);
        var late = await ApiHost.PutAsync(lawyerA, $"/api/partner/interviews/{past}/attendance", new { attending = true }, null);
        Assert.Contains("past", (await ApiHost.AssertProblemAsync(late, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Once the authority is revoked, the organisation sees the case's interviews no more.
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsJsonAsync($"/api/cases/{invited.Id}/representations/{representation}/revoke",
            new { reason = "The applicant chose another lawyer." }, Ct)).StatusCode);
        Assert.Empty((await lawyerA.GetFromJsonAsync<JsonElement>("/api/partner/interviews", Ct)).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await lawyerA.GetAsync($"/api/partner/interviews/{interview}", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnInterviewer_ReadsTheirOwnScheduledInterviews_InTheOrderTheyAreHeld_AndABadRangeIsNamed(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officerF = await host.ClientForAsync("officer.f");
        var officerM = await host.ClientForAsync("officer.m");
        var afternoon = await CaseInAssessmentAsync(host, clerk, "Genet");
        var morning = await CaseInAssessmentAsync(host, clerk, "Hirut");
        var others = await CaseInAssessmentAsync(host, clerk, "Iman");
        var cancelled = await CaseInAssessmentAsync(host, clerk, "Jamila");
        async Task<Guid> BookAsync(Guid caseId, object booking)
        {
            var booked = await officerF.PostAsJsonAsync($"/api/cases/{caseId}/interviews", booking, Ct);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            return (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        }

        await BookAsync(afternoon.Id, Booking(Monday, start: "14:00"));
        await BookAsync(morning.Id, Booking(Monday, start: "09:30", interpreter: "Yonas", representativeInvited: false));
        await BookAsync(others.Id, Booking(Monday.AddDays(1), interviewer: "officer.m"));
        var gone = await BookAsync(cancelled.Id, Booking(Monday.AddDays(2)));
        Assert.Equal(HttpStatusCode.OK, (await officerF.PostAsJsonAsync($"/api/cases/{cancelled.Id}/interviews/{gone}/cancel", new { reason = "Withdrawn." }, Ct))
            .StatusCode);
        static string[] Numbers(JsonElement agenda) => [.. agenda.EnumerateArray().Select(e => e.GetProperty("caseNumber").GetString()!)];

        // Their own scheduled interviews, in the order they are held; not another interviewer's, not a cancelled one.
        var week = await officerF.GetFromJsonAsync<JsonElement>($"/api/me/interviews?from={Monday:yyyy-MM-dd}&days=7", Ct);
        Assert.Equal([morning.Number, afternoon.Number], Numbers(week));
        var first = week[0].GetProperty("interview");
        Assert.Equal(("09:30", "11:30", "Yonas"), (first.GetProperty("startTime").GetString(), first.GetProperty("endTime").GetString(),
            first.GetProperty("interpreter").GetString()));
        Assert.Equal([others.Number], Numbers(await officerM.GetFromJsonAsync<JsonElement>($"/api/me/interviews?from={Monday:yyyy-MM-dd}&days=7", Ct)));

        // By default from today for 28 days (the Monday is 7 to 13 days ahead); a range is exactly its days.
        Assert.Equal([morning.Number, afternoon.Number], Numbers(await officerF.GetFromJsonAsync<JsonElement>("/api/me/interviews", Ct)));
        Assert.Empty((await officerF.GetFromJsonAsync<JsonElement>($"/api/me/interviews?from={Monday.AddDays(1):yyyy-MM-dd}&days=1", Ct)).EnumerateArray());
        Assert.Empty((await officerF.GetFromJsonAsync<JsonElement>($"/api/me/interviews?from={Monday.AddDays(-7):yyyy-MM-dd}&days=7", Ct)).EnumerateArray());

        // A range that cannot be read is named, not answered with an empty agenda.
        foreach (var (query, field) in new[] { ("from=2026-13-01", "from"), ("from=next+week", "from"), ("days=0", "days"), ("days=93", "days"), ("days=ten", "days") })
        {
            var refused = await ApiHost.AssertProblemAsync(await officerF.GetAsync($"/api/me/interviews?{query}", Ct), HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {refused}");
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnOfficesCalendar_ShowsEveryInterviewersInterviewsThere_AndThoseAwaitingTheirOutcome_OldestFirst_AndBadInputIsNamed(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officerF = await host.ClientForAsync("officer.f");
        var officerM = await host.ClientForAsync("officer.m");
        var supervisor = await host.ClientForAsync("supervisor");
        async Task<(Guid Case, Guid Interview, string Number)> BookAsync(string givenName, string office, object booking)
        {
            var (id, number) = await CaseInAssessmentAsync(host, clerk, givenName, office);
            var booked = await supervisor.PostAsJsonAsync($"/api/cases/{id}/interviews", booking, Ct);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            return (id, (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid(), number);
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var afternoon = await BookAsync("Meron", "NBO", Booking(Monday, start: "14:00"));
        var morning = await BookAsync("Nardos", "NBO", Booking(Monday, start: "09:30", interviewer: "officer.m"));
        var elsewhere = await BookAsync("Rahel", "KLA", Booking(Monday.AddDays(1)));
        var cancelled = await BookAsync("Saba", "NBO", Booking(Monday.AddDays(2), interviewer: "officer.m"));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync($"/api/cases/{cancelled.Case}/interviews/{cancelled.Interview}/cancel",
            new { reason = "Withdrawn." }, Ct)).StatusCode);

        // Interviews whose day has passed: three still awaiting their outcome (one at another office), one held.
        var threeDaysAgo = await BookAsync("Senait", "NBO", Booking(Monday.AddDays(3), interviewer: "officer.m"));
        var yesterday = await BookAsync("Tsega", "NBO", Booking(Monday.AddDays(4)));
        var twoDaysAgoThere = await BookAsync("Winta", "KLA", Booking(Monday.AddDays(7), interviewer: "officer.m"));
        var held = await BookAsync("Yordanos", "NBO", Booking(Monday.AddDays(8)));
        await MoveInterviewAsync(host, threeDaysAgo.Interview, today.AddDays(-3));
        await MoveInterviewAsync(host, yesterday.Interview, today.AddDays(-1));
        await MoveInterviewAsync(host, twoDaysAgoThere.Interview, today.AddDays(-2));
        await MoveInterviewAsync(host, held.Interview, today.AddDays(-5));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync($"/api/cases/{held.Case}/interviews/{held.Interview}/outcome",
            new { outcome = "Held" }, Ct)).StatusCode);
        static string[] Numbers(JsonElement entries) => [.. entries.EnumerateArray().Select(e => e.GetProperty("caseNumber").GetString()!)];

        // The office's calendar: every interviewer's interviews held there, in the order they are held; not another office's,
        // not a cancelled one. An eligibility officer reads it as a supervisor does; the office code is read in any case.
        var week = await supervisor.GetFromJsonAsync<JsonElement>($"/api/interviews?office=NBO&from={Monday:yyyy-MM-dd}&days=7", Ct);
        Assert.Equal([morning.Number, afternoon.Number], Numbers(week));
        Assert.Equal(["officer.m", "officer.f"], week.EnumerateArray().Select(e => e.GetProperty("interview").GetProperty("interviewer").GetString()));
        Assert.Equal("Daniel Okoth", week[0].GetProperty("interview").GetProperty("interviewerName").GetString());
        Assert.Equal([morning.Number, afternoon.Number], Numbers(await officerF.GetFromJsonAsync<JsonElement>(
            $"/api/interviews?office=nbo&from={Monday:yyyy-MM-dd}&days=7", Ct)));
        Assert.Equal([morning.Number, afternoon.Number, elsewhere.Number], Numbers(await officerM.GetFromJsonAsync<JsonElement>(
            $"/api/interviews?from={Monday:yyyy-MM-dd}&days=7", Ct)));
        Assert.Equal([elsewhere.Number], Numbers(await supervisor.GetFromJsonAsync<JsonElement>($"/api/interviews?office=KLA&from={Monday:yyyy-MM-dd}&days=7", Ct)));

        // The past days show the held interview with its outcome and those awaiting theirs.
        var past = await supervisor.GetFromJsonAsync<JsonElement>($"/api/interviews?office=NBO&from={today.AddDays(-5):yyyy-MM-dd}&days=5", Ct);
        Assert.Equal([held.Number, threeDaysAgo.Number, yesterday.Number], Numbers(past));
        Assert.Equal(["Held", "Scheduled", "Scheduled"], past.EnumerateArray().Select(e => e.GetProperty("interview").GetProperty("status").GetString()));

        // Awaiting their outcome: the past interviews nobody recorded, whoever holds them, the oldest first; at most as many as asked.
        Assert.Equal([threeDaysAgo.Number, yesterday.Number], Numbers(await supervisor.GetFromJsonAsync<JsonElement>(
            "/api/interviews/awaiting-outcome?office=NBO", Ct)));
        Assert.Equal([threeDaysAgo.Number, twoDaysAgoThere.Number, yesterday.Number], Numbers(await supervisor.GetFromJsonAsync<JsonElement>(
            "/api/interviews/awaiting-outcome", Ct)));
        Assert.Equal([threeDaysAgo.Number], Numbers(await officerF.GetFromJsonAsync<JsonElement>("/api/interviews/awaiting-outcome?office=NBO&limit=1", Ct)));

        // What cannot be read is named, not answered with an empty list.
        foreach (var (path, field) in new[]
        {
            ("/api/interviews?office=N1", "office"), ("/api/interviews?office=ABCDEFGHIJK", "office"), ("/api/interviews?office=NBO&from=soon", "from"),
            ("/api/interviews?days=93", "days"), ("/api/interviews/awaiting-outcome?office=X", "office"), ("/api/interviews/awaiting-outcome?limit=0", "limit"),
            ("/api/interviews/awaiting-outcome?limit=201", "limit"), ("/api/interviews/awaiting-outcome?limit=all", "limit"),
        })
        {
            var refused = await ApiHost.AssertProblemAsync(await supervisor.GetAsync(path, Ct), HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), $"{path}: {refused}");
        }

        // Neither a clerk nor an auditor reads the calendar.
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/interviews", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await host.ClientForAsync("auditor")).GetAsync("/api/interviews/awaiting-outcome", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheInterviewTask_OffersItsFormsPrefilledValues_OnceTheInterviewIsHeld_InTheShapeItsCompletionTakes(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var (caseId, number) = await CaseInAssessmentAsync(host, clerk, "Saba");
        Guid task;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            task = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems
                .Where(w => w.CaseId == number && w.FormKey == "interview" && w.Status == Casework.Data.Runtime.Records.WorkItemStatus.Open)
                .Select(w => w.Id).SingleAsync(Ct);
        }

        async Task<JsonElement?> PrefillAsync()
        {
            var view = await officer.GetFromJsonAsync<JsonElement>($"/api/tasks/{task}", Ct);
            Assert.Equal("interview", view.GetProperty("form").GetProperty("key").GetString());
            return view.TryGetProperty("prefill", out var prefill) && prefill.ValueKind != JsonValueKind.Null ? prefill : null;
        }

        // No interview yet, then one still to come: nothing is offered.
        Assert.Null(await PrefillAsync());
        var booked = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews",
            Booking(Monday, interpreter: "Amanuel Haile", requestedInterviewerGender: "Female"), Ct);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var interviewId = (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Null(await PrefillAsync());

        // Held yesterday: the interview it comes from and the values, typed as the completion takes them.
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await MoveInterviewAsync(host, interviewId, yesterday);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews/{interviewId}/outcome", new { outcome = "Held" }, Ct))
            .StatusCode);
        var offered = (await PrefillAsync())!.Value;
        Assert.Equal(interviewId, offered.GetProperty("interviewId").GetGuid());
        Assert.Equal(yesterday.ToString("yyyy-MM-dd"), offered.GetProperty("interviewDate").GetString());
        Assert.Equal("Held", offered.GetProperty("interviewStatus").GetString());
        var data = offered.GetProperty("data");
        Assert.Equal(["interpreterLanguage", "interviewDate", "sameGenderRequested"], data.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(yesterday.ToString("yyyy-MM-dd"), data.GetProperty("interviewDate").GetString());
        Assert.Equal("Tigrinya", data.GetProperty("interpreterLanguage").GetString());
        Assert.Equal(JsonValueKind.True, data.GetProperty("sameGenderRequested").ValueKind);

        // The values as offered complete the task; the workflow keeps them, and the closed task offers nothing more.
        var completed = await officer.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data }, Ct);
        Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync(Ct));
        Assert.Null(await PrefillAsync());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var state = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Instances.AsNoTracking()
                .Where(i => i.BusinessKey == number).OrderBy(i => i.CreatedAt).Select(i => i.State).FirstAsync(Ct);
            var variables = JsonDocument.Parse(state).RootElement.GetProperty("variables");
            Assert.Equal(yesterday.ToString("yyyy-MM-dd"), variables.GetProperty("interviewDate").GetString());
            Assert.True(variables.GetProperty("sameGenderRequested").GetBoolean());
        }
    }

    /// <summary>Moves an interview to another day, as if the days until it had passed (a booking is for today or later).</summary>
    internal static async Task MoveInterviewAsync(ApiHost host, Guid interviewId, DateOnly day)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        Assert.Equal(1, await db.Interviews.Where(i => i.Id == interviewId).ExecuteUpdateAsync(u => u.SetProperty(i => i.Date, day), Ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FromItsDayOn_TheInterviewerOrASupervisorRecordsWhetherTheInterviewWasHeld_Once_AndAnAbsenceSaysWhatWasDone(string store)
    {
        await using var host = await StartAsync(store);
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var otherOfficer = await host.ClientForAsync("officer.m");
        var supervisor = await host.ClientForAsync("supervisor");
        var auditor = await host.ClientForAsync("auditor");
        var absent = await CaseInAssessmentAsync(host, clerk, "Kidan");
        var held = await CaseInAssessmentAsync(host, clerk, "Lula");
        async Task<Guid> BookAsync(Guid caseId, object booking)
        {
            var booked = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews", booking, Ct);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            return (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        }

        var missed = await BookAsync(absent.Id, Booking(Monday));
        var kept = await BookAsync(held.Id, Booking(Monday, start: "14:00"));
        var outcome = $"/api/cases/{absent.Id}/interviews/{missed}/outcome";
        async Task<string?> StatusAsync(Guid caseId, Guid interviewId) =>
            (await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/interviews/{interviewId}", Ct)).GetProperty("status").GetString();

        // Not before its day.
        var early = await ApiHost.AssertProblemAsync(await officer.PostAsJsonAsync(outcome, new { outcome = "Held" }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("from that day on", early.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The day has passed. Only its interviewer or a supervisor records it: not another officer, not a clerk or an auditor.
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        await MoveInterviewAsync(host, missed, yesterday);
        var notTheirs = await ApiHost.AssertProblemAsync(await otherOfficer.PostAsJsonAsync(outcome, new { outcome = "Held" }, Ct), HttpStatusCode.Forbidden);
        Assert.Contains("officer.f", notTheirs.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsJsonAsync(outcome, new { outcome = "Held" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync(outcome, new { outcome = "Held" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsJsonAsync($"/api/cases/{held.Id}/interviews/{missed}/outcome", new { outcome = "Held" }, Ct))
            .StatusCode);

        // Bad input names its field, and writes nothing.
        foreach (var (body, field) in new object[][]
        {
            [new { }, "outcome"], [new { outcome = "Maybe" }, "outcome"], [new { outcome = "ApplicantAbsent" }, "note"],
            [new { outcome = "ApplicantAbsent", note = "   " }, "note"], [new { outcome = "Held", note = new string('x', 1001) }, "note"],
        }.Select(b => (b[0], (string)b[1])))
        {
            var refused = await ApiHost.AssertProblemAsync(await officer.PostAsJsonAsync(outcome, body, Ct), HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {refused}");
        }

        Assert.Equal("Scheduled", await StatusAsync(absent.Id, missed));

        // Past and without an outcome, the interview awaits one on its interviewer's agenda.
        var agenda = await officer.GetFromJsonAsync<JsonElement>($"/api/me/interviews?from={yesterday:yyyy-MM-dd}&days=1", Ct);
        Assert.Equal("Scheduled", Assert.Single(agenda.EnumerateArray()).GetProperty("interview").GetProperty("status").GetString());

        // The interviewer records the absence with what was done; once only.
        var recorded = await officer.PostAsJsonAsync(outcome, new { outcome = "applicantabsent", note = "Called twice; no answer. Letter sent." }, Ct);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var view = await recorded.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("ApplicantAbsent", "officer.f", "Called twice; no answer. Letter sent."), (view.GetProperty("status").GetString(),
            view.GetProperty("outcomeRecordedBy").GetString(), view.GetProperty("outcomeNote").GetString()));
        Assert.True(view.GetProperty("outcomeRecordedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var again = await ApiHost.AssertProblemAsync(await supervisor.PostAsJsonAsync(outcome, new { outcome = "Held" }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("recorded already, by officer.f", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ApplicantAbsent", await StatusAsync(absent.Id, missed));
        Assert.Equal(HttpStatusCode.Conflict, (await officer.PostAsJsonAsync($"/api/cases/{absent.Id}/interviews/{missed}/cancel", new { reason = "Too late." }, Ct))
            .StatusCode);

        // The case may book another interview, and the missed one is still on the agenda of its day, with its outcome.
        await BookAsync(absent.Id, Booking(Monday.AddDays(1)));
        agenda = await officer.GetFromJsonAsync<JsonElement>($"/api/me/interviews?from={yesterday:yyyy-MM-dd}&days=1", Ct);
        Assert.Equal("ApplicantAbsent", Assert.Single(agenda.EnumerateArray()).GetProperty("interview").GetProperty("status").GetString());

        // On the day itself a supervisor records that the other one was held; a held interview is not cancelled afterwards.
        await MoveInterviewAsync(host, kept, DateOnly.FromDateTime(DateTime.UtcNow));
        var heldAnswer = await supervisor.PostAsJsonAsync($"/api/cases/{held.Id}/interviews/{kept}/outcome", new { outcome = "Held" }, Ct);
        Assert.Equal(HttpStatusCode.OK, heldAnswer.StatusCode);
        var heldView = await heldAnswer.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("Held", "supervisor"), (heldView.GetProperty("status").GetString(), heldView.GetProperty("outcomeRecordedBy").GetString()));
        var cancelHeld = await ApiHost.AssertProblemAsync(await officer.PostAsJsonAsync($"/api/cases/{held.Id}/interviews/{kept}/cancel",
            new { reason = "Too late." }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("(held)", cancelHeld.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The outcomes, the refused ones too, are in their cases' audit trails.
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={absent.Id}&action=write", Ct);
        Assert.True(trail.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("resource").GetString() == $"POST {outcome}") >= 8, trail.ToString());
    }
}
