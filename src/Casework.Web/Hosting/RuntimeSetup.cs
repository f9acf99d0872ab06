using Casework.Data.Definitions;
using Casework.Data.Runtime;

namespace Casework.Web.Hosting;

public static class RuntimeSetup
{
    /// <summary>The durable workflow runtime and its workers (timers, outbox) on this node, and the workflow import.</summary>
    public static WebApplicationBuilder AddCaseworkRuntime(this WebApplicationBuilder builder)
    {
        builder.Services.AddCaseworkRuntime(builder.Configuration);
        builder.Services.AddHostedService<WorkflowImport>();
        return builder;
    }
}

/// <summary>
/// Imports <c>Workflows:Path</c> on start (default: the <c>workflows</c> folder shipped beside the application): a
/// file whose content is new becomes the next published version; existing versions never change.
/// </summary>
public sealed class WorkflowImport(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment,
    TimeProvider clock, ILogger<WorkflowImport> logger) : StartupTask(scopes, clock, logger)
{
    protected override Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var configured = configuration["Workflows:Path"];
        var folder = string.IsNullOrWhiteSpace(configured)
            ? RuntimeServiceCollectionExtensions.WorkflowsFolder(configuration)
            : Path.GetFullPath(configured, environment.ContentRootPath);
        return services.GetRequiredService<DefinitionService>().ImportFolderAsync(folder, cancellationToken);
    }
}
