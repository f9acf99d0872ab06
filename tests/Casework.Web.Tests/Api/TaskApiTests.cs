using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>Queues and tasks over real HTTP with real tokens.</summary>
public sealed partial class TaskApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> FirstInQueueAsync(HttpClient client, string role)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/queues/roles/{role}?office=NBO", Ct);
        return page.GetProperty("items")[0].GetProperty("id").GetGuid();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoClerksCompletingTheSameTaskAtOnce_OneGets200_TheOther409SayingSomeoneElseDidIt(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk));
        await host.StartClaimAsync("NBO-2026-000100");
        var a = await host.ClientForAsync("clerk.a");
        var b = await host.ClientForAsync("clerk.b");
        var task = await FirstInQueueAsync(a, CaseworkRoles.RegistrationClerk);
        var body = new { data = new { registeredOn = "2026-03-02" } };

        var responses = await Task.WhenAll(
            a.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct),
            b.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var conflict = await ApiHost.AssertProblemAsync(responses.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
        var detail = conflict.GetProperty("detail").GetString();
        Assert.True(detail!.Contains("already completed by clerk.", StringComparison.Ordinal) || detail.Contains("Someone else", StringComparison.Ordinal), detail);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoClerksClaimingTheSameTaskAtOnce_OneHoldsIt_AndTheOtherIsToldWho(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk));
        HttpClient[] clerks = [await host.ClientForAsync("clerk.a"), await host.ClientForAsync("clerk.b")];
        for (var round = 0; round < 5; round++)
        {
            var number = $"NBO-2026-00011{round}";
            await host.StartClaimAsync(number);
            var queue = await clerks[0].GetFromJsonAsync<JsonElement>($"/api/queues/roles/{CaseworkRoles.RegistrationClerk}?office=NBO&pageSize=100", Ct);
            var task = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("caseId").GetString() == number).GetProperty("id").GetGuid();

            var answers = await ApiHost.AtOnceAsync(2, n => clerks[n].PostAsync($"/api/tasks/{task}/claim", null, Ct));

            Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var holder = (await clerks[0].GetFromJsonAsync<JsonElement>($"/api/tasks/{task}", Ct)).GetProperty("claimedBy").GetString();
            Assert.Equal(answers[0].StatusCode == HttpStatusCode.NoContent ? "clerk.a" : "clerk.b", holder);
            var refusal = await ApiHost.AssertProblemAsync(answers.Single(a => a.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
            Assert.Equal($"{holder} has claimed this task.", refusal.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AClaimedTask_IsPutBackOnlyByWhoeverClaimedItOrASupervisor(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk),
            ("supervisor.a", CaseworkRoles.Supervisor));
        await host.StartClaimAsync("NBO-2026-000101");
        var a = await host.ClientForAsync("clerk.a");
        var b = await host.ClientForAsync("clerk.b");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var task = await FirstInQueueAsync(a, CaseworkRoles.RegistrationClerk);

        Assert.Equal(HttpStatusCode.NoContent, (await a.PostAsync($"/api/tasks/{task}/claim", null, Ct)).StatusCode);
        var byColleague = await b.PostAsync($"/api/tasks/{task}/release", null, Ct);
        var claimedBy = (await a.GetFromJsonAsync<JsonElement>($"/api/tasks/{task}", Ct)).GetProperty("claimedBy").GetString();
        var bySupervisor = await supervisor.PostAsync($"/api/tasks/{task}/release", null, Ct);
        var afterwards = await a.GetFromJsonAsync<JsonElement>($"/api/tasks/{task}", Ct);
        var unknown = await a.PostAsync($"/api/tasks/{Guid.NewGuid()}/release", null, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byColleague.StatusCode);
        Assert.Equal("clerk.a", claimedBy);
        Assert.Equal(HttpStatusCode.NoContent, bySupervisor.StatusCode);
        Assert.Equal(JsonValueKind.Null, afterwards.GetProperty("claimedBy").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Queue_IsPagedWithATotal_AndOrderedByPriorityThenDueDate(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        for (var i = 0; i < 3; i++)
        {
            await host.StartClaimAsync($"NBO-2026-00020{i}");
        }

        var client = await host.ClientForAsync("clerk.a");
        var page = await client.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk?office=NBO&page=1&pageSize=2", Ct);
        var bad = await client.GetAsync("/api/queues/roles/RegistrationClerk?pageSize=1000", Ct);

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("pageSize", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Complete_WithDataThatDoesNotFitTheForm_Answers400NamingTheFields_AndChangesNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        await host.StartClaimAsync("NBO-2026-000300");
        var client = await host.ClientForAsync("clerk.a");
        var task = await FirstInQueueAsync(client, CaseworkRoles.RegistrationClerk);

        var response = await client.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { registeredOn = "yesterday", shoeSize = 42 } }, Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{task}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("data.registeredOn", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("data.shoeSize", out _));
        Assert.Equal("Open", view.GetProperty("status").GetString());
        Assert.Equal("registration", view.GetProperty("form").GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ATaskAColleagueClaimedOrCompleted_Answers409SayingWho_WhileATaskOfAnotherRoleAnswers403(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer));
        await host.StartClaimAsync("NBO-2026-000102");
        var a = await host.ClientForAsync("clerk.a");
        var b = await host.ClientForAsync("clerk.b");
        var officer = await host.ClientForAsync("officer.a");
        var task = await FirstInQueueAsync(a, CaseworkRoles.RegistrationClerk);
        var body = new { data = new { registeredOn = "2026-03-02" } };

        Assert.Equal(HttpStatusCode.NoContent, (await a.PostAsync($"/api/tasks/{task}/claim", null, Ct)).StatusCode);
        var claimWhileHeld = await b.PostAsync($"/api/tasks/{task}/claim", null, Ct);
        var completeWhileHeld = await b.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct);
        var claimByOtherRole = await officer.PostAsync($"/api/tasks/{task}/claim", null, Ct);
        var completeByOtherRole = await officer.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct);
        var stillOpen = await a.GetFromJsonAsync<JsonElement>($"/api/tasks/{task}", Ct);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct)).StatusCode);
        var completeWhenDone = await b.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct);
        var claimWhenDone = await b.PostAsync($"/api/tasks/{task}/claim", null, Ct);
        var otherRoleWhenDone = await officer.PostAsJsonAsync($"/api/tasks/{task}/complete", body, Ct);

        await ApiHost.AssertProblemAsync(claimWhileHeld, HttpStatusCode.Conflict);
        Assert.Equal("clerk.a has claimed this task.", (await claimWhileHeld.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        await ApiHost.AssertProblemAsync(completeWhileHeld, HttpStatusCode.Conflict);
        var held = await completeWhileHeld.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Claimed by someone else", held.GetProperty("title").GetString());
        Assert.Equal("clerk.a has claimed this task; nothing was saved.", held.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, claimByOtherRole.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, completeByOtherRole.StatusCode);
        Assert.Equal("Open", stillOpen.GetProperty("status").GetString());
        Assert.Equal("clerk.a", stillOpen.GetProperty("claimedBy").GetString());
        await ApiHost.AssertProblemAsync(completeWhenDone, HttpStatusCode.Conflict);
        var done = await completeWhenDone.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("The task is no longer open", done.GetProperty("title").GetString());
        Assert.Equal("This task is no longer open: clerk.a completed it.", done.GetProperty("detail").GetString());
        await ApiHost.AssertProblemAsync(claimWhenDone, HttpStatusCode.Conflict);
        Assert.Equal("This task is no longer open: clerk.a completed it.", (await claimWhenDone.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, otherRoleWhenDone.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ATaskOfAnotherRole_CannotBeCompleted_AndAnonymousCallersGet401(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("officer.a", CaseworkRoles.EligibilityOfficer), ("clerk.a", CaseworkRoles.RegistrationClerk));
        await host.StartClaimAsync("NBO-2026-000400");
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var task = await FirstInQueueAsync(clerk, CaseworkRoles.RegistrationClerk);
        using var anonymous = new HttpClient { BaseAddress = host.Server };

        var forbidden = await officer.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { registeredOn = "2026-03-02" } }, Ct);
        var unauthenticated = await anonymous.GetAsync("/api/queues/mine", Ct);

        await ApiHost.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden);
        await ApiHost.AssertProblemAsync(unauthenticated, HttpStatusCode.Unauthorized);
        Assert.NotEmpty(unauthenticated.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OpenApiDocument_ListsTheEndpoints_AndTheReferencePageIsServed(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres);
        using var http = new HttpClient { BaseAddress = host.Server };

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var reference = await http.GetAsync("/scalar/v1", Ct);

        var paths = document.GetProperty("paths");
        // Every API endpoint of the routing table is in the document, under its path without route constraints.
        var routed = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {Constraint().Replace(e.RoutePattern.RawText!, "}").TrimEnd('/')}"))
            .ToHashSet();
        var documented = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name.TrimEnd('/')}")).ToHashSet();
        Assert.True(routed.Count > 30, $"{routed.Count} endpoints");
        Assert.Empty(routed.Except(documented));

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/api", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(operation.Value.TryGetProperty("security", out _), $"{operation.Name} {path.Name} does not state its auth requirement");
                Assert.Contains("Policy:", operation.Value.GetProperty("description").GetString(), StringComparison.Ordinal);
            }
        }
    }
}

public sealed partial class TaskApiTests
{
    [System.Text.RegularExpressions.GeneratedRegex(":[^}]+}")]
    private static partial System.Text.RegularExpressions.Regex Constraint();
}

public sealed class InstanceApiTests(Casework.Testing.PostgresFixture postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Instance_ShowsItsActiveElementAndJournal_ToAnAuditor(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("auditor.a", Casework.Data.Identity.CaseworkRoles.Auditor));
        var id = await host.StartClaimAsync("NBO-2026-000500");
        var auditor = await host.ClientForAsync("auditor.a");

        var instance = await auditor.GetFromJsonAsync<JsonElement>($"/api/instances/{id}", ct);
        var journal = await auditor.GetFromJsonAsync<JsonElement>($"/api/instances/{id}/journal", ct);
        var retry = await auditor.PostAsync($"/api/instances/{id}/incidents/{Guid.NewGuid()}/retry", null, ct);

        Assert.Equal(["register"], instance.GetProperty("activeElementIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("StartInstance", journal[0].GetProperty("command").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode); // an auditor reads, never writes
    }
}

public sealed class ReassignApiTests(Casework.Testing.PostgresFixture postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task BulkReassign_PreviewChangesNothing_ThenApplyReportsWhatFailed(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("supervisor.a", CaseworkRoles.Supervisor), ("clerk.b", CaseworkRoles.RegistrationClerk),
            ("officer.c", CaseworkRoles.EligibilityOfficer));
        await host.StartClaimAsync("NBO-2026-000900");
        await host.StartClaimAsync("NBO-2026-000901");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var queue = await supervisor.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk", ct);
        var ids = queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Append(Guid.NewGuid()).ToList();

        var preview = await (await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = ids, assignee = "clerk.b", preview = true }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var mineBefore = await (await host.ClientForAsync("clerk.b")).GetFromJsonAsync<JsonElement>("/api/queues/mine", ct);
        var wrongRole = await (await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = ids, assignee = "officer.c" }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var applied = await (await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = ids, assignee = "clerk.b" }, ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);
        var mineAfter = await (await host.ClientForAsync("clerk.b")).GetFromJsonAsync<JsonElement>("/api/queues/mine", ct);
        var unknownUser = await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = ids, assignee = "nobody" }, ct);

        Assert.Equal((2, 1), (preview.GetProperty("reassigned").GetInt32(), preview.GetProperty("failed").GetInt32()));
        Assert.Equal(0, mineBefore.GetProperty("total").GetInt32());
        Assert.Equal(3, wrongRole.GetProperty("failed").GetInt32());
        Assert.Equal((2, 1), (applied.GetProperty("reassigned").GetInt32(), applied.GetProperty("failed").GetInt32()));
        Assert.Equal("No such task.", applied.GetProperty("lines")[2].GetProperty("reason").GetString());
        Assert.Equal(2, mineAfter.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, unknownUser.StatusCode);

        // A disabled account is given nothing, and the reason is named.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CaseworkUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByNameAsync("clerk.b"))!, Casework.Web.Features.Administration.UserAdministration.DisabledUntil);
        }

        var disabled = await ApiHost.AssertProblemAsync(
            await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = ids, assignee = "clerk.b" }, ct), HttpStatusCode.BadRequest);
        Assert.Equal("clerk.b's account is disabled.", disabled.GetProperty("errors").GetProperty("assignee")[0].GetString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task FourEyes_KeepsTheDrafterFromClaimingTheReview_OrBeingGivenIt_NotOnlyFromCompletingIt(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor), ("supervisor.b", CaseworkRoles.Supervisor));
        var drafter = await host.ClientForAsync("supervisor.a");
        var colleague = await host.ClientForAsync("supervisor.b");
        var (_, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Hassan");
        await host.CompleteTaskAsync(await host.ClientForAsync("officer.a"), number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(drafter, number, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        var review = await host.OpenItemAsync(number);
        Assert.Equal("reviewDecision", review.ElementId);

        // The drafter's claim is refused with the rule's own problem type, and the task stays in the queue.
        var claim = await ApiHost.AssertProblemAsync(await drafter.PostAsync($"/api/tasks/{review.Id}/claim", null, ct), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:casework:rule:four-eyes", claim.GetProperty("type").GetString());
        Assert.Equal("Four-eyes: you completed 'Draft decision' on this case, so someone else must complete 'Review decision (four-eyes)'.",
            claim.GetProperty("detail").GetString());
        var unclaimed = await host.OpenItemAsync(number);
        Assert.Equal((null, null, review.Revision), (unclaimed.ClaimedBy, unclaimed.Assignee, unclaimed.Revision));

        // A colleague cannot hand it to the drafter either, in a preview or for real; the review of another case, which an officer
        // drafted, moves.
        var (_, other) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Bashir");
        await host.CompleteTaskAsync(await host.ClientForAsync("officer.a"), other, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(await host.ClientForAsync("officer.a"), other, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        var otherReview = (await host.OpenItemAsync(other)).Id;
        foreach (var preview in new[] { true, false })
        {
            var report = await (await colleague.PostAsJsonAsync("/api/tasks/reassign",
                new { taskIds = new[] { review.Id, otherReview }, assignee = "supervisor.a", preview }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal((1, 1), (report.GetProperty("reassigned").GetInt32(), report.GetProperty("failed").GetInt32()));
            var line = report.GetProperty("lines")[0];
            Assert.Equal((false, "supervisor.a completed 'Draft decision' on this case, so someone else must work it (four-eyes)."),
                (line.GetProperty("ok").GetBoolean(), line.GetProperty("reason").GetString()));
        }

        Assert.Null((await host.OpenItemAsync(number)).Assignee);
        Assert.Equal("supervisor.a", (await host.OpenItemAsync(other)).Assignee);

        // Anyone else may take it and complete it.
        Assert.Equal(HttpStatusCode.NoContent, (await colleague.PostAsync($"/api/tasks/{review.Id}/claim", null, ct)).StatusCode);
        await host.CompleteTaskAsync(colleague, number, "reviewDecision", new { outcome = "approve" });
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheAppealOfficerNamedByTheSupervisor_GetsTheDecisionInTheirOwnQueue_AndTheDrafterCannotBeNamed(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("officer.b", CaseworkRoles.EligibilityOfficer), ("officer.c", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (_, number) = await host.AppealedCaseAsync(clerk, officer, supervisor, "Hassan");
        var assign = (await host.OpenItemsAsync(number)).Single(w => w.ElementId == "assignAppealOfficer").Id;

        var drafter = await ApiHost.AssertProblemAsync(
            await supervisor.PostAsJsonAsync($"/api/tasks/{assign}/complete", new { data = new { appealOfficer = "officer.a" } }, ct), HttpStatusCode.BadRequest);
        Assert.Equal("officer.a completed 'Draft decision' on this case, so someone else must work 'Decide the appeal' (four-eyes).",
            drafter.GetProperty("errors").GetProperty("data.appealOfficer")[0].GetString());
        var unknown = await ApiHost.AssertProblemAsync(
            await supervisor.PostAsJsonAsync($"/api/tasks/{assign}/complete", new { data = new { appealOfficer = "officer.z" } }, ct), HttpStatusCode.BadRequest);
        Assert.Equal("There is no account 'officer.z'.", unknown.GetProperty("errors").GetProperty("data.appealOfficer")[0].GetString());

        await host.CompleteTaskAsync(supervisor, number, "assignAppealOfficer", new { appealOfficer = "officer.b" });
        var mine = await (await host.ClientForAsync("officer.b")).GetFromJsonAsync<JsonElement>("/api/queues/mine", ct);
        var decide = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(("decideAppeal", "officer.b"), (decide.GetProperty("elementId").GetString(), decide.GetProperty("assignee").GetString()));

        // Nor can it be handed to the drafter afterwards (the draft is in the calling instance), while another officer may take it over.
        var toDrafter = await (await supervisor.PostAsJsonAsync("/api/tasks/reassign",
            new { taskIds = new[] { decide.GetProperty("id").GetGuid() }, assignee = "officer.a" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("officer.a completed 'Draft decision' on this case, so someone else must work it (four-eyes).",
            Assert.Single(toDrafter.GetProperty("lines").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Equal("officer.b", (await host.OpenItemsAsync(number)).Single(w => w.ElementId == "decideAppeal").Assignee);

        // Another officer of the same role may not take it; the named one decides.
        var other = await (await host.ClientForAsync("officer.c")).PostAsJsonAsync($"/api/tasks/{decide.GetProperty("id").GetGuid()}/complete",
            new { data = new { appealOutcome = "Upheld", appealReasons = "Credible." } }, ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        await host.CompleteTaskAsync(await host.ClientForAsync("officer.b"), number, "decideAppeal", new { appealOutcome = "Upheld", appealReasons = "Credible." });
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheQueues_SayWhichTasksFourEyesKeepsTheCallerOff_AndWhy_EvenWhenTheEarlierTaskIsInTheCallingInstance(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("officer.b", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor), ("supervisor.b", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officerA = await host.ClientForAsync("officer.a");
        var supervisorA = await host.ClientForAsync("supervisor.a");

        // An appeal (its own instance, called by the claim's) whose decision officer.a drafted, now with officer.b; a review of a
        // decision supervisor.a drafted; and a case waiting for its interview, which has no four-eyes rule.
        var (_, appealed) = await host.AppealedCaseAsync(clerk, officerA, supervisorA, "Hassan");
        await host.CompleteTaskAsync(supervisorA, appealed, "assignAppealOfficer", new { appealOfficer = "officer.b" });
        var (_, reviewed) = await host.TriagedCaseAsync(clerk, "Bashir");
        await host.CompleteTaskAsync(officerA, reviewed, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(supervisorA, reviewed, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        var (_, waiting) = await host.TriagedCaseAsync(clerk, "Amina");

        async Task<Dictionary<(string?, string?), string?>> QueueAsync(string user, string queue)
        {
            var page = await (await host.ClientForAsync(user)).GetFromJsonAsync<JsonElement>(queue, ct);
            return page.GetProperty("items").EnumerateArray().ToDictionary(
                i => (i.GetProperty("caseId").GetString(), i.GetProperty("elementId").GetString()),
                i => i.TryGetProperty("fourEyes", out var why) ? why.GetString() : null);
        }

        var drafterOfTheReview = await QueueAsync("supervisor.a", "/api/queues/roles/Supervisor");
        Assert.Equal("Four-eyes: you completed 'Draft decision' on this case, so someone else must complete 'Review decision (four-eyes)'.",
            drafterOfTheReview[(reviewed, "reviewDecision")]);
        Assert.Null((await QueueAsync("supervisor.b", "/api/queues/roles/Supervisor"))[(reviewed, "reviewDecision")]);

        var officers = await QueueAsync("officer.a", "/api/queues/roles/EligibilityOfficer");
        Assert.Equal("Four-eyes: you completed 'Draft decision' on this case, so someone else must complete 'Decide the appeal'.",
            officers[(appealed, "decideAppeal")]);
        Assert.Null(officers[(waiting, "interviewRegular")]);
        Assert.Null((await QueueAsync("officer.b", "/api/queues/roles/EligibilityOfficer"))[(appealed, "decideAppeal")]);
        Assert.Null((await QueueAsync("officer.b", "/api/queues/mine"))[(appealed, "decideAppeal")]);
    }
}
