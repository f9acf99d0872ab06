using System.Data.Common;
using Casework.Data.Cases;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Casework.Data.Tests.Cases;

/// <summary>
/// On PostgreSQL the name search is answered from the trigram indexes on the folded names, not by reading every case
/// and family member (0.4 s a search at 100,000 cases; docs/benchmarks.md). SQLite, which has no such index, reads the
/// keys from narrow indexes rather than from the tables' rows.
/// </summary>
public sealed class NameSearchPlanTests(PostgresFixture postgres)
{
    [Fact]
    public async Task OnPostgres_TheNameSearch_CanBeAnsweredFromTheTrigramIndexesOfCasesAndFamilyMembers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = TestContexts.Postgres(await postgres.Server.CreateDatabaseAsync("namesearch", ct));
        await db.Database.MigrateAsync(ct);

        // The tables are empty, so the planner would read them whole however they are indexed: with reading whole
        // tables made to look dear, the plan shows whether the query's conditions can use the indexes at all.
        await using var command = db.Cases.AsNoTracking().Named(db, NameSearch.Fold("Amina Warsame")).Select(c => c.Id).CreateDbCommand();
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off", ct);
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = new List<string>();
        await using (DbDataReader reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("Bitmap Index Scan on \"IX_cases_SearchKey\"", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("Bitmap Index Scan on \"IX_case_family_members_SearchKey\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnSqlite_TheNameSearch_ReadsTheKeysFromTheirCoveringIndexes_NotFromTheRows()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        await using var db = TestContexts.Sqlite(folder.SqliteConnectionString());
        await db.Database.MigrateAsync(ct);

        await using var command = db.Cases.AsNoTracking().Named(db, NameSearch.Fold("Amina Warsame")).Select(c => c.Id).CreateDbCommand();
        await db.Database.OpenConnectionAsync(ct);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        await using (DbDataReader reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, line => line.Contains("USING COVERING INDEX IX_cases_SearchKey_Id", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("USING COVERING INDEX IX_case_family_members_SearchKey_CaseId",
            StringComparison.Ordinal));
    }
}
