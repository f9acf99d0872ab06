using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>A supervisor overrides a case's triage with a reason: the case, its workflow and its queue rows move together.</summary>
public sealed class CaseTriageApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Reason = "Disclosed torture at the scheduling call; moved up.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnOverride_MovesTheCaseItsWorkflowAndItsQueueRowsTogether_AndIsKeptWithItsReason(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (first, firstNumber) = await host.TriagedCaseAsync(clerk, "Amina");
        var (id, number) = await host.TriagedCaseAsync(clerk, "Hassan");

        var triaged = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/triage", Ct);
        Assert.Equal(("Regular", 0), (triaged.GetProperty("track").GetString(), triaged.GetProperty("priority").GetInt32()));
        Assert.NotEmpty(triaged.GetProperty("reasons").EnumerateArray());
        Assert.Empty(triaged.GetProperty("overrides").EnumerateArray());
        Assert.Equal([firstNumber, number], (await QueueAsync(officer)).Order(StringComparer.Ordinal));

        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var response = await PutAsync(supervisor, id, new { track = "accelerated", priority = 90, reason = $"  {Reason} " }, etag);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("Accelerated", 90), (view.GetProperty("track").GetString(), view.GetProperty("priority").GetInt32()));
        Assert.Equal(triaged.GetProperty("reasons").ToString(), view.GetProperty("reasons").ToString());
        var entry = Assert.Single(view.GetProperty("overrides").EnumerateArray());
        Assert.Equal(("supervisor.a", "Regular", "Accelerated", 0, 90, Reason), (entry.GetProperty("by").GetString(), entry.GetProperty("fromTrack").GetString(),
            entry.GetProperty("toTrack").GetString(), entry.GetProperty("fromPriority").GetInt32(), entry.GetProperty("toPriority").GetInt32(),
            entry.GetProperty("reason").GetString()));
        Assert.Equal(view.ToString(), (await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/triage", Ct)).ToString());

        var caseView = await officer.GetAsync($"/api/cases/{id}", Ct);
        var body = await caseView.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("Accelerated", 90), (body.GetProperty("track").GetString(), body.GetProperty("priority").GetInt32()));
        Assert.Equal(response.Headers.ETag!.Tag, caseView.Headers.ETag!.Tag);

        // The open interview now heads the officers' queue; the untouched case keeps its place and values.
        Assert.Equal([number, firstNumber], await QueueAsync(officer));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var item = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct);
            Assert.Equal(("interviewRegular", 90, "Accelerated", 90), (item.ElementId, item.Priority, item.CaseTrack, item.CasePriority));
            Assert.All(await db.WorkItemCandidates.AsNoTracking().Where(c => c.WorkItemId == item.Id).ToListAsync(Ct), c => Assert.Equal(90, c.Priority));
            var other = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == firstNumber && w.Status == WorkItemStatus.Open, Ct);
            Assert.Equal((0, "Regular", 0), (other.Priority, other.CaseTrack, other.CasePriority));

            var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.BusinessKey == number && i.ParentInstanceId == null, Ct);
            var variables = InstanceStateSerializer.Deserialize(instance.State).Variables;
            Assert.Equal(("Accelerated", 90), (variables["track"].GetString(), variables["casePriority"].GetInt32()));
            var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instance.Id).Select(j => j.Details).ToListAsync(Ct);
            Assert.Single(journal, d => d == "set casePriority, track");
            Assert.DoesNotContain(journal, d => d != null && d.Contains(Reason, StringComparison.Ordinal));
        }

        // Tasks opened afterwards take the overridden priority from the workflow.
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var draft = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct);
            Assert.Equal(("draftDecision", 90, "Accelerated"), (draft.ElementId, draft.Priority, draft.CaseTrack));
        }

        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/cases/{first}/triage", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RefusedOverrides_NameTheProblem_AndChangeNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (untriaged, _) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (id, number) = await host.TriagedCaseAsync(clerk, "Hassan");
        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var before = await SnapshotAsync(host, number);
        var good = new { track = "Accelerated", priority = 90, reason = Reason };

        var tooEarly = await PutAsync(supervisor, untriaged, good, (await supervisor.GetAsync($"/api/cases/{untriaged}", Ct)).Headers.ETag!.Tag);
        var noReason = await PutAsync(supervisor, id, new { track = "Accelerated", reason = "  " }, etag);
        var badValues = await PutAsync(supervisor, id, new { track = "Fast", priority = 101, reason = Reason }, etag);
        var nothingGiven = await PutAsync(supervisor, id, new { reason = Reason }, etag);
        var tooLong = await PutAsync(supervisor, id, new { priority = 50, reason = new string('r', 2001) }, etag);
        var unchanged = await PutAsync(supervisor, id, new { track = "Regular", priority = 0, reason = Reason }, etag);
        var noTag = await supervisor.PutAsJsonAsync($"/api/cases/{id}/triage", good, Ct);
        var staleTag = await PutAsync(supervisor, id, good, "\"999999\"");
        var officerMayNot = await PutAsync(officer, id, good, etag);
        var clerkMayNot = await PutAsync(clerk, id, good, etag);
        var unknown = await PutAsync(supervisor, Guid.NewGuid(), good, etag);

        await ApiHost.AssertProblemAsync(tooEarly, HttpStatusCode.Conflict);
        Assert.Contains("not been triaged", (await tooEarly.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["reason"], await ErrorFieldsAsync(noReason));
        Assert.Equal(["priority", "track"], await ErrorFieldsAsync(badValues));
        Assert.Equal(["track"], await ErrorFieldsAsync(nothingGiven));
        Assert.Equal(["reason"], await ErrorFieldsAsync(tooLong));
        Assert.Equal(["track"], await ErrorFieldsAsync(unchanged));
        Assert.Equal(HttpStatusCode.PreconditionRequired, noTag.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleTag.StatusCode);
        Assert.Equal(["If-Match"], await ErrorFieldsAsync(staleTag, HttpStatusCode.PreconditionFailed));
        Assert.Equal(HttpStatusCode.Forbidden, officerMayNot.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clerkMayNot.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(before, await SnapshotAsync(host, number));
        Assert.Equal(etag, (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ConcurrentOverridesOfOneCopy_ExactlyOneLands_AndTheLosersLeaveNothingBehind(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor),
            ("supervisor.b", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisors = new[] { await host.ClientForAsync("supervisor.a"), await host.ClientForAsync("supervisor.b") };
        var (id, number) = await host.TriagedCaseAsync(clerk, "Hassan");
        var etag = (await supervisors[0].GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;

        var responses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            PutAsync(supervisors[i % 2], id, new { priority = 10 * i, reason = $"{Reason} ({i})" }, etag)));

        var won = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r != won), r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict }));
        foreach (var lost in responses.Where(r => r != won))
        {
            await ApiHost.AssertProblemAsync(lost, lost.StatusCode);
        }

        var view = await won.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var priority = view.GetProperty("priority").GetInt32();
        var entry = Assert.Single(view.GetProperty("overrides").EnumerateArray());
        Assert.Equal($"{Reason} ({priority / 10})", entry.GetProperty("reason").GetString());

        var after = await SnapshotAsync(host, number);
        Assert.Equal((priority, priority, priority, 1, 1), (after.CasePriority, after.VariablePriority, after.ItemPriority, after.Overrides, after.SetEntries));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnOverrideDuringTheAppeal_ReachesTheAppealInstance_AndItsNextTasks(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("officer.b", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, number) = await host.AppealedCaseAsync(clerk, officer, supervisor, "Hassan");

        var appeal = await AppealAsync(host, number);
        Assert.Equal(("Regular", 0), (appeal.Variables["track"].GetString(), appeal.Variables["casePriority"].GetInt32()));

        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var response = await PutAsync(supervisor, id, new { track = "accelerated", priority = 70, reason = Reason }, etag);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));

        // The running appeal took the new values in the same command (its own journal entry), and its open task's queue copies moved.
        var moved = await AppealAsync(host, number);
        Assert.Equal(("Accelerated", 70), (moved.Variables["track"].GetString(), moved.Variables["casePriority"].GetInt32()));
        Assert.Equal(appeal.Revision + 1, moved.Revision);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Single(await db.Journal.AsNoTracking().Where(j => j.InstanceId == moved.Id && j.Command == "SetVariables").ToListAsync(Ct));
            var open = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct);
            Assert.Equal(("assignAppealOfficer", moved.Id, "Accelerated", 70), (open.ElementId, open.InstanceId, open.CaseTrack, open.CasePriority));
        }

        // The appeal's next task is opened from the appeal's own variables: it carries the overridden track and priority.
        await host.CompleteTaskAsync(supervisor, number, "assignAppealOfficer", new { appealOfficer = "officer.b" });
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var decide = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct);
            Assert.Equal(("decideAppeal", "Accelerated", 70), (decide.ElementId, decide.CaseTrack, decide.CasePriority));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Triage_CountsTheNeedsRecordedOnTheCaseForThePrincipalAndEachDependant_AndAChildApplicantsAge(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        string Born(int yearsAgo, int daysLater = 0) => today.AddYears(-yearsAgo).AddDays(daysLater).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // A child applicant with no need recorded anywhere: the children's group, for their age; one who turns 18 tomorrow is still a child.
        var (child, childNumber) = await RegisterAsync(clerk, "Nuur", Born(18, daysLater: 1), []);
        // An adult whose dependant was recorded on the case as a survivor of torture; the registration task named no need.
        var (family, familyNumber) = await RegisterAsync(clerk, "Hodan", Born(40), []);
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{family}/family-members", new
        {
            relationship = "Spouse", dependant = true,
            person = new { givenName = "Abdi", familyName = "Test", dateOfBirth = Born(42), sex = "Male", nationalities = new[] { "SOM" },
                specificNeeds = new[] { "SurvivorOfTortureOrTrauma" } },
        }, Ct)).StatusCode);
        // An adult recorded as a woman at risk, with a relative who is not a dependant: only the applicant's need counts.
        var (woman, womanNumber) = await RegisterAsync(clerk, "Sahra", Born(30), ["WomanAtRisk"]);
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{woman}/family-members", new
        {
            relationship = "Sibling", dependant = false,
            person = new { givenName = "Farah", familyName = "Test", dateOfBirth = Born(25), sex = "Male", nationalities = new[] { "SOM" },
                specificNeeds = new[] { "UrgentProtectionNeed" } },
        }, Ct)).StatusCode);
        // An adult who turned 18 today, with nothing recorded: no priority group.
        var (adult, adultNumber) = await RegisterAsync(clerk, "Ilhan", Born(18), []);

        foreach (var (_, number) in new[] { (child, childNumber), (family, familyNumber), (woman, womanNumber), (adult, adultNumber) })
        {
            await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        }

        foreach (var id in new[] { child, family, woman, adult })
        {
            var profiled = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum" }, Ct);
            Assert.True(profiled.IsSuccessStatusCode, await profiled.Content.ReadAsStringAsync(Ct));
        }

        async Task<(string? Track, int Priority, string[] Reasons)> TriageOf(Guid id)
        {
            var view = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/triage", Ct);
            return (view.GetProperty("track").GetString(), view.GetProperty("priority").GetInt32(),
                [.. view.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)]);
        }

        var childTriage = await TriageOf(child);
        Assert.Equal(("Accelerated", 80), (childTriage.Track, childTriage.Priority));
        Assert.Equal(new[] { "priority 80: children", "the principal applicant is a child (under 18)" }, childTriage.Reasons.Take(2));
        var familyTriage = await TriageOf(family);
        Assert.Equal(("Accelerated", 90), (familyTriage.Track, familyTriage.Priority));
        Assert.Equal("priority 90: survivors of torture or trauma", familyTriage.Reasons[0]);
        var womanTriage = await TriageOf(woman);
        Assert.Equal(("Accelerated", 85), (womanTriage.Track, womanTriage.Priority));
        var adultTriage = await TriageOf(adult);
        Assert.Equal(("Regular", 0), (adultTriage.Track, adultTriage.Priority));
        Assert.DoesNotContain(adultTriage.Reasons, r => r.Contains("child", StringComparison.Ordinal));

        // The interviews wait in the officers' queue in that order: the priority groups first.
        Assert.Equal([familyNumber, womanNumber, childNumber, adultNumber], await QueueAsync(officer));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AChildInDetention_HeadsTheSupervisorsQueue_BesideTheInterview_AndOnlyASupervisorAttendsToIt(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (_, other) = await host.TriagedCaseAsync(clerk, "Amina");
        await host.CompleteTaskAsync(officer, other, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, other, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        var (id, number) = await RegisterAsync(clerk, "Hassan", "1990-01-01", []);
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });

        var profiled = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum", childInDetention = true }, Ct);

        Assert.True(profiled.IsSuccessStatusCode, await profiled.Content.ReadAsStringAsync(Ct));
        var triage = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/triage", Ct);
        Assert.Contains("a child is in detention: immediate supervisor attention", triage.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var queue = (await supervisor.GetFromJsonAsync<JsonElement>("/api/queues/roles/Supervisor?office=NBO", Ct)).GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("caseId").GetString()!, i.GetProperty("elementId").GetString()!)).ToList();
        Assert.Equal(new[] { (number, "detentionAttention"), (other, "reviewDecision") }, queue);
        Assert.Equal([number], await QueueAsync(officer));

        var task = await OpenTaskIdAsync(host, number, "detentionAttention");
        var data = new { detentionActions = new[] { "AlternativeToDetentionArranged" }, detentionNote = "Placed with a foster family." };
        var byOfficer = await officer.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, byOfficer.StatusCode);
        var bySupervisor = await supervisor.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data }, Ct);
        Assert.True(bySupervisor.IsSuccessStatusCode, await bySupervisor.Content.ReadAsStringAsync(Ct));

        Assert.Equal(new[] { (other, "reviewDecision") },
            (await supervisor.GetFromJsonAsync<JsonElement>("/api/queues/roles/Supervisor?office=NBO", Ct)).GetProperty("items").EnumerateArray()
                .Select(i => (i.GetProperty("caseId").GetString()!, i.GetProperty("elementId").GetString()!)));
        Assert.Equal([number], await QueueAsync(officer));
    }

    private static async Task<Guid> OpenTaskIdAsync(ApiHost host, string number, string element)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems
            .Where(w => w.CaseId == number && w.ElementId == element && w.Status == WorkItemStatus.Open).Select(w => w.Id).SingleAsync(Ct);
    }

    private static Task<(Guid Id, string Number)> RegisterAsync(HttpClient clerk, string givenName, string dateOfBirth, string[] specificNeeds) =>
        ApiHost.RegisterCaseAsync(clerk, new { givenName, familyName = "Test", dateOfBirth, sex = "Female", nationalities = new[] { "SOM" }, specificNeeds });

    private sealed record AppealInstance(Guid Id, long Revision, IReadOnlyDictionary<string, JsonElement> Variables);

    private static async Task<AppealInstance> AppealAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var appeal = await db.Instances.AsNoTracking().SingleAsync(i => i.BusinessKey == number && i.ProcessId == "appeal", Ct);
        Assert.Equal(Casework.Data.Runtime.Records.InstanceStatus.Running, appeal.Status);
        return new AppealInstance(appeal.Id, appeal.Revision, InstanceStateSerializer.Deserialize(appeal.State).Variables);
    }

    /// <summary>The case numbers in the eligibility officers' queue of NBO, in the queue's order.</summary>
    private static async Task<List<string?>> QueueAsync(HttpClient officer)
    {
        var page = await officer.GetFromJsonAsync<JsonElement>("/api/queues/roles/EligibilityOfficer?office=NBO", Ct);
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("caseId").GetString())];
    }

    private sealed record Snapshot(string? Track, int CasePriority, long CaseRevision, int VariablePriority, long InstanceRevision, int ItemPriority,
        int Overrides, int SetEntries);

    private static async Task<Snapshot> SnapshotAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var c = await db.Cases.AsNoTracking().SingleAsync(x => x.CaseNumber == number, Ct);
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == c.InstanceId, Ct);
        var item = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct);
        return new Snapshot(c.Track, c.Priority, c.Revision, InstanceStateSerializer.Deserialize(instance.State).Variables["casePriority"].GetInt32(),
            instance.Revision, item.Priority, await db.TriageOverrides.CountAsync(o => o.CaseId == c.Id, Ct),
            await db.Journal.CountAsync(j => j.InstanceId == instance.Id && j.Command == "SetVariables", Ct));
    }

    private static async Task<List<string>> ErrorFieldsAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        return [.. errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, Guid id, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{id}/triage") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Ct);
    }
}
