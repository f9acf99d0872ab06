using System.Data.Common;
using Casework.Data.Cases;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Tests.Cases;

/// <summary>
/// An office's interview calendar and its interviews awaiting their outcome, read across every interviewer: in a database
/// holding years of interviews at several offices, with the planner's statistics gathered, they are answered through the
/// (status, day) index, not by reading every interview ever booked or every case of the office.
/// </summary>
public sealed class InterviewQueryPlanTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly Today = new(2026, 12, 14);

    private static readonly string[] Offices = ["NBO", "KLA", "ADD"];

    [Fact]
    public async Task OnSqlite_AnOfficesCalendarAndItsInterviewsAwaitingTheirOutcome_SearchTheStatusAndDayIndex()
    {
        using var folder = new TempFolder();
        await using var db = TestContexts.Sqlite(folder.SqliteConnectionString());
        await SeedAsync(db, "ANALYZE");
        foreach (var query in Queries(db))
        {
            var plan = await PlanAsync(db, query, "EXPLAIN QUERY PLAN ", 3);
            Assert.True(plan.Any(line => line.StartsWith("SEARCH i USING", StringComparison.Ordinal)
                && line.Contains("INDEX IX_interviews_Status_Date (Status=? AND Date", StringComparison.Ordinal)), string.Join('\n', plan));
        }
    }

    [Fact]
    public async Task OnPostgres_AnOfficesCalendarAndItsInterviewsAwaitingTheirOutcome_ScanTheStatusAndDayIndex()
    {
        await using var db = TestContexts.Postgres(await postgres.Server.CreateDatabaseAsync("interviewplans", Ct));
        await SeedAsync(db, "VACUUM ANALYZE");
        foreach (var query in Queries(db))
        {
            var plan = await PlanAsync(db, query, "EXPLAIN ", 0);
            Assert.True(plan.Any(line => line.Contains("Index Scan using \"IX_interviews_Status_Date\" on interviews i", StringComparison.Ordinal)
                || line.Contains("Bitmap Index Scan on \"IX_interviews_Status_Date\"", StringComparison.Ordinal)), string.Join('\n', plan));
        }
    }

    /// <summary>The readings InterviewCalendar makes for the NBO office: four weeks from today, and the first 50 awaiting an outcome.</summary>
    private static IQueryable<Guid>[] Queries(CaseworkDbContext db)
    {
        var atOffice = db.Interviews.AsNoTracking().AtOffice(db, "NBO");
        return [atOffice.OnDays(Today, Today.AddDays(27)).Select(i => i.Id), atOffice.AwaitingOutcome(Today).Take(50).Select(i => i.Id)];
    }

    /// <summary>
    /// 3,000 cases at three offices, two interviews each over two and a half years up to three months ahead: the past ones
    /// held, missed or cancelled but for one in a hundred still awaiting its outcome, the coming ones scheduled.
    /// </summary>
    private static async Task SeedAsync(CaseworkDbContext db, string analyze)
    {
        await db.Database.MigrateAsync(Ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var random = new Random(20261207);
        var now = DateTimeOffset.UtcNow;
        for (var n = 0; n < 3000; n++)
        {
            var office = Offices[n % Offices.Length];
            var id = Guid.CreateVersion7(now);
            db.Cases.Add(new CaseRecord
            {
                Id = id, CaseNumber = $"{office}-2026-{n + 1:D6}", Office = office, Year = 2026, Sequence = n + 1, RegisteredOn = new DateOnly(2024, 6, 1),
                Stage = "Assessment", GivenName = "Test", FamilyName = "Case", DateOfBirth = new DateOnly(1990, 1, 1), Sex = "Female", Nationalities = "ERI",
                CreatedAt = now, CreatedBy = "plan",
            });
            for (var k = 0; k < 2; k++)
            {
                var day = Today.AddDays(random.Next(-900, 90));
                var status = day >= Today ? InterviewRecord.Scheduled : random.Next(100) switch
                {
                    0 => InterviewRecord.Scheduled,
                    < 70 => InterviewRecord.Held,
                    < 85 => InterviewRecord.ApplicantAbsent,
                    _ => InterviewRecord.Cancelled,
                };
                db.Interviews.Add(new InterviewRecord
                {
                    Id = Guid.CreateVersion7(now), CaseId = id, Date = day, StartTime = new TimeOnly(9 + random.Next(8), 0), DurationMinutes = 120,
                    Interviewer = $"officer.{random.Next(40)}", Language = "Tigrinya", Status = status, ScheduledBy = "plan", ScheduledAt = now,
                });
            }
        }

        await db.SaveChangesAsync(Ct);
        await db.Database.ExecuteSqlRawAsync(analyze, Ct);
    }

    private static async Task<List<string>> PlanAsync(CaseworkDbContext db, IQueryable<Guid> query, string explain, int column)
    {
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = query.CreateDbCommand();
        command.CommandText = explain + command.CommandText;
        var plan = new List<string>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            plan.Add(reader.GetString(column));
        }

        return plan;
    }
}
