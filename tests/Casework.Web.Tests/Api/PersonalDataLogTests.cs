using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace Casework.Web.Tests.Api;

/// <summary>Canary names and document numbers go through the API and the workflows; none may reach a log event.</summary>
public sealed class PersonalDataLogTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Canary = "CANARY7731";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CanaryPersonalData_NeverReachesTheLogs(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        var sink = new CapturingSink();
        await using var host = await ApiHost.StartAsync(store, postgres, services => services.AddSingleton<ILogEventSink>(sink), ("clerk.canary", CaseworkRoles.RegistrationClerk));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("asylum-claim", "NBO-2026-000700",
                Procedure.ProcedureDriver.Vars(new
                {
                    caseId = "NBO-2026-000700", office = "NBO",
                    principal = new { given = $"{Canary}-Given", family = $"{Canary}-Family", documentNumber = $"{Canary}-P1234567", dateOfBirth = "1990-01-01" },
                }), "clerk.canary", ct);
            Assert.True(started.Succeeded);
        }

        var http = await host.ClientForAsync("clerk.canary");
        var queue = await http.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk", ct);
        var task = queue.GetProperty("items")[0].GetProperty("id").GetGuid();
        await http.GetAsync($"/api/tasks/{task}?name={Canary}-InQuery", ct);
        await http.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { registeredOn = $"{Canary}-date", narrative = $"{Canary} fled because" } }, ct);
        await http.PostAsync($"/api/tasks/{task}/complete", new StringContent($"{{ \"data\": \"{Canary}", System.Text.Encoding.UTF8, "application/json"), ct);
        var done = await http.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { registeredOn = "2026-03-02", dependants = new[] { $"{Canary}-Child" } } }, ct);
        await http.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { registeredOn = "2026-03-02" } }, ct);

        // Registration, family and profiling through the cases API, with canary names and document numbers.
        var principal = new
        {
            givenName = $"{Canary}-Amina", familyName = $"{Canary}-Family", transliterations = new[] { $"{Canary}-Translit" }, dateOfBirth = "1990-01-01",
            sex = "Female", nationalities = new[] { "SOM" }, documents = new[] { new { type = "Passport", number = $"{Canary}-P7654321", issuingCountry = "SOM" } },
        };
        var registered = await http.PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal }, ct);
        var caseUri = registered.Headers.Location!;
        await http.PostAsJsonAsync("/api/cases", new { office = "NBO", principal = principal with { givenName = "", sex = $"{Canary}-Sex" } }, ct);
        var member = await http.PostAsJsonAsync($"{caseUri}/family-members", new
        {
            relationship = "Child", dependant = true,
            person = new { givenName = $"{Canary}-Child", familyName = "F", dateOfBirth = "2019-01-01", sex = "Male", nationalities = new[] { "SOM" },
                documents = new[] { new { type = "BirthCertificate", number = $"{Canary}-BC1" } } },
        }, ct);
        await http.GetAsync(caseUri, ct);
        await http.GetAsync($"/api/cases?nationality={Canary}", ct);
        // Requests that cannot be read quote what was sent in the framework's own messages; those never reach the log either.
        var unreadable = await http.GetAsync($"/api/cases?page={Canary}", ct);
        using (var body = new StringContent($"{{\"office\": \"NBO\", \"registeredOn\": \"{Canary}\"}}", System.Text.Encoding.UTF8, "application/json"))
        {
            await http.PostAsync("/api/cases", body, ct);
        }

        using (var body = new StringContent($"{{\"office\": \"{Canary}", System.Text.Encoding.UTF8, "application/json"))
        {
            await http.PostAsync("/api/cases", body, ct);
        }

        Assert.True(done.IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, member.StatusCode);
        Assert.NotEmpty(sink.Events);
        Assert.DoesNotContain(sink.Events, e => e.Contains(Canary, StringComparison.OrdinalIgnoreCase));
    }

    private sealed class CapturingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<string> events = new();

        public IReadOnlyCollection<string> Events => events;

        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter();
            logEvent.RenderMessage(text);
            foreach (var (name, value) in logEvent.Properties)
            {
                text.Write($" {name}={value}");
            }

            text.Write(logEvent.Exception?.ToString());
            events.Enqueue(text.ToString());
        }
    }
}
