using Casework.Engine.Execution;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Execution;

/// <summary>One behaviour of one element per test.</summary>
public sealed class ElementTests
{
    [Fact]
    public void InclusiveGateway_ForksOnEveryTrueCondition_AndItsJoinWaitsOnlyForThoseBranches()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/inclusive.bpmn")).Start(new { isChild = true, tortureSurvivor = true });
        Assert.Equal(["childAssessment", "tortureReferral"], scenario.OpenTaskElements);

        scenario.Complete("childAssessment");
        Assert.Equal(["tortureReferral"], scenario.OpenTaskElements);
        scenario.Complete("tortureReferral");

        Assert.Equal(["after"], scenario.OpenTaskElements);
    }

    [Fact]
    public void InclusiveGateway_WithNoTrueCondition_TakesTheDefaultFlow_AndJoinsAtOnce()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/inclusive.bpmn")).Start(new { isChild = false, tortureSurvivor = false });
        Assert.Equal(["medical"], scenario.OpenTaskElements);

        scenario.Complete("medical");

        Assert.Equal(["after"], scenario.OpenTaskElements);
    }

    [Fact]
    public void ExclusiveGateway_TakesTheFirstTrueConditionInDocumentOrder()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/exclusive.bpmn")).Start(new { x = 5 });

        Assert.Equal(["a"], scenario.OpenTaskElements);
    }

    [Fact]
    public void ExclusiveGateway_WithNoTrueConditionAndNoDefault_RaisesAnIncidentOnTheGateway()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/exclusive.bpmn")).Start(new { x = 0 });

        var incident = Assert.Single(scenario.State!.Incidents);
        Assert.Equal("route", incident.ElementId);
        Assert.Contains("no default flow", incident.Message, StringComparison.Ordinal);
        Assert.Empty(scenario.OpenTaskElements);
        Assert.Equal(InstanceStatus.Running, scenario.Status);
    }

    [Fact]
    public void ScriptTask_WithAnEndlessLoop_BecomesAnIncident_WithinBoundedTime()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/hostile.bpmn"));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        scenario.Start(new { hang = true });

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "The sandbox must stop the loop.");
        var incident = Assert.Single(scenario.State!.Incidents);
        Assert.Equal("loop", incident.ElementId);
        Assert.Contains("StatementLimit", incident.Message, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.Running, scenario.Status);
        Assert.Contains(scenario.LastEffects, e => e is IncidentRaised { ElementId: "loop" });

        scenario.Run(new RetryIncident(incident.Id)); // still hangs: a new incident, nothing corrupted
        Assert.Single(scenario.State!.Incidents);
    }

    [Fact]
    public void ErrorEndEvent_InANestedSubProcess_IsCaughtByTheOuterBoundary_AndCancelsEverythingInside()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/errors.bpmn")).Start();
        Assert.Equal(["interview", "research"], scenario.OpenTaskElements);
        Assert.Single(scenario.State!.Timers); // the non-interrupting SLA on the interview

        scenario.Complete("interview", new { exclusion = true });

        Assert.Equal(["seniorReview"], scenario.OpenTaskElements);
        Assert.Empty(scenario.State!.Scopes);
        Assert.Empty(scenario.State.Timers);
        Assert.Contains(scenario.LastEffects, e => e is TaskClosed { ElementId: "research", Reason: TaskCloseReason.Cancelled });
    }

    [Fact]
    public void SubProcesses_CompleteWhenTheirLastTokenEnds()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/errors.bpmn")).Start();

        scenario.Complete("interview", new { exclusion = false });
        Assert.Equal(["research"], scenario.OpenTaskElements);
        scenario.Complete("research");

        Assert.Equal(["decide"], scenario.OpenTaskElements);
        Assert.Empty(scenario.State!.Scopes);
    }

    [Fact]
    public void NonInterruptingBoundaryTimer_StartsAParallelPath_AndKeepsTheTask()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/errors.bpmn")).Start();
        scenario.Now = scenario.Now.AddDays(7);

        scenario.Fire("interviewSla");

        Assert.Equal(["interview", "remind", "research"], scenario.OpenTaskElements);
    }

    [Fact]
    public void UncaughtError_FaultsTheInstance_WithItsCode()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/uncaught-error.bpmn")).Start();

        Assert.Equal(InstanceStatus.Faulted, scenario.Status);
        Assert.Equal("OTHER", scenario.State!.FaultCode);
        Assert.Contains(scenario.LastEffects, e => e is InstanceFaulted { ErrorCode: "OTHER" });
    }

    [Fact]
    public void TerminateEndEvent_EndsTheWholeInstance_CancellingOtherBranches()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/terminate.bpmn")).Start(new { caseId = "C-9" });

        scenario.Correlate("ClaimWithdrawn", "C-9");

        Assert.Equal(InstanceStatus.Completed, scenario.Status);
        Assert.Contains(scenario.LastEffects, e => e is TaskClosed { ElementId: "assess", Reason: TaskCloseReason.Cancelled });
        Assert.Contains(scenario.LastEffects, e => e is TimerCancelled);
    }

    [Fact]
    public void CycleTimer_R3_FiresThreeTimesThenStops()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/terminate.bpmn")).Start(new { caseId = "C-10" });

        for (var i = 1; i <= 3; i++)
        {
            var timer = Assert.Single(scenario.State!.Timers);
            Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 10 * i, 0, TimeSpan.Zero), timer.DueAt);
            scenario.Now = timer.DueAt;
            scenario.Fire("weekly");
        }

        Assert.Empty(scenario.State!.Timers);
        Assert.Equal(3, scenario.State.Tasks.Count(t => t.ElementId == "chase"));
        Assert.Contains(scenario.State.Tasks, t => t.ElementId == "assess");
    }

    [Fact]
    public void ScriptServiceAndReceiveTasks_RunInOrder_WithVariablesAndMessages()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/activities.bpmn"))
            .Start(new { caseId = "C-3", needs = new[] { "SC-UC", "TR" } });

        Assert.Equal(20, scenario.Variable("priority").GetInt32());
        Assert.Equal(3, scenario.Variable("total").GetInt32());
        var invoked = Assert.Single(scenario.LastEffects.OfType<ServiceTaskInvoked>());
        Assert.Equal("case.triage", invoked.HandlerKey);

        scenario.CompleteService("triage", new { track = "accelerated" });
        Assert.Equal(2, scenario.State!.Subscriptions.Count);

        scenario.Correlate("DocumentsReceived", "reminder-C-3");
        Assert.Equal(["noteReminder"], scenario.OpenTaskElements);
        Assert.Equal(2, scenario.State!.Subscriptions.Count); // non-interrupting: still listening

        scenario.Correlate("DocumentsReceived", "C-3");
        Assert.Empty(scenario.State!.Subscriptions);
        scenario.Complete("noteReminder");
        Assert.Equal(InstanceStatus.Completed, scenario.Status);
        Assert.Equal("accelerated", scenario.Variable("track").GetString());
    }

    [Fact]
    public void ServiceTaskFailure_WithoutAnErrorCode_IsAnIncident_AndRetryInvokesItAgain()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/activities.bpmn")).Start(new { caseId = "C-4", needs = Array.Empty<string>() });
        var task = scenario.TaskOf("triage", TaskKind.Service);

        scenario.Run(new FailServiceTask(task.Id, "triage rules unavailable"));
        var incident = Assert.Single(scenario.State!.Incidents);
        scenario.Run(new RetryIncident(incident.Id));

        Assert.Empty(scenario.State!.Incidents);
        Assert.Single(scenario.LastEffects.OfType<ServiceTaskInvoked>());
    }

    [Fact]
    public void MessageAndTimerStartEvents_StartAtTheNamedEvent()
    {
        var definition = Fixtures.LoadSingle("Execution/Fixtures/starts.bpmn");

        var byMessage = new Scenario(definition).Start(startEventId: "byMessage");
        var byTimer = new Scenario(definition).Start(startEventId: "byTimer", instanceId: "sweep-1");
        var noneStart = new Scenario(definition).Execute(new StartInstance("x"));

        Assert.Equal(["register"], byMessage.OpenTaskElements);
        Assert.Equal(["sweep"], byTimer.OpenTaskElements);
        Assert.Equal(RejectionReason.NoStartEvent, noneStart.Rejection);
    }
}

public sealed class TimerValueTests
{
    [Theory]
    [InlineData("accelerated", 7)]
    [InlineData("regular", 30)]
    public void ComputedDurationTimer_AndLiteralDateTimer_AreScheduledFromTheirValues(string track, int days)
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/computed-timers.bpmn"))
            .Start(new { track, decisionDue = "2026-06-15T17:00:00Z", drafter = "officer.one" });

        Assert.Equal(scenario.Now.AddDays(days), Assert.Single(scenario.State!.Timers).DueAt);
        scenario.Now = scenario.Now.AddDays(days);
        scenario.Fire("window");
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 30, 0, TimeSpan.Zero), Assert.Single(scenario.State!.Timers).DueAt);
        scenario.Fire("hearing");

        var task = Assert.Single(scenario.LastEffects.OfType<TaskOpened>());
        Assert.Equal(new DateTimeOffset(2026, 6, 15, 17, 0, 0, TimeSpan.Zero), task.DueAt);
        Assert.Equal("officer.one", task.Assignee);
    }

    [Fact]
    public void ComputedTimer_WithABadValue_IsAnIncidentNamingTheElement()
    {
        // 'track' is not defined: strict JavaScript throws, and the timer cannot be scheduled.
        var broken = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/computed-timers.bpmn"));
        broken.Run(new StartInstance("x", Scenario.Vars(new { })));

        var incident = Assert.Single(broken.State!.Incidents);
        Assert.Equal("window", incident.ElementId);
    }
}
