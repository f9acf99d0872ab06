using System.Diagnostics;

namespace Casework.Data.Runtime;

/// <summary>
/// Tracing for the runtime (OpenTelemetry-compatible <see cref="ActivitySource"/> "Casework.Runtime"): a span per phase of
/// a task completion, so an operator (or the runtime benchmark) can see where a command's time goes. Costs nothing when
/// nobody listens. Spans carry ids only, never variables.
/// </summary>
public static class RuntimeTracing
{
    public const string SourceName = "Casework.Runtime";

    public const string Read = "complete-task.read";
    public const string Write = "complete-task.write";
    public const string Commit = "complete-task.commit";

    internal static readonly ActivitySource Source = new(SourceName);
}
