using System.Globalization;
using System.Diagnostics;
using Casework.Data.Configuration;
using Casework.Data.Runtime;
using Casework.Runtime.Benchmarks;
using Casework.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

// Durable transitions per second through the runtime, next to a baseline measured in the same run on the same
// database: one plain ADO.NET transaction per step that inserts a ~1 KB row and updates one row. A second yardstick
// (same rows) writes exactly the rows a task completion writes, in the runtime's own tables, with plain ADO.NET.
// Usage: dotnet run -c Release --project tests/Casework.Runtime.Benchmarks -- [steps] [small] [large] [targets]
//   targets: comma-separated of sqlite-full, sqlite-normal, postgres (default: all three)
var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var small = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
var large = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
// Both the runtime and the same-rows yardstick complete one task on each of this many instances in turn.
var active = Math.Max(1, small / 2);
const int Rounds = 5;
if (steps < Rounds)
{
    throw new ArgumentException($"Measure at least {Rounds} steps (they are split into {Rounds} rounds).");
}

var targets = (args.Length > 3 ? args[3] : "sqlite-full,sqlite-normal,postgres").Split(',');

Console.WriteLine($"steps per measurement: {steps}; existing instances: {small:N0} then {large:N0}; {Environment.ProcessorCount} cores");
Console.WriteLine("target         | baseline tx/s | runtime tr/s (small) | ratio | runtime tr/s (large) | large/small | same-rows tx/s | runtime / same rows");
var phases = new List<(string Target, double Baseline, Dictionary<string, double> Microseconds, (double Read, double Write, double Commit) SameRows)>();
foreach (var target in targets)
{
    var folder = Directory.CreateTempSubdirectory("casework-bench-");
    await using var postgres = target == "postgres" ? await PostgresServer.StartAsync() : null;
    try
    {
        // Two databases of the same kind: one holding `small` waiting instances, one holding `large`.
        var (provider, connection, largeConnection, synchronous) = target switch
        {
            "sqlite-full" => (DatabaseProvider.Sqlite, SqliteFile(folder, "bench.db"), SqliteFile(folder, "bench-large.db"), "FULL"),
            "sqlite-normal" => (DatabaseProvider.Sqlite, SqliteFile(folder, "bench.db"), SqliteFile(folder, "bench-large.db"), "NORMAL"),
            "postgres" when postgres is { IsAvailable: true } => (DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync("bench"),
                await postgres.CreateDatabaseAsync("bench"), "FULL"),
            "postgres" => throw new InvalidOperationException(postgres!.UnavailableReason),
            _ => throw new ArgumentException($"Unknown target '{target}'."),
        };

        await using var runtime = new RuntimeBench(provider, connection, synchronous);
        await runtime.PrepareAsync();
        await using var largeRuntime = new RuntimeBench(provider, largeConnection, synchronous);
        await largeRuntime.PrepareAsync();
        var baseline = provider == DatabaseProvider.Postgres
            ? new Baseline(() => new NpgsqlConnection(Casework.Data.Providers.ProviderSetup.PostgresConnectionString(connection)), "TEXT")
            : new Baseline(() => OpenSqlite(connection, synchronous), "TEXT");
        await baseline.PrepareAsync();

        // Warm-up until the JIT has settled (tiered compilation replaces the first code after a while): a fixed
        // handful of steps left the first measurement partly on unoptimised code.
        await WarmUpAsync(() => baseline.RunAsync(Math.Max(50, steps / 10)));
        await runtime.SeedAsync(small);
        await largeRuntime.SeedAsync(large);
        await WarmUpAsync(() => runtime.RunAsync(Math.Max(50, steps / 10), active));
        await WarmUpAsync(() => largeRuntime.RunAsync(Math.Max(50, steps / 10), active));
        var sameRows = new SameRowsBaseline(provider == DatabaseProvider.Postgres
            ? () => new NpgsqlConnection(Casework.Data.Providers.ProviderSetup.PostgresConnectionString(connection))
            : () => OpenSqlite(connection, synchronous));
        await sameRows.PrepareAsync();
        var open = await sameRows.OpenItemsAsync(active);
        await WarmUpAsync(() => sameRows.RunAsync(open, Math.Max(50, steps / 10)));

        // The four are measured in alternating rounds, so that a slow spell of this shared machine falls on all of
        // them rather than on one: the ratios are steadier than the rates.
        var seconds = new double[4];
        sameRows.ResetPhases();
        var count = steps / Rounds;
        for (var round = 0; round < Rounds; round++)
        {
            seconds[0] += count / await baseline.RunAsync(count);
            seconds[1] += count / await sameRows.RunAsync(open, count);
            seconds[2] += count / await runtime.RunAsync(count, active);
            seconds[3] += count / await largeRuntime.RunAsync(count, active);
        }

        var (baselineRate, sameRowsRate, smallRate, largeRate) = (count * Rounds / seconds[0], count * Rounds / seconds[1],
            count * Rounds / seconds[2], count * Rounds / seconds[3]);
        Console.WriteLine($"{target,-14} | {baselineRate,13:N0} | {smallRate,20:N0} | {smallRate / baselineRate,5:0.00} | {largeRate,20:N0} | {largeRate / smallRate,11:0.00} | {sameRowsRate,14:N0} | {smallRate / sameRowsRate,19:0.00}");
        phases.Add((target, baselineRate, await PhasesAsync(runtime, steps, active), sameRows.Phases));
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }
}

// Where a transition's time goes: one more pass with the runtime's tracing spans listened to (not part of the figures above).
Console.WriteLine();
Console.WriteLine("target         | baseline µs/tx | transition µs | read µs | write µs | commit µs | rest µs (engine, state, scope)");
foreach (var (target, baselineRate, us, same) in phases)
{
    var rest = us["transition"] - us[RuntimeTracing.Read] - us[RuntimeTracing.Write] - us[RuntimeTracing.Commit];
    Console.WriteLine($"{target,-14} | {1e6 / baselineRate,14:N0} | {us["transition"],13:N0} | {us[RuntimeTracing.Read],7:N0} | {us[RuntimeTracing.Write],8:N0} | {us[RuntimeTracing.Commit],9:N0} | {rest,7:N0}");
    Console.WriteLine($"{"  same rows",-14} | {"",14} | {same.Read + same.Write + same.Commit,13:N0} | {same.Read,7:N0} | {same.Write,8:N0} | {same.Commit,9:N0} |");
}

// Memory of the same pass (includes the untimed queue query and instance starts around each step).
Console.WriteLine();
Console.WriteLine("target         | KB allocated per step | gen0 / gen1 / gen2 collections in the pass");
foreach (var (target, _, us, _) in phases)
{
    Console.WriteLine($"{target,-14} | {us["KB allocated"],21:N1} | {us["gen0"]} / {us["gen1"]} / {us["gen2"]}");
}

static async Task WarmUpAsync(Func<Task<double>> run)
{
    var watch = Stopwatch.StartNew();
    do
    {
        await run();
    }
    while (watch.Elapsed < TimeSpan.FromSeconds(3));
}

static async Task<Dictionary<string, double>> PhasesAsync(RuntimeBench runtime, int steps, int active)
{
    var totals = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
    using var listener = new ActivityListener
    {
        ShouldListenTo = source => source.Name == RuntimeTracing.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        ActivityStopped = activity => totals.AddOrUpdate(activity.OperationName, activity.Duration.TotalMicroseconds,
            (_, sum) => sum + activity.Duration.TotalMicroseconds),
    };
    ActivitySource.AddActivityListener(listener);
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    var rate = await runtime.RunAsync(steps, active);
    var result = new Dictionary<string, double>
    {
        ["transition"] = 1e6 / rate,
        ["KB allocated"] = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / steps,
        ["gen0"] = GC.CollectionCount(0) - gen0,
        ["gen1"] = GC.CollectionCount(1) - gen1,
        ["gen2"] = GC.CollectionCount(2) - gen2,
    };
    foreach (var name in new[] { RuntimeTracing.Read, RuntimeTracing.Write, RuntimeTracing.Commit })
    {
        result[name] = totals.GetValueOrDefault(name) / steps;
    }

    return result;
}

static string SqliteFile(DirectoryInfo folder, string name) => $"Data Source={Path.Combine(folder.FullName, name)};Pooling=True";

static SqliteConnection OpenSqlite(string connectionString, string synchronous)
{
    var connection = new SqliteConnectionWithPragmas(connectionString, synchronous);
    return connection;
}

/// <summary>A SQLite connection that applies the same pragmas as the runtime's connections when opened.</summary>
internal sealed class SqliteConnectionWithPragmas(string connectionString, string synchronous) : SqliteConnection(connectionString)
{
    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        await base.OpenAsync(cancellationToken);
        await using var command = CreateCommand();
        command.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
