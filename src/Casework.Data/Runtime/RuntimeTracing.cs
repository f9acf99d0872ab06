using System.Diagnostics;

namespace Casework.Data.Runtime;

/// <summary>
/// Tracing for the runtime (OpenTelemetry-compatible <see cref="ActivitySource"/> "Casework.Runtime"): a span per phase of
/// a task completion under a span per command, so an operator (or the runtime benchmark) can see where a command's time goes. Costs nothing when
/// nobody listens. Spans carry ids only, never variables.
/// </summary>
public static class RuntimeTracing
{
    public const string SourceName = "Casework.Runtime";

    public const string Read = "complete-task.read";
    public const string Write = "complete-task.write";
    public const string Commit = "complete-task.commit";

    /// <summary>The tags of a command's span: its name, its outcome (as in <see cref="RuntimeMetrics"/>) and the instance it touched.</summary>
    public const string CommandTag = "casework.command";
    public const string OutcomeTag = "casework.outcome";
    public const string InstanceTag = "casework.instance.id";

    internal static readonly ActivitySource Source = new(SourceName);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SpanNames = new(StringComparer.Ordinal);

    /// <summary>The span a whole command runs under (<c>workflow complete-task</c>); the phases above are its children.</summary>
    public static string CommandSpan(string command) => SpanNames.GetOrAdd(command, c => "workflow " + c);
}
