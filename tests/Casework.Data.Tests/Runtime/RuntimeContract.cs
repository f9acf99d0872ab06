using Casework.Data.Definitions;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Data.Tests.Support;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Casework.Data.Tests.Runtime;

/// <summary>The durable runtime on a real database: one transaction per command, rows for every effect.</summary>
public abstract class RuntimeContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IDatabaseFixture
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    protected RuntimeHost Host(string node = "node") => new(Database, Clock, node: node);

    private async Task<(RuntimeHost Host, Guid Instance)> StartReviewAsync(object? variables = null)
    {
        var host = Host();
        await host.PublishAsync("review.bpmn");
        var started = await host.WithRuntimeAsync(r => r.StartAsync("review", "NBO-2026-000001",
            RuntimeHost.Vars(variables ?? new { caseId = "NBO-2026-000001", office = "NBO", track = "regular", casePriority = 70 }), "clerk", Ct));
        Assert.True(started.Succeeded, started.Message);
        return (host, started.InstanceId!.Value);
    }

    [Fact]
    public async Task Start_WritesTheInstanceAWorkItemWithQueueColumnsATimerAndAJournalEntry()
    {
        var (host, id) = await StartReviewAsync();
        await using var _ = host;

        await using var db = Database.NewContext();
        var instance = await db.Instances.SingleAsync(Ct);
        var item = await db.WorkItems.Include(w => w.Candidates).SingleAsync(Ct);
        Assert.Equal((id, InstanceStatus.Running, "NBO-2026-000001", 1), (instance.Id, instance.Status, instance.BusinessKey, instance.Version));
        Assert.Equal(("draft", "Draft decision", 70, "NBO", "regular"), (item.ElementId, item.Name, item.Priority, item.CaseOffice, item.CaseTrack));
        Assert.Equal(Clock.GetUtcNow().AddDays(30), item.DueAt);
        Assert.Equal(["EligibilityOfficer", "Supervisor"], item.Candidates.Select(c => c.Role).Order());
        Assert.Equal(Clock.GetUtcNow().AddHours(1), (await db.Timers.SingleAsync(Ct)).DueAt);
        var journal = await db.Journal.SingleAsync(Ct);
        Assert.Equal(("clerk", "StartInstance"), (journal.Actor, journal.Command));
        Assert.DoesNotContain("NBO-2026", journal.Effects, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletingATask_RunsTheHandlerInTheSameTransaction_ThenAMessageCompletesTheInstance()
    {
        var (host, id) = await StartReviewAsync();
        await using var _ = host;
        var workItem = await FirstOpenWorkItemAsync();

        var completed = await host.WithRuntimeAsync(r => r.CompleteTaskAsync(workItem, "officer", RuntimeHost.Vars(new { decision = "recognised" }), Ct));
        Assert.True(completed.Succeeded, completed.Message);
        await using (var db = Database.NewContext())
        {
            Assert.Single(await db.Organisations.ToListAsync(Ct)); // the handler's domain change
            Assert.Empty(await db.Timers.ToListAsync(Ct)); // the SLA timer went with the task
            Assert.Equal("AppealLodged", (await db.MessageSubscriptions.SingleAsync(Ct)).MessageName);
        }

        var nobody = await host.WithRuntimeAsync(r => r.CorrelateMessageAsync("AppealLodged", "other-case", null, "partner", Ct));
        var delivered = await host.WithRuntimeAsync(r => r.CorrelateMessageAsync("AppealLodged", "NBO-2026-000001", null, "partner", Ct));

        Assert.Equal(RuntimeOutcomeKind.NotFound, nobody.Kind);
        Assert.Contains("No workflow is waiting for message 'AppealLodged'", nobody.Message, StringComparison.Ordinal);
        Assert.True(delivered.Succeeded, delivered.Message);
        await using var check = Database.NewContext();
        var instance = await check.Instances.SingleAsync(i => i.Id == id, Ct);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Empty(await check.MessageSubscriptions.ToListAsync(Ct));
        Assert.Equal(WorkItemStatus.Completed, (await check.WorkItems.SingleAsync(Ct)).Status);
        Assert.Empty(await check.WorkItemCandidates.ToListAsync(Ct));
        Assert.Equal(4, await check.Journal.CountAsync(j => j.InstanceId == id, Ct)); // start, complete, service task, message
    }

    [Fact]
    public async Task AHandlerThatThrows_LeavesNothingBehind_AndTheCommandCanBeRetried()
    {
        var (host, id) = await StartReviewAsync();
        await using var _ = host;
        var workItem = await FirstOpenWorkItemAsync();
        var before = await SnapshotAsync();
        using var recorded = new RecordedCommands(host.Metrics);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            host.WithRuntimeAsync(r => r.CompleteTaskAsync(workItem, "officer", RuntimeHost.Vars(new { failHandler = true }), Ct)));

        Assert.Equal(before, await SnapshotAsync());
        var retried = await host.WithRuntimeAsync(r => r.CompleteTaskAsync(workItem, "officer", RuntimeHost.Vars(new { failHandler = false }), Ct));
        Assert.True(retried.Succeeded, retried.Message);
        // Operators see the failure and the retry in the metrics: one measurement per command, the failure as "error".
        Assert.Equal(new[] { ("complete-task", "error"), ("complete-task", "completed") }, recorded.Counted);
        Assert.Equal(recorded.Counted, recorded.Timed.Select(t => (t.Command, t.Outcome)));
        Assert.All(recorded.Timed, t => Assert.True(t.Seconds > 0));
        await using var db = Database.NewContext();
        Assert.Single(await db.Organisations.ToListAsync(Ct));
    }

    [Fact]
    public async Task TwentyParallelCompletionsOfOneTask_ExactlyOneSucceeds_TheOthersAreRefused()
    {
        var (host, id) = await StartReviewAsync();
        await using var _ = host;
        var workItem = await FirstOpenWorkItemAsync();
        using var recorded = new RecordedCommands(host.Metrics);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            host.WithRuntimeAsync(r => r.CompleteTaskAsync(workItem, $"officer-{i}", null, Ct)), Ct)));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.Contains(o.Kind, new[] { RuntimeOutcomeKind.Conflict, RuntimeOutcomeKind.Rejected }));
        // The metrics count what the callers were told: twenty commands, one completed, the rest by their own outcome.
        Assert.Equal(outcomes.Select(o => ("complete-task", RuntimeMetrics.OutcomeName(o.Kind))).Order(), recorded.Counted.Order());
        await using var db = Database.NewContext();
        var instance = await db.Instances.SingleAsync(Ct);
        Assert.Equal(2, instance.Revision); // start 0, completion 1, service task 2: one winner only
        Assert.Equal(3, await db.Journal.CountAsync(Ct));
        Assert.Single(await db.MessageSubscriptions.ToListAsync(Ct));
        Assert.Single(await db.Organisations.ToListAsync(Ct));
    }

    [Fact]
    public async Task ABoundaryTimer_FiredByTheWorker_OpensTheEscalationOnce()
    {
        var (host, id) = await StartReviewAsync();
        await using var _ = host;

        Assert.Equal(0, await host.Timers.RunOnceAsync(Ct));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await host.Timers.RunOnceAsync(Ct));
        Assert.Equal(0, await host.Timers.RunOnceAsync(Ct));

        await using var db = Database.NewContext();
        Assert.Equal(["draft", "escalate"], (await db.WorkItems.Where(w => w.Status == WorkItemStatus.Open).Select(w => w.ElementId).ToListAsync(Ct)).Order());
        Assert.Empty(await db.Timers.ToListAsync(Ct));
    }

    [Fact]
    public async Task CallActivity_StartsTheChildInTheSameTransaction_AndTheChildsCompletionResumesTheParentViaTheOutbox()
    {
        await using var host = Host();
        await host.PublishAsync("calls.bpmn");
        var parent = (await host.WithRuntimeAsync(r => r.StartAsync("claim", "C-7", RuntimeHost.Vars(new { caseId = "C-7" }), "clerk", Ct))).InstanceId!.Value;

        Guid child;
        await using (var db = Database.NewContext())
        {
            var row = await db.Instances.SingleAsync(i => i.ParentInstanceId == parent, Ct);
            Assert.Equal(("appeal", "C-7", "appeal"), (row.ProcessId, row.BusinessKey, row.ParentElementId));
            child = row.Id;
        }

        var task = await FirstOpenWorkItemAsync();
        await host.WithRuntimeAsync(r => r.CompleteTaskAsync(task, "officer", RuntimeHost.Vars(new { outcome = "upheld" }), Ct));
        await using (var db = Database.NewContext())
        {
            Assert.Equal(InstanceStatus.Completed, (await db.Instances.SingleAsync(i => i.Id == child, Ct)).Status);
            Assert.Equal(InstanceStatus.Running, (await db.Instances.SingleAsync(i => i.Id == parent, Ct)).Status);
        }

        Assert.Equal(1, await host.Outbox.RunOnceAsync(Ct));

        await using var check = Database.NewContext();
        var resumed = await check.Instances.SingleAsync(i => i.Id == parent, Ct);
        Assert.Equal(InstanceStatus.Completed, resumed.Status);
        Assert.Contains("\"appealOutcome\":\"upheld\"", resumed.State, StringComparison.Ordinal);
        Assert.NotNull((await check.Outbox.SingleAsync(Ct)).ProcessedAt);
    }

    [Fact]
    public async Task CancellingAParent_CancelsItsChild()
    {
        await using var host = Host();
        await host.PublishAsync("calls.bpmn");
        var parent = (await host.WithRuntimeAsync(r => r.StartAsync("claim", "C-8", RuntimeHost.Vars(new { caseId = "C-8" }), "clerk", Ct))).InstanceId!.Value;

        var cancelled = await host.WithRuntimeAsync(r => r.CancelAsync(parent, "supervisor", "withdrawn", Ct));

        Assert.True(cancelled.Succeeded, cancelled.Message);
        await using var db = Database.NewContext();
        Assert.All(await db.Instances.ToListAsync(Ct), i => Assert.Equal(InstanceStatus.Cancelled, i.Status));
        Assert.Equal(WorkItemStatus.Cancelled, (await db.WorkItems.SingleAsync(Ct)).Status);
    }

    [Fact]
    public async Task Definitions_ImportKeepsVersions_NewContentIsTheNextVersion_RetiredVersionsStartNothing()
    {
        await using var host = Host();
        var folder = Directory.CreateTempSubdirectory("casework-workflows-");
        try
        {
            var xml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Fixtures", "wait.bpmn"), Ct);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "wait.bpmn"), xml, Ct);
            await host.WithDefinitionsAsync(async d => { await d.ImportFolderAsync(folder.FullName, Ct); return 0; });
            await host.WithDefinitionsAsync(async d => { await d.ImportFolderAsync(folder.FullName, Ct); return 0; });
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "wait.bpmn"), xml.Replace("PT1M", "PT2M", StringComparison.Ordinal), Ct);
            await host.WithDefinitionsAsync(async d => { await d.ImportFolderAsync(folder.FullName, Ct); return 0; });

            var versions = await host.WithDefinitionsAsync(d => d.ListAsync(Ct));
            Assert.Equal([1, 2], versions.Select(v => v.Version));
            Assert.Contains("PT1M", versions[0].BpmnXml, StringComparison.Ordinal);

            Assert.Equal(RetireOutcome.Retired, await host.WithDefinitionsAsync(d => d.RetireAsync("wait", 2, Ct)));
            Assert.Equal(RetireOutcome.NotPublished, await host.WithDefinitionsAsync(d => d.RetireAsync("wait", 2, Ct)));
            Assert.Equal(RetireOutcome.NotPublished, await host.WithDefinitionsAsync(d => d.RetireAsync("wait", 9, Ct)));
            Assert.Equal(RetireOutcome.LastPublished, await host.WithDefinitionsAsync(d => d.RetireAsync("wait", 1, Ct)));
            var started = await host.WithRuntimeAsync(r => r.StartAsync("wait", null, null, "clerk", Ct));
            var pinned = await host.WithRuntimeAsync(r => r.StartAsync("wait", null, null, "clerk", Ct, version: 2));
            await using var db = Database.NewContext();
            Assert.Equal(1, (await db.Instances.SingleAsync(i => i.Id == started.InstanceId, Ct)).Version);
            Assert.Equal(2, (await db.Instances.SingleAsync(i => i.Id == pinned.InstanceId, Ct)).Version);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TwoSupervisorsRetiringTheLastTwoVersionsAtOnce_LeaveOnePublished()
    {
        await using var host = Host();
        var xml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Fixtures", "wait.bpmn"), Ct);
        async Task<int> PublishAsync(int minutes)
        {
            var result = await host.WithDefinitionsAsync(d => d.PublishXmlAsync(xml.Replace("PT1M", $"PT{minutes}M", StringComparison.Ordinal), "supervisor", null, Ct));
            return Assert.Single(result.Published).Version;
        }

        var survivor = await PublishAsync(1);
        for (var round = 2; round <= 9; round++)
        {
            var newer = await PublishAsync(round);
            var outcomes = await Task.WhenAll(
                Task.Run(() => host.WithDefinitionsAsync(d => d.RetireAsync("wait", survivor, Ct)), Ct),
                Task.Run(() => host.WithDefinitionsAsync(d => d.RetireAsync("wait", newer, Ct)), Ct));

            Assert.Equal([RetireOutcome.Retired, RetireOutcome.LastPublished], outcomes.Order());
            var expected = outcomes[0] == RetireOutcome.LastPublished ? survivor : newer;
            await using var db = Database.NewContext();
            survivor = Assert.Single(await db.WorkflowDefinitions.Where(d => d.ProcessId == "wait" && d.Status == DefinitionStatus.Published)
                .Select(d => d.Version).ToListAsync(Ct));
            Assert.Equal(expected, survivor);
        }
    }

    [Fact]
    public async Task ANewProcess_IsCreatedOnce_AsADraftThatPublishesAsItIs()
    {
        await using var host = Host();
        var created = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => host.WithDefinitionsAsync(d => d.CreateProcessAsync("family-tracing", "Family <tracing> & \"reunification\"", Ct)), Ct)));

        var draft = Assert.Single(created, c => c is not null)!;
        Assert.Null(await host.WithDefinitionsAsync(d => d.CreateProcessAsync("family-tracing", "Again", Ct)));
        var published = await host.WithDefinitionsAsync(d => d.PublishDraftAsync("family-tracing", "supervisor", "first", Ct));
        Assert.True(published.Succeeded, string.Join("; ", published.Problems));
        await using var db = Database.NewContext();
        var version = await db.WorkflowDefinitions.SingleAsync(d => d.ProcessId == "family-tracing", Ct);
        Assert.Equal((1, "Family <tracing> & \"reunification\"", draft.BpmnXml), (version.Version, version.Name, version.BpmnXml));
        var started = await host.WithRuntimeAsync(r => r.StartAsync("family-tracing", null, null, "clerk", Ct));
        Assert.True(started.Succeeded, started.Message);
    }

    [Fact]
    public async Task PublishingAnInvalidDraft_IsRefusedWithElementProblems_AndWritesNoVersion()
    {
        await using var host = Host();
        var broken = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Fixtures", "review.bpmn"), Ct))
            .Replace("cw:handler=\"test.record-decision\"", "cw:handler=\"test.unknown\"", StringComparison.Ordinal);

        await host.WithDefinitionsAsync(d => d.SaveDraftAsync("review", broken, null, Ct));
        var result = await host.WithDefinitionsAsync(d => d.PublishDraftAsync("review", "supervisor", "try", Ct));

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("unknown-handler", "record"), (problem.Code, problem.ElementId));
        await using var db = Database.NewContext();
        Assert.Equal([0], await db.WorkflowDefinitions.Select(d => d.Version).ToListAsync(Ct));
    }

    [Fact]
    public async Task CompletingATaskOnTheDirectPath_WritesTheSameRowsAsTheGeneralPath()
    {
        await using var host = Host();
        await host.PublishAsync("handover.bpmn");
        var vars = RuntimeHost.Vars(new { office = "NBO", track = "regular", casePriority = 60 });
        var direct = (await host.WithRuntimeAsync(r => r.StartAsync("handover", "CASE-D", vars, "clerk", Ct))).InstanceId!.Value;
        var general = (await host.WithRuntimeAsync(r => r.StartAsync("handover", "CASE-G", vars, "clerk", Ct))).InstanceId!.Value;
        Clock.Advance(TimeSpan.FromHours(2));
        var writtenBefore = host.Direct.Written;

        // The direct path: completing "interview" cancels its boundary timer, opens "draft" and schedules its reminder.
        var firstTask = await OpenItemAsync(direct);
        var directOutcome = await host.WithRuntimeAsync(r => r.CompleteTaskAsync(firstTask, "officer", null, Ct));
        // The general path, through change tracking, for the same command on a twin instance.
        var generalTask = await TaskIdAsync(general);
        var generalOutcome = await host.WithRuntimeAsync(r => r.ExecuteAsync(general, _ => new Casework.Engine.Execution.CompleteTask(generalTask, null), "officer", Ct));
        // Finishing: the direct path ends the instance (and cancels the reminder).
        var secondTask = await OpenItemAsync(direct);
        var finished = await host.WithRuntimeAsync(r => r.CompleteTaskAsync(secondTask, "officer", null, Ct));
        var generalDraft = await TaskIdAsync(general);
        var generalFinished = await host.WithRuntimeAsync(r => r.ExecuteAsync(general, _ => new Casework.Engine.Execution.CompleteTask(generalDraft, null), "officer", Ct));

        Assert.True(directOutcome.Succeeded && generalOutcome.Succeeded && finished.Succeeded && generalFinished.Succeeded);
        Assert.Equal(2, host.Direct.Written - writtenBefore);
        Assert.Equal(await RowsAsync(general), await RowsAsync(direct));
        await using var db = Database.NewContext();
        var ended = await db.Instances.SingleAsync(i => i.Id == direct, Ct);
        Assert.Equal((InstanceStatus.Completed, 2L, Clock.GetUtcNow()), (ended.Status, ended.Revision, ended.EndedAt));
    }

    [Fact]
    public async Task TwentyParallelCompletionsOnTheDirectPath_ExactlyOneSucceeds_AndTheRowsStayConsistent()
    {
        await using var host = Host();
        await host.PublishAsync("handover.bpmn");
        var id = (await host.WithRuntimeAsync(r => r.StartAsync("handover", "CASE-P", RuntimeHost.Vars(new { casePriority = 60 }), "clerk", Ct))).InstanceId!.Value;
        var workItem = await OpenItemAsync(id);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            host.WithRuntimeAsync(r => r.CompleteTaskAsync(workItem, $"officer-{i}", null, Ct)), Ct)));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.Contains(o.Kind, new[] { RuntimeOutcomeKind.Conflict, RuntimeOutcomeKind.Rejected }));
        await using var db = Database.NewContext();
        Assert.Equal(1, (await db.Instances.SingleAsync(Ct)).Revision);
        Assert.Equal(2, await db.Journal.CountAsync(Ct));
        var items = await db.WorkItems.Include(w => w.Candidates).OrderBy(w => w.ElementId).ToListAsync(Ct);
        Assert.Equal([("draft", WorkItemStatus.Open, 1), ("interview", WorkItemStatus.Completed, 0)],
            items.Select(w => (w.ElementId, w.Status, w.Candidates.Count)));
        Assert.Equal("reminder", (await db.Timers.SingleAsync(Ct)).ElementId);
    }

    [Fact]
    public async Task ManyOfficersAtOnceOnDifferentCases_EveryCommandLands()
    {
        // Commands on different instances do not conflict: on SQLite they queue for the single write lock, on
        // PostgreSQL they run side by side. None may fail or be lost.
        const int cases = 24;
        await using var host = Host();
        await host.PublishAsync("handover.bpmn");
        var started = await Task.WhenAll(Enumerable.Range(0, cases).Select(i => Task.Run(() =>
            host.WithRuntimeAsync(r => r.StartAsync("handover", $"CASE-{i:D2}", RuntimeHost.Vars(new { casePriority = 60 }), "clerk", Ct)), Ct)));
        Assert.All(started, s => Assert.True(s.Succeeded, s.Message));

        var items = new List<Guid>();
        foreach (var start in started)
        {
            items.Add(await OpenItemAsync(start.InstanceId!.Value));
        }

        var writtenBefore = host.Direct.Written;
        var completed = await Task.WhenAll(items.Select((item, i) => Task.Run(() =>
            host.WithRuntimeAsync(r => r.CompleteTaskAsync(item, $"officer-{i % 4}", null, Ct)), Ct)));

        Assert.All(completed, c => Assert.True(c.Succeeded, c.Message));
        Assert.Equal(cases, host.Direct.Written - writtenBefore);
        await using var db = Database.NewContext();
        Assert.Equal(Enumerable.Repeat(1L, cases), await db.Instances.Select(i => i.Revision).ToListAsync(Ct));
        Assert.Equal(2 * cases, await db.Journal.CountAsync(Ct));
        Assert.Equal(cases, await db.WorkItems.CountAsync(w => w.ElementId == "draft" && w.Status == WorkItemStatus.Open, Ct));
        Assert.Equal(cases, await db.WorkItems.CountAsync(w => w.ElementId == "interview" && w.Status == WorkItemStatus.Completed, Ct));
        Assert.Equal(cases, await db.Timers.CountAsync(t => t.ElementId == "reminder", Ct));
    }

    private async Task<Guid> OpenItemAsync(Guid instance)
    {
        await using var db = Database.NewContext();
        return await db.WorkItems.Where(w => w.InstanceId == instance && w.Status == WorkItemStatus.Open).Select(w => w.Id).SingleAsync(Ct);
    }

    private async Task<string> TaskIdAsync(Guid instance)
    {
        await using var db = Database.NewContext();
        return await db.WorkItems.Where(w => w.InstanceId == instance && w.Status == WorkItemStatus.Open).Select(w => w.TaskId).SingleAsync(Ct);
    }

    /// <summary>An instance's rows without their own ids: what both paths must agree on.</summary>
    private async Task<string> RowsAsync(Guid id)
    {
        await using var db = Database.NewContext();
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == id, Ct);
        var items = await db.WorkItems.AsNoTracking().Include(w => w.Candidates).Where(w => w.InstanceId == id).ToListAsync(Ct);
        var timers = await db.Timers.AsNoTracking().Where(t => t.InstanceId == id).ToListAsync(Ct);
        var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == id).OrderBy(j => j.Id).ToListAsync(Ct);
        return string.Join("\n",
            [
                $"{instance.Status} {instance.Revision} {instance.HasIncident} {instance.UpdatedAt:O} {instance.EndedAt:O} {instance.State.Length}",
                .. items.OrderBy(w => w.TaskId).Select(w => $"{w.TaskId} {w.ElementId} {w.Name} {w.Status} {w.ClosedBy} {w.ClosedAt:O} {w.Revision} {w.CandidateRoles} "
                    + $"{w.Priority} {w.DueAt:O} {w.CreatedAt:O} {w.CaseOffice} {w.CaseTrack} {w.CasePriority} "
                    + string.Join(",", w.Candidates.OrderBy(c => c.Role).Select(c => $"{c.Role}/{c.CaseOffice}/{c.Priority}/{c.DueAt:O}/{c.Status}"))),
                .. timers.OrderBy(t => t.TimerId).Select(t => $"{t.TimerId} {t.ElementId} {t.DueAt:O} {t.Attempts} {t.LeaseOwner}"),
                .. journal.Select(j => $"{j.At:O} {j.Actor} {j.Command} {j.Details} {j.Effects} {j.Revision}"),
            ]);
    }

    protected async Task<Guid> FirstOpenWorkItemAsync()
    {
        await using var db = Database.NewContext();
        return await db.WorkItems.Where(w => w.Status == WorkItemStatus.Open).OrderBy(w => w.CreatedAt).Select(w => w.Id).FirstAsync(Ct);
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = Database.NewContext();
        var instance = await db.Instances.AsNoTracking().SingleAsync(Ct);
        return string.Join("|",
            instance.Revision, instance.State,
            await db.WorkItems.CountAsync(w => w.Status == WorkItemStatus.Open, Ct),
            await db.Timers.CountAsync(Ct), await db.MessageSubscriptions.CountAsync(Ct),
            await db.Journal.CountAsync(Ct), await db.Organisations.CountAsync(Ct), await db.Outbox.CountAsync(Ct));
    }
}

public sealed class SqliteRuntimeTests(SqliteDatabaseFixture fixture)
    : RuntimeContract<SqliteDatabaseFixture>(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class PostgresRuntimeTests(PostgresDatabaseFixture fixture)
    : RuntimeContract<PostgresDatabaseFixture>(fixture), IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task ACompletionTheDatabaseEndsToBreakADeadlock_RunsAgainOnItsOwn_AndLandsOnce()
    {
        // Another writer holds the task's row and then asks for the instance's row, which the completion took first:
        // a deadlock. PostgreSQL ends the completion (it has waited longest), and the runtime runs it again once the
        // other writer is gone, instead of handing the officer a "try again".
        await using var host = Host();
        await host.PublishAsync("handover.bpmn");
        var id = (await host.WithRuntimeAsync(r => r.StartAsync("handover", "CASE-D", RuntimeHost.Vars(new { casePriority = 60 }), "clerk", Ct))).InstanceId!.Value;
        var workItem = await OpenItemOfAsync(id);
        await using var other = new NpgsqlConnection(Database.ConnectionString);
        await other.OpenAsync(Ct);
        var otherPid = other.ProcessID;
        await using var otherWrite = await other.BeginTransactionAsync(Ct);
        await SqlAsync(other, """UPDATE work_items SET "Revision" = "Revision" WHERE "Id" = @id""", workItem);

        var completion = Task.Run(() => host.WithRuntimeAsync(r => r.CompleteTaskAsync(workItem, "officer", null, Ct)), Ct);
        await PostgresLocks.WaitUntilBlockedByAsync(Database.ConnectionString, otherPid, completion, "The completion", Ct);

        await SqlAsync(other, """UPDATE workflow_instances SET "UpdatedAt" = "UpdatedAt" WHERE "Id" = @id""", id);
        await otherWrite.RollbackAsync(Ct);
        var outcome = await completion;

        Assert.True(outcome.Succeeded, $"{outcome.Kind}: {outcome.Message}");
        await using var db = Database.NewContext();
        Assert.Equal(1, (await db.Instances.SingleAsync(Ct)).Revision);
        Assert.Equal(2, await db.Journal.CountAsync(Ct));
        var items = await db.WorkItems.OrderBy(w => w.ElementId).Select(w => new { w.ElementId, w.Status, w.ClosedBy }).ToListAsync(Ct);
        Assert.Equal([("draft", WorkItemStatus.Open, (string?)null), ("interview", WorkItemStatus.Completed, "officer")],
            items.Select(w => (w.ElementId, w.Status, w.ClosedBy)));

        async Task SqlAsync(NpgsqlConnection connection, string sql, Guid key)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("id", key);
            await command.ExecuteNonQueryAsync(Ct);
        }
    }

    [Fact]
    public async Task AMoveOfCasesTheDatabaseEndsToBreakADeadlock_StartsAgainOnItsOwn_AndStartsOnce()
    {
        // Another writer keeps the outbox to itself and then asks for the moves' table, where the start has just written
        // its job and waits for the outbox to queue the first batch: a deadlock. PostgreSQL ends the start (it has waited
        // longest), which runs again once the other writer is gone, instead of handing the supervisor a "try again".
        await using var host = Host();
        var xml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Fixtures", "wait.bpmn"), Ct);
        for (var minutes = 1; minutes <= 2; minutes++)
        {
            await host.WithDefinitionsAsync(d => d.PublishXmlAsync(xml.Replace("PT1M", $"PT{minutes}M", StringComparison.Ordinal), "supervisor", null, Ct));
        }

        await using var other = new NpgsqlConnection(Database.ConnectionString);
        await other.OpenAsync(Ct);
        await using var otherWrite = await other.BeginTransactionAsync(Ct);
        await LockAsync("outbox_messages");
        var starting = Task.Run(() => host.WithMigrationsAsync(m => m.StartAsync("wait", 1, 2, null, "supervisor", Ct)), Ct);
        await PostgresLocks.WaitUntilBlockedByAsync(Database.ConnectionString, other.ProcessID, starting, "The start", Ct);
        await LockAsync("migration_jobs");
        await otherWrite.RollbackAsync(Ct);

        var job = Assert.IsType<Casework.Data.Versioning.MigrationJobRecord>((await starting).Job);
        await using var db = Database.NewContext();
        var stored = await db.MigrationJobs.SingleAsync(Ct);
        Assert.Equal((job.Id, Casework.Data.Versioning.MigrationJobStatus.Pending, "supervisor"), (stored.Id, stored.Status, stored.RequestedBy));
        Assert.Equal(1, await db.Outbox.CountAsync(Ct));

        async Task LockAsync(string table)
        {
            await using var command = new NpgsqlCommand($"LOCK TABLE {table} IN EXCLUSIVE MODE", other);
            await command.ExecuteNonQueryAsync(Ct);
        }
    }

    [Fact]
    public async Task AWriteThatWaitedOutTheConnectionsLockTimeout_IsHandedOnAfterOneWait_NotWaitedForAgain()
    {
        // An installation may set lock_timeout on its connections: a write that waited that long for another writer is
        // answered "try again" then, not after waiting the timeout out twice more.
        await using var other = new NpgsqlConnection(Database.ConnectionString);
        await other.OpenAsync(Ct);
        await using var otherWrite = await other.BeginTransactionAsync(Ct);
        await using (var hold = new NpgsqlCommand("LOCK TABLE organisations IN EXCLUSIVE MODE", other))
        {
            await hold.ExecuteNonQueryAsync(Ct);
        }

        await using var db = TestContexts.Postgres(Database.ConnectionString + ";Options=-c lock_timeout=200");
        var attempts = 0;
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => WriterClash.AgainAfterClashAsync(db, NullLogger.Instance, "a test write", () =>
        {
            attempts++;
            return db.Organisations.ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name), Ct);
        }, Ct));

        // EF Core's execution strategy reports it wrapped.
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
        Assert.True(DbErrors.IsTransient(refused), refused.Message);
        Assert.Equal(1, attempts);
        await otherWrite.RollbackAsync(Ct);
    }

    [Fact]
    public async Task ARetirementTheDatabaseEndsToBreakADeadlock_RunsAgainOnItsOwn_AndRetiresOnce()
    {
        // Another writer holds the newest version's row and then asks for the oldest, which the retirement took first
        // (it takes every published version of the process, oldest first): a deadlock. PostgreSQL ends the retirement,
        // which runs again once the other writer is gone, instead of handing the supervisor a "try again".
        await using var host = Host();
        var xml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Fixtures", "wait.bpmn"), Ct);
        for (var minutes = 1; minutes <= 3; minutes++)
        {
            var published = await host.WithDefinitionsAsync(d => d.PublishXmlAsync(xml.Replace("PT1M", $"PT{minutes}M", StringComparison.Ordinal), "supervisor", null, Ct));
            Assert.Equal(minutes, Assert.Single(published.Published).Version);
        }

        await using var other = new NpgsqlConnection(Database.ConnectionString);
        await other.OpenAsync(Ct);
        await using var otherWrite = await other.BeginTransactionAsync(Ct);
        await TouchVersionAsync(3);

        var retirement = Task.Run(() => host.WithDefinitionsAsync(d => d.RetireAsync("wait", 1, Ct)), Ct);
        await PostgresLocks.WaitUntilBlockedByAsync(Database.ConnectionString, other.ProcessID, retirement, "The retirement", Ct);

        await TouchVersionAsync(1);
        await otherWrite.RollbackAsync(Ct);

        Assert.Equal(RetireOutcome.Retired, await retirement);
        await using var db = Database.NewContext();
        var statuses = await db.WorkflowDefinitions.Where(d => d.ProcessId == "wait").OrderBy(d => d.Version).Select(d => d.Status).ToListAsync(Ct);
        Assert.Equal([DefinitionStatus.Retired, DefinitionStatus.Published, DefinitionStatus.Published], statuses);

        async Task TouchVersionAsync(int version)
        {
            await using var command = new NpgsqlCommand(
                """UPDATE workflow_definitions SET "Status" = "Status" WHERE "ProcessId" = 'wait' AND "Version" = @version""", other);
            command.Parameters.AddWithValue("version", version);
            await command.ExecuteNonQueryAsync(Ct);
        }
    }

    private async Task<Guid> OpenItemOfAsync(Guid instance)
    {
        await using var db = Database.NewContext();
        return await db.WorkItems.Where(w => w.InstanceId == instance && w.Status == WorkItemStatus.Open).Select(w => w.Id).SingleAsync(Ct);
    }
}
