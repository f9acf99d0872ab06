using System.ComponentModel.DataAnnotations;

namespace Casework.Data.Runtime.Workers;

/// <summary>Settings of the timer worker and the outbox dispatcher (<c>Runtime:Workers</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Runtime:Workers";

    /// <summary>Run the workers on this node. Off in tests that drive workers by hand.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle worker looks for due rows.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many rows a worker claims at a time.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claim holds before another node may take the row (a crashed node's rows come back after it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts before a failing timer or message raises an incident and stops retrying.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry delay; each further attempt doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1, doubling from <see cref="RetryBaseDelay"/>, capped at an hour.</summary>
    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, RetryBaseDelay.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20))));
}
