using Casework.Data.Configuration;
using Casework.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Casework.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Casework database: options bound from <c>Database</c> and <c>ConnectionStrings:Casework</c>
    /// and validated on start, and <see cref="CaseworkDbContext"/> resolved to the configured provider's context.
    /// The provider is read when the context is first resolved, so configuration added later still counts.
    /// </summary>
    public static IServiceCollection AddCaseworkData(
        this IServiceCollection services, IConfiguration configuration, string baseDirectory)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(o =>
            {
                o.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
                o.BaseDirectory = baseDirectory;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        // Pooled: creating a context costs more than a query on a fast database (measured in docs/benchmarks.md).
        services.AddDbContextPool<SqliteCaseworkDbContext>(Configure);
        services.AddDbContextPool<PostgresCaseworkDbContext>(Configure);
        services.AddDbContextPool<SqlServerCaseworkDbContext>(Configure);
        services.AddScoped<CaseworkDbContext>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ProviderKind switch
            {
                DatabaseProvider.Postgres => sp.GetRequiredService<PostgresCaseworkDbContext>(),
                DatabaseProvider.SqlServer => sp.GetRequiredService<SqlServerCaseworkDbContext>(),
                _ => sp.GetRequiredService<SqliteCaseworkDbContext>(),
            });
        services.AddSingleton<DatabaseInitializer>();
        return services;

        static void Configure(IServiceProvider sp, DbContextOptionsBuilder builder)
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            builder.UseCaseworkProvider(options.ProviderKind, ProviderSetup.EffectiveConnectionString(options), options.SqliteSynchronous);
        }
    }
}
