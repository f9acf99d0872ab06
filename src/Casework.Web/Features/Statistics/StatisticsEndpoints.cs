using Casework.Data;
using Casework.Data.Identity;
using Casework.Domain.Cases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Statistics;

/// <summary>One count; below the threshold it is suppressed (null) so that small groups cannot identify people.</summary>
public sealed record StatisticCount(string Value, int? Count, bool Suppressed);

public sealed record CaseStatistics(int SuppressBelow, int Total, IReadOnlyDictionary<string, IReadOnlyList<StatisticCount>> By);

/// <summary>Aggregate counts of cases by stage, track, notified decision, nationality, sex, age band and disability, with small counts suppressed.</summary>
public static class StatisticsEndpoints
{
    public const string Analysts = "analysts";

    public static WebApplicationBuilder AddCaseworkStatistics(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder().AddPolicy(Analysts, p => p.RequireRole(CaseworkRoles.Supervisor, CaseworkRoles.Auditor, CaseworkRoles.Administrator));
        return builder;
    }

    public static IEndpointRouteBuilder MapStatisticsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/statistics/cases", HandleAsync).WithTags("Statistics").RequireAuthorization(Analysts)
            .WithSummary("Counts by stage, track, notified decision, nationality, sex, age band and disability; counts under Statistics:SuppressBelow are suppressed.");
        return app;
    }

    private static async Task<Ok<CaseStatistics>> HandleAsync(CaseworkDbContext db, IConfiguration configuration, TimeProvider clock,
        CancellationToken cancellationToken, string? office = null)
    {
        var threshold = configuration.GetValue("Statistics:SuppressBelow", 5);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var cases = db.Cases.AsNoTracking().Where(c => office == null || c.Office == office);

        // Counted by the database, one grouping per dimension: the cost does not grow with rows read into memory.
        async Task<List<(string Value, int Count)>> By(IQueryable<string> values) =>
            [.. (await values.GroupBy(v => v).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken)).Select(g => (g.Key, g.Count))];

        var total = await cases.CountAsync(cancellationToken);
        var births = await cases.GroupBy(c => c.DateOfBirth).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var by = new Dictionary<string, IReadOnlyList<StatisticCount>>
        {
            ["stage"] = Count(await By(cases.Select(c => c.Stage)), threshold),
            ["track"] = Count(await By(cases.Select(c => c.Track ?? "not triaged")), threshold),
            ["decision"] = Count(await By(cases.Select(c => c.Decision ?? "no decision notified")), threshold),
            // The first nationality: codes are three letters.
            ["nationality"] = Count(await By(cases.Select(c => c.Nationalities.Substring(0, 3))), threshold),
            ["sex"] = Count(await By(cases.Select(c => c.Sex)), threshold),
            ["ageBand"] = Count(births.Select(b => (AgeBand(new BirthDate(b.Key, false).AgeOn(today)), b.Count)), threshold),
            ["disability"] = Count(await By(cases.Select(c => c.SpecificNeeds != null && c.SpecificNeeds.Contains(nameof(SpecificNeed.Disability))
                ? "with disability" : "without")), threshold),
        };
        return TypedResults.Ok(new CaseStatistics(threshold, total >= threshold ? total : 0, by));
    }

    private static List<StatisticCount> Count(IEnumerable<(string Value, int Count)> counts, int threshold) =>
        [.. counts.GroupBy(c => c.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Sum(c => c.Count) is var n && n < threshold ? new StatisticCount(g.Key, null, true) : new StatisticCount(g.Key, n, false))];

    private static string AgeBand(int age) => age switch
    {
        < 5 => "0-4",
        < 12 => "5-11",
        < 18 => "12-17",
        < 60 => "18-59",
        _ => "60+",
    };
}
