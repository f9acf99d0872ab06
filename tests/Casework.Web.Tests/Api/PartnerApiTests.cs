using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>Legal aid partners see and lodge only the appeals of the clients their organisation represents.</summary>
public sealed class PartnerApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Partner_SeesOnlyRepresentedClientsDeadlines_AndLodgesTheirAppeal(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var (orgA, orgB) = (await host.AddPartnerAsync("lawyer.a", "Legal Aid A"), await host.AddPartnerAsync("lawyer.b", "Legal Aid B"));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var lawyerA = await host.ClientForAsync("lawyer.a");
        var lawyerB = await host.ClientForAsync("lawyer.b");

        var represented = await ApiHost.RegisterCaseAsync(clerk);
        var other = await ApiHost.RegisterCaseAsync(clerk);
        var (caseId, caseNumber) = represented;
        await host.CompleteTaskAsync(clerk, caseNumber, "register", new { registeredOn = "2026-03-02" });
        await host.CompleteTaskAsync(clerk, caseNumber, "profile", new { referral = "SeeksAsylum" });
        await host.CompleteTaskAsync(officer, caseNumber, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, caseNumber, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        await host.CompleteTaskAsync(supervisor, caseNumber, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, caseNumber, "notify", new { notifiedOn = Today(), deliveryMethod = "InPerson" });

        var grant = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = orgA }, Ct);
        await supervisor.PostAsJsonAsync($"/api/cases/{other.Id}/representations", new { organisationId = orgB, validFrom = "2020-01-01", validUntil = "2020-12-31" }, Ct);
        var seenByA = await lawyerA.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);
        var seenByB = await lawyerB.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);
        var lodgedByB = await lawyerB.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "Not theirs" }, Ct);
        var caseReadByLawyer = await lawyerA.GetAsync($"/api/cases/{caseId}", Ct);
        var lodged = await lawyerA.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "New country information" }, Ct);
        var again = await lawyerA.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "Twice" }, Ct);

        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        var view = Assert.Single(seenByA.EnumerateArray());
        Assert.Equal(caseNumber, view.GetProperty("caseNumber").GetString());
        Assert.False(string.IsNullOrEmpty(view.GetProperty("appealDeadline").GetString()));
        Assert.Contains("appeal window 30 calendar days", view.GetProperty("appealDeadlineExplanation").GetString(), StringComparison.Ordinal);
        Assert.False(view.TryGetProperty("givenName", out _)); // only what the appeal needs
        Assert.Empty(seenByB.EnumerateArray()); // B's authority on the other case has expired
        Assert.Equal(HttpStatusCode.NotFound, lodgedByB.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, caseReadByLawyer.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, lodged.StatusCode);
        Assert.Equal("Lodged", (await lodged.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoSupervisorsGrantingTheSameAuthorityAtOnce_RecordItOnce_SoOneRevocationEndsTheAccess(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("supervisor.a", CaseworkRoles.Supervisor), ("supervisor.b", CaseworkRoles.Supervisor));
        var org = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var clerk = await host.ClientForAsync("clerk.a");
        HttpClient[] supervisors = [await host.ClientForAsync("supervisor.a"), await host.ClientForAsync("supervisor.b")];

        for (var round = 1; round <= 5; round++)
        {
            var (caseId, _) = await ApiHost.RegisterCaseAsync(clerk, $"Amina{round}");
            var answers = await ApiHost.AtOnceAsync(supervisors.Length,
                n => supervisors[n].PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = org }, Ct));

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            await ApiHost.AssertProblemAsync(answers.Single(a => a.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
            var listed = await supervisors[0].GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/representations", Ct);
            Assert.Single(listed.EnumerateArray());
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RevokingAnAuthority_EndsThePartnersAccessAtOnce_AndIsKeptOnRecord(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor),
            ("auditor.a", CaseworkRoles.Auditor));
        var org = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var auditor = await host.ClientForAsync("auditor.a");
        var lawyer = await host.ClientForAsync("lawyer.a");
        var (caseId, caseNumber) = await ApiHost.RegisterCaseAsync(clerk);
        var grant = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = org }, Ct);
        var representation = await grant.Content.ReadFromJsonAsync<Guid>(Ct);
        var duplicate = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = org }, Ct);
        var seenBefore = await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);

        var withoutReason = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations/{representation}/revoke", new { reason = " " }, Ct);
        var byClerk = await clerk.PostAsJsonAsync($"/api/cases/{caseId}/representations/{representation}/revoke", new { reason = "Client withdrew" }, Ct);
        var unknown = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations/{Guid.NewGuid()}/revoke", new { reason = "Client withdrew" }, Ct);
        var stillSeen = await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);
        var revoked = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations/{representation}/revoke", new { reason = "Client withdrew" }, Ct);
        var twice = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations/{representation}/revoke", new { reason = "Again" }, Ct);
        var seenAfter = await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);
        var lodge = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "After revocation" }, Ct);
        var record = Assert.Single((await auditor.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}/representations", Ct)).EnumerateArray());
        var regranted = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = org }, Ct);
        var seenAgain = await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct);

        Assert.Equal(caseNumber, Assert.Single(seenBefore.EnumerateArray()).GetProperty("caseNumber").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, withoutReason.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byClerk.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Single(stillSeen.EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await ApiHost.AssertProblemAsync(twice, HttpStatusCode.Conflict);
        Assert.Empty(seenAfter.EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, lodge.StatusCode);
        Assert.False(record.GetProperty("active").GetBoolean());
        await ApiHost.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Created, regranted.StatusCode);
        Assert.Single(seenAgain.EnumerateArray());
        Assert.Equal("supervisor.a", record.GetProperty("revokedBy").GetString());
        Assert.Equal("Client withdrew", record.GetProperty("revocationReason").GetString());
        Assert.Equal("Legal Aid A", record.GetProperty("organisationName").GetString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnAppealSentThreeTimesAtOnce_IsLodgedOnce_AndTheOtherTwoAreToldItIsLodgedAlready(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var org = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var (caseId, caseNumber) = await NotifiedCaseAsync(host, org, Today());
        var lawyer = await host.ClientForAsync("lawyer.a");

        var answers = await ApiHost.AtOnceAsync(3, n => lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = $"Grounds {n}" }, Ct));

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Conflict, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            await ApiHost.AssertProblemAsync(refused, HttpStatusCode.Conflict);
        }

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var instance = await db.Cases.Where(c => c.CaseNumber == caseNumber).Select(c => c.InstanceId!.Value).SingleAsync(Ct);
        Assert.Equal(1, await db.Journal.CountAsync(j => j.InstanceId == instance && j.Command == "CorrelateMessage", Ct));
        var state = await db.Instances.Where(i => i.Id == instance).Select(i => i.State).SingleAsync(Ct);
        Assert.Single(Enumerable.Range(0, 3), n => state.Contains($"Grounds {n}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ALateAppealWithoutItsReason_IsRefusedAsAProblemNamingTheRuleAndTheField(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var org = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var (caseId, _) = await NotifiedCaseAsync(host, org, Today(-35));
        var lawyer = await host.ClientForAsync("lawyer.a");

        var refused = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "The interview was not interpreted." }, Ct);
        var status = (await lawyer.GetFromJsonAsync<JsonElement>($"/api/partner/appeals", Ct))[0].GetProperty("status").GetString();
        var lodged = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "The interview was not interpreted.", lateReason = "The letter came late." }, Ct);

        var problem = await ApiHost.AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("late-reason-required", problem.GetProperty("rule").GetString());
        Assert.Equal("urn:casework:rule:late-reason-required", problem.GetProperty("type").GetString());
        Assert.Contains("late appeal needs the reason", problem.GetProperty("errors").GetProperty("lateReason")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(Casework.Web.Features.Appeals.AppealLodging.LateWithinGrace, status); // nothing was lodged
        Assert.Equal(HttpStatusCode.Accepted, lodged.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AfterAnAppealRemittedForReExamination_ThePartnerWaitsForTheNewDecision_ThenLodgesAgainWithAReasonOfItsOwn(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("officer.b", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var org = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var (caseId, caseNumber) = await NotifiedCaseAsync(host, org, Today(-35));
        var lawyer = await host.ClientForAsync("lawyer.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        async Task<string?> StatusAsync() => (await lawyer.GetFromJsonAsync<JsonElement>("/api/partner/appeals", Ct))[0].GetProperty("status").GetString();

        var first = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "Not interpreted.", lateReason = "The letter came late." }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await host.CompleteTaskAsync(supervisor, caseNumber, "assignAppealOfficer", new { appealOfficer = "officer.b" });
        await host.CompleteTaskAsync(await host.ClientForAsync("officer.b"), caseNumber, "decideAppeal",
            new { appealOutcome = "RemittedForReExamination", appealReasons = "Interview to be held again." });
        var outbox = host.Services.GetRequiredService<Casework.Data.Runtime.Workers.OutboxDispatcher>();
        while (await outbox.RunOnceAsync(Ct) > 0)
        {
            // The appeal's outcome reaches the claim through the outbox.
        }

        Assert.Equal(Casework.Web.Features.Appeals.AppealLodging.NoDecision, await StatusAsync());
        var early = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "Again." }, Ct);
        await ApiHost.AssertProblemAsync(early, HttpStatusCode.Conflict);

        await host.CompleteTaskAsync(officer, caseNumber, "draftDecision", new { decision = "Rejected", reasons = "Re-examined: still not credible." });
        await host.CompleteTaskAsync(supervisor, caseNumber, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, caseNumber, "notify", new { notifiedOn = Today(-35), deliveryMethod = "InPerson" });
        Assert.Equal(Casework.Web.Features.Appeals.AppealLodging.LateWithinGrace, await StatusAsync());
        var unexplained = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "Still not interpreted." }, Ct);
        var problem = await ApiHost.AssertProblemAsync(unexplained, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("late-reason-required", problem.GetProperty("rule").GetString());
        var second = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{caseId}", new { grounds = "Still not interpreted.", lateReason = "Counsel changed." }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal("Lodged", await StatusAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AClaimClosedWithoutADecision_TellsThePartnerHowAndWhen_NotWhyNorWho_AndTakesNoAppeal(string store)
    {
        const string Reason = "Handed in a signed withdrawal at the reception desk.";
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var organisation = await host.AddPartnerAsync("lawyer.a", "Legal Aid A");
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var lawyer = await host.ClientForAsync("lawyer.a");
        var (withdrawn, withdrawnNumber) = await host.TriagedCaseAsync(clerk, "Amina");
        var (waiting, waitingNumber) = await host.TriagedCaseAsync(clerk, "Hassan");
        var (referred, referredNumber) = await ApiHost.RegisterCaseAsync(clerk);
        await host.CompleteTaskAsync(clerk, referredNumber, "register", new { registeredOn = "2026-03-02" });
        await host.CompleteTaskAsync(clerk, referredNumber, "profile", new { referral = "VictimOfTraffickingProcess" });
        foreach (var id in new[] { withdrawn, waiting, referred })
        {
            var grant = await supervisor.PostAsJsonAsync($"/api/cases/{id}/representations", new { organisationId = organisation, validFrom = "2026-01-01" }, Ct);
            Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        }

        using (var close = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{withdrawn}/closure")
        {
            Content = JsonContent.Create(new { outcome = "Withdrawn", reason = Reason }),
        })
        {
            close.Headers.TryAddWithoutValidation("If-Match", (await supervisor.GetAsync($"/api/cases/{withdrawn}", Ct)).Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.OK, (await supervisor.SendAsync(close, Ct)).StatusCode);
        }

        var raw = await lawyer.GetStringAsync("/api/partner/appeals", Ct);
        var seen = JsonDocument.Parse(raw).RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("caseNumber").GetString()!);
        var lodged = await lawyer.PostAsJsonAsync($"/api/partner/appeals/{withdrawn}", new { grounds = "New country information" }, Ct);

        string? Text(string number, string name) => seen[number].GetProperty(name).GetString();
        Assert.Equal(("Claim closed without a decision", "Withdrawn", Today()),
            (Text(withdrawnNumber, "status"), Text(withdrawnNumber, "claimClosedAs"), Text(withdrawnNumber, "claimClosedOn")));
        Assert.Equal(("Claim closed without a decision", "Referred", Today()),
            (Text(referredNumber, "status"), Text(referredNumber, "claimClosedAs"), Text(referredNumber, "claimClosedOn")));
        Assert.Equal(("No appealable decision yet", null, null),
            (Text(waitingNumber, "status"), Text(waitingNumber, "claimClosedAs"), Text(waitingNumber, "claimClosedOn")));
        Assert.DoesNotContain("reception desk", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("supervisor.a", raw, StringComparison.Ordinal);
        await ApiHost.AssertProblemAsync(lodged, HttpStatusCode.Conflict);
    }

    /// <summary>A case registered, decided (rejected) and notified on <paramref name="notifiedOn"/>, represented by <paramref name="organisation"/>.</summary>
    private static async Task<(Guid Id, string Number)> NotifiedCaseAsync(ApiHost host, Guid organisation, string notifiedOn)
    {
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (caseId, caseNumber) = await host.TriagedCaseAsync(clerk, "Amina");
        await host.CompleteTaskAsync(officer, caseNumber, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, caseNumber, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        await host.CompleteTaskAsync(supervisor, caseNumber, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, caseNumber, "notify", new { notifiedOn, deliveryMethod = "InPerson" });
        var grant = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/representations", new { organisationId = organisation, validFrom = "2026-01-01" }, Ct);
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        return (caseId, caseNumber);
    }

    // The host runs on the system clock, so the notification is dated today.
    private static string Today(int days = 0) =>
        DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
