namespace Casework.Data.Runtime.Workers;

/// <summary>Settings of the timer worker and the outbox dispatcher (<c>Runtime:Workers</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Runtime:Workers";

    /// <summary>Run the workers on this node. Off in tests that drive workers by hand.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle worker looks for due rows.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many rows a worker claims at a time.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claim holds before another node may take the row (a crashed node's rows come back after it).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts before a failing timer or message raises an incident and stops retrying.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry delay; each further attempt doubles it.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The settings' problems, each naming its setting. (Checked by hand: DataAnnotations' RangeAttribute is not safe
    /// to use from several hosts starting at once.)
    /// </summary>
    public IEnumerable<string> Problems()
    {
        if (PollingInterval < TimeSpan.FromMilliseconds(10) || PollingInterval > TimeSpan.FromHours(1))
        {
            yield return "Runtime:Workers:PollingInterval must be between 00:00:00.010 and 01:00:00.";
        }

        if (BatchSize is < 1 or > 10_000)
        {
            yield return "Runtime:Workers:BatchSize must be between 1 and 10000.";
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromHours(1))
        {
            yield return "Runtime:Workers:LeaseDuration must be between 00:00:01 and 01:00:00.";
        }

        if (MaxAttempts is < 1 or > 100)
        {
            yield return "Runtime:Workers:MaxAttempts must be between 1 and 100.";
        }

        if (RetryBaseDelay < TimeSpan.FromMilliseconds(1) || RetryBaseDelay > TimeSpan.FromHours(1))
        {
            yield return "Runtime:Workers:RetryBaseDelay must be between 00:00:00.001 and 01:00:00.";
        }
    }

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1, doubling from <see cref="RetryBaseDelay"/>, capped at an hour.</summary>
    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, RetryBaseDelay.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20))));
}

/// <summary>Stops the application with the name of each bad <c>Runtime:Workers</c> setting.</summary>
public sealed class WorkerOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WorkerOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, WorkerOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems)
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
