using System.Net;
using Casework.Testing;

namespace Casework.Web.Tests.Hosting;

public sealed class HealthEndpointTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_OnSqlite_AnswersHealthy(string path)
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        using var client = factory.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_OnPostgres_AnswersHealthy(string path)
    {
        await using var factory = await CaseworkWebFactory.ForPostgresAsync(postgres.Server);
        using var client = factory.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Ready_WhenPostgresDatabaseIsUnreachable_AnswersUnhealthyButLiveStaysHealthy()
    {
        postgres.Server.RequireAvailable();
        await using var factory = new CaseworkWebFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:MigrateOnStart"] = "false",
            ["ConnectionStrings:Casework"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=none;Timeout=2",
        });
        using var client = factory.CreateClient();

        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var live = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
