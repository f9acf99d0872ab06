using System.Text.Json;

namespace Casework.Engine.Expressions;

/// <summary>What an expression is used for; decides how its result is read.</summary>
public enum ExpressionKind
{
    /// <summary>A sequence-flow condition: the result is coerced to a boolean (JavaScript truthiness).</summary>
    Condition,

    /// <summary>A computed value (timer, due date, priority, assignee, mapping): the result as JSON.</summary>
    Value,

    /// <summary>A script task's body: statements that may change variables through <c>vars</c>.</summary>
    Script,
}

/// <summary>Why an evaluation failed.</summary>
public enum ExpressionFailure
{
    None,
    Syntax,
    Runtime,
    Timeout,
    StatementLimit,
    MemoryLimit,
    RecursionLimit,
}

/// <summary>
/// The inputs of one evaluation. Variables are visible to JavaScript as globals by name (when the name is a
/// valid identifier) and as properties of the global object <c>vars</c>; <c>now</c> is the clock's time as
/// an ISO 8601 string.
/// </summary>
public sealed record ExpressionContext(IReadOnlyDictionary<string, JsonElement> Variables, DateTimeOffset Now);

/// <summary>
/// The outcome of one evaluation. For <see cref="ExpressionKind.Condition"/> <see cref="Value"/> is a JSON
/// boolean; for <see cref="ExpressionKind.Value"/> the result converted to JSON (undefined becomes null);
/// for <see cref="ExpressionKind.Script"/> <see cref="Value"/> is the completion value and
/// <see cref="Variables"/> holds every variable as the script left <c>vars</c> (added, changed, deleted).
/// </summary>
public sealed record ExpressionResult
{
    public ExpressionFailure Failure { get; init; }
    public string? Error { get; init; }
    public JsonElement Value { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? Variables { get; init; }

    public bool Succeeded => Failure == ExpressionFailure.None;

    public static ExpressionResult Fail(ExpressionFailure failure, string error) =>
        new() { Failure = failure, Error = error };
}

/// <summary>
/// Evaluates JavaScript in a sandbox: no CLR access, bounded statements, time, memory and recursion.
/// Implementations are thread-safe and cache parsed scripts, so each distinct source is parsed once.
/// They never throw for a bad or hostile script: every failure is an <see cref="ExpressionResult"/>.
/// </summary>
public interface IExpressionEvaluator
{
    /// <summary>Returns null when <paramref name="source"/> parses as <paramref name="kind"/>; else a message with line and column.</summary>
    string? CheckSyntax(string source, ExpressionKind kind);

    ExpressionResult Evaluate(string source, ExpressionKind kind, ExpressionContext context);
}
