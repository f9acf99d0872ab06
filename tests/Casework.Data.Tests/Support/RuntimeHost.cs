using System.Text.Json;
using Casework.Data.Configuration;
using Casework.Data.Definitions;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Handlers;
using Casework.Data.Runtime.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Data.Tests.Support;

/// <summary>One application node's runtime over a test database: its own service provider, like a separate process.</summary>
public sealed class RuntimeHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    public RuntimeHost(TestDatabase database, FakeTimeProvider clock, Action<IServiceCollection>? configure = null, string node = "node")
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(Options.Create(new DatabaseOptions { Provider = database.Provider.ToString(), ConnectionString = database.ConnectionString }));
        services.AddScoped(_ => database.NewContext());
        services.AddSingleton(new NodeIdentity(node));
        services.AddCaseworkRuntime(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Runtime:Workers:Enabled"] = "false",
            ["Runtime:Workers:BatchSize"] = "50",
            ["Runtime:Workers:MaxAttempts"] = "3",
        }).Build());
        services.AddServiceTaskHandler<RecordDecisionHandler>();
        configure?.Invoke(services);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public DirectSql Direct => provider.GetRequiredService<DirectSql>();

    public RuntimeMetrics Metrics => provider.GetRequiredService<RuntimeMetrics>();

    public TimerWorker Timers => provider.GetRequiredService<TimerWorker>();

    public OutboxDispatcher Outbox => provider.GetRequiredService<OutboxDispatcher>();

    /// <summary>Runs <paramref name="work"/> with a <typeparamref name="TService"/> of a new scope, as one request would.</summary>
    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = provider.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<T> WithRuntimeAsync<T>(Func<WorkflowRuntime, Task<T>> work) => WithAsync(work);

    public Task<T> WithDefinitionsAsync<T>(Func<DefinitionService, Task<T>> work) => WithAsync(work);

    public Task<T> WithMigrationsAsync<T>(Func<Versioning.InstanceMigrations, Task<T>> work) => WithAsync(work);

    public async Task PublishAsync(string fixture)
    {
        var xml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Runtime", "Fixtures", fixture));
        var result = await WithDefinitionsAsync(d => d.PublishXmlAsync(xml, "test", null, TestContext.Current.CancellationToken));
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
    }

    public static IReadOnlyDictionary<string, JsonElement> Vars(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}

/// <summary>
/// The service-task handler of the fixtures: writes domain data (an organisation row stands in for a decision)
/// inside the command's transaction, or throws when told to.
/// </summary>
public sealed class RecordDecisionHandler : IServiceTaskHandler
{
    public string Key => "test.record-decision";

    public async Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
    {
        context.Database.Organisations.Add(new Identity.Organisation { Id = Guid.NewGuid(), Name = "decision " + context.InstanceId });
        await context.Database.SaveChangesAsync(cancellationToken);
        if (context.Variables.TryGetValue("failHandler", out var fail) && fail.ValueKind == JsonValueKind.True)
        {
            throw new InvalidOperationException("The decision register is down.");
        }

        return new Dictionary<string, JsonElement> { ["recorded"] = JsonSerializer.SerializeToElement(true) };
    }
}
