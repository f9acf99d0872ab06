using Casework.Engine.Model;
using Casework.Engine.Parsing;
using Casework.Engine.Tests.Support;
using Casework.Engine.Validation;

namespace Casework.Engine.Tests.Parsing;

public sealed class ParserTests
{
    private static BpmnParseResult Parse(string fixture) => new BpmnParser().Parse(Fixtures.Read($"Parsing/Fixtures/{fixture}"));

    [Fact]
    public void BpmnJsFile_WithDiagramInterchangeAndForeignExtensions_IsRead()
    {
        var result = Parse("bpmn-js.bpmn");

        Assert.Empty(result.Problems);
        var process = Assert.Single(result.Processes);
        Assert.Equal("registration", process.ProcessId);
        var task = Assert.IsType<UserTask>(process.Node("Register"));
        Assert.Equal(["RegistrationClerk", "Supervisor"], task.CandidateRoles);
        Assert.Equal(("registration", "P3D", "50"), (task.FormKey, task.Due, task.Priority));
        Assert.Equal(6, task.Line);
        Assert.Equal(["Flow_1"], task.Incoming);
        Assert.Equal(3, process.Nodes.Count);
    }

    [Fact]
    public void ContentHash_IgnoresLayoutAndFormatting_ButNotContent()
    {
        var original = Assert.Single(Parse("bpmn-js.bpmn").Processes).Key.ContentHash;
        var moved = Assert.Single(Parse("bpmn-js-moved.bpmn").Processes).Key.ContentHash;
        var changed = Assert.Single(new BpmnParser().Parse(Fixtures.Read("Parsing/Fixtures/bpmn-js.bpmn").Replace("P3D", "P5D")).Processes).Key.ContentHash;

        Assert.Equal(64, original.Length);
        Assert.Equal(original, moved);
        Assert.NotEqual(original, changed);
    }

    [Fact]
    public void StageAttribute_IsCarriedOnAnyElement()
    {
        var xml = Fixtures.Read("Validation/Fixtures/unknown-stage.bpmn").Replace("<bpmn:endEvent id=\"end\" />", "<bpmn:endEvent id=\"end\" cw:stage=\"Closed\" />");

        var process = Assert.Single(new BpmnParser().Parse(xml).Processes);

        Assert.Equal(("Limbo", "Closed", null), (process.Nodes["task"].Stage, process.Nodes["end"].Stage, process.Nodes["start"].Stage));
    }

    [Fact]
    public void CamundaModelerFile_ReadsCamundaAttributes()
    {
        var process = Assert.Single(Parse("camunda.bpmn").Processes);

        var task = Assert.IsType<UserTask>(process.Node("review_task"));
        Assert.Equal(["Supervisor"], task.CandidateRoles);
        Assert.Equal(["ana", "ben"], task.CandidateUsers);
        Assert.Equal(("${drafter}", "review-decision", "${dueDate}", "70"), (task.Assignee, task.FormKey, task.Due, task.Priority));
        var late = Assert.IsType<BoundaryEvent>(process.Node("late"));
        Assert.False(late.CancelActivity);
        Assert.Equal(new TimerDefinition(TimerKind.Cycle, "R3/PT10M"), late.Trigger);
        var call = Assert.IsType<CallActivity>(process.Node("call"));
        Assert.Equal((CallBinding.Version, 3, true), (call.Binding, call.CalledVersion, call.PassAllVariables));
        Assert.Equal([new VariableMapping("caseId", "caseId")], call.Inputs);
        Assert.Equal("EXCLUSION", Assert.IsType<ErrorDefinition>(((BoundaryEvent)process.Node("excluded")).Trigger).ErrorCode);
        Assert.Equal("AppealLodged", Assert.IsType<MessageDefinition>(((IntermediateCatchEvent)process.Node("wait")).Trigger).MessageName);
        Assert.Equal("case.notify", Assert.IsType<ServiceTask>(process.Node("ext")).HandlerKey);
    }

    [Fact]
    public void Collaboration_EachExecutablePoolIsADefinition()
    {
        var result = Parse("collaboration.bpmn");

        Assert.Empty(result.Problems);
        Assert.Equal(["office_process", "partner_process"], result.Processes.Select(p => p.ProcessId));
    }

    [Fact]
    public void SeveralProcessesInOneFile_AreAllRead()
    {
        var result = new BpmnParser().Parse(Fixtures.Read("Execution/Fixtures/call-chain.bpmn"));

        Assert.Equal(["parent", "child", "grandchild"], result.Processes.Select(p => p.ProcessId));
    }

    [Fact]
    public void UnsupportedElements_AreEachNamed()
    {
        var result = Parse("unsupported.bpmn");

        Assert.All(result.Problems, p => Assert.Equal(ProblemCodes.UnsupportedElement, p.Code));
        Assert.Equal(["tx", "cx", "sig", "multi", "evt"], result.Problems.Select(p => p.ElementId));
        Assert.Contains(result.Problems, p => p.ElementType == "transaction" && p.Message.Contains("transaction", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.ElementId == "multi" && p.Message.Contains("multi-instance", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<definitions><process", ProblemCodes.MalformedXml)]
    [InlineData("not xml at all", ProblemCodes.MalformedXml)]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", ProblemCodes.MalformedXml)]
    [InlineData("<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' />", ProblemCodes.NoProcess)]
    [InlineData("<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'><bpmn:process id='p' isExecutable='false' /></bpmn:definitions>", ProblemCodes.NoExecutableProcess)]
    [InlineData("<definitions xmlns='urn:other' />", ProblemCodes.NoProcess)]
    public void BadFiles_AreProblems_NeverExceptions(string xml, string code)
    {
        var result = new BpmnParser().Parse(xml);

        Assert.Empty(result.Processes);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(code, problem.Code);
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
    }
}
