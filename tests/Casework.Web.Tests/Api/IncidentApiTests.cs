using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime.Handlers;
using Casework.Data.Runtime.Records;
using Casework.Data.Runtime.Workers;
using Casework.Web.Features.Procedure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Casework.Web.Tests.Api;

/// <summary>
/// A timer whose firing keeps failing stops its case with an incident; a supervisor sees it through the API, the cause is
/// put right, and retrying it lets the case go on where it stopped.
/// </summary>
public sealed class IncidentApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ATimerThatKeptFailing_RaisesAnIncident_ThatASupervisorRetries_AndTheCaseGoesOn(string store)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var handler = new Switch();
        await using var host = await ApiHost.StartAsync(store, postgres, services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                // The dependants' status step fails while the switch is on, as it would while a service it needs is down.
                var real = services.Single(d => d.ServiceType == typeof(IServiceTaskHandler) && d.ImplementationType == typeof(DerivativeStatusHandler));
                services.Remove(real);
                services.AddScoped<DerivativeStatusHandler>();
                services.AddScoped<IServiceTaskHandler>(sp => new FailingWhileSwitchedOn(sp.GetRequiredService<DerivativeStatusHandler>(), handler));
            },
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");

        // A claim rejected and notified on 2026-03-20: with no appeal, the window closes on 2026-06-01 and the case
        // moves to return arrangements through the dependants' status step.
        var (_, number) = await host.TriagedCaseAsync(clerk, "Hodan");
        await host.CompleteTaskAsync(officer, number, await OpenInterviewAsync(host, number), new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Rejected", reasons = "Assessed against the 1951 Convention criteria." });
        await host.CompleteTaskAsync(supervisor, number, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, number, "notify", new { notifiedOn = "2026-03-20", deliveryMethod = "InPerson" });
        var instanceId = await InstanceIdAsync(host, number);

        handler.On = true;
        clock.SetUtcNow(new DateTimeOffset(2026, 6, 2, 9, 0, 0, TimeSpan.Zero));
        var timers = host.Services.GetRequiredService<TimerWorker>();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await timers.RunOnceAsync(Ct);
            clock.Advance(TimeSpan.FromHours(2)); // past every retry delay
        }

        Assert.Equal(5, handler.Calls); // Runtime:Workers:MaxAttempts, then it waits for a person
        // Three months on, yesterday's access tokens have long expired: sign in again.
        officer = await host.ClientForAsync("officer.a");
        supervisor = await host.ClientForAsync("supervisor.a");
        var incidents = await supervisor.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/incidents", Ct);
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal("windowClosed", incident.GetProperty("elementId").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("resolvedAt").ValueKind);
        Assert.Contains("failed 5 times", incident.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True((await supervisor.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}", Ct)).GetProperty("hasIncident").GetBoolean());
        Assert.Empty(await OpenTasksAsync(host, number));

        // An eligibility officer cannot retry; an unknown incident is a 404 problem; nothing changes by either.
        await ApiHost.AssertProblemAsync(
            await officer.PostAsync($"/api/instances/{instanceId}/incidents/{incident.GetProperty("id").GetGuid()}/retry", null, Ct),
            HttpStatusCode.Forbidden);
        await ApiHost.AssertProblemAsync(await supervisor.PostAsync($"/api/instances/{instanceId}/incidents/{Guid.NewGuid()}/retry", null, Ct),
            HttpStatusCode.NotFound);

        handler.On = false;
        var retried = await supervisor.PostAsync($"/api/instances/{instanceId}/incidents/{incident.GetProperty("id").GetGuid()}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        await timers.RunOnceAsync(Ct);

        Assert.Equal(6, handler.Calls);
        Assert.Equal(["counselling"], await OpenTasksAsync(host, number));
        var after = await supervisor.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/incidents", Ct);
        Assert.NotEqual(JsonValueKind.Null, Assert.Single(after.EnumerateArray()).GetProperty("resolvedAt").ValueKind);
        Assert.False((await supervisor.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}", Ct)).GetProperty("hasIncident").GetBoolean());
    }

    private static async Task<string> OpenInterviewAsync(ApiHost host, string caseNumber) =>
        (await OpenTasksAsync(host, caseNumber)).Single(e => e.StartsWith("interview", StringComparison.Ordinal));

    private static async Task<List<string>> OpenTasksAsync(ApiHost host, string caseNumber)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems
            .Where(w => w.CaseId == caseNumber && w.Status == WorkItemStatus.Open).Select(w => w.ElementId).ToListAsync(Ct);
    }

    private static async Task<Guid> InstanceIdAsync(ApiHost host, string caseNumber)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Instances
            .Where(i => i.BusinessKey == caseNumber && i.ProcessId == "asylum-claim").Select(i => i.Id).SingleAsync(Ct);
    }

    private sealed class Switch
    {
        private int calls;

        public volatile bool On;

        public int Calls => Volatile.Read(ref calls);

        public void Called() => Interlocked.Increment(ref calls);
    }

    private sealed class FailingWhileSwitchedOn(IServiceTaskHandler inner, Switch state) : IServiceTaskHandler
    {
        public string Key => inner.Key;

        public Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken)
        {
            state.Called();
            return state.On ? throw new InvalidOperationException("The status service is unavailable.") : inner.HandleAsync(context, cancellationToken);
        }
    }
}
