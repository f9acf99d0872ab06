using System.Diagnostics;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Configuration;
using Casework.Data.Definitions;
using Casework.Data.Providers;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Runtime.Benchmarks;

/// <summary>
/// Durable transitions through the real runtime: each step completes the open user task of a 10-step chain
/// (one command, one transaction), on a database that already holds <c>existing</c> waiting instances.
/// </summary>
internal sealed class RuntimeBench(DatabaseProvider provider, string connectionString, string synchronous) : IAsyncDisposable
{
    /// <summary>The business key (and case id) prefix of the seeded waiting instances.</summary>
    public const string SeedPrefix = "SEED-";

    private ServiceProvider services = null!;
    private DbContextOptions? options;
    private readonly List<Guid> running = [];

    public async Task PrepareAsync()
    {
        // The application's own registrations (pooled contexts, pragmas), as a node runs them.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:SqliteSynchronous"] = synchronous,
            ["ConnectionStrings:Casework"] = connectionString,
            ["Runtime:Workers:Enabled"] = "false",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddCaseworkData(configuration, AppContext.BaseDirectory);
        collection.AddCaseworkRuntime(configuration);
        collection.AddLogging();
        services = collection.BuildServiceProvider();
        await using var db = NewContext();
        await db.Database.MigrateAsync();
        if (provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        await using var scope = services.CreateAsyncScope();
        var published = await scope.ServiceProvider.GetRequiredService<DefinitionService>()
            .PublishXmlAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "chain.bpmn")), "bench", null, CancellationToken.None);
        if (!published.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", published.Problems));
        }
    }

    /// <summary>Adds waiting instances (instance, open work item, queue row) by copying a started one, in bulk.</summary>
    public async Task SeedAsync(int target)
    {
        await using var db = NewContext();
        var have = await db.Instances.CountAsync();
        if (have >= target)
        {
            return;
        }

        var template = await StartAsync();
        await using var read = NewContext();
        var instance = await read.Instances.AsNoTracking().SingleAsync(i => i.Id == template);
        var item = await read.WorkItems.AsNoTracking().Include(w => w.Candidates).SingleAsync(w => w.InstanceId == template);
        for (var done = have + 1; done < target;)
        {
            await using var batch = NewContext();
            var size = Math.Min(2000, target - done);
            for (var i = 0; i < size; i++)
            {
                var id = Guid.CreateVersion7();
                var workItem = Guid.CreateVersion7();
                batch.Instances.Add(new WorkflowInstanceRecord
                {
                    Id = id, DefinitionId = instance.DefinitionId, ProcessId = instance.ProcessId, Version = instance.Version,
                    BusinessKey = $"{SeedPrefix}{done + i}", State = instance.State, CreatedAt = instance.CreatedAt, UpdatedAt = instance.UpdatedAt,
                });
                batch.WorkItems.Add(new WorkItemRecord
                {
                    Id = workItem, InstanceId = id, TaskId = item.TaskId, ElementId = item.ElementId, CandidateRoles = item.CandidateRoles,
                    Priority = item.Priority, CreatedAt = item.CreatedAt, Status = WorkItemStatus.Open, CaseId = $"{SeedPrefix}{done + i}",
                    Candidates = [.. item.Candidates.Select(c => new WorkItemCandidateRecord { WorkItemId = workItem, Role = c.Role, Priority = c.Priority, Status = WorkItemStatus.Open })],
                });
            }

            await batch.SaveChangesAsync();
            done += size;
        }

        if (provider == DatabaseProvider.Postgres)
        {
            // Measure a database in its steady state, not one whose autovacuum wakes up mid-measurement to process
            // the rows just bulk-loaded (which on two cores takes CPU from whichever pass is running then).
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE");
        }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> task completions, one on each of <paramref name="active"/> instances in turn (as
    /// the same-rows yardstick does, and as officers do: consecutive commands go to different cases); an instance that
    /// reaches its end is replaced by a new one. Returns durable transitions per second.
    /// </summary>
    public async Task<double> RunAsync(int steps, int active)
    {
        while (running.Count < active)
        {
            running.Add(await StartAsync());
        }

        var watch = new Stopwatch();
        for (var step = 0; step < steps; step++)
        {
            var slot = step % active;
            // Finding the task is the caller's business (a queue query), not the transition: not timed.
            Guid workItem;
            await using (var db = NewContext())
            {
                var instance = running[slot];
                workItem = await db.WorkItems.Where(w => w.InstanceId == instance && w.Status == WorkItemStatus.Open).Select(w => w.Id).SingleOrDefaultAsync();
            }

            if (workItem == Guid.Empty)
            {
                running[slot] = await StartAsync();
                step--;
                continue;
            }

            watch.Start();
            await using var scope = services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().CompleteTaskAsync(workItem, "bench", null, CancellationToken.None);
            watch.Stop();
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException(outcome.Message);
            }
        }

        return steps / watch.Elapsed.TotalSeconds;
    }

    private async Task<Guid> StartAsync()
    {
        await using var scope = services.CreateAsyncScope();
        var variables = new Dictionary<string, JsonElement> { ["urgent"] = JsonSerializer.SerializeToElement(false) };
        var outcome = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("chain", "bench", variables, "bench", CancellationToken.None);
        return outcome.InstanceId ?? throw new InvalidOperationException(outcome.Message);
    }

    private CaseworkDbContext NewContext()
    {
        if (provider == DatabaseProvider.Postgres)
        {
            options ??= new DbContextOptionsBuilder<PostgresCaseworkDbContext>().UseNpgsql(Casework.Data.Providers.ProviderSetup.PostgresConnectionString(connectionString)).Options;
            return new PostgresCaseworkDbContext((DbContextOptions<PostgresCaseworkDbContext>)options);
        }

        options ??= new DbContextOptionsBuilder<SqliteCaseworkDbContext>().UseCaseworkProvider(DatabaseProvider.Sqlite, connectionString, synchronous).Options;
        return new SqliteCaseworkDbContext((DbContextOptions<SqliteCaseworkDbContext>)options);
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
