using System.Diagnostics;
using System.Globalization;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Configuration;
using Casework.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// How long a search of cases by name takes as the caseload grows: the case list's query (GET /api/cases?name= and the
// /cases screen), a count of the matches and their first page of 50, on a database of `small` cases and one of `large`.
// Usage: dotnet run -c Release --project tests/Casework.Search.Benchmarks -- [small] [large] [searches] [targets]
//   targets: comma-separated of sqlite, postgres (default: both)
var small = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
var large = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var searches = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var targets = (args.Length > 3 ? args[3] : "sqlite,postgres").Split(',');

// What an officer types: one person's full name, a family name many share, a name only a family member has, and a
// name nobody has (the whole table is read to find that out).
(string Label, string Term)[] terms =
[
    ("one principal", "Zainab Oyelaran"),
    ("common family name", "hassan"),
    ("family member only", "Ngozi Achterberg"),
    ("no match", "Qwertyuiop"),
];

Console.WriteLine($"cases: {small:N0} then {large:N0} (each with 0 to 3 family members); {searches} searches per term; {Environment.ProcessorCount} cores");
Console.WriteLine("target   | term                 | matches (large) | ms small (median) | ms large (median) | ms large (p90) | large / small");
foreach (var target in targets)
{
    var folder = Directory.CreateTempSubdirectory("casework-search-");
    await using var postgres = target == "postgres" ? await PostgresServer.StartAsync() : null;
    try
    {
        var (provider, smallConnection, largeConnection) = target switch
        {
            "sqlite" => (DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder.FullName, "small.db")}", $"Data Source={Path.Combine(folder.FullName, "large.db")}"),
            "postgres" when postgres is { IsAvailable: true } => (DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync("search"), await postgres.CreateDatabaseAsync("search")),
            "postgres" => throw new InvalidOperationException(postgres!.UnavailableReason),
            _ => throw new ArgumentException($"Unknown target '{target}'."),
        };

        await using var smallDb = await Caseload.CreateAsync(provider, smallConnection, small);
        await using var largeDb = await Caseload.CreateAsync(provider, largeConnection, large);
        foreach (var (label, term) in terms)
        {
            await smallDb.SearchAsync(term);
            await largeDb.SearchAsync(term);
            var (smallTimes, largeTimes) = (new List<double>(), new List<double>());
            var matches = 0;
            for (var i = 0; i < searches; i++)
            {
                // Alternating, so a slow spell of this shared machine falls on both.
                smallTimes.Add((await smallDb.SearchAsync(term)).Milliseconds);
                var (ms, total) = await largeDb.SearchAsync(term);
                largeTimes.Add(ms);
                matches = total;
            }

            var (smallMedian, largeMedian) = (Percentile(smallTimes, 0.5), Percentile(largeTimes, 0.5));
            Console.WriteLine($"{target,-8} | {label,-20} | {matches,15:N0} | {smallMedian,17:N1} | {largeMedian,17:N1} | {Percentile(largeTimes, 0.9),14:N1} | {largeMedian / smallMedian,13:N1}");
        }
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * sorted.Count))];
}

/// <summary>A database of the application's schema holding a made-up caseload, searched as the case list searches it.</summary>
internal sealed class Caseload(ServiceProvider services) : IAsyncDisposable
{
    private static readonly string[] Given =
    [
        "Amina", "Hassan", "Fatuma", "Abdi", "Mohamed", "Halima", "Ahmed", "Khadija", "Yusuf", "Asha", "Ali", "Hodan", "Jean", "Aline",
        "Emmanuel", "Grâce", "Élise", "Joseph", "Nyaruot", "Deng", "Achol", "Ayşe", "Mehmet", "Zeynep", "Oleksandr", "Olena", "Jörg", "Łukasz",
        "Nguyễn", "Thị", "Farida", "Omid", "Zahra", "Reza", "Maryam", "Samir", "Layla", "Tesfaye", "Meron", "Abebe", "Hiwot", "Kiros",
    ];

    private static readonly string[] Family =
    [
        "Hassan", "Warsame", "Abdullahi", "Mohamud", "Farah", "Ismail", "Nshimiyimana", "Uwimana", "Habimana", "Mukamana", "Garang", "Deng",
        "Kiir", "Kılıç", "Yılmaz", "Çelik", "Şahin", "Kovalenko", "Shevchenko", "Bondarenko", "Müller", "Nowak", "Trần", "Lê", "Phạm",
        "Ahmadi", "Hosseini", "Rezaei", "Karimi", "Haile", "Tesfamariam", "Gebremedhin", "Alemu", "Bekele", "Okafor", "Mensah", "Diallo",
        "Traoré", "Coulibaly", "Keïta", "Kamara", "Sesay", "Bangura", "Koroma", "Conteh", "Jalloh", "Barry", "Sow", "Bah", "Camara",
    ];

    public static async Task<Caseload> CreateAsync(DatabaseProvider provider, string connectionString, int cases)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Casework"] = connectionString,
        }).Build();
        var collection = new ServiceCollection();
        collection.AddCaseworkData(configuration, AppContext.BaseDirectory);
        collection.AddLogging();
        var caseload = new Caseload(collection.BuildServiceProvider());
        await caseload.SeedAsync(provider, cases);
        return caseload;
    }

    private async Task SeedAsync(DatabaseProvider provider, int cases)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Database.MigrateAsync();
        }

        var random = new Random(20261206);
        var now = DateTimeOffset.UtcNow;
        for (var done = 0; done < cases;)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var end = Math.Min(cases, done + 2000); done < end; done++)
            {
                // Two people no other case has: one principal, and one family member of another case.
                var (given, family) = done == cases / 3 ? ("Zainab", "Oyelaran") : (Pick(random, Given), Pick(random, Family));
                var transliterations = random.Next(3) == 0 ? $"{Pick(random, Given)} {family}" : null;
                var id = Guid.CreateVersion7(now);
                db.Cases.Add(new CaseRecord
                {
                    Id = id, CaseNumber = $"NBO-2026-{done + 1:D6}", Office = "NBO", Year = 2026, Sequence = done + 1,
                    RegisteredOn = new DateOnly(2026, 1, 1).AddDays(done % 330), Stage = "Registration", Priority = random.Next(4),
                    GivenName = given, FamilyName = family, Transliterations = transliterations, SearchKey = NameSearch.KeyOf(given, family, transliterations),
                    DateOfBirth = new DateOnly(1960, 1, 1).AddDays(random.Next(20000)), Sex = "Female", Nationalities = "SOM",
                    CreatedAt = now, CreatedBy = "bench",
                });
                for (var m = done == 2 * cases / 3 ? 1 : random.Next(4); m > 0; m--)
                {
                    var (memberGiven, memberFamily) = done == 2 * cases / 3 && m == 1 ? ("Ngozi", "Achterberg") : (Pick(random, Given), family);
                    db.FamilyMembers.Add(new FamilyMemberRecord
                    {
                        Id = Guid.CreateVersion7(now), CaseId = id, Relationship = FamilyRelationship.Child, Dependant = true,
                        GivenName = memberGiven, FamilyName = memberFamily, SearchKey = NameSearch.KeyOf(memberGiven, memberFamily, null),
                        DateOfBirth = new DateOnly(2010, 1, 1).AddDays(random.Next(4000)), Sex = "Male", Nationalities = "SOM",
                        CreatedAt = now, CreatedBy = "bench",
                    });
                }
            }

            await db.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            // As autovacuum and the query planner's statistics would be in a database that grew over time.
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            await db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE" : "ANALYZE");
        }
    }

    private static string Pick(Random random, string[] names) => names[random.Next(names.Length)];

    /// <summary>The case list's name search (CaseEndpoints.SearchAsync without other filters): the count and the first page.</summary>
    public async Task<(double Milliseconds, int Total)> SearchAsync(string term)
    {
        var watch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var query = db.Cases.AsNoTracking().Named(db, NameSearch.Fold(term));
        var total = await query.CountAsync();
        var page = await query.OrderByDescending(c => c.Priority).ThenBy(c => c.CaseNumber).Take(50)
            .Select(c => new { c.Id, c.CaseNumber, c.Office, c.RegisteredOn, c.Stage, c.Track, c.Priority, c.InstanceId }).ToListAsync();
        GC.KeepAlive(page);
        return (watch.Elapsed.TotalMilliseconds, total);
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
