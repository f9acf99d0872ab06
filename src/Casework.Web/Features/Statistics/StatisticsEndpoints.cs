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
        var rows = await db.Cases.AsNoTracking().Where(c => office == null || c.Office == office)
            .Select(c => new { c.Stage, c.Track, c.Decision, c.Nationalities, c.Sex, c.DateOfBirth, c.SpecificNeeds }).ToListAsync(cancellationToken);
        var by = new Dictionary<string, IReadOnlyList<StatisticCount>>
        {
            ["stage"] = Count(rows.Select(r => r.Stage), threshold),
            ["track"] = Count(rows.Select(r => r.Track ?? "not triaged"), threshold),
            ["decision"] = Count(rows.Select(r => r.Decision ?? "no decision notified"), threshold),
            ["nationality"] = Count(rows.Select(r => r.Nationalities.Split(',')[0]), threshold),
            ["sex"] = Count(rows.Select(r => r.Sex), threshold),
            ["ageBand"] = Count(rows.Select(r => AgeBand(new BirthDate(r.DateOfBirth, false).AgeOn(today))), threshold),
            ["disability"] = Count(rows.Select(r => (r.SpecificNeeds ?? string.Empty).Contains(nameof(SpecificNeed.Disability), StringComparison.Ordinal) ? "with disability" : "without"), threshold),
        };
        return TypedResults.Ok(new CaseStatistics(threshold, rows.Count >= threshold ? rows.Count : 0, by));
    }

    private static List<StatisticCount> Count(IEnumerable<string> values, int threshold) =>
        [.. values.GroupBy(v => v, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Count() < threshold ? new StatisticCount(g.Key, null, true) : new StatisticCount(g.Key, g.Count(), false))];

    private static string AgeBand(int age) => age switch
    {
        < 5 => "0-4",
        < 12 => "5-11",
        < 18 => "12-17",
        < 60 => "18-59",
        _ => "60+",
    };
}
