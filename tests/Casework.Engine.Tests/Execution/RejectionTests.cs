using Casework.Engine.Execution;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Execution;

/// <summary>Commands that do not fit the state are refused with a typed reason and change nothing.</summary>
public sealed class RejectionTests
{
    private static Scenario Started() =>
        new Scenario(Fixtures.LoadSingle("Execution/Fixtures/event-race.bpmn")).Start(new { caseId = "C-1" });

    public static TheoryData<string, WorkflowCommand, RejectionReason> Refusals() => new()
    {
        { "task not open", new CompleteTask("t999"), RejectionReason.TaskNotOpen },
        { "message nobody waits for", new CorrelateMessage("AppealLodged", "other-case"), RejectionReason.NoSubscription },
        { "unknown timer", new FireTimer("tm999"), RejectionReason.TimerNotScheduled },
        { "unknown child", new ChildCompleted("case-1.c9"), RejectionReason.ChildUnknown },
        { "unknown incident", new RetryIncident("i9"), RejectionReason.IncidentUnknown },
        { "second start", new StartInstance("case-1"), RejectionReason.AlreadyStarted },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Command_ThatDoesNotFit_IsRejected_AndTheStateIsUnchanged(string because, WorkflowCommand command, RejectionReason reason)
    {
        var scenario = Started();
        var before = InstanceStateSerializer.Serialize(scenario.State!);

        var result = scenario.Execute(command);

        Assert.False(result.Accepted, because);
        Assert.Equal(reason, result.Rejection);
        Assert.Empty(result.Effects);
        Assert.Equal(before, InstanceStateSerializer.Serialize(scenario.State!));
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public void FiringACancelledTimer_IsRejected()
    {
        var scenario = Started();
        var timer = Assert.Single(scenario.State!.Timers);
        scenario.Correlate("AppealLodged", "C-1"); // cancels the deadline timer

        var result = scenario.Execute(new FireTimer(timer.Id));

        Assert.Equal(RejectionReason.TimerNotScheduled, result.Rejection);
    }

    [Fact]
    public void CompletingATaskTwice_IsRejectedTheSecondTime()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/approval-loop.bpmn")).Start();
        var task = scenario.TaskOf("draft");
        scenario.Run(new CompleteTask(task.Id));

        var again = scenario.Execute(new CompleteTask(task.Id));

        Assert.Equal(RejectionReason.TaskNotOpen, again.Rejection);
    }

    [Fact]
    public void AnyCommand_OnAFinishedInstance_IsRejected()
    {
        var scenario = Started();
        scenario.Run(new CancelInstance("withdrawn"));

        var result = scenario.Execute(new CorrelateMessage("AppealLodged", "C-1"));

        Assert.Equal(RejectionReason.InstanceFinished, result.Rejection);
        Assert.Equal(InstanceStatus.Cancelled, scenario.Status);
    }

    [Fact]
    public void Command_ForAnotherDefinitionVersion_IsRejected()
    {
        var scenario = Started();
        var other = scenario.Definition.WithKey(scenario.Definition.Key with { Version = 2 });

        var result = new WorkflowExecutor(Scenario.Expressions).Execute(other, scenario.State, new FireTimer("tm1"), scenario.Now);

        Assert.Equal(RejectionReason.DefinitionMismatch, result.Rejection);
    }
}
