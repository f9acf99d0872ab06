namespace Casework.Web.Hosting;

/// <summary>
/// Setup that needs the database (roles, clients, workflow import). It runs before the server accepts requests;
/// if the database cannot be reached then, the node still starts (readiness says Unhealthy) and the task keeps
/// trying in the background. Several nodes may start at the same moment: a task that meets a row another node has
/// just written (a unique key broken) runs again at once and finds it there.
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

    /// <summary>
    /// How often a task runs again at once when another node, starting at the same moment, wrote the same row first
    /// (a role, a client, a workflow version): the next run finds it there and goes on with the rest.
    /// </summary>
    private const int SameMomentAttempts = 5;

    private async Task<bool> TryRunAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunAsync(scope.ServiceProvider, cancellationToken);
                return true;
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException ex) when (Casework.Data.DbErrors.IsUniqueViolation(ex))
            {
                if (attempt == SameMomentAttempts)
                {
                    logger.LogWarning("{Task} kept meeting rows another node wrote at the same moment; retrying later", GetType().Name);
                    return false;
                }

                logger.LogInformation("{Task} met a row another node wrote at the same moment; running it again", GetType().Name);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException { InnerException: System.Data.Common.DbException })
            {
                logger.LogWarning("{Task} waits for the database ({ErrorType}); retrying", GetType().Name, ex.GetType().Name);
                return false;
            }
        }
    }
}
