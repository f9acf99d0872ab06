using Casework.Engine.Tests.Support;
using Casework.Engine.Validation;

namespace Casework.Engine.Tests.Validation;

/// <summary>Each fixture breaks exactly one rule; the problem names the rule, the element, its type and its line.</summary>
public sealed class ValidationTests
{
    private static readonly ValidationContext Context = new(
        Scenario.Expressions,
        HandlerKeys: new HashSet<string> { "case.triage" },
        ProcessExists: id => id is "p" or "appeal",
        FormKeys: new HashSet<string> { "interview" },
        Stages: new HashSet<string> { "Assessment" },
        VersionExists: (id, version) => id == "appeal" && version is 1 or 2);

    [Theory]
    [InlineData("no-start-event", ProblemCodes.NoStartEvent, "p", "process", null)]
    [InlineData("unknown-stage", ProblemCodes.UnknownStage, "task", "userTask", 6)]
    [InlineData("unreachable-element", ProblemCodes.UnreachableElement, "orphan", "userTask", 7)]
    [InlineData("dead-end", ProblemCodes.DeadEnd, "task", "userTask", 6)]
    [InlineData("gateway-without-outgoing", ProblemCodes.GatewayWithoutOutgoing, "gw", "exclusiveGateway", 6)]
    [InlineData("unconditioned-flow", ProblemCodes.UnconditionedFlow, "gw", "exclusiveGateway", 6)]
    [InlineData("expression-syntax", ProblemCodes.ExpressionSyntax, "task", "scriptTask", 6)]
    [InlineData("bad-duration", ProblemCodes.BadDuration, "task", "userTask", 6)]
    [InlineData("bad-timer", ProblemCodes.BadTimer, "wait", "intermediateCatchEvent", 6)]
    [InlineData("unknown-handler", ProblemCodes.UnknownHandler, "task", "serviceTask", 6)]
    [InlineData("unknown-process", ProblemCodes.UnknownProcess, "task", "callActivity", 6)]
    [InlineData("unknown-version", ProblemCodes.UnknownVersion, "task", "callActivity", 6)]
    [InlineData("incomplete-mapping", ProblemCodes.MissingAttribute, "task", "callActivity", 7)]
    [InlineData("mapping-target-not-a-name", ProblemCodes.BadMapping, "task", "callActivity", 7)]
    [InlineData("error-variable-not-a-name", ProblemCodes.BadVariableName, "failed", "boundaryEvent", 6)]
    [InlineData("instructions-placeholder", ProblemCodes.ExpressionSyntax, "task", "userTask", 6)]
    [InlineData("instructions-unclosed", ProblemCodes.ExpressionSyntax, "task", "userTask", 6)]
    [InlineData("duplicate-id", ProblemCodes.DuplicateId, "task", "userTask", 7)]
    [InlineData("unsupported-element", ProblemCodes.UnsupportedElement, "task", "businessRuleTask", 6)]
    [InlineData("bad-event-gateway", ProblemCodes.BadEventGateway, "gw", "eventBasedGateway", 6)]
    [InlineData("bad-flow-reference", ProblemCodes.BadFlowReference, "f1", "sequenceFlow", 5)]
    public void Fixture_BreakingOneRule_IsReportedWithElementTypeAndLine(string fixture, string code, string elementId, string elementType, int? line)
    {
        var result = DefinitionReader.ReadAndValidate(Fixtures.Read($"Validation/Fixtures/{fixture}.bpmn"), Context);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(code, problem.Code);
        Assert.Equal(elementId, problem.ElementId);
        Assert.Equal(elementType, problem.ElementType);
        Assert.Equal(line, problem.Line);
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
    }

    [Fact]
    public void ValidFixture_HasNoProblems()
    {
        var result = DefinitionReader.ReadAndValidate(Fixtures.Read("Validation/Fixtures/valid.bpmn"), Context);

        Assert.Empty(result.Problems);
        Assert.Single(result.Processes);
    }

    [Fact]
    public void UnknownForm_IsReported_WhenFormsAreKnown()
    {
        var result = DefinitionReader.ReadAndValidate(Fixtures.Read("Validation/Fixtures/valid.bpmn"),
            Context with { FormKeys = new HashSet<string>() });

        Assert.Equal(ProblemCodes.UnknownForm, Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void EveryReferenceFixture_IsValidToo()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Execution", "Fixtures"), "*.bpmn"))
        {
            var result = DefinitionReader.ReadAndValidate(File.ReadAllText(file), new ValidationContext(Scenario.Expressions));
            Assert.True(result.Succeeded, Path.GetFileName(file) + ": " + string.Join("; ", result.Problems));
        }
    }
}
