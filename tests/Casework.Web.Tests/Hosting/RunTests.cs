using System.Net;
using Casework.Testing;

namespace Casework.Web.Tests.Hosting;

/// <summary>The application as a newcomer starts it: a real process, defaults from appsettings.json.</summary>
public sealed class RunTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_OnAFreshMachine_CreatesAndMigratesSqliteListensAndStopsCleanlyOnCtrlC()
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = new TempFolder();
        await using var app = AppProcess.Start(root.Path, new Dictionary<string, string>());

        Assert.True(await app.WaitUntilListeningAsync(StartTimeout, ct), "The app did not start:\n" + app.Output);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var ready = await client.GetAsync("/health/ready", ct);
        await app.InterruptAsync(ct);
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(ct));
        Assert.True(File.Exists(Path.Combine(root.Path, "data", "casework.db")), "No database under data/:\n" + app.Output);
        Assert.Matches(@"Applying \d+ migrations", app.Output);
        Assert.Contains("Application is shutting down", app.Output, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Run_OutsideDevelopment_LogsCompactJsonWithTheRequestCorrelationId()
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = new TempFolder();
        await using var app = AppProcess.Start(root.Path, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Serilog__MinimumLevel__Override__Microsoft.AspNetCore"] = "Warning",
            ["Auth__SigningCertificatePath"] = TestCertificates.SigningPath,
            ["Auth__EncryptionCertificatePath"] = TestCertificates.EncryptionPath,
        });

        Assert.True(await app.WaitUntilListeningAsync(StartTimeout, ct), "The app did not start:\n" + app.Output);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Correlation-ID", "corr-run-test-1");
        await client.SendAsync(request, ct);
        await app.InterruptAsync(ct);
        await app.WaitForExitAsync(TimeSpan.FromSeconds(30), ct);

        var lines = app.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var requestLine = Assert.Single(lines, l => l.Contains("corr-run-test-1", StringComparison.Ordinal)
            && l.Contains("\"RequestMethod\"", StringComparison.Ordinal));
        using var json = System.Text.Json.JsonDocument.Parse(requestLine);
        Assert.Equal("corr-run-test-1", json.RootElement.GetProperty("CorrelationId").GetString());
        Assert.Equal("/health/live", json.RootElement.GetProperty("RequestPath").GetString());
        Assert.True(json.RootElement.TryGetProperty("@mt", out _), "Expected Serilog compact JSON: " + requestLine);
    }

    [Fact]
    public async Task Run_OutsideDevelopmentWithoutASigningKey_StopsWithAnErrorNamingTheSetting()
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = new TempFolder();
        await using var app = AppProcess.Start(root.Path, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        });

        var exitCode = await app.WaitForExitAsync(StartTimeout, ct);

        Assert.Equal(1, exitCode);
        Assert.Contains("Casework cannot start: Auth:SigningCertificatePath is required", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", app.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Oracle", null, "Database:Provider")]
    [InlineData("", null, "Database:Provider")]
    [InlineData("Postgres", "", "ConnectionStrings:Casework")]
    [InlineData("SqlServer", "", "ConnectionStrings:Casework")]
    [InlineData("Sqlite", "Mode=Memory", "ConnectionStrings:Casework")]
    public async Task Run_WithABadDatabaseSetting_StopsWithAnErrorNamingTheSetting(
        string provider, string? connectionString, string setting)
    {
        var ct = TestContext.Current.CancellationToken;
        using var root = new TempFolder();
        var environment = new Dictionary<string, string> { ["Database__Provider"] = provider };
        if (connectionString is not null)
        {
            environment["ConnectionStrings__Casework"] = connectionString;
        }

        await using var app = AppProcess.Start(root.Path, environment);
        var exitCode = await app.WaitForExitAsync(StartTimeout, ct);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(setting, app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", app.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root.Path, "data", "casework.db")), "A bad setting must not leave a database behind.");
    }
}
