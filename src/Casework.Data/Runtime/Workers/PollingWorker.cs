using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Casework.Data.Runtime.Workers;

/// <summary>
/// The loop shared by the timer worker and the outbox dispatcher: each pass claims a batch of due rows with a
/// lease and processes them one by one; when it found less than a full batch, it waits the polling interval (on
/// the injected clock, so tests drive it with FakeTimeProvider).
/// </summary>
public abstract class PollingWorker<TRow>(IServiceScopeFactory scopes, IOptions<WorkerOptions> options, TimeProvider clock, ILogger logger)
    : BackgroundService
    where TRow : class, Records.ILeasedRow
{
    protected WorkerOptions Settings => options.Value;

    protected TimeProvider Clock => clock;

    protected IServiceScopeFactory Scopes => scopes;

    /// <summary>One pass: claims a batch of due rows and processes them. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<TRow> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            claimed = await ClaimAsync(scope.ServiceProvider.GetRequiredService<CaseworkDbContext>(), Settings, cancellationToken);
        }

        foreach (var row in claimed)
        {
            await ProcessAsync(row, Settings, cancellationToken);
        }

        return claimed.Count;
    }

    protected abstract Task<IReadOnlyList<TRow>> ClaimAsync(CaseworkDbContext db, WorkerOptions settings, CancellationToken cancellationToken);

    protected abstract Task ProcessAsync(TRow row, WorkerOptions settings, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A database outage must not kill the worker: log and try again after the interval.
                logger.LogError("{Worker} pass failed with {ErrorType}", GetType().Name, ex.GetType().Name);
            }

            if (claimed < settings.BatchSize)
            {
                try
                {
                    await Task.Delay(settings.PollingInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    protected static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000];
}
