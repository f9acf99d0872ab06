using System.Diagnostics;
using System.Text.Json;
using Casework.Engine.Expressions;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Expressions;

public sealed class SandboxTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(10);

    private static ExpressionContext Context(object? variables = null) =>
        new(Scenario.Vars(variables) ?? new Dictionary<string, JsonElement>(), Now);

    [Theory]
    [InlineData("amount > 100", true)]
    [InlineData("amount > 1000", false)]
    [InlineData("name === 'Amina' && child", true)]
    [InlineData("needs.includes('TR')", true)]
    [InlineData("address.city == 'Nairobi'", true)]
    [InlineData("missing === null", true)]
    [InlineData("vars.amount === 250", true)]
    public void Condition_ReadsVariablesOfEveryJsonType(string condition, bool expected)
    {
        var result = new JintExpressionEvaluator().Evaluate(condition, ExpressionKind.Condition,
            Context(new { amount = 250, name = "Amina", child = true, needs = new[] { "TR" }, address = new { city = "Nairobi" }, missing = (string?)null }));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(expected, result.Value.GetBoolean());
    }

    [Fact]
    public void Value_ReturnsJson_AndSeesTheClock()
    {
        var evaluator = new JintExpressionEvaluator();

        var due = evaluator.Evaluate("track === 'accelerated' ? 'P7D' : 'P30D'", ExpressionKind.Value, Context(new { track = "accelerated" }));
        var clock = evaluator.Evaluate("now", ExpressionKind.Value, Context());
        var obj = evaluator.Evaluate("({ a: 1, b: [true, 'x'] })", ExpressionKind.Value, Context());

        Assert.Equal("P7D", due.Value.GetString());
        Assert.Equal("2026-03-02T09:00:00.000Z", clock.Value.GetString());
        Assert.Equal("""{"a":1,"b":[true,"x"]}""", obj.Value.GetRawText());
    }

    [Fact]
    public void Script_AddsChangesAndDeletesVariables()
    {
        var result = new JintExpressionEvaluator().Evaluate(
            "vars.count = vars.count + 1; vars.added = 'yes'; delete vars.removed; 42", ExpressionKind.Script,
            Context(new { count = 1, removed = "x", kept = true }));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, result.Variables!["count"].GetInt32());
        Assert.Equal("yes", result.Variables["added"].GetString());
        Assert.False(result.Variables.ContainsKey("removed"));
        Assert.True(result.Variables["kept"].GetBoolean());
        Assert.Equal(42, result.Value.GetInt32());
    }

    [Theory]
    [InlineData("amount >", ExpressionKind.Condition)]
    [InlineData("1; while(true) {}", ExpressionKind.Condition)]
    [InlineData("if (x {", ExpressionKind.Script)]
    public void SyntaxErrors_AreReportedWithAPosition(string source, ExpressionKind kind)
    {
        var evaluator = new JintExpressionEvaluator();

        var error = evaluator.CheckSyntax(source, kind);
        var result = evaluator.Evaluate(source, kind, Context());

        Assert.NotNull(error);
        Assert.Contains("line", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ExpressionFailure.Syntax, result.Failure);
    }

    [Fact]
    public void InfiniteLoop_IsStoppedByTheStatementLimit()
    {
        var watch = Stopwatch.StartNew();

        var result = new JintExpressionEvaluator().Evaluate("while (true) {}", ExpressionKind.Script, Context());

        Assert.Equal(ExpressionFailure.StatementLimit, result.Failure);
        Assert.True(watch.Elapsed < SafetyNet);
    }

    [Fact]
    public void SlowScript_IsStoppedByTheTimeout_WhenStatementsAreNotTheLimit()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { MaxStatements = int.MaxValue, Timeout = TimeSpan.FromMilliseconds(100) });
        var watch = Stopwatch.StartNew();

        var result = evaluator.Evaluate("while (true) {}", ExpressionKind.Script, Context());

        Assert.Equal(ExpressionFailure.Timeout, result.Failure);
        Assert.True(watch.Elapsed < SafetyNet);
    }

    [Fact]
    public void HugeAllocation_IsStoppedByTheMemoryLimit()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { MaxStatements = int.MaxValue, Timeout = TimeSpan.FromSeconds(5) });
        var watch = Stopwatch.StartNew();

        var result = evaluator.Evaluate("let a = []; while (true) { a.push('0123456789'.repeat(1000)); }", ExpressionKind.Script, Context());

        Assert.Equal(ExpressionFailure.MemoryLimit, result.Failure);
        Assert.True(watch.Elapsed < SafetyNet);
    }

    [Fact]
    public void DeepRecursion_IsStopped_ByTheRecursionLimit_NotTheClock()
    {
        // Only the recursion limit is under test: a cold, busy machine (CI runs test classes in parallel on two cores)
        // once took longer than the default 250 ms to reach depth 64, and the timeout fired first.
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { Timeout = SafetyNet });
        var watch = Stopwatch.StartNew();

        var result = evaluator.Evaluate("function f(n) { return f(n + 1); } f(0)", ExpressionKind.Script, Context());

        Assert.Equal(ExpressionFailure.RecursionLimit, result.Failure);
        Assert.True(watch.Elapsed < SafetyNet);
    }

    [Theory]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')")]
    [InlineData("importNamespace('System.IO')")]
    [InlineData("clr")]
    [InlineData("host.getType('System.Environment')")]
    [InlineData("Function('return this')().System.Environment.Exit(1)")]
    [InlineData("this.constructor.constructor('return System')()")]
    public void ReachingDotNet_Fails_WithoutTouchingTheHost(string source)
    {
        var result = new JintExpressionEvaluator().Evaluate(source, ExpressionKind.Value, Context());

        Assert.False(result.Succeeded);
        Assert.Equal(ExpressionFailure.Runtime, result.Failure);
    }

    [Fact]
    public void FunctionsCannotBeStoredAsData()
    {
        var result = new JintExpressionEvaluator().Evaluate("(() => 1)", ExpressionKind.Value, Context());

        Assert.Equal(ExpressionFailure.Runtime, result.Failure);
    }

    [Fact]
    public void EachSourceIsParsedOnce_AcrossManyEvaluationsAndThreads()
    {
        var evaluator = new JintExpressionEvaluator();

        Parallel.For(0, 200, i =>
        {
            var result = evaluator.Evaluate("n * 2", ExpressionKind.Value, Context(new { n = i }));
            Assert.Equal(i * 2, result.Value.GetInt32());
        });

        Assert.Equal(1, evaluator.ParseCount);
    }
}
