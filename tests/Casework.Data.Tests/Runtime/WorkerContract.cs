using Casework.Data.Runtime;
using Casework.Data.Runtime.Leasing;
using Casework.Data.Runtime.Records;
using Casework.Data.Runtime.Workers;
using Casework.Data.Tests.Support;
using Casework.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Casework.Data.Tests.Runtime;

/// <summary>
/// Timer worker and outbox dispatcher: retries with back-off, incidents after the last attempt, leases left by
/// a crashed node. The runtime is a scripted stand-in here; the real runtime's firing is tested with it.
/// </summary>
public abstract class WorkerContract<TFixture>(TFixture fixture) : StoreContract<TFixture>(fixture)
    where TFixture : IDatabaseFixture
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task TimerWorker_FiresADueTimerOnce()
    {
        var runtime = new ScriptedRuntime(Database);
        await using var host = Host(runtime);
        var instance = await SeedInstanceWithTimerAsync(clock.GetUtcNow().AddMinutes(-1));

        var first = await host.Timers.RunOnceAsync(Ct);
        var second = await host.Timers.RunOnceAsync(Ct);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.Equal([instance], runtime.Fired);
    }

    [Fact]
    public async Task TimerWorker_WhenFiringFails_RetriesAfterBackOffThenRaisesAnIncident()
    {
        var runtime = new ScriptedRuntime(Database) { Failure = () => new InvalidOperationException("handler down") };
        await using var host = Host(runtime);
        using var recorded = new RecordedCommands(host.Metrics);
        var instance = await SeedInstanceWithTimerAsync(clock.GetUtcNow());

        Assert.Equal(1, await host.Timers.RunOnceAsync(Ct));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await host.Timers.RunOnceAsync(Ct)); // back-off: 10 s after attempt 1
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await host.Timers.RunOnceAsync(Ct));
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, await host.Timers.RunOnceAsync(Ct)); // 20 s after attempt 2
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await host.Timers.RunOnceAsync(Ct)); // attempt 3 = MaxAttempts
        clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await host.Timers.RunOnceAsync(Ct)); // parked

        await using var db = Database.NewContext();
        var incident = Assert.Single(await db.Incidents.ToListAsync(Ct));
        Assert.Equal(instance, incident.InstanceId);
        Assert.Equal("Timer_Sla", incident.ElementId);
        Assert.Contains("handler down", incident.Error, StringComparison.Ordinal);
        Assert.True((await db.Instances.SingleAsync(i => i.Id == instance, Ct)).HasIncident);
        Assert.Equal(3, runtime.Attempts);
        // An operator's dashboard sees three failed attempts and one timer waiting for them.
        Assert.Equal(3, recorded.Sum(RuntimeMetrics.WorkerFailures, "casework.worker", "timer"));
        Assert.Equal(1, recorded.Sum(RuntimeMetrics.WorkerParked, "casework.worker", "timer"));
    }

    [Fact]
    public async Task ARetriedTimerIncident_PutsTheTimerBackInTheQueue()
    {
        var (instance, incidentRef) = await ParkATimerWithAnIncidentAsync();

        await using (var db = Database.NewContext())
        {
            var retried = await RuntimeOn(db).RetryIncidentAsync(instance, incidentRef, "supervisor", Ct);
            Assert.True(retried.Succeeded, retried.Message);
        }

        var working = new ScriptedRuntime(Database);
        await using var healed = Host(working);
        Assert.Equal(1, await healed.Timers.RunOnceAsync(Ct));
        Assert.Equal([instance], working.Fired);
        await using var check = Database.NewContext();
        Assert.NotNull((await check.Incidents.SingleAsync(Ct)).ResolvedAt);
        Assert.False((await check.Instances.SingleAsync(Ct)).HasIncident);
    }

    /// <summary>A timer whose firing failed on every attempt: parked, with an open incident on its instance.</summary>
    protected async Task<(Guid Instance, string IncidentRef)> ParkATimerWithAnIncidentAsync()
    {
        var failing = new ScriptedRuntime(Database) { Failure = () => new InvalidOperationException("down") };
        await using var host = Host(failing);
        var instance = await SeedInstanceWithTimerAsync(clock.GetUtcNow());
        for (var i = 0; i < 3; i++)
        {
            await host.Timers.RunOnceAsync(Ct);
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        await using var db = Database.NewContext();
        return (instance, (await db.Incidents.SingleAsync(Ct)).IncidentRef);
    }

    protected WorkflowRuntime RuntimeOn(CaseworkDbContext db) =>
        new(db, new Definitions.DefinitionCatalog(), new Casework.Engine.Execution.WorkflowExecutor(new Casework.Engine.Expressions.JintExpressionEvaluator()),
            [], new VariablesWorkItemContext(), [], new DirectSql(), Casework.Engine.Forms.FormCatalog.Empty, clock, new RuntimeMetrics(), Microsoft.Extensions.Logging.Abstractions.NullLogger<WorkflowRuntime>.Instance);

    [Fact]
    public async Task TimerWorker_OnAConcurrencyConflict_ReleasesTheTimerForTheNextPass()
    {
        var runtime = new ScriptedRuntime(Database) { ConflictsLeft = 1 };
        await using var host = Host(runtime);
        var instance = await SeedInstanceWithTimerAsync(clock.GetUtcNow());

        await host.Timers.RunOnceAsync(Ct);
        await host.Timers.RunOnceAsync(Ct);

        Assert.Equal([instance], runtime.Fired);
        Assert.Equal(2, runtime.Attempts);
    }

    [Fact]
    public async Task TimerWorker_LeasesOfACrashedNode_AreTakenOverAfterTheyExpire()
    {
        var runtime = new ScriptedRuntime(Database);
        await using var survivor = Host(runtime);
        var instance = await SeedInstanceWithTimerAsync(clock.GetUtcNow());
        await using (var crashed = Database.NewContext())
        {
            // A node claims the timer and dies before firing it.
            var claimed = await new LeaseClaims(Database.Provider)
                .ClaimTimersAsync(crashed, "crashed-node", clock.GetUtcNow(), TimeSpan.FromMinutes(1), 10, Ct);
            Assert.Single(claimed);
        }

        Assert.Equal(0, await survivor.Timers.RunOnceAsync(Ct));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await survivor.Timers.RunOnceAsync(Ct));

        Assert.Equal([instance], runtime.Fired);
    }

    [Fact]
    public async Task OutboxDispatcher_DeliversOnceAndRetriesFailuresWithBackOff()
    {
        var handler = new CountingHandler { FailuresLeft = 1 };
        await using var host = Host(new ScriptedRuntime(Database), services => services.AddSingleton<IOutboxHandler>(handler));
        await using (var db = Database.NewContext())
        {
            db.Outbox.Add(new OutboxMessageRecord
            {
                Id = Guid.NewGuid(), Type = CountingHandler.MessageType, Payload = "{}",
                CreatedAt = clock.GetUtcNow(), DueAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(Ct);
        }

        using var recorded = new RecordedCommands(host.Metrics);
        await host.Outbox.RunOnceAsync(Ct); // fails
        await host.Outbox.RunOnceAsync(Ct); // backing off
        clock.Advance(TimeSpan.FromSeconds(10));
        await host.Outbox.RunOnceAsync(Ct); // delivered
        clock.Advance(TimeSpan.FromDays(1));
        await host.Outbox.RunOnceAsync(Ct); // nothing left

        Assert.Equal(2, handler.Calls);
        await using var check = Database.NewContext();
        var row = await check.Outbox.SingleAsync(Ct);
        Assert.NotNull(row.ProcessedAt);
        Assert.Null(row.LastError);
        Assert.Equal(1, recorded.Sum(RuntimeMetrics.WorkerFailures, "casework.worker", "outbox"));
        Assert.Equal(1, recorded.Sum(RuntimeMetrics.OutboxDelivered, "casework.message_type", CountingHandler.MessageType));
        Assert.Equal(0, recorded.Sum(RuntimeMetrics.WorkerParked, "casework.worker", "outbox"));
    }

    [Fact]
    public async Task OutboxDispatcher_WithoutAHandlerForTheType_ParksTheMessageWithAClearError()
    {
        await using var host = Host(new ScriptedRuntime(Database));
        using var recorded = new RecordedCommands(host.Metrics);
        await using (var db = Database.NewContext())
        {
            db.Outbox.Add(new OutboxMessageRecord
            {
                Id = Guid.NewGuid(), Type = "unknown-type", Payload = "{}", CreatedAt = clock.GetUtcNow(), DueAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(Ct);
        }

        for (var i = 0; i < 5; i++)
        {
            await host.Outbox.RunOnceAsync(Ct);
            clock.Advance(TimeSpan.FromMinutes(5));
        }

        await using var check = Database.NewContext();
        var row = await check.Outbox.SingleAsync(Ct);
        Assert.Null(row.ProcessedAt);
        Assert.Equal(3, row.Attempts);
        Assert.Equal(TimerWorker.ParkedUntil, row.LeaseExpiresAt);
        Assert.Contains("No handler is registered for outbox messages of type 'unknown-type'", row.LastError, StringComparison.Ordinal);
        Assert.Equal(3, recorded.Sum(RuntimeMetrics.WorkerFailures, "casework.worker", "outbox"));
        Assert.Equal(1, recorded.Sum(RuntimeMetrics.WorkerParked, "casework.worker", "outbox"));
    }

    private WorkerHost Host(ScriptedRuntime runtime, Action<IServiceCollection>? configure = null) =>
        new(Database, clock, services =>
        {
            services.AddSingleton<IWorkflowRuntime>(runtime);
            configure?.Invoke(services);
        });

    private async Task<Guid> SeedInstanceWithTimerAsync(DateTimeOffset due)
    {
        await using var db = Database.NewContext();
        var definition = new Definitions.WorkflowDefinitionRecord
        {
            ProcessId = "p", Version = 1, BpmnXml = "<definitions/>", ContentHash = "h", CreatedAt = due,
        };
        db.WorkflowDefinitions.Add(definition);
        await db.SaveChangesAsync(Ct);
        var instance = new WorkflowInstanceRecord
        {
            Id = Guid.NewGuid(), DefinitionId = definition.Id, ProcessId = "p", Version = 1, State = "{}", CreatedAt = due, UpdatedAt = due,
        };
        db.Instances.Add(instance);
        db.Timers.Add(new TimerRecord { Id = Guid.NewGuid(), InstanceId = instance.Id, TimerId = "t1", ElementId = "Timer_Sla", DueAt = due });
        await db.SaveChangesAsync(Ct);
        return instance.Id;
    }

    /// <summary>Stands in for the runtime: "fires" a timer by deleting its row, or fails as scripted.</summary>
    private sealed class ScriptedRuntime(TestDatabase database) : IWorkflowRuntime
    {
        public List<Guid> Fired { get; } = [];

        public int Attempts { get; private set; }

        public Func<Exception>? Failure { get; init; }

        public int ConflictsLeft { get; set; }

        public async Task<RuntimeOutcome> FireTimerAsync(Guid timerRowId, string actor, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Failure is not null)
            {
                throw Failure();
            }

            await using var db = database.NewContext();
            var timer = await db.Timers.SingleAsync(t => t.Id == timerRowId, cancellationToken);
            if (ConflictsLeft > 0)
            {
                ConflictsLeft--;
                return RuntimeOutcome.Conflict(timer.InstanceId);
            }

            db.Timers.Remove(timer);
            await db.SaveChangesAsync(cancellationToken);
            Fired.Add(timer.InstanceId);
            return RuntimeOutcome.Done(timer.InstanceId);
        }
    }

    private sealed class CountingHandler : IOutboxHandler
    {
        public const string MessageType = "test-message";

        public int Calls { get; private set; }

        public int FailuresLeft { get; set; }

        public string Type => MessageType;

        public Task HandleAsync(OutboxMessageRecord message, CancellationToken cancellationToken)
        {
            Calls++;
            if (FailuresLeft-- > 0)
            {
                throw new InvalidOperationException("downstream unavailable");
            }

            return Task.CompletedTask;
        }
    }
}

public sealed class SqliteWorkerTests(SqliteDatabaseFixture fixture)
    : WorkerContract<SqliteDatabaseFixture>(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class PostgresWorkerTests(PostgresDatabaseFixture fixture)
    : WorkerContract<PostgresDatabaseFixture>(fixture), IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task RetryingATimerIncident_WaitsForTheInstanceBeforeTouchingTheTimer_AsEveryCommandDoes()
    {
        // A command holds the instance's row and is about to cancel its timers when a supervisor retries the timer's
        // incident. The retry must wait for the instance without holding the timer's row: holding it would leave
        // the command waiting on the retry and the retry on the command.
        var (instance, incidentRef) = await ParkATimerWithAnIncidentAsync();
        await using var command = new NpgsqlConnection(Database.ConnectionString);
        await command.OpenAsync(Ct);
        await using var commandWrite = await command.BeginTransactionAsync(Ct);
        await SqlAsync("""UPDATE workflow_instances SET "UpdatedAt" = "UpdatedAt" WHERE "Id" = @id""");

        await using var db = Database.NewContext();
        var retry = Task.Run(() => RuntimeOn(db).RetryIncidentAsync(instance, incidentRef, "supervisor", Ct), Ct);
        await PostgresLocks.WaitUntilBlockedByAsync(Database.ConnectionString, command.ProcessID, retry, "The retry", Ct);

        // Well inside the server's one-second deadlock check: a timer row held by the retry would time this out.
        await SqlAsync("SET LOCAL lock_timeout = '300ms'");
        await SqlAsync("""UPDATE workflow_timers SET "Attempts" = "Attempts" WHERE "InstanceId" = @id""");
        await commandWrite.CommitAsync(Ct);
        var retried = await retry;

        Assert.True(retried.Succeeded, retried.Message);
        await using var check = Database.NewContext();
        var timer = await check.Timers.SingleAsync(Ct);
        Assert.Equal((0, (string?)null), (timer.Attempts, timer.LeaseOwner));
        Assert.NotNull((await check.Incidents.SingleAsync(Ct)).ResolvedAt);

        async Task SqlAsync(string sql)
        {
            await using var statement = new NpgsqlCommand(sql, command);
            statement.Parameters.AddWithValue("id", instance);
            await statement.ExecuteNonQueryAsync(Ct);
        }
    }
}
