using Casework.Data.Runtime.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Casework.Data.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the durable runtime's workers: the timer worker and the outbox dispatcher run as hosted
    /// services on every node (unless <c>Runtime:Workers:Enabled</c> is false) and share work through leases.
    /// </summary>
    public static IServiceCollection AddCaseworkRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new NodeIdentity(configuration["Runtime:NodeName"]));
        services.AddOptions<WorkerOptions>()
            .Bind(configuration.GetSection(WorkerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TimerWorker>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
