using Casework.Engine.Execution;
using Casework.Engine.Model;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Execution;

/// <summary>
/// A boundary error event keeps what it caught for the steps after it: the error's code and message in the variables it names
/// (<c>cw:errorCodeVariable</c>, <c>cw:errorMessageVariable</c>, or Camunda's on the event definition).
/// </summary>
public sealed class CaughtErrorTests
{
    private static Scenario AtTheCheck() =>
        new Scenario(Fixtures.LoadSingle("Execution/Fixtures/caught-error.bpmn")).Start(new { office = "nbo" });

    [Fact]
    public void TheMatchingBoundary_KeepsTheErrorsCodeAndMessage_InTheVariablesItNames()
    {
        var scenario = AtTheCheck();

        scenario.Run(new FailServiceTask(scenario.TaskOf("check", TaskKind.Service).Id, "An appeal is pending.", "BLOCKED"));

        Assert.Equal(["review"], scenario.OpenTaskElements);
        Assert.Equal("BLOCKED", scenario.Variable("blockedCode").GetString());
        Assert.Equal("An appeal is pending.", scenario.Variable("blockedBecause").GetString());
        Assert.False(scenario.State!.Variables.ContainsKey("otherCode"));
        Assert.False(scenario.State.Variables.ContainsKey("otherMessage"));
    }

    [Fact]
    public void ACatchAllBoundary_WithCamundasAttributesOnItsDefinition_KeepsAnyCodeAndMessage()
    {
        var scenario = AtTheCheck();

        scenario.Run(new FailServiceTask(scenario.TaskOf("check", TaskKind.Service).Id, "The registry did not answer.", "REGISTRY_DOWN"));

        Assert.Equal(["investigate"], scenario.OpenTaskElements);
        Assert.Equal("REGISTRY_DOWN", scenario.Variable("otherCode").GetString());
        Assert.Equal("The registry did not answer.", scenario.Variable("otherMessage").GetString());
        Assert.False(scenario.State!.Variables.ContainsKey("blockedBecause"));
    }

    [Fact]
    public void NoErrorCaught_SetsNothing()
    {
        var scenario = AtTheCheck();

        scenario.CompleteService("check");

        Assert.Equal(["proceed"], scenario.OpenTaskElements);
        Assert.DoesNotContain(scenario.State!.Variables.Keys, k => k is "blockedCode" or "blockedBecause" or "otherCode" or "otherMessage");
    }

    [Fact]
    public void AUserTasksDocumentation_IsItsInstructions_OneParagraphPerDocumentation()
    {
        var definition = Fixtures.LoadSingle("Execution/Fixtures/caught-error.bpmn");

        var review = Assert.IsType<UserTask>(definition.Nodes["review"]);
        var proceed = Assert.IsType<UserTask>(definition.Nodes["proceed"]);
        var blocked = Assert.IsType<ErrorDefinition>(Assert.IsType<BoundaryEvent>(definition.Nodes["blocked"]).Trigger);

        Assert.Equal("The check stopped the case: ${blockedBecause}\n\nError code ${blockedCode}; the office is ${office.toUpperCase()}.", review.Instructions);
        Assert.Null(proceed.Instructions);
        Assert.Equal(("blockedCode", "blockedBecause"), (blocked.CodeVariable, blocked.MessageVariable));
    }

    [Theory]
    [InlineData("No placeholder at all.", "No placeholder at all.|")]
    [InlineData("Because ${reason}.", "Because |{reason}|.|")]
    [InlineData("${a}${b}", "{a}|{b}|")]
    [InlineData("Code ${ code } stays", "Code |{code}| stays|")]
    [InlineData("Due ${ { at: due }.at } now", "Due |{{ at: due }.at}| now|")]
    [InlineData("Sign ${ '}' + x } here", "Sign |{'}' + x}| here|")]
    [InlineData("A ${ \"a\\\"}\" } b", "A |{\"a\\\"}\"}| b|")]
    [InlineData("Cost $5 and {braces}", "Cost $5 and {braces}|")]
    public void ATemplate_SplitsIntoTextAndTheExpressionsOfItsPlaceholders(string text, string expected)
    {
        var parts = ExpressionText.Template(text, out var error);

        Assert.Null(error);
        Assert.Equal(expected, string.Concat(parts.Select(p => (p.IsExpression ? "{" + p.Text + "}" : p.Text) + "|")));
    }

    [Theory]
    [InlineData("Because ${reason.", "has no closing")]
    [InlineData("Because ${ '}' .", "has no closing")]
    [InlineData("Because ${ }.", "is empty")]
    public void ABrokenPlaceholder_IsAnError(string text, string says)
    {
        var parts = ExpressionText.Template(text, out var error);

        Assert.Empty(parts);
        Assert.Contains(says, error);
    }
}
