using Casework.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace Casework.Web.Features.Auth;

/// <summary>
/// Creates the roles of DESIGN.md §2 if missing and registers the clients in <c>Auth:Clients</c>. Runs before
/// the server accepts requests; if the database cannot be reached then, the node still starts (readiness says
/// Unhealthy) and this keeps trying in the background.
/// </summary>
public sealed class AuthInitializer(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuthInitializer> logger)
    : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource stopping = new();
    private Task? retries;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryInitializeAsync(cancellationToken))
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

    public void Dispose() => stopping.Dispose();

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

            if (await TryInitializeAsync(cancellationToken))
            {
                return;
            }
        }
    }

    private async Task<bool> TryInitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException { InnerException: System.Data.Common.DbException })
        {
            logger.LogWarning("Roles and clients not set up yet: the database is unreachable ({ErrorType}); retrying", ex.GetType().Name);
            return false;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in CaseworkRoles.All.Append(CaseworkClaims.PartnerSystemRole))
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var result = await roles.CreateAsync(new IdentityRole(role));
                if (!result.Succeeded && !await roles.RoleExistsAsync(role))
                {
                    throw new InvalidOperationException(
                        $"Could not create role {role}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                }
            }
        }

        await scope.ServiceProvider.GetRequiredService<ClientRegistrar>().RegisterConfiguredAsync(cancellationToken);
    }
}
