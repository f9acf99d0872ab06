using System.Text.Json;
using Casework.Engine.Execution;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Execution;

/// <summary>Variables set from outside a task: merged in place, no token moves, and later elements read them.</summary>
public sealed class SetVariablesTests
{
    private static Dictionary<string, JsonElement> Vars(object values) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(values))!;

    [Fact]
    public void SetVariables_MergesThem_WithoutMovingAnyToken()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/approval-loop.bpmn")).Start(new { caseId = "C-1", outcome = "revise" });
        scenario.Complete("draft");
        var tokens = scenario.State!.Tokens.Select(t => (t.Id, t.ElementId)).ToList();

        var result = scenario.Execute(new SetVariables(Vars(new { outcome = "approve", track = "Accelerated" })));

        Assert.True(result.Accepted, result.Message);
        Assert.Empty(result.Effects);
        Assert.Equal(tokens, scenario.State!.Tokens.Select(t => (t.Id, t.ElementId)).ToList());
        Assert.Equal(["review"], scenario.OpenTaskElements);
        Assert.Equal("C-1", scenario.Variable("caseId").GetString());
        Assert.Equal("Accelerated", scenario.Variable("track").GetString());

        // The gateway after the review reads the value set from outside: without it the loop would go back to drafting.
        scenario.Complete("review");
        Assert.Equal(InstanceStatus.Completed, scenario.Status);
    }

    [Fact]
    public void SetVariables_OnAFinishedInstance_IsRejected_AndChangesNothing()
    {
        var scenario = new Scenario(Fixtures.LoadSingle("Execution/Fixtures/approval-loop.bpmn")).Start();
        scenario.Run(new CancelInstance("withdrawn"));
        var before = InstanceStateSerializer.Serialize(scenario.State!);

        var result = scenario.Execute(new SetVariables(Vars(new { track = "Accelerated" })));

        Assert.Equal(RejectionReason.InstanceFinished, result.Rejection);
        Assert.Equal(before, InstanceStateSerializer.Serialize(scenario.State!));
    }
}
