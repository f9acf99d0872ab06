using Casework.Data;
using Casework.Data.Configuration;
using Microsoft.Extensions.Options;

namespace Casework.Web.Hosting;

public static class DataSetup
{
    public static WebApplicationBuilder AddCaseworkData(this WebApplicationBuilder builder)
    {
        builder.Services.AddCaseworkData(builder.Configuration, builder.Environment.ContentRootPath);
        return builder;
    }

    /// <summary>
    /// Validates the settings and prepares the database; an invalid setting, or a database that refuses or does not answer
    /// while being migrated, becomes a <see cref="CaseworkConfigurationException"/> that names it.
    /// </summary>
    public static async Task InitializeCaseworkDatabaseAsync(this WebApplication app)
    {
        try
        {
            await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                app.Logger.LogCritical("Invalid configuration: {Failure}", failure);
            }

            throw new CaseworkConfigurationException(string.Join(" ", ex.Failures), ex);
        }
        catch (Exception ex) when (DatabaseStartProblem.Explain(ex, app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value) is { } problem)
        {
            // Migrating on start (always on SQLite): the database refused or did not answer. Said once, plainly, without a stack trace.
            app.Logger.LogCritical("The database could not be prepared: {Problem}", problem);
            throw new CaseworkConfigurationException(problem, ex);
        }
    }
}
