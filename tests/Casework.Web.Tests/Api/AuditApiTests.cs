using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

public sealed class AuditApiTests(Casework.Testing.PostgresFixture postgres)
{
    /// <summary>clerk.a and clerk.b (registration clerks) and auditor.a on the test's store.</summary>
    private Task<ApiHost> TwoClerksAndAnAuditorAsync(string store) => ApiHost.StartAsync(store, postgres,
        ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk), ("auditor.a", CaseworkRoles.Auditor));

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
    /// <summary>The routes whose requests are not audited, each because it shows no case: anything new is audited unless added here.</summary>
    private static readonly HashSet<string> NotAudited =
    [
        "/", "/api/me", "/api/statistics/cases", "/api/audit/verify", "/health/live", "/health/ready", "/openapi/{documentName}.json",
        "/scalar/{documentName?}", "{**path:file}",
        "/account/login", "/account/logout", "connect/token", "connect/authorize", "connect/logout", "connect/userinfo",
        "/account/password", "/access-denied", "/error", "/not-found",
    ];

    [Fact]
    public async Task EveryRouteThatCanShowACase_IsAudited_AndOnlySignInHealthAndOwnAccountRoutesAreNot()
    {
        await using var host = await ApiHost.StartAsync(("clerk.a", CaseworkRoles.RegistrationClerk));
        var routes = host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? "")
            // Static files (a file name, no parameter) and the framework's own assets show no case.
            .Where(p => !(p.Contains('.', StringComparison.Ordinal) && !p.Contains('{', StringComparison.Ordinal)) && !p.StartsWith("/_", StringComparison.Ordinal))
            .Select(p => p.Length > 1 ? p.TrimEnd('/') : p).Distinct().ToList();
        Assert.Contains("/api/interviews", routes);
        Assert.Contains("/interviews/office", routes);

        static string Sample(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern.StartsWith('/') ? pattern : "/" + pattern,
            "{[^}]*}", "x");
        var unaudited = routes.Where(r => !Casework.Web.Features.Audit.AuditEndpoints.IsAudited(new PathString(Sample(r)))).ToList();
        Assert.Empty(unaudited.Except(NotAudited));
        Assert.DoesNotContain(NotAudited.Where(routes.Contains), r => Casework.Web.Features.Audit.AuditEndpoints.IsAudited(new PathString(Sample(r))));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task InterviewCalendarsAndMigrationPlans_WhichListCaseNumbers_AreAuditedReads(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("officer.a", CaseworkRoles.EligibilityOfficer),
            ("supervisor.a", CaseworkRoles.Supervisor));
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var paths = new[] { "/api/interviews", "/api/interviews/awaiting-outcome", "/api/me/interviews" };
        foreach (var path in paths)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await (path == "/api/me/interviews" ? officer : supervisor).GetAsync(path, ct)).StatusCode);
        }

        var plan = await supervisor.PostAsJsonAsync("/api/workflow-definitions/asylum-claim/migrations/dry-run", new { from = 1, to = 1 }, ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/migrations/{Guid.NewGuid()}", ct)).StatusCode);

        await using var scope = host.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().AuditEntries.AsNoTracking().ToListAsync(ct);
        Assert.Contains(entries, e => e is { Actor: "supervisor.a", Action: "read", Resource: "GET /api/interviews", Status: 200 });
        Assert.Contains(entries, e => e is { Actor: "supervisor.a", Action: "read", Resource: "GET /api/interviews/awaiting-outcome", Status: 200 });
        Assert.Contains(entries, e => e is { Actor: "officer.a", Action: "read", Resource: "GET /api/me/interviews", Status: 200 });
        Assert.Contains(entries, e => e.Actor == "supervisor.a" && e.Action == "write"
            && e.Resource == "POST /api/workflow-definitions/asylum-claim/migrations/dry-run" && e.Status == (int)plan.StatusCode);
        Assert.Contains(entries, e => e.Actor == "supervisor.a" && e.Resource.StartsWith("GET /api/migrations/", StringComparison.Ordinal) && e.Status == 404);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheTrail_IsFoundByAccountPathActionAndDay_NewestFirst_AndABadFilterIsNamed(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await TwoClerksAndAnAuditorAsync(store);
        var clerk = await host.ClientForAsync("clerk.a");
        var other = await host.ClientForAsync("clerk.b");
        var auditor = await host.ClientForAsync("auditor.a");
        var (caseId, _) = await ApiHost.RegisterCaseAsync(clerk);
        Assert.True((await clerk.GetAsync($"/api/cases/{caseId}", ct)).IsSuccessStatusCode);
        Assert.True((await other.GetAsync("/api/queues/roles/RegistrationClerk", ct)).IsSuccessStatusCode);
        static string Line(JsonElement e) => $"{e.GetProperty("actor").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("resource").GetString()}";

        // Who looked at the case: found by its id typed in any letter case.
        var byCase = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?resource={caseId.ToString().ToUpperInvariant()}", ct);
        Assert.Contains($"clerk.a read GET /api/cases/{caseId}", byCase.GetProperty("items").EnumerateArray().Select(Line));
        Assert.All(byCase.GetProperty("items").EnumerateArray(), e => Assert.Contains(caseId.ToString(), Line(e), StringComparison.Ordinal));
        Assert.Equal(byCase.GetProperty("items").GetArrayLength(), byCase.GetProperty("total").GetInt32());

        // What one account changed: its writes only.
        var writes = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=clerk.a&action=write", ct);
        Assert.Contains("clerk.a write POST /api/cases", writes.GetProperty("items").EnumerateArray().Select(Line));
        Assert.All(writes.GetProperty("items").EnumerateArray(), e => Assert.StartsWith("clerk.a write ", Line(e), StringComparison.Ordinal));

        // Newest first, a page at a time, with the total (one account's entries, which the auditor's own reads do not move).
        var first = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=clerk.a&pageSize=1", ct);
        var second = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=clerk.a&pageSize=1&page=2", ct);
        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.True(ids[0] > ids[1], $"{ids[0]} then {ids[1]}");
        Assert.True(first.GetProperty("total").GetInt32() >= 2);

        // By day (UTC, both ends included): the day of clerk.b's read finds it, the day before does not.
        var read = Assert.Single((await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=clerk.b", ct)).GetProperty("items").EnumerateArray());
        var day = DateOnly.FromDateTime(read.GetProperty("at").GetDateTimeOffset().UtcDateTime);
        var thatDay = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?actor=clerk.b&from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}", ct);
        var dayBefore = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?actor=clerk.b&to={day.AddDays(-1):yyyy-MM-dd}", ct);
        Assert.Equal(1, thatDay.GetProperty("total").GetInt32());
        Assert.Equal(0, dayBefore.GetProperty("total").GetInt32());

        // Reading the trail is itself audited.
        var watched = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=auditor.a&resource=/api/audit/entries", ct);
        Assert.True(watched.GetProperty("total").GetInt32() >= 5);

        foreach (var (query, field) in new[]
        {
            ("action=delete", "action"), ("from=20-03-2026", "from"), ("from=2026-03-02&to=2026-03-01", "to"), ("pageSize=0", "pageSize"), ("page=0", "page"),
        })
        {
            var refused = await ApiHost.AssertProblemAsync(await auditor.GetAsync($"/api/audit/entries?{query}", ct), System.Net.HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").TryGetProperty(field, out _), query);
        }

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/audit/entries", ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ACase_IsFoundWithItsRegistrationTasksAndInstance_ByNumberOrId_AndTheCaseIsChained(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await TwoClerksAndAnAuditorAsync(store);
        var clerk = await host.ClientForAsync("clerk.a");
        var other = await host.ClientForAsync("clerk.b");
        var auditor = await host.ClientForAsync("auditor.a");
        var (caseId, number) = await ApiHost.RegisterCaseAsync(clerk);
        var (otherId, _) = await ApiHost.RegisterCaseAsync(clerk, "Halima");
        var task = (await host.OpenItemAsync(number)).Id;
        Assert.True((await other.GetAsync($"/api/tasks/{task}", ct)).IsSuccessStatusCode);
        Assert.True((await other.PostAsync($"/api/tasks/{task}/claim", null, ct)).IsSuccessStatusCode);
        Assert.True((await clerk.GetAsync($"/api/cases/{otherId}", ct)).IsSuccessStatusCode);
        var instance = (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}", ct)).GetProperty("instanceId").GetGuid();
        Assert.True((await auditor.GetAsync($"/api/instances/{instance}/journal", ct)).IsSuccessStatusCode);
        static string Line(JsonElement e) => $"{e.GetProperty("actor").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("resource").GetString()}";

        // By its number in any letter case: its registration (named by the answer's Location), the reads and claim of its task,
        // its instance's journal, and nothing of the other case.
        var byNumber = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={number.ToLowerInvariant()}", ct);
        var lines = byNumber.GetProperty("items").EnumerateArray().Select(Line).ToList();
        Assert.Equal(
            [$"auditor.a read GET /api/instances/{instance}/journal", $"clerk.a read GET /api/cases/{caseId}", $"clerk.b write POST /api/tasks/{task}/claim",
                $"clerk.b read GET /api/tasks/{task}", "clerk.a write POST /api/cases"],
            lines);
        Assert.All(byNumber.GetProperty("items").EnumerateArray(), e => Assert.Equal(number, e.GetProperty("caseNumber").GetString()));
        Assert.All(byNumber.GetProperty("items").EnumerateArray(), e => Assert.Equal(caseId, e.GetProperty("caseId").GetGuid()));

        // By its id, and with another filter.
        var byId = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={caseId}", ct);
        Assert.Equal(lines, byId.GetProperty("items").EnumerateArray().Select(Line));
        var theirs = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={number}&actor=clerk.b&action=write", ct);
        Assert.Equal([$"clerk.b write POST /api/tasks/{task}/claim"], theirs.GetProperty("items").EnumerateArray().Select(Line));

        // A number no case has is named; a queue read names no case.
        var unknown = await ApiHost.AssertProblemAsync(await auditor.GetAsync("/api/audit/entries?case=NBO-1999-999999", ct), System.Net.HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("case", out _));
        Assert.True((await other.GetAsync("/api/queues/roles/RegistrationClerk", ct)).IsSuccessStatusCode);
        var queueRead = (await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=clerk.b&resource=/api/queues", ct)).GetProperty("items")[0];
        Assert.Equal(JsonValueKind.Null, queueRead.GetProperty("caseId").ValueKind);

        // The case is covered by the chain: moving an entry to another case is found there.
        Assert.True((await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct)).GetProperty("valid").GetBoolean());
        var moved = byNumber.GetProperty("items")[2].GetProperty("id").GetInt64();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().AuditEntries.Where(a => a.Id == moved)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.CaseId, otherId), ct);
        }

        var after = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(moved, after.GetProperty("brokenAtId").GetInt64());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ABulkReassignment_IsFoundUnderEachCaseItTouched_AsOneChainedEntryPerCase(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("clerk.b", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var auditor = await host.ClientForAsync("auditor.a");
        var (firstId, first) = await ApiHost.RegisterCaseAsync(clerk);
        var (secondId, second) = await ApiHost.RegisterCaseAsync(clerk, "Halima");
        var (_, untouched) = await ApiHost.RegisterCaseAsync(clerk, "Yonas");
        var tasks = new[] { (await host.OpenItemAsync(first)).Id, (await host.OpenItemAsync(second)).Id, Guid.NewGuid() };
        var response = await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = tasks, assignee = "clerk.b" }, ct);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("reassigned").GetInt32());
        var correlation = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.True((await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { taskIds = new[] { Guid.NewGuid() }, assignee = "clerk.b" }, ct)).IsSuccessStatusCode);

        // Each case's history shows the reassignment of its task: one entry per case, of the same request.
        async Task<List<JsonElement>> ReassignmentsAsync(string query) =>
            (await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?resource=/api/tasks/reassign{query}", ct)).GetProperty("items").EnumerateArray().ToList();
        var underFirst = Assert.Single(await ReassignmentsAsync($"&case={first}"));
        var underSecond = Assert.Single(await ReassignmentsAsync($"&case={second}"));
        Assert.Empty(await ReassignmentsAsync($"&case={untouched}"));
        foreach (var (entry, caseId) in new[] { (underFirst, firstId), (underSecond, secondId) })
        {
            Assert.Equal(("supervisor.a", "write", "POST /api/tasks/reassign", 200, correlation, caseId),
                (entry.GetProperty("actor").GetString(), entry.GetProperty("action").GetString(), entry.GetProperty("resource").GetString(),
                    entry.GetProperty("status").GetInt32(), entry.GetProperty("correlationId").GetString(), entry.GetProperty("caseId").GetGuid()));
        }

        // Two entries for the first request, one without a case for the one that touched none, all on the chain.
        var all = await ReassignmentsAsync(string.Empty);
        Assert.Equal(3, all.Count);
        Assert.Equal(JsonValueKind.Null, all[0].GetProperty("caseId").ValueKind);
        Assert.Equal([underSecond.GetProperty("id").GetInt64(), underFirst.GetProperty("id").GetInt64()], all.Skip(1).Select(e => e.GetProperty("id").GetInt64()));
        Assert.True((await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct)).GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheTrail_IsExportedAsCsv_ByTheSameFilters_AndTheExportIsAudited(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await TwoClerksAndAnAuditorAsync(store);
        var clerk = await host.ClientForAsync("clerk.a");
        var other = await host.ClientForAsync("clerk.b");
        var auditor = await host.ClientForAsync("auditor.a");
        var (caseId, number) = await ApiHost.RegisterCaseAsync(clerk);
        Assert.True((await clerk.GetAsync($"/api/cases/{caseId}", ct)).IsSuccessStatusCode);
        Assert.True((await other.GetAsync("/api/queues/roles/RegistrationClerk", ct)).IsSuccessStatusCode);
        Assert.True((await other.GetAsync($"/api/cases/{caseId}", ct)).IsSuccessStatusCode);
        var (otherCase, _) = await ApiHost.RegisterCaseAsync(clerk, "Halima");
        Assert.True((await clerk.GetAsync($"/api/cases/{otherCase}", ct)).IsSuccessStatusCode);

        var response = await auditor.GetAsync($"/api/audit/export?case={number}&actor=clerk.a", ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches("^audit-trail-[0-9]{8}T[0-9]{6}Z\\.csv$", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync(ct)).Split("\r\n");
        Assert.Equal("id,at,actor,action,case,resource,status,remoteAddress,correlationId", lines[0]);
        Assert.Equal(string.Empty, lines[^1]);
        var rows = lines[1..^1].Select(l => l.Split(',')).ToList();

        // The same entries, in the same order, as the search with those filters finds.
        var found = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/entries?case={number}&actor=clerk.a", ct);
        Assert.Equal(found.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            rows.Select(r => r[0]));
        Assert.Equal(2, rows.Count);
        Assert.Equal(["clerk.a", "read", number, $"GET /api/cases/{caseId}", "200"], rows[0][2..7]);
        Assert.Equal(["clerk.a", "write", number, "POST /api/cases", "201"], rows[1][2..7]);
        Assert.All(rows, r => Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$", r[1]));

        // A wrong filter is named before anything is written; a clerk may not export; the export is in the trail.
        var refused = await ApiHost.AssertProblemAsync(await auditor.GetAsync("/api/audit/export?from=yesterday", ct), System.Net.HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("from", out _));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/audit/export", ct)).StatusCode);
        var exports = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/entries?actor=auditor.a&resource=/api/audit/export", ct);
        Assert.Equal(2, exports.GetProperty("total").GetInt32());
    }
}
