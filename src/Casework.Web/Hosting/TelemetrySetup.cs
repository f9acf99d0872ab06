using Casework.Data.Runtime;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Casework.Web.Hosting;

/// <summary>The <c>Telemetry</c> settings: where OpenTelemetry traces and metrics go.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The collector's base address (<c>http://collector:4317</c>); empty turns export off.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The <c>service.name</c> every span and metric carries.</summary>
    public string ServiceName { get; set; } = "casework";

    /// <summary>How often metrics are exported.</summary>
    public TimeSpan MetricExportInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public static class TelemetrySetup
{
    /// <summary>Request paths nobody needs a trace of: probes and static files.</summary>
    private static readonly string[] Untraced = ["/health", "/_framework", "/_content", "/lib", "/css", "/js", "/favicon.ico"];

    /// <summary>
    /// OpenTelemetry traces and metrics, exported over OTLP when <c>Telemetry:OtlpEndpoint</c> is set: a span per request
    /// (named by its route template; the query string's values are redacted), per outgoing HTTP call, per PostgreSQL
    /// command (its SQL text, never its parameters) and per workflow command with its phases; the request, runtime, .NET and
    /// Npgsql meters and the runtime's own (<see cref="RuntimeMetrics"/>). Spans and metrics carry ids, routes and names of
    /// things, never case data or user names. With no endpoint nothing is collected; the meters stay readable by
    /// <c>dotnet-counters</c>. Log events carry the trace id of their request (<c>CorrelationId</c> when the caller sent none).
    /// </summary>
    public static WebApplicationBuilder AddCaseworkTelemetry(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            return builder;
        }

        var endpoint = Endpoint(settings.OtlpEndpoint);
        var protocol = Protocol(settings.OtlpProtocol);
        if (string.IsNullOrWhiteSpace(settings.ServiceName))
        {
            throw new CaseworkConfigurationException($"{TelemetryOptions.Section}:ServiceName must not be empty when telemetry is exported.");
        }

        if (settings.MetricExportInterval < TimeSpan.FromSeconds(1) || settings.MetricExportInterval > TimeSpan.FromHours(1))
        {
            throw new CaseworkConfigurationException(
                $"{TelemetryOptions.Section}:MetricExportInterval must be between 00:00:01 and 01:00:00 (it is {settings.MetricExportInterval}).");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName,
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString(), autoGenerateServiceInstanceId: true))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = http => !Untraced.Any(prefix => http.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
                    // An exception's message can quote case data: the span keeps its error status, not the text.
                    options.RecordException = false;
                })
                .AddHttpClientInstrumentation(options => options.RecordException = false)
                .AddNpgsql()
                .AddSource(RuntimeTracing.SourceName)
                .AddOtlpExporter(options => Target(options, endpoint, protocol, "v1/traces")))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(RuntimeMetrics.MeterName)
                .AddOtlpExporter((options, reader) =>
                {
                    Target(options, endpoint, protocol, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.MetricExportInterval.TotalMilliseconds;
                }));
        return builder;
    }

    private static Uri Endpoint(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CaseworkConfigurationException(
                $"{TelemetryOptions.Section}:OtlpEndpoint must be an absolute http or https address such as http://collector:4317 (it is '{value}').");

    private static OtlpExportProtocol Protocol(string value) => value.Trim().ToLowerInvariant() switch
    {
        "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new CaseworkConfigurationException(
            $"{TelemetryOptions.Section}:OtlpProtocol must be 'grpc' or 'http/protobuf' (it is '{value}')."),
    };

    /// <summary>gRPC takes the collector's address as it is; OTLP over HTTP posts each signal to its own path under it.</summary>
    private static void Target(OtlpExporterOptions options, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
    }
}
