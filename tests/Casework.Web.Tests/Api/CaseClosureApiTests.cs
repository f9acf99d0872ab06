using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>
/// A supervisor closes an undecided claim as withdrawn or abandoned: the workflow, its tasks and timers, the coming
/// interviews and the case close together, with who, when, how and why kept; a decided claim is refused.
/// </summary>
public sealed class CaseClosureApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Reason = "Written withdrawal handed in at the reception desk on 2026-12-01.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ClosingAClaim_CancelsItsWorkflowTasksTimersAndComingInterviews_AndKeepsWhoHowAndWhy(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (other, otherNumber) = await host.TriagedCaseAsync(clerk, "Amina");
        var (id, number) = await host.TriagedCaseAsync(clerk, "Hassan");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (coming, past, elsewhere) = (await InterviewAsync(host, id, InterviewApiTests.Monday), await InterviewAsync(host, id, today.AddDays(-3)),
            await InterviewAsync(host, other, InterviewApiTests.Monday));
        var before = await SnapshotAsync(host, number);
        Assert.Equal((1, 1), (before.OpenTasks, before.Timers));

        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var response = await PostAsync(supervisor, id, new { outcome = "withdrawn", reason = $"  {Reason} " }, etag);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Closed", view.GetProperty("stage").GetString());
        var closure = view.GetProperty("closure");
        Assert.Equal(("Withdrawn", "supervisor.a", Reason), (closure.GetProperty("outcome").GetString(), closure.GetProperty("by").GetString(),
            closure.GetProperty("reason").GetString()));

        // Everyone who reads the case sees the closure, with the ETag the supervisor got.
        var read = await officer.GetAsync($"/api/cases/{id}", Ct);
        Assert.Equal(response.Headers.ETag!.Tag, read.Headers.ETag!.Tag);
        Assert.Equal(closure.ToString(), (await read.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("closure").ToString());

        var after = await SnapshotAsync(host, number);
        Assert.Equal((InstanceStatus.Cancelled, 0, 0, "Closed", "Withdrawn"), (after.Status, after.OpenTasks, after.Timers, after.Stage, after.ClosedAs));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var interviews = await db.Interviews.AsNoTracking().ToDictionaryAsync(i => i.Id, Ct);
            Assert.Equal((InterviewRecord.Cancelled, "supervisor.a", "The claim was closed as withdrawn."),
                (interviews[coming].Status, interviews[coming].CancelledBy, interviews[coming].CancellationReason));
            Assert.Equal(InterviewRecord.Scheduled, interviews[past].Status); // its outcome may still be recorded
            Assert.Equal(InterviewRecord.Scheduled, interviews[elsewhere].Status);
            var task = await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == number && w.ElementId == "interviewRegular", Ct);
            Assert.Equal(WorkItemStatus.Cancelled, task.Status);

            // The journal records the cancellation by the supervisor, never the supervisor's words (they may name people).
            var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == after.InstanceId).ToListAsync(Ct);
            Assert.Single(journal, j => j.Command == "CancelInstance" && j.Actor == "supervisor.a");
            Assert.DoesNotContain(journal, j => j.Details != null && j.Details.Contains("reception desk", StringComparison.Ordinal));
        }

        // The officers' queue no longer offers the closed case; the other case is untouched.
        var queue = await officer.GetFromJsonAsync<JsonElement>("/api/queues/roles/EligibilityOfficer?office=NBO", Ct);
        Assert.Equal([otherNumber], queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("caseId").GetString()));
        Assert.Equal((InstanceStatus.Running, 1), ((await SnapshotAsync(host, otherNumber)).Status, (await SnapshotAsync(host, otherNumber)).OpenTasks));

        // Closing it again is refused with what happened, and changes nothing.
        var again = await PostAsync(supervisor, id, new { outcome = "Abandoned", reason = "Again." }, response.Headers.ETag!.Tag);
        var problem = await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("already closed as withdrawn by supervisor.a", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(after, await SnapshotAsync(host, number));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RefusedClosures_NameTheProblem_AndChangeNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, number) = await host.TriagedCaseAsync(clerk, "Hassan");
        var (decided, decidedNumber) = await host.AppealedCaseAsync(clerk, officer, supervisor, "Amina");
        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var before = (await SnapshotAsync(host, number), await SnapshotAsync(host, decidedNumber));
        var good = new { outcome = "Abandoned", reason = "Did not report for six months; three letters returned." };

        var noReason = await PostAsync(supervisor, id, new { outcome = "Withdrawn", reason = "  " }, etag);
        var badOutcome = await PostAsync(supervisor, id, new { outcome = "Rejected", reason = Reason }, etag);
        var nothing = await PostAsync(supervisor, id, new { }, etag);
        var tooLong = await PostAsync(supervisor, id, new { outcome = "Withdrawn", reason = new string('r', 2001) }, etag);
        var noTag = await supervisor.PostAsJsonAsync($"/api/cases/{id}/closure", good, Ct);
        var staleTag = await PostAsync(supervisor, id, good, "\"999999\"");
        var officerMayNot = await PostAsync(officer, id, good, etag);
        var clerkMayNot = await PostAsync(clerk, id, good, etag);
        var unknown = await PostAsync(supervisor, Guid.NewGuid(), good, etag);
        var afterNotification = await PostAsync(supervisor, decided, good, (await supervisor.GetAsync($"/api/cases/{decided}", Ct)).Headers.ETag!.Tag);

        Assert.Equal(["reason"], await ErrorFieldsAsync(noReason));
        Assert.Equal(["outcome"], await ErrorFieldsAsync(badOutcome));
        Assert.Equal(["outcome", "reason"], await ErrorFieldsAsync(nothing));
        Assert.Equal(["reason"], await ErrorFieldsAsync(tooLong));
        Assert.Equal(HttpStatusCode.PreconditionRequired, noTag.StatusCode);
        Assert.Equal(["If-Match"], await ErrorFieldsAsync(staleTag, HttpStatusCode.PreconditionFailed));
        Assert.Equal(HttpStatusCode.Forbidden, officerMayNot.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clerkMayNot.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var problem = await ApiHost.AssertProblemAsync(afterNotification, HttpStatusCode.Conflict);
        Assert.Contains("The claim is decided", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await SnapshotAsync(host, number), await SnapshotAsync(host, decidedNumber)));
        Assert.Equal(etag, (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ClosingWhileAnOfficerCompletesTheTask_OneOfThemLands_AndTheOtherLeavesNothingBehind(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, number) = await host.TriagedCaseAsync(clerk, "Hassan");
        var etag = (await supervisor.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var task = (await host.OpenItemAsync(number)).Id;

        var (closed, completed) = (PostAsync(supervisor, id, new { outcome = "Withdrawn", reason = Reason }, etag),
            officer.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { interviewDate = "2026-03-10" } }, Ct));
        await Task.WhenAll(closed, completed);

        var after = await SnapshotAsync(host, number);
        if ((await closed).StatusCode == HttpStatusCode.OK)
        {
            // Closed, with nothing left open: either the completion came second and found its task cancelled, or it came
            // first (the case's stage did not move, so the supervisor's copy still held) and its next task was cancelled.
            Assert.Equal((InstanceStatus.Cancelled, 0, "Withdrawn"), (after.Status, after.OpenTasks, after.ClosedAs));
            await using var scope = host.Services.CreateAsyncScope();
            var items = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems.AsNoTracking()
                .Where(w => w.CaseId == number).ToDictionaryAsync(w => w.ElementId, w => w.Status, Ct);
            Assert.Equal((await completed).IsSuccessStatusCode
                    ? new Dictionary<string, WorkItemStatus> { ["register"] = WorkItemStatus.Completed, ["profile"] = WorkItemStatus.Completed,
                        ["interviewRegular"] = WorkItemStatus.Completed, ["draftDecision"] = WorkItemStatus.Cancelled }
                    : new Dictionary<string, WorkItemStatus> { ["register"] = WorkItemStatus.Completed, ["profile"] = WorkItemStatus.Completed,
                        ["interviewRegular"] = WorkItemStatus.Cancelled },
                items);
        }
        else
        {
            Assert.Contains((await closed).StatusCode, new[] { HttpStatusCode.PreconditionFailed, HttpStatusCode.Conflict });
            await ApiHost.AssertProblemAsync(await closed, (await closed).StatusCode);
            Assert.True((await completed).IsSuccessStatusCode, await (await completed).Content.ReadAsStringAsync(Ct));
            Assert.Equal((InstanceStatus.Running, 1, null), (after.Status, after.OpenTasks, after.ClosedAs));
            Assert.Equal("draftDecision", (await host.OpenItemAsync(number)).ElementId);
        }
    }

    private static async Task<Guid> InterviewAsync(ApiHost host, Guid caseId, DateOnly day)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var record = new InterviewRecord
        {
            Id = Guid.NewGuid(), CaseId = caseId, Date = day, StartTime = new TimeOnly(9, 30), DurationMinutes = 120, Interviewer = "officer.a",
            Language = "Somali", Status = InterviewRecord.Scheduled, ScheduledBy = "officer.a", ScheduledAt = DateTimeOffset.UtcNow,
        };
        db.Interviews.Add(record);
        await db.SaveChangesAsync(Ct);
        return record.Id;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnOfficerDraftingTheDecisionAsAbandoned_ClosesTheClaim_AndTheCaseShowsTheClosureAsASupervisorsWouldBe(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, number) = await host.TriagedCaseAsync(await host.ClientForAsync("clerk.a"), "Hassan");
        await host.CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        var before = DateTimeOffset.UtcNow;

        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Abandoned", reasons = "No contact since the interview despite three letters." });

        var response = await supervisor.GetAsync($"/api/cases/{id}", Ct);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Closed", view.GetProperty("stage").GetString());
        var closure = view.GetProperty("closure");
        Assert.Equal(("Abandoned", "officer.a", "No contact since the interview despite three letters."),
            (closure.GetProperty("outcome").GetString(), closure.GetProperty("by").GetString(), closure.GetProperty("reason").GetString()));
        Assert.InRange(closure.GetProperty("at").GetDateTimeOffset(), before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var after = await SnapshotAsync(host, number);
        Assert.Equal((InstanceStatus.Completed, 0, "Abandoned"), (after.Status, after.OpenTasks, after.ClosedAs));

        // A supervisor's closure of it is refused as for any closed claim, naming how and by whom.
        var again = await PostAsync(supervisor, id, new { outcome = "Withdrawn", reason = "Again." }, response.Headers.ETag!.Tag);
        var problem = await ApiHost.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("already closed as abandoned by officer.a", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(after, await SnapshotAsync(host, number));
    }

    private sealed record Snapshot(Guid InstanceId, InstanceStatus Status, long InstanceRevision, int OpenTasks, int Timers, string Stage, string? ClosedAs,
        long CaseRevision, int ScheduledInterviews);

    private static async Task<Snapshot> SnapshotAsync(ApiHost host, string number)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var c = await db.Cases.AsNoTracking().SingleAsync(x => x.CaseNumber == number, Ct);
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == c.InstanceId, Ct);
        return new Snapshot(instance.Id, instance.Status, instance.Revision,
            await db.WorkItems.CountAsync(w => w.CaseId == number && w.Status == WorkItemStatus.Open, Ct),
            await db.Timers.CountAsync(t => t.InstanceId == instance.Id, Ct), c.Stage, c.ClosedAs, c.Revision,
            await db.Interviews.CountAsync(i => i.CaseId == c.Id && i.Status == InterviewRecord.Scheduled, Ct));
    }

    private static async Task<List<string>> ErrorFieldsAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        return [.. errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Guid id, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/closure") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Ct);
    }
}
