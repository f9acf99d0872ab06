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
    /// Validates the settings and prepares the database. Returns false, after logging which setting is wrong,
    /// when the configuration is invalid, so the process can stop with a non-zero exit code.
    /// </summary>
    public static async Task<bool> InitializeCaseworkDatabaseAsync(this WebApplication app)
    {
        try
        {
            await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
            return true;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                app.Logger.LogCritical("Invalid configuration: {Failure}", failure);
            }

            await Console.Error.WriteLineAsync("Casework cannot start: " + string.Join(" ", ex.Failures));
            return false;
        }
    }
}
