namespace Casework.Testing;

/// <summary>
/// One <see cref="PostgresServer"/> per test assembly. Register with
/// <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c> and take it in a test class constructor.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? server;

    public PostgresServer Server => server ?? throw new InvalidOperationException("The fixture has not started.");

    public async ValueTask InitializeAsync() => server = await PostgresServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
