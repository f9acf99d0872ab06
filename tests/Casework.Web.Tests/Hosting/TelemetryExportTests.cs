using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Casework.Data.Identity;
using Casework.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ApiHost = Casework.Web.Tests.Api.ApiHost;

namespace Casework.Web.Tests.Hosting;

/// <summary>
/// A node exporting to an OpenTelemetry collector (a stand-in on 127.0.0.1 that keeps what it is sent): the collector gets
/// the request spans by route, the workflow command spans and the runtime's metrics, and never a name someone searched for.
/// </summary>
public sealed class TelemetryExportTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A given name no other test uses, so finding it in an export could only come from this test's requests.</summary>
    private const string Searched = "Nyokabiwairimu";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ANodeWithACollector_ExportsRequestAndWorkflowSpansAndMetrics_WithoutThePersonalDataOfTheRequests(string store)
    {
        await using var collector = await OtlpCollector.StartAsync();
        var factory = await CaseworkWebFactory.ForStoreAsync(store, postgres);
        factory.ExtraSettings["Telemetry:OtlpEndpoint"] = collector.Address;
        factory.ExtraSettings["Telemetry:OtlpProtocol"] = "http/protobuf";
        factory.ExtraSettings["Telemetry:ServiceName"] = "casework-under-test";
        await using var host = await ApiHost.StartAsync(factory, ("clerk.otel", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.otel");

        var (_, number) = await ApiHost.RegisterCaseAsync(clerk, Searched);
        var search = await clerk.GetAsync($"/api/cases?name={Searched}", Ct);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Contains(number, await search.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await host.CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });

        Assert.True(host.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000), "the spans were not exported");
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000), "the metrics were not exported");

        var traces = collector.Received("/v1/traces");
        var metrics = collector.Received("/v1/metrics");
        Assert.Contains("casework-under-test", traces, StringComparison.Ordinal);
        Assert.Contains("GET /api/cases", traces, StringComparison.Ordinal);
        Assert.Contains("POST /api/tasks/{", traces, StringComparison.Ordinal);
        Assert.Contains("workflow complete-task", traces, StringComparison.Ordinal);
        Assert.Contains("workflow start", traces, StringComparison.Ordinal);
        Assert.Contains("complete-task.commit", traces, StringComparison.Ordinal);
        if (store == "postgres")
        {
            Assert.Contains("postgresql", traces, StringComparison.Ordinal);
        }

        Assert.Contains("casework.workflow.commands", metrics, StringComparison.Ordinal);
        Assert.Contains("casework.workflow.command.duration", metrics, StringComparison.Ordinal);
        Assert.Contains("complete-task", metrics, StringComparison.Ordinal);
        Assert.Contains("http.server.request.duration", metrics, StringComparison.Ordinal);

        // The name went into a form, a search's query string and (on PostgreSQL) SQL parameters: none of it leaves the node.
        Assert.DoesNotContain(Searched, traces, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Searched, metrics, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("clerk.otel", traces, StringComparison.Ordinal);
        Assert.DoesNotContain("clerk.otel", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4317", "Telemetry:OtlpEndpoint must be an absolute http or https address")]
    [InlineData("Telemetry:OtlpEndpoint", "/v1/traces", "Telemetry:OtlpEndpoint must be an absolute http or https address")]
    [InlineData("Telemetry:OtlpProtocol", "http/json", "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf' (it is 'http/json')")]
    [InlineData("Telemetry:MetricExportInterval", "00:00:00.100", "Telemetry:MetricExportInterval must be between 00:00:01 and 01:00:00")]
    [InlineData("Telemetry:ServiceName", " ", "Telemetry:ServiceName must not be empty")]
    public void ABadTelemetrySetting_StopsTheNode_NamingIt(string key, string value, string message)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4318",
            [key] = value,
        });

        var error = Assert.Throws<CaseworkConfigurationException>(() => builder.AddCaseworkTelemetry());

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAnEndpoint_NothingIsCollected()
    {
        var builder = WebApplication.CreateSlimBuilder();

        builder.AddCaseworkTelemetry();

        using var app = builder.Build();
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    /// <summary>A stand-in OpenTelemetry collector speaking OTLP over HTTP: it answers every export with success and keeps the bodies.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> received = new();

        private OtlpCollector(WebApplication app) => this.app = app;

        public string Address => app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var collector = new OtlpCollector(builder.Build());
            collector.app.MapPost("/v1/{signal}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body, http.RequestAborted);
                collector.received.Enqueue((http.Request.Path.Value!, body.ToArray()));
                // An empty protobuf message is a valid export response: everything accepted.
                return Results.Bytes([], "application/x-protobuf");
            });
            await collector.app.StartAsync(Ct);
            return collector;
        }

        /// <summary>
        /// Every body posted to <paramref name="path"/>, as text: OTLP's protobuf keeps strings (span names, attribute keys and
        /// values, metric names) as UTF-8 bytes, so a string sent is found as it is.
        /// </summary>
        public string Received(string path) =>
            string.Concat(received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
