using Casework.Engine.Execution;
using Casework.Engine.Migration;
using Casework.Engine.Model;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Migration;

public sealed class MigrationTests
{
    private static ProcessDefinition Version(string file, int version)
    {
        var definition = Fixtures.LoadSingle($"Migration/Fixtures/{file}");
        return definition.WithKey(definition.Key with { Version = version });
    }

    private static readonly ProcessDefinition V1 = Version("v1.bpmn", 1);
    private static readonly ProcessDefinition V2 = Version("v2.bpmn", 2);
    private static readonly ProcessDefinition V3 = Version("v3-type-change.bpmn", 3);

    private static Scenario Running() => new Scenario(V1).Start();

    private static MigrationPlanner Planner => new(Scenario.Expressions);

    [Fact]
    public void DryRun_ActiveParallelBranches_WithMappingAndAChangedTimer_CanMove()
    {
        var scenario = Running();
        var plan = new MigrationPlan(V1.Key, V2.Key, new Dictionary<string, string> { ["research"] = "countryResearch" });

        var report = Planner.DryRun(plan, V1, V2, scenario.State!, scenario.Now.AddDays(1));

        Assert.True(report.CanMigrate, string.Join("; ", report.Problems.Select(p => p.Message)));
        Assert.Equal(2, report.Changes.Count(c => c.Kind == MigrationChangeKind.TaskKept));
        var timer = Assert.Single(report.Changes, c => c.Kind == MigrationChangeKind.TimerRecomputed);
        Assert.Contains("2026-03-12", timer.Description, StringComparison.Ordinal);
        Assert.Contains("2026-03-16", timer.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_KeepsWaitingTasks_RecomputesTheTimer_AndTheInstanceRunsOnV2()
    {
        var scenario = Running();
        var interviewTask = scenario.TaskOf("interview").Id;
        var plan = new MigrationPlan(V1.Key, V2.Key, new Dictionary<string, string> { ["research"] = "countryResearch" });

        var result = new WorkflowExecutor(Scenario.Expressions).Execute(V1, scenario.State, new MigrateInstance(plan, V2), scenario.Now);

        Assert.True(result.Accepted, result.Message);
        var state = result.State!;
        Assert.Equal(V2.Key, state.Definition);
        Assert.Contains(state.Tasks, t => t.Id == interviewTask && t.ElementId == "interview");
        Assert.Contains(state.Tasks, t => t.ElementId == "countryResearch");
        Assert.Equal(scenario.Now.AddDays(14), Assert.Single(state.Timers).DueAt);
        Assert.Contains(result.Effects, e => e is TaskMoved { ElementId: "countryResearch" });
        Assert.Contains(result.Effects, e => e is TimerScheduled);
        InvariantChecks.Assert(V2, state, scenario.History);

        scenario.Adopt(V2, state);
        scenario.Complete("interview").Complete("countryResearch");
        Assert.Equal(InstanceStatus.Completed, scenario.Status);
    }

    [Fact]
    public void RemovedElement_WithoutMapping_IsRejected_NamingIt()
    {
        var scenario = Running();
        var plan = new MigrationPlan(V1.Key, V2.Key);

        var report = Planner.DryRun(plan, V1, V2, scenario.State!, scenario.Now);
        var applied = new WorkflowExecutor(Scenario.Expressions).Execute(V1, scenario.State, new MigrateInstance(plan, V2), scenario.Now);

        Assert.False(report.CanMigrate);
        Assert.Contains(report.Problems, p => p.ElementId == "research" && p.Message.Contains("no counterpart", StringComparison.Ordinal));
        Assert.Equal(RejectionReason.MigrationNotPossible, applied.Rejection);
        Assert.Same(scenario.State, applied.State);
    }

    [Fact]
    public void TypeChange_OfAnActiveElement_IsRejected()
    {
        var scenario = Running();

        var report = Planner.DryRun(new MigrationPlan(V1.Key, V3.Key), V1, V3, scenario.State!, scenario.Now);

        Assert.False(report.CanMigrate);
        Assert.Contains(report.Problems, p => p.ElementId == "interview" && p.Message.Contains("serviceTask", StringComparison.Ordinal));
    }

    [Fact]
    public void ABranchWaitingAtTheJoin_Migrates_AndTheJoinStillCompletes()
    {
        var scenario = Running().Complete("interview");
        var plan = new MigrationPlan(V1.Key, V2.Key, new Dictionary<string, string> { ["research"] = "countryResearch" });

        var result = new WorkflowExecutor(Scenario.Expressions).Execute(V1, scenario.State, new MigrateInstance(plan, V2), scenario.Now);
        scenario.Adopt(V2, result.State!);
        scenario.Complete("countryResearch");

        Assert.Equal(InstanceStatus.Completed, scenario.Status);
    }
}
