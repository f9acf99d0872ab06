using Casework.Data;
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
    /// Validates the settings and prepares the database; an invalid setting becomes a
    /// <see cref="CaseworkConfigurationException"/> that names it.
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
    }
}
