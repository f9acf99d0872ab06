using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>A supervisor correcting a recorded interview outcome through the API, on SQLite and PostgreSQL.</summary>
public sealed class InterviewOutcomeCorrectionApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> CorrectionRowsAsync(ApiHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().InterviewOutcomeCorrections.CountAsync(Ct);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ASupervisorCorrectsARecordedOutcome_WithTheReason_TheEarlierOneIsKept_AndOfTwoCorrectionsAtOnceOnlyOneApplies(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk", CaseworkRoles.RegistrationClerk),
            ("officer.f", CaseworkRoles.EligibilityOfficer), ("supervisor", CaseworkRoles.Supervisor), ("supervisor.two", CaseworkRoles.Supervisor),
            ("auditor", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk");
        var officer = await host.ClientForAsync("officer.f");
        var supervisor = await host.ClientForAsync("supervisor");
        var second = await host.ClientForAsync("supervisor.two");
        var auditor = await host.ClientForAsync("auditor");
        var (caseId, _) = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Kidan");
        var (otherCase, _) = await InterviewApiTests.CaseInAssessmentAsync(host, clerk, "Lula");
        var booked = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews",
            new { date = InterviewApiTests.Monday.ToString("yyyy-MM-dd"), startTime = "09:30", interviewer = "officer.f", language = "Tigrinya" }, Ct);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var interviewId = (await booked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var corrections = $"/api/cases/{caseId}/interviews/{interviewId}/outcome/corrections";
        var toHeld = new { outcome = "Held", note = "Came at noon; interviewed in full.", reason = "Recorded before the applicant arrived late." };
        async Task<JsonElement> ViewAsync() => await auditor.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/interviews/{interviewId}", Ct);

        // Nothing is recorded yet, so there is nothing to correct.
        var notYet = await ApiHost.AssertProblemAsync(await supervisor.PostAsJsonAsync(corrections, toHeld, Ct), HttpStatusCode.Conflict);
        Assert.Contains("record it rather than correct it", notYet.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The day passes; the interviewer records an absence.
        await InterviewApiTests.MoveInterviewAsync(host, interviewId, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1));
        var recorded = await officer.PostAsJsonAsync($"/api/cases/{caseId}/interviews/{interviewId}/outcome",
            new { outcome = "ApplicantAbsent", note = "Called twice; no answer." }, Ct);
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var recordedAt = (await recorded.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("outcomeRecordedAt").GetDateTimeOffset();

        // Only supervisors correct: not the interviewer, a clerk or an auditor; and only an interview of the case named.
        foreach (var refused in new[] { officer, clerk, auditor })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await refused.PostAsJsonAsync(corrections, toHeld, Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound,
            (await supervisor.PostAsJsonAsync($"/api/cases/{otherCase}/interviews/{interviewId}/outcome/corrections", toHeld, Ct)).StatusCode);

        // Bad input names its field; a correction that changes nothing is refused; a stale count of corrections is a conflict.
        foreach (var (body, field) in new object[][]
        {
            [new { outcome = "Held" }, "reason"], [new { outcome = "Held", reason = "  " }, "reason"],
            [new { outcome = "Held", reason = new string('x', 1001) }, "reason"], [new { outcome = "Maybe", reason = "r" }, "outcome"],
            [new { outcome = "ApplicantAbsent", reason = "r" }, "note"], [new { outcome = "Held", reason = "r", seenCorrections = -1 }, "seenCorrections"],
            [new { outcome = "ApplicantAbsent", note = "Called twice; no answer.", reason = "r" }, "outcome"],
        }.Select(b => (b[0], (string)b[1])))
        {
            var refused = await ApiHost.AssertProblemAsync(await supervisor.PostAsJsonAsync(corrections, body, Ct), HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {refused}");
        }

        var stale = await ApiHost.AssertProblemAsync(await supervisor.PostAsJsonAsync(corrections,
            new { toHeld.outcome, toHeld.note, toHeld.reason, seenCorrections = 1 }, Ct), HttpStatusCode.Conflict);
        Assert.Contains("corrected meanwhile", stale.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var untouched = await ViewAsync();
        Assert.Equal(("ApplicantAbsent", "officer.f", 0), (untouched.GetProperty("status").GetString(),
            untouched.GetProperty("outcomeRecordedBy").GetString(), untouched.GetProperty("outcomeCorrections").GetArrayLength()));
        Assert.Equal(0, await CorrectionRowsAsync(host));

        // The supervisor corrects it to held, with the reason; the interview shows the correction, and what stood before is kept.
        var corrected = await supervisor.PostAsJsonAsync(corrections, new { toHeld.outcome, toHeld.note, toHeld.reason, seenCorrections = 0 }, Ct);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        foreach (var view in new[] { await corrected.Content.ReadFromJsonAsync<JsonElement>(Ct), await ViewAsync() })
        {
            Assert.Equal(("Held", "supervisor", "Came at noon; interviewed in full."), (view.GetProperty("status").GetString(),
                view.GetProperty("outcomeRecordedBy").GetString(), view.GetProperty("outcomeNote").GetString()));
            var earlier = Assert.Single(view.GetProperty("outcomeCorrections").EnumerateArray());
            Assert.Equal(("ApplicantAbsent", "Called twice; no answer.", "officer.f", "Held", "supervisor", "Recorded before the applicant arrived late."),
                (earlier.GetProperty("previousOutcome").GetString(), earlier.GetProperty("previousNote").GetString(),
                    earlier.GetProperty("previousRecordedBy").GetString(), earlier.GetProperty("outcome").GetString(),
                    earlier.GetProperty("correctedBy").GetString(), earlier.GetProperty("reason").GetString()));
            Assert.Equal(recordedAt, earlier.GetProperty("previousRecordedAt").GetDateTimeOffset());
        }

        // Two supervisors correct it at once, each having seen one correction: one applies, the other is refused, not applied over it.
        var answers = await ApiHost.AtOnceAsync(2, n => (n == 0 ? supervisor : second).PostAsJsonAsync(corrections,
            new { outcome = "ApplicantAbsent", note = $"Wrong file, take {n}.", reason = "The held interview was another applicant's.", seenCorrections = 1 },
            Ct));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var winner = Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.OK);
        var final = await ViewAsync();
        Assert.Equal(("ApplicantAbsent", $"Wrong file, take {winner}.", winner == 0 ? "supervisor" : "supervisor.two"),
            (final.GetProperty("status").GetString(), final.GetProperty("outcomeNote").GetString(), final.GetProperty("outcomeRecordedBy").GetString()));
        Assert.Equal(["ApplicantAbsent", "Held"], final.GetProperty("outcomeCorrections").EnumerateArray().Select(c => c.GetProperty("previousOutcome").GetString()));
        Assert.Equal(2, await CorrectionRowsAsync(host));

        // A cancelled interview has no outcome to correct.
        var next = await officer.PostAsJsonAsync($"/api/cases/{otherCase}/interviews",
            new { date = InterviewApiTests.Monday.ToString("yyyy-MM-dd"), startTime = "14:00", interviewer = "officer.f", language = "Tigrinya" }, Ct);
        var nextId = (await next.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{otherCase}/interviews/{nextId}/cancel", new { reason = "Ill." }, Ct)).StatusCode);
        var cancelled = await ApiHost.AssertProblemAsync(await supervisor.PostAsJsonAsync($"/api/cases/{otherCase}/interviews/{nextId}/outcome/corrections",
            toHeld, Ct), HttpStatusCode.Conflict);
        Assert.Contains("cancelled", cancelled.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The corrections, the refused ones too, are in the case's audit trail.
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={caseId}&action=write", Ct);
        Assert.True(trail.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("resource").GetString() == $"POST {corrections}") >= 10,
            trail.ToString());
    }
}
