using Serilog;
using Serilog.Formatting.Compact;

namespace Casework.Web.Hosting;

public static class LoggingSetup
{
    private const string TextTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";

    /// <summary>
    /// Serilog from the <c>Serilog</c> configuration section, enriched with the log context (correlation id);
    /// readable text on the console in Development (or when <c>Logging:Console:Format</c> is <c>Text</c>),
    /// compact JSON otherwise.
    /// </summary>
    public static WebApplicationBuilder AddCaseworkLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var format = configuration["Logging:Console:Format"];
            var text = string.IsNullOrEmpty(format)
                ? builder.Environment.IsDevelopment()
                : string.Equals(format, "Text", StringComparison.OrdinalIgnoreCase);
            logger.ReadFrom.Configuration(configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (text)
            {
                logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
        },
        // Each host keeps its own logger: the static Log.Logger is shared by every host in a process (tests run several).
        preserveStaticLogger: true);
        return builder;
    }

    /// <summary>Correlation ids first, so the request log line carries one too.</summary>
    public static WebApplication UseCaseworkRequestLogging(this WebApplication app)
    {
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseSerilogRequestLogging(options =>
        {
            // This host's logger, not the static one (see preserveStaticLogger above).
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // The path template only: query strings may carry personal data.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.EnrichDiagnosticContext = (context, http) =>
                context.Set("RequestPath", http.Request.Path.Value ?? "/");
        });
        return app;
    }
}
