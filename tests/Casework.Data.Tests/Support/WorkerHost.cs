using Casework.Data.Configuration;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Data.Tests.Support;

/// <summary>A node's worth of runtime services over a test database, without a web host.</summary>
public sealed class WorkerHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    public WorkerHost(TestDatabase database, FakeTimeProvider clock, Action<IServiceCollection>? configure = null,
        Action<WorkerOptions>? options = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(Options.Create(new DatabaseOptions
        {
            Provider = database.Provider.ToString(),
            ConnectionString = database.ConnectionString,
        }));
        services.AddScoped(_ => database.NewContext());
        services.AddSingleton(new NodeIdentity("test-node"));
        var workerOptions = new WorkerOptions { BatchSize = 10, MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(10) };
        options?.Invoke(workerOptions);
        services.AddSingleton(Options.Create(workerOptions));
        services.AddSingleton<RuntimeMetrics>();
        services.AddSingleton<TimerWorker>();
        services.AddSingleton<OutboxDispatcher>();
        configure?.Invoke(services);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public IServiceProvider Services => provider;

    public RuntimeMetrics Metrics => provider.GetRequiredService<RuntimeMetrics>();

    public TimerWorker Timers => provider.GetRequiredService<TimerWorker>();

    public OutboxDispatcher Outbox => provider.GetRequiredService<OutboxDispatcher>();

    public string NodeName => provider.GetRequiredService<NodeIdentity>().Name;

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
