using Casework.Data.Configuration;
using Casework.Data.Runtime.Leasing;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Tests.Runtime;

/// <summary>
/// No SQL Server engine can run here, so the claim queries are checked as EF Core composes them for SQL Server:
/// row locks that skip locked rows, parameters for the clock and the batch, the provider's own quoting.
/// </summary>
public sealed class SqlServerLeaseSqlTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TimerClaimQuery_OnSqlServer_UsesUpdlockReadpastAndParameters()
    {
        using var db = TestContexts.SqlServer();
        var claims = new LeaseClaims(DatabaseProvider.SqlServer);

        var sql = db.Timers.FromSqlRaw(claims.TimerSql, Now, 25).ToQueryString();

        Assert.Contains("WITH (UPDLOCK, READPAST, ROWLOCK)", sql, StringComparison.Ordinal);
        Assert.Contains("TOP (@p1)", sql, StringComparison.Ordinal);
        Assert.Contains("[DueAt] <= @p0", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("2026", sql.Split("SELECT")[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void OutboxClaimQuery_OnSqlServer_UsesUpdlockReadpastAndSkipsProcessedRows()
    {
        using var db = TestContexts.SqlServer();
        var claims = new LeaseClaims(DatabaseProvider.SqlServer);

        var sql = db.Outbox.FromSqlRaw(claims.OutboxSql, Now, 25).ToQueryString();

        Assert.Contains("WITH (UPDLOCK, READPAST, ROWLOCK)", sql, StringComparison.Ordinal);
        Assert.Contains("[ProcessedAt] IS NULL", sql, StringComparison.Ordinal);
    }
}
