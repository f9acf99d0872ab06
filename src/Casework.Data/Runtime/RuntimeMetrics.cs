using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Casework.Data.Runtime;

/// <summary>
/// Metrics of the runtime (meter "Casework.Runtime", readable by OpenTelemetry, <c>dotnet-counters</c> or any
/// <see cref="MeterListener"/>): every workflow command with its outcome and duration, and what the workers could not
/// do. Tags carry command names, outcomes, worker names and message types, never ids or case data, so that a metric
/// has few series and nothing personal.
/// </summary>
public sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = RuntimeTracing.SourceName;

    public const string Commands = "casework.workflow.commands";
    public const string CommandDuration = "casework.workflow.command.duration";
    public const string WorkerFailures = "casework.worker.failures";
    public const string WorkerParked = "casework.worker.parked";
    public const string OutboxDelivered = "casework.outbox.delivered";

    /// <summary>The outcome of a command that threw (a handler's failure, a lost connection): it changed nothing.</summary>
    public const string Error = "error";

    private readonly Meter meter;
    private readonly bool ownsMeter;
    private readonly Counter<long> commands;
    private readonly Histogram<double> duration;
    private readonly Counter<long> failures;
    private readonly Counter<long> parked;
    private readonly Counter<long> delivered;

    /// <summary>On the host's meter factory when there is one (so each host's meters are its own), else a meter of its own.</summary>
    public RuntimeMetrics(IMeterFactory? factory = null)
    {
        ownsMeter = factory is null;
        meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        commands = meter.CreateCounter<long>(Commands, "{command}", "Workflow commands run, by command and outcome.");
        duration = meter.CreateHistogram<double>(CommandDuration, "s",
            "How long a workflow command took, from the first read to the commit or refusal, by command and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        failures = meter.CreateCounter<long>(WorkerFailures, "{attempt}",
            "Timer firings and outbox deliveries that failed and will be tried again (or parked), by worker.");
        parked = meter.CreateCounter<long>(WorkerParked, "{item}",
            "Timers that raised an incident and outbox messages parked after their last attempt, by worker: each waits for an operator.");
        delivered = meter.CreateCounter<long>(OutboxDelivered, "{message}", "Outbox messages delivered, by message type.");
    }

    /// <summary>This runtime's meter (tests listen to it alone).</summary>
    internal Meter Meter => meter;

    /// <summary>The tag value of an outcome: <c>completed</c>, <c>rejected</c>, <c>conflict</c>, <c>not-found</c>, <c>invalid</c>.</summary>
    public static string OutcomeName(RuntimeOutcomeKind kind) => kind switch
    {
        RuntimeOutcomeKind.Completed => "completed",
        RuntimeOutcomeKind.Rejected => "rejected",
        RuntimeOutcomeKind.Conflict => "conflict",
        RuntimeOutcomeKind.NotFound => "not-found",
        RuntimeOutcomeKind.Invalid => "invalid",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Records one command: <paramref name="outcome"/> is an <see cref="OutcomeName"/> or <see cref="Error"/>.</summary>
    public void Command(string command, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { RuntimeTracing.CommandTag, command }, { RuntimeTracing.OutcomeTag, outcome } };
        commands.Add(1, tags);
        duration.Record(elapsed.TotalSeconds, tags);
    }

    public void WorkerFailed(string worker) => failures.Add(1, new KeyValuePair<string, object?>("casework.worker", worker));

    public void WorkerParkedItem(string worker) => parked.Add(1, new KeyValuePair<string, object?>("casework.worker", worker));

    public void Delivered(string messageType) => delivered.Add(1, new KeyValuePair<string, object?>("casework.message_type", messageType));

    public void Dispose()
    {
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }
}
