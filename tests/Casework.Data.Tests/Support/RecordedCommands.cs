using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Casework.Data.Runtime;

namespace Casework.Data.Tests.Support;

/// <summary>What one host's <see cref="RuntimeMetrics"/> recorded while this listens (no other host's meter is heard).</summary>
public sealed class RecordedCommands : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> measured = new();

    public RecordedCommands(RuntimeMetrics metrics)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measured.Enqueue((instrument.Name, value, Tags(tags))));
        listener.Start();
    }

    /// <summary>The commands counted, in order: one entry per unit added to the commands counter.</summary>
    public IReadOnlyList<(string Command, string Outcome)> Counted =>
    [
        .. measured.Where(m => m.Instrument == RuntimeMetrics.Commands)
            .SelectMany(m => Enumerable.Repeat((m.Tags[RuntimeTracing.CommandTag]!, m.Tags[RuntimeTracing.OutcomeTag]!), (int)m.Value)),
    ];

    /// <summary>The command durations recorded, in order.</summary>
    public IReadOnlyList<(string Command, string Outcome, double Seconds)> Timed =>
    [
        .. measured.Where(m => m.Instrument == RuntimeMetrics.CommandDuration)
            .Select(m => (m.Tags[RuntimeTracing.CommandTag]!, m.Tags[RuntimeTracing.OutcomeTag]!, m.Value)),
    ];

    /// <summary>The sum of a counter's measurements whose tag <paramref name="tag"/> is <paramref name="value"/>.</summary>
    public double Sum(string instrument, string tag, string value) =>
        measured.Where(m => m.Instrument == instrument && m.Tags.GetValueOrDefault(tag) == value).Sum(m => m.Value);

    private static Dictionary<string, string?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value?.ToString();
        }

        return result;
    }

    public void Dispose() => listener.Dispose();
}
