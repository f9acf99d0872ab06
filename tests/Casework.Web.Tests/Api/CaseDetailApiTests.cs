using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Domain.Triage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>Family members, profiling and referral through the cases API; exclusion material for supervisors only.</summary>
public sealed class CaseDetailApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string ExclusionCanary = "EXCLUSION-NOTE-5519";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoClerksLinkingTheSameCasesAtOnce_LinkThemOnce_AndBothRequestsAreAudited(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk),
            ("auditor.a", CaseworkRoles.Auditor));
        HttpClient[] clerks = [await host.ClientForAsync("clerk.a"), await host.ClientForAsync("clerk.b")];
        const int Rounds = 5;

        var linked = new List<Guid>();
        for (var round = 1; round <= Rounds; round++)
        {
            var (a, _) = await ApiHost.RegisterCaseAsync(clerks[0], $"Amina{round}");
            var (b, _) = await ApiHost.RegisterCaseAsync(clerks[0], $"Hodan{round}");
            var answers = await ApiHost.AtOnceAsync(clerks.Length,
                n => clerks[n].PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, ct));

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(x => x.StatusCode).Order());
            await ApiHost.AssertProblemAsync(answers.Single(x => x.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
            var view = await clerks[1].GetFromJsonAsync<JsonElement>($"/api/cases/{a}", ct);
            Assert.Single(view.GetProperty("familyMembers").EnumerateArray());
            linked.Add(a);
        }

        // The refused link is audited like the accepted one, and what it had begun to write is not (with its audit entry or at all).
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        foreach (var a in linked)
        {
            var resource = $"POST /api/cases/{a}/family-members";
            Assert.Equal([201, 409], (await db.AuditEntries.Where(e => e.Resource == resource).Select(e => e.Status).ToListAsync(ct)).Order());
        }

        Assert.Equal(Rounds * 2, await db.FamilyMembers.CountAsync(ct));
        var auditor = await host.ClientForAsync("auditor.a");
        Assert.True((await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ARequestTheDatabaseEndsToBreakADeadlock_IsAnsweredTryAgain_AndLeavesNothingBehind()
    {
        // PostgreSQL, where writers wait for each other's row locks. A transaction of the test's own holds the second case
        // while the link request holds the first and waits for the second; then the test reaches for the first. The
        // server ends the request's transaction to break the cycle (it waited first, so its deadlock check runs first).
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync("postgres", postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (a, _) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (b, _) = await ApiHost.RegisterCaseAsync(clerk, "Hodan");

        await using var holdScope = host.Services.CreateAsyncScope();
        var hold = holdScope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        await using var held = await hold.Database.BeginTransactionAsync(ct);
        await hold.Database.ExecuteSqlRawAsync("SET LOCAL deadlock_timeout = '30s'", ct);
        await hold.Cases.Where(c => c.Id == b).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision), ct);

        var link = clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, ct);
        await using (var watchScope = host.Services.CreateAsyncScope())
        {
            var watch = watchScope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var waiting = 0;
            for (var i = 0; i < 300 && waiting < 1 && !link.IsCompleted; i++)
            {
                await Task.Delay(50, ct);
                waiting = await watch.Database.SqlQueryRaw<int>(
                    "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync(ct);
            }

            Assert.Equal(1, waiting);
        }

        await hold.Cases.Where(c => c.Id == a).ExecuteUpdateAsync(s => s.SetProperty(c => c.Revision, c => c.Revision), ct);
        var answer = await link;
        await held.CommitAsync(ct);

        var problem = await ApiHost.AssertProblemAsync(answer, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Nothing of this request was saved", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(answer.Headers.RetryAfter);
        Assert.Empty((await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{a}", ct)).GetProperty("familyMembers").EnumerateArray());
        Assert.Empty((await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{b}", ct)).GetProperty("familyMembers").EnumerateArray());
        var again = await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, ct);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FamilyMembers_AreRegisteredOrLinkedFromBothSides_AndBadRequestsNameTheFieldAndAddNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var (a, numberA) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (b, numberB) = await ApiHost.RegisterCaseAsync(clerk, "Hassan");

        var child = await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new
        {
            relationship = "Child", dependant = true,
            person = new
            {
                givenName = "Ayaan", familyName = "Test", dateOfBirth = "2019-05-01", dateOfBirthApproximate = true, sex = "Female", nationalities = new[] { "SOM" },
                languages = new[] { "so" }, specificNeeds = new[] { "ChildAtRisk" },
                documents = new[] { new { type = "BirthCertificate", number = "BC-2019-0501", issuingCountry = "SOM" } },
            },
        }, Ct);
        var spouse = await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Spouse", linkedCaseId = b }, Ct);
        var twice = await clerk.PostAsJsonAsync($"/api/cases/{b}/family-members", new { relationship = "Spouse", linkedCaseId = a }, Ct);
        var bad = new (object Body, string Field)[]
        {
            (new { relationship = "Cousin", linkedCaseId = b }, "relationship"),
            (new { relationship = "Sibling", linkedCaseId = a }, "linkedCaseId"),
            (new { relationship = "Sibling", linkedCaseId = Guid.NewGuid() }, "linkedCaseId"),
            (new { relationship = "Sibling" }, "linkedCaseId"),
            (new { relationship = "Child", person = new { givenName = "X", familyName = "Y", dateOfBirth = "2999-01-01", sex = "Female", nationalities = new[] { "SOM" } } }, "person.dateOfBirth"),
            (new { relationship = "Child", person = new { givenName = "", familyName = "Y", dateOfBirth = "2019-01-01", sex = "Female", nationalities = new[] { "SOM" } } }, "person.givenName"),
        };
        var answers = new List<(HttpResponseMessage Response, string Field)>();
        foreach (var (body, field) in bad)
        {
            answers.Add((await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", body, Ct), field));
        }

        var unknownCase = await clerk.PostAsJsonAsync($"/api/cases/{Guid.NewGuid()}/family-members", new { relationship = "Spouse", linkedCaseId = a }, Ct);
        var officerMayNot = await officer.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, Ct);
        var viewA = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{a}", Ct);
        var viewB = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{b}", Ct);

        Assert.Equal(HttpStatusCode.Created, child.StatusCode);
        Assert.Equal(HttpStatusCode.Created, spouse.StatusCode);
        Assert.Equal(numberB, (await spouse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("linkedCaseNumber").GetString());
        await ApiHost.AssertProblemAsync(twice, HttpStatusCode.Conflict);
        foreach (var (response, field) in answers)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _), field);
        }

        Assert.Equal(HttpStatusCode.NotFound, unknownCase.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, officerMayNot.StatusCode);
        var familyOfA = viewA.GetProperty("familyMembers").EnumerateArray().ToList();
        Assert.Equal(2, familyOfA.Count);
        Assert.Equal(("Child", true, "Ayaan"), (familyOfA[0].GetProperty("relationship").GetString(), familyOfA[0].GetProperty("dependant").GetBoolean(),
            familyOfA[0].GetProperty("givenName").GetString()));
        Assert.Equal("BC-2019-0501", Assert.Single(familyOfA[0].GetProperty("documents").EnumerateArray()).GetProperty("number").GetString());
        Assert.Equal(["ChildAtRisk"], familyOfA[0].GetProperty("specificNeeds").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["so"], familyOfA[0].GetProperty("languages").EnumerateArray().Select(n => n.GetString()));
        Assert.Empty(viewA.GetProperty("documents").EnumerateArray()); // the principal's own documents, none here
        Assert.Equal(("Spouse", numberB), (familyOfA[1].GetProperty("relationship").GetString(), familyOfA[1].GetProperty("linkedCaseNumber").GetString()));
        var familyOfB = Assert.Single(viewB.GetProperty("familyMembers").EnumerateArray());
        Assert.Equal(("Spouse", numberA), (familyOfB.GetProperty("relationship").GetString(), familyOfB.GetProperty("linkedCaseNumber").GetString()));

        // A link recorded by mistake goes from both cases; a dependant goes with their documents. Each removal gives its reason.
        var removal = new { reason = "Recorded on the wrong case." };
        // Without a reason nothing is removed (both members are still there for the removals below).
        var noReason = await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members/{familyOfA[1].GetProperty("id").GetGuid()}/remove", new { reason = "" }, Ct);
        var unlinked = await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members/{familyOfA[1].GetProperty("id").GetGuid()}/remove", removal, Ct);
        var removed = await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members/{familyOfA[0].GetProperty("id").GetGuid()}/remove", removal, Ct);
        var unknownMember = await clerk.PostAsJsonAsync($"/api/cases/{b}/family-members/{familyOfA[0].GetProperty("id").GetGuid()}/remove", removal, Ct);
        var officerMayNotRemove = await officer.PostAsJsonAsync($"/api/cases/{b}/family-members/{familyOfB.GetProperty("id").GetGuid()}/remove", removal, Ct);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.Forbidden),
            (unlinked.StatusCode, removed.StatusCode, unknownMember.StatusCode, officerMayNotRemove.StatusCode));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("Required: why the family member is being removed.",
            (await noReason.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Empty((await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{a}", Ct)).GetProperty("familyMembers").EnumerateArray());
        Assert.Empty((await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{b}", Ct)).GetProperty("familyMembers").EnumerateArray());

        // Nothing declared is lost: each removal stays in the corrections of the case it was on, every field to nothing.
        static List<(string?, string?, string?)> Fields(JsonElement correction) => [.. correction.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("field").GetString(), c.GetProperty("from").GetString(), c.GetProperty("to").GetString()))];
        var historyOfA = (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{a}/corrections", Ct)).EnumerateArray().ToList();
        Assert.Equal(2, historyOfA.Count);
        Assert.Equal([("relationship", "Spouse", null), ("dependant", "no", null), ("linkedCase", numberB, null)], Fields(historyOfA[0]));
        Assert.Equal(familyOfA[1].GetProperty("id").GetGuid(), historyOfA[0].GetProperty("familyMemberId").GetGuid());
        Assert.Equal("clerk.a", historyOfA[0].GetProperty("by").GetString());
        Assert.All(historyOfA, h => Assert.Equal("Recorded on the wrong case.", h.GetProperty("reason").GetString()));
        var dependant = Fields(historyOfA[1]);
        Assert.Contains(("givenName", "Ayaan", null), dependant);
        Assert.Contains(("relationship", "Child", null), dependant);
        Assert.Contains(dependant, f => f is ("documents", { } documents, null) && documents.Contains("BC-2019-0501", StringComparison.Ordinal));
        var historyOfB = Assert.Single((await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{b}/corrections", Ct)).EnumerateArray());
        Assert.Equal([("relationship", "Spouse", null), ("dependant", "no", null), ("linkedCase", numberA, null)], Fields(historyOfB));
        Assert.Equal("Recorded on the wrong case.", historyOfB.GetProperty("reason").GetString());
        await using var scope = host.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Documents.CountAsync(d => d.FamilyMemberId != null, Ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Profiling_IsRecordedThroughTheCase_AndExclusionMaterialReachesSupervisorsOnly(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var auditor = await host.ClientForAsync("auditor.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk, "Amina");

        var tooEarly = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum" }, Ct);
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        var wrong = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "Elsewhere", claimFeatures = new[] { "Tall" } }, Ct);
        var recorded = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling",
            new { referral = "SeeksAsylum", claimFeatures = new[] { "ExclusionIndicators", "SimilarProfileRecognitionRateHigh" } }, Ct);
        var again = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum" }, Ct);

        await ApiHost.AssertProblemAsync(tooEarly, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongErrors = (await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(wrongErrors.TryGetProperty("referral", out _) && wrongErrors.TryGetProperty("claimFeatures", out _), wrongErrors.ToString());
        Assert.True(recorded.StatusCode == HttpStatusCode.OK, await recorded.Content.ReadAsStringAsync(Ct));
        await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict);

        // Exclusion indicators send the case to the regular track; the drafter flags exclusion; a supervisor reviews it.
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Excluded", reasons = "Article 1F.", exclusionFlagged = true });
        await host.CompleteTaskAsync(supervisor, number, "exclusionReview", new { exclusionConfirmed = true, exclusionNotes = ExclusionCanary });

        Guid reviewTask;
        Guid instance;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            reviewTask = await db.WorkItems.Where(w => w.CaseId == number && w.ElementId == "exclusionReview").Select(w => w.Id).SingleAsync(Ct);
            instance = await db.Cases.Where(c => c.Id == id).Select(c => c.InstanceId!.Value).SingleAsync(Ct);
        }

        // The senior review, and the instance's journal that names it, stay with supervisors (and auditors, who read
        // every queue): not the clerk's or the officer's, though the officer drafted the decision.
        foreach (var (reader, allowed) in new[] { (clerk, false), (officer, false), (auditor, true), (supervisor, true) })
        {
            var expected = allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            Assert.Equal(expected, (await reader.GetAsync($"/api/tasks/{reviewTask}", Ct)).StatusCode);
            Assert.Equal(expected, (await reader.GetAsync($"/api/instances/{instance}/journal", Ct)).StatusCode);
        }

        // The reason triage gave (exclusion indicators → regular track) is exclusion material too.
        foreach (var reader in new[] { clerk, officer, auditor })
        {
            var triage = await reader.GetStringAsync($"/api/cases/{id}/triage", Ct);
            Assert.DoesNotContain("exclusion", triage, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("Regular", JsonDocument.Parse(triage).RootElement.GetProperty("track").GetString());
        }

        Assert.Contains(TriagePolicy.ExclusionReason, (await supervisor.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/triage", Ct))
            .GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        foreach (var reader in new[] { clerk, officer, auditor })
        {
            var text = await reader.GetStringAsync($"/api/cases/{id}", Ct);
            var view = JsonDocument.Parse(text).RootElement;
            Assert.DoesNotContain(ExclusionCanary, text, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, view.GetProperty("exclusion").ValueKind);
            Assert.Equal(["SimilarProfileRecognitionRateHigh"], view.GetProperty("profiling").GetProperty("claimFeatures").EnumerateArray().Select(f => f.GetString()));
            Assert.Equal("SeeksAsylum", view.GetProperty("profiling").GetProperty("referral").GetString());
        }

        var seenBySupervisor = await supervisor.GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);
        var exclusion = seenBySupervisor.GetProperty("exclusion");
        Assert.Equal(ExclusionCanary, exclusion.GetProperty("notes").GetString());
        Assert.True(exclusion.GetProperty("flagged").GetBoolean());
        Assert.True(exclusion.GetProperty("confirmed").GetBoolean());
        Assert.True(exclusion.GetProperty("indicatorsAtProfiling").GetBoolean());
        Assert.Contains("ExclusionIndicators", seenBySupervisor.GetProperty("profiling").GetProperty("claimFeatures").EnumerateArray().Select(f => f.GetString()));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AReferralOutsideRsd_IsRecordedAndClosesTheCase(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });

        var referred = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "ChildProtectionBestInterests" }, Ct);
        var view = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, referred.StatusCode);
        Assert.Equal("Closed", view.GetProperty("stage").GetString());
        Assert.Equal("ChildProtectionBestInterests", view.GetProperty("profiling").GetProperty("referral").GetString());
        Assert.False(string.IsNullOrEmpty(view.GetProperty("profiling").GetProperty("referralRecordedAt").GetString()));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Dependants_TakeThePrincipalsFinalDecision_WhenTheProcedureAppliesIt(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (relative, _) = await ApiHost.RegisterCaseAsync(clerk, "Hodan");
        var dependant = new { givenName = "Ayaan", familyName = "Test", dateOfBirth = "2019-05-01", sex = "Female", nationalities = new[] { "SOM" } };
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{id}/family-members", new { relationship = "Child", dependant = true, person = dependant }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{id}/family-members", new { relationship = "Sibling", linkedCaseId = relative }, Ct)).StatusCode);

        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        Assert.Equal(HttpStatusCode.OK, (await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum" }, Ct)).StatusCode);
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "RecognisedRefugee", reasons = "Well-founded fear." });
        var before = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);
        await host.CompleteTaskAsync(supervisor, number, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, number, "notify", new { notifiedOn = "2026-04-01", deliveryMethod = "InPerson" });
        var after = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);

        string? StatusOf(JsonElement view, string relationship) => view.GetProperty("familyMembers").EnumerateArray()
            .Single(f => f.GetProperty("relationship").GetString() == relationship).GetProperty("derivativeStatus").GetString();
        Assert.Equal(("Review", JsonValueKind.Null), (before.GetProperty("stage").GetString(), before.GetProperty("decision").ValueKind));
        Assert.Equal(("DurableSolution", "RecognisedRefugee"), (after.GetProperty("stage").GetString(), after.GetProperty("decision").GetString()));
        Assert.Null(StatusOf(before, "Child"));
        Assert.Equal("RecognisedRefugee", StatusOf(after, "Child"));
        Assert.Null(StatusOf(after, "Sibling")); // a relative with a case of their own who is not a dependant keeps their own decision
    }
}
