using Casework.Engine.Execution;
using Casework.Engine.Model;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Execution;

/// <summary>Realistic processes end to end; each step is also replayed through a serialised state.</summary>
public sealed class ScenarioTests
{
    [Fact]
    public void TenStepChain_OpensEachTaskInTurn_AndCompletes()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/chain.bpmn")).Start(new { urgent = true });

        for (var step = 1; step <= 10; step++)
        {
            Assert.Equal([$"step{step}"], scenario.OpenTaskElements);
            scenario.Complete($"step{step}");
        }

        Assert.Equal(InstanceStatus.Completed, scenario.Status);
        var last = scenario.History.OfType<TaskOpened>().Single(t => t.ElementId == "step10");
        Assert.Equal(90, last.Priority);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero), last.DueAt);
        Assert.Equal(["Supervisor"], last.CandidateRoles);
        Assert.IsType<InstanceCompleted>(scenario.LastEffects[^1]);
    }

    [Fact]
    public void ApprovalLoop_ReturnsToDraftUntilApproved()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/approval-loop.bpmn")).Start();

        scenario.Complete("draft").Complete("review", new { outcome = "return" });
        Assert.Equal(["draft"], scenario.OpenTaskElements);
        scenario.Complete("draft").Complete("review", new { outcome = "approve" });

        Assert.Equal(InstanceStatus.Completed, scenario.Status);
        Assert.Equal(2, scenario.History.OfType<TaskOpened>().Count(t => t.ElementId == "review"));
        Assert.Equal("draft-decision", scenario.History.OfType<TaskOpened>().First().FormKey);
    }

    [Fact]
    public void ForkJoin_WaitsForBothBranches()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/fork-join-timer.bpmn")).Start();
        Assert.Equal(["checks", "interview"], scenario.OpenTaskElements);

        scenario.Complete("interview");
        Assert.Equal(InstanceStatus.Running, scenario.Status);
        Assert.Equal(["checks"], scenario.OpenTaskElements);
        Assert.Empty(scenario.State!.Timers); // the SLA timer went with the interview
        scenario.Complete("checks");

        Assert.Equal(InstanceStatus.Completed, scenario.Status);
    }

    [Fact]
    public void ForkJoin_InterruptingBoundaryTimer_CancelsTheTaskAndEscalates()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/fork-join-timer.bpmn")).Start();
        var timer = Assert.Single(scenario.State!.Timers);
        Assert.Equal(scenario.Now.AddHours(1), timer.DueAt);

        scenario.Now = timer.DueAt;
        scenario.Fire("sla");

        Assert.Equal(["checks", "escalate"], scenario.OpenTaskElements);
        Assert.Contains(scenario.LastEffects, e => e is TaskClosed { ElementId: "interview", Reason: TaskCloseReason.Cancelled });
        scenario.Complete("escalate").Complete("checks");
        Assert.Equal(InstanceStatus.Completed, scenario.Status);
    }

    [Fact]
    public void EventRace_MessageWins_AndTheDeadlineTimerIsCancelled()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/event-race.bpmn")).Start(new { caseId = "NBO-2026-000001" });
        Assert.Single(scenario.State!.Timers);
        Assert.Equal("NBO-2026-000001", Assert.Single(scenario.State.Subscriptions).CorrelationKey);

        scenario.Correlate("AppealLodged", "NBO-2026-000001", new { grounds = "new evidence" });

        Assert.Equal(["decideAppeal"], scenario.OpenTaskElements);
        Assert.Empty(scenario.State!.Timers);
        Assert.Empty(scenario.State.Subscriptions);
        Assert.Contains(scenario.LastEffects, e => e is TimerCancelled);
        Assert.Equal("new evidence", scenario.Variable("grounds").GetString());
    }

    [Fact]
    public void EventRace_TimerWins_AndTheSubscriptionIsClosed()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/event-race.bpmn")).Start(new { caseId = "NBO-2026-000002" });
        scenario.Now = scenario.Now.AddDays(30);

        scenario.Fire("deadline");

        Assert.Equal(["arrangeReturn"], scenario.OpenTaskElements);
        Assert.Empty(scenario.State!.Subscriptions);
        var late = scenario.Execute(new CorrelateMessage("AppealLodged", "NBO-2026-000002"));
        Assert.Equal(RejectionReason.NoSubscription, late.Rejection);
    }

    [Fact]
    public void CallActivityChain_ParentChildGrandchild_PassVariablesDownAndBack()
    {
        var processes = Fixtures.Load("Execution/Fixtures/call-chain.bpmn");
        var parent = new Scenario(processes["parent"]).Start(new { caseId = "C-1", score = 21 });
        var toChild = Assert.Single(parent.LastEffects.OfType<ChildInstanceRequested>());
        Assert.Equal("child", toChild.CalledProcessId);
        Assert.Equal(CallBinding.Latest, toChild.Binding);
        Assert.Equal("C-1", toChild.Variables["caseRef"].GetString());
        Assert.Equal(42, toChild.Variables["doubled"].GetInt32());

        var child = new Scenario(processes["child"]).Start(instanceId: toChild.ChildInstanceId,
            variables: toChild.Variables.ToDictionary(p => p.Key, p => (object)p.Value));
        var toGrandchild = Assert.Single(child.LastEffects.OfType<ChildInstanceRequested>());
        Assert.Equal(CallBinding.Version, toGrandchild.Binding);
        Assert.Equal(1, toGrandchild.Version);
        Assert.Equal("C-1", toGrandchild.Variables["caseRef"].GetString());

        var grandchild = new Scenario(processes["grandchild"]).Start(instanceId: toGrandchild.ChildInstanceId,
            variables: toGrandchild.Variables.ToDictionary(p => p.Key, p => (object)p.Value));
        grandchild.Complete("work", new { childResult = "done" });
        Assert.Equal(InstanceStatus.Completed, grandchild.Status);

        child.Run(new ChildCompleted(toGrandchild.ChildInstanceId, grandchild.State!.Variables));
        Assert.Equal(InstanceStatus.Completed, child.Status);
        parent.Run(new ChildCompleted(toChild.ChildInstanceId, child.State!.Variables));

        Assert.Equal(InstanceStatus.Completed, parent.Status);
        Assert.Equal("done", parent.Variable("result").GetString());
    }

    [Fact]
    public void CancellingAParent_CancelsItsChild()
    {
        var parent = new Scenario(Fixtures.Load("Execution/Fixtures/call-chain.bpmn")["parent"]).Start(new { caseId = "C-2", score = 1 });
        var child = Assert.Single(parent.LastEffects.OfType<ChildInstanceRequested>()).ChildInstanceId;

        parent.Run(new CancelInstance("withdrawn"));

        Assert.Equal(InstanceStatus.Cancelled, parent.Status);
        Assert.Contains(parent.LastEffects, e => e is ChildInstanceCancelled c && c.ChildInstanceId == child);
    }
}
