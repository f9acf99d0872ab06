using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Data.Runtime.Workers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Web.Tests.Procedure;

/// <summary>
/// Runs the reference workflows through the real host's durable runtime on SQLite, with a fake clock and the
/// workers driven by hand: what officers, supervisors and partners do, one command at a time.
/// </summary>
public sealed class ProcedureDriver : IAsyncDisposable
{
    private readonly CaseworkWebFactory factory = CaseworkWebFactory.ForSqlite();

    public ProcedureDriver()
    {
        Host = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Runtime:Workers:Enabled", "false");
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        Host.CreateClient().Dispose(); // start: migrate, import the workflows
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Host { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<Guid> RegisterAsync(string caseId, object variables)
    {
        var outcome = await RuntimeAsync(r => r.StartAsync("asylum-claim", caseId, Vars(variables), "clerk.one", Ct));
        Assert.True(outcome.Succeeded, outcome.Message);
        return outcome.InstanceId!.Value;
    }

    /// <summary>
    /// An account holding <paramref name="roles"/>, for tasks assigned by name (the appeal officer): the runtime checks an assignee has one.
    /// </summary>
    public async Task AccountAsync(string userName, params string[] roles)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        var user = new CaseworkUser { UserName = userName, OfficeCode = "NBO" };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        foreach (var role in roles)
        {
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }
    }

    /// <summary>Completes the open task at <paramref name="elementId"/> on the case; must succeed.</summary>
    public async Task CompleteAsync(string caseId, string elementId, string actor, object? data = null)
    {
        var outcome = await TryCompleteAsync(caseId, elementId, actor, data);
        Assert.True(outcome.Succeeded, $"{elementId}: {outcome.Kind} {outcome.Message} {string.Join("; ", outcome.Errors.Select(e => e.Field + ": " + e.Message))}");
        await RunWorkersAsync();
    }

    public async Task<RuntimeOutcome> TryCompleteAsync(string caseId, string elementId, string actor, object? data = null)
    {
        var item = await OpenTaskAsync(caseId, elementId) ?? throw new Xunit.Sdk.XunitException(
            $"No open task '{elementId}' on {caseId}. Open: {string.Join(", ", await OpenTasksAsync(caseId))}");
        return await RuntimeAsync(r => r.CompleteTaskAsync(item.Id, actor, data is null ? null : Vars(data), Ct));
    }

    public async Task<RuntimeOutcome> LodgeAppealAsync(string caseId, object? data = null)
    {
        var outcome = await RuntimeAsync(r => r.CorrelateMessageAsync("AppealLodged", caseId, data is null ? null : Vars(data), "partner.lawyer", Ct));
        await RunWorkersAsync();
        return outcome;
    }

    public async Task<IReadOnlyList<string>> OpenTasksAsync(string caseId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.WorkItems.Where(w => w.CaseId == caseId && w.Status == WorkItemStatus.Open).OrderBy(w => w.ElementId).Select(w => w.ElementId).ToListAsync(Ct);
    }

    public async Task<WorkItemRecord?> OpenTaskAsync(string caseId, string elementId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.WorkItems.AsNoTracking().FirstOrDefaultAsync(w => w.CaseId == caseId && w.ElementId == elementId && w.Status == WorkItemStatus.Open, Ct);
    }

    public async Task<List<WorkflowInstanceRecord>> InstancesAsync(string caseId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.Instances.AsNoTracking().Where(i => i.BusinessKey == caseId).OrderBy(i => i.CreatedAt).ToListAsync(Ct);
    }

    public async Task<JsonElement> VariableAsync(Guid instanceId, string name)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var state = await db.Instances.Where(i => i.Id == instanceId).Select(i => i.State).SingleAsync(Ct);
        return JsonDocument.Parse(state).RootElement.GetProperty("variables").GetProperty(name).Clone();
    }

    /// <summary>Advances the clock and lets the timer worker and the outbox dispatcher run until nothing is due.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await RunWorkersAsync();
    }

    public Task AdvanceToAsync(DateTimeOffset moment) => AdvanceAsync(moment - Clock.GetUtcNow());

    public async Task RunWorkersAsync()
    {
        var timers = Host.Services.GetRequiredService<TimerWorker>();
        var outbox = Host.Services.GetRequiredService<OutboxDispatcher>();
        for (var round = 0; round < 20 && await timers.RunOnceAsync(Ct) + await outbox.RunOnceAsync(Ct) > 0; round++)
        {
        }
    }

    /// <summary>The return workflow's non-refoulement risk assessment, completed with the risk found.</summary>
    public static object RiskAssessed(string risk) => new
    {
        refoulementRisk = risk,
        riskAssessedOn = "2026-03-10",
        riskAssessmentBasis = "Current country information and the person's profile",
    };

    public static IReadOnlyDictionary<string, JsonElement> Vars(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await factory.DisposeAsync();
    }

    private async Task<T> RuntimeAsync<T>(Func<WorkflowRuntime, Task<T>> work)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<WorkflowRuntime>());
    }
}
