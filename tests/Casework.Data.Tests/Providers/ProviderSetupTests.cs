using Casework.Data.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Casework.Data.Tests.Providers;

public sealed class ProviderSetupTests
{
    [Fact]
    public void PostgresConnections_PrepareRepeatedStatements_UnlessConfiguredOtherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(ProviderSetup.PostgresConnectionString("Host=127.0.0.1;Database=casework"));
        var off = new NpgsqlConnectionStringBuilder(ProviderSetup.PostgresConnectionString("Host=127.0.0.1;Database=casework;Max Auto Prepare=0"));
        var own = new NpgsqlConnectionStringBuilder(ProviderSetup.PostgresConnectionString("Host=127.0.0.1;MaxAutoPrepare=5;Auto Prepare Min Usages=7"));

        Assert.Equal((64, 2, "casework"), (defaulted.MaxAutoPrepare, defaulted.AutoPrepareMinUsages, defaulted.Database));
        Assert.Equal(0, off.MaxAutoPrepare);
        Assert.Equal((5, 7), (own.MaxAutoPrepare, own.AutoPrepareMinUsages));
    }

    [Theory]
    [InlineData("Full", 2L)]
    [InlineData("Normal", 1L)]
    public async Task SqliteConnections_CarryTheirPragmasOnEveryUse_ThoughTheyAreSetOncePerPooledConnection(string synchronous, long expected)
    {
        var file = Path.Combine(Path.GetTempPath(), $"casework-pragmas-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={file};Pooling=True";
        try
        {
            // The other setting first, on the same pooled native connection: switching must still take effect.
            await PragmasAsync(connectionString, synchronous == "Full" ? "Normal" : "Full");
            var first = await PragmasAsync(connectionString, synchronous);
            var again = await PragmasAsync(connectionString, synchronous);

            Assert.Equal((expected, 30000L, 1L), first.Values);
            Assert.Equal((expected, 30000L, 1L), again.Values);
            Assert.Same(first.Handle, again.Handle); // the pool handed back the same native connection
        }
        finally
        {
            // This pool only: clearing every pool would close other tests' idle connections while they run.
            using (var pooled = new SqliteConnection(connectionString))
            {
                SqliteConnection.ClearPool(pooled);
            }

            File.Delete(file);
        }
    }

    private static async Task<((long, long, long) Values, object Handle)> PragmasAsync(string connectionString, string synchronous)
    {
        await using var db = TestContexts.Sqlite(connectionString, synchronous);
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        async Task<long> Read(string pragma)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma}";
            return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }

        var values = (await Read("synchronous"), await Read("busy_timeout"), await Read("foreign_keys"));
        var handle = connection.Handle!;
        await db.Database.CloseConnectionAsync();
        return (values, handle);
    }
}
