namespace Casework.Web.Tests.Hosting;

public sealed class CorrelationIdTests
{
    private const string Header = "X-Correlation-ID";

    [Fact]
    public async Task Request_WithSafeCorrelationId_EchoesItInTheResponse()
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add(Header, "case-queue-42");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal("case-queue-42", Assert.Single(response.Headers.GetValues(Header)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("contains spaces and <script>")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Request_WithoutOrWithUnsafeCorrelationId_GetsAFreshOne(string? incoming)
    {
        await using var factory = CaseworkWebFactory.ForSqlite();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        if (incoming is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, incoming);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var id = Assert.Single(response.Headers.GetValues(Header));
        Assert.NotEqual(incoming, id);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }
}
