namespace Casework.Web.Hosting;

/// <summary>
/// Setup that needs the database (roles, clients, workflow import). It runs before the server accepts requests;
/// if the database cannot be reached then, the node still starts (readiness says Unhealthy) and the task keeps
/// trying in the background.
/// </summary>
public abstract class StartupTask(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger) : IHostedService
{
    // Never disposed: it has no timer, and the host may stop a service after disposing the container.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource stopping = new();
    private Task? retries;

    protected TimeProvider Clock => clock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryRunAsync(cancellationToken))
        {
            retries = RetryAsync(stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (retries is not null)
        {
            await retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    protected abstract Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryRunAsync(cancellationToken))
            {
                return;
            }
        }
    }

    private async Task<bool> TryRunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await RunAsync(scope.ServiceProvider, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException { InnerException: System.Data.Common.DbException })
        {
            logger.LogWarning("{Task} waits for the database ({ErrorType}); retrying", GetType().Name, ex.GetType().Name);
            return false;
        }
    }
}
