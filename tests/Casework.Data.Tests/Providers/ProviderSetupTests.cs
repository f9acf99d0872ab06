using Casework.Data.Providers;
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
}
