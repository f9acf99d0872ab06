using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

public sealed class AuditApiTests(Casework.Testing.PostgresFixture postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ReadsAndWritesOfCaseData_AreChained_AndAlteringAnEntryBreaksVerificationThere(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        if (store == "postgres")
        {
            postgres.Server.RequireAvailable();
        }

        await using var host = await ApiHost.StartAsync(store == "postgres" ? postgres.Server : null,
            ("clerk.a", CaseworkRoles.RegistrationClerk), ("auditor.a", CaseworkRoles.Auditor));
        await host.StartClaimAsync("NBO-2026-000600");
        var clerk = await host.ClientForAsync("clerk.a");
        var auditor = await host.ClientForAsync("auditor.a");
        var page = await clerk.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk", ct);
        var task = page.GetProperty("items")[0].GetProperty("id").GetGuid();
        await clerk.GetAsync($"/api/tasks/{task}", ct);
        await clerk.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data = new { registeredOn = "2026-03-02" } }, ct);

        var before = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
        long altered;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var entries = await db.AuditEntries.OrderBy(a => a.Id).ToListAsync(ct);
            Assert.Contains(entries, e => e is { Actor: "clerk.a", Action: "read" } && e.Resource.StartsWith("GET /api/tasks/", StringComparison.Ordinal));
            Assert.Contains(entries, e => e is { Actor: "clerk.a", Action: "write", Status: 200 } && e.Resource.EndsWith("/complete", StringComparison.Ordinal));
            Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.RemoteAddress)));
            altered = entries[1].Id;
            await db.AuditEntries.Where(a => a.Id == altered).ExecuteUpdateAsync(s => s.SetProperty(a => a.Actor, "someone.else"), ct);
        }

        var after = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
        var clerkMayNotVerify = await clerk.GetAsync("/api/audit/verify", ct);

        Assert.True(before.GetProperty("valid").GetBoolean());
        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(altered, after.GetProperty("brokenAtId").GetInt64());
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, clerkMayNotVerify.StatusCode);
    }
}
