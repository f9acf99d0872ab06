using Casework.Data.Definitions;
using Casework.Data.Runtime.Handlers;
using Casework.Data.Runtime.Workers;
using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Forms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Casework.Data.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the durable runtime: the engine (with the JavaScript sandbox), the definition catalogue and
    /// service, the runtime itself, and its workers — the timer worker and the outbox dispatcher run as hosted
    /// services on every node (unless <c>Runtime:Workers:Enabled</c> is false) and share work through leases.
    /// Register service-task handlers with <see cref="AddServiceTaskHandler{THandler}"/>.
    /// </summary>
    public static IServiceCollection AddCaseworkRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new NodeIdentity(configuration["Runtime:NodeName"]));
        services.AddOptions<WorkerOptions>()
            .Bind(configuration.GetSection(WorkerOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.TryAddSingleton<IExpressionEvaluator>(_ => new JintExpressionEvaluator());
        services.TryAddSingleton(sp => new WorkflowExecutor(sp.GetRequiredService<IExpressionEvaluator>()));
        services.TryAddSingleton<DefinitionCatalog>();
        services.TryAddSingleton<DirectSql>();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton(new WorkflowVocabulary());
        services.TryAddSingleton(sp =>
        {
            var forms = FormCatalog.Load(Path.Combine(WorkflowsFolder(configuration), "forms"), Identity.CaseworkRoles.All);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<FormCatalog>();
            foreach (var problem in forms.Problems)
            {
                // Names a form file and its fields, never case data.
                logger.LogWarning("Form problem: {Problem}", problem);
            }

            return forms;
        });
        services.TryAddSingleton<IWorkItemContextProvider, VariablesWorkItemContext>();
        services.AddScoped<DefinitionService>();
        services.AddScoped<Audit.AuditTrail>();
        services.AddScoped<WorkflowRuntime>();
        services.AddScoped<IWorkflowRuntime>(sp => sp.GetRequiredService<WorkflowRuntime>());
        services.AddScoped<IOutboxHandler, ChildOutcomeHandler>();
        services.AddScoped<Versioning.InstanceMigrations>();
        services.AddScoped<IOutboxHandler, Versioning.MigrationBatchHandler>();
        services.AddSingleton<TimerWorker>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    /// <summary><c>Workflows:Path</c>, or the <c>workflows</c> folder shipped beside the application.</summary>
    public static string WorkflowsFolder(IConfiguration configuration) =>
        configuration["Workflows:Path"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "workflows");

    public static IServiceCollection AddServiceTaskHandler<THandler>(this IServiceCollection services)
        where THandler : class, IServiceTaskHandler
    {
        services.AddScoped<IServiceTaskHandler, THandler>();
        return services;
    }
}
