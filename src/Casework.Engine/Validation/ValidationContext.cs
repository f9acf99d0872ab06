using Casework.Engine.Expressions;

namespace Casework.Engine.Validation;

/// <summary>
/// What the validator checks a definition against: the expression language for syntax checks, and — when not
/// null — the service-task handler keys the host knows, the processes a call activity may call and the versions it
/// may pin (process id, version number), the form keys and the stage names (<c>cw:stage</c>).
/// </summary>
public sealed record ValidationContext(
    IExpressionEvaluator Expressions,
    IReadOnlySet<string>? HandlerKeys = null,
    Func<string, bool>? ProcessExists = null,
    IReadOnlySet<string>? FormKeys = null,
    IReadOnlySet<string>? Stages = null,
    Func<string, int, bool>? VersionExists = null);
