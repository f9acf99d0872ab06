using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

public sealed class CaseApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static object Principal(string nationality = "SOM") => new
    {
        givenName = "Amina", familyName = "Test", transliterations = new[] { "Амина" }, dateOfBirth = "1990-01-01", dateOfBirthApproximate = true,
        sex = "Female", nationalities = new[] { nationality }, languages = new[] { "so" }, specificNeeds = new[] { "WomanAtRisk" },
        documents = new object[]
        {
            new { type = "Passport", number = "P1234567", issuingCountry = nationality, expiresOn = "2030-01-31" },
            new { type = "BirthCertificate", number = "BC-77" },
        },
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Clerk_RegistersCases_WhichStartTheProcedure_AndCanBeReadAndSearched(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var auditor = await host.ClientForAsync("auditor.a");

        var first = await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal = Principal() }, ct);
        var second = await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal = Principal("ERI") }, ct);
        var created = await first.Content.ReadFromJsonAsync<JsonElement>(ct);
        var view = await auditor.GetFromJsonAsync<JsonElement>(first.Headers.Location!, ct);
        var somali = await auditor.GetFromJsonAsync<JsonElement>("/api/cases?office=NBO&nationality=SOM", ct);
        var queue = await clerk.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk", ct);
        var auditorMayNotRegister = await auditor.PostAsJsonAsync("/api/cases", new { office = "NBO", principal = Principal() }, ct);
        var taskId = queue.GetProperty("items").EnumerateArray().First(i => i.GetProperty("caseId").GetString() == "NBO-2026-000001").GetProperty("id").GetGuid();
        var task = await clerk.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("NBO-2026-000001", created.GetProperty("caseNumber").GetString());
        Assert.Equal("NBO-2026-000002", (await second.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("caseNumber").GetString());
        Assert.Equal("Amina", view.GetProperty("givenName").GetString());
        Assert.True(view.GetProperty("dateOfBirthApproximate").GetBoolean());
        Assert.Equal([("Passport", "P1234567", "SOM"), ("BirthCertificate", "BC-77", null)], view.GetProperty("documents").EnumerateArray()
            .Select(d => (d.GetProperty("type").GetString(), d.GetProperty("number").GetString(), d.GetProperty("issuingCountry").GetString())));
        Assert.Equal(1, somali.GetProperty("total").GetInt32());
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("caseId").GetString() == "NBO-2026-000001");
        Assert.Equal(HttpStatusCode.Forbidden, auditorMayNotRegister.StatusCode);
        // The task carries its form and what its assignee needs of the case.
        Assert.Equal("registration", task.GetProperty("form").GetProperty("key").GetString());
        var context = task.GetProperty("case");
        Assert.Equal((created.GetProperty("id").GetGuid(), "Amina", "Registration"),
            (context.GetProperty("id").GetGuid(), context.GetProperty("givenName").GetString(), context.GetProperty("stage").GetString()));
        Assert.Equal(["so"], context.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["WomanAtRisk"], context.GetProperty("specificNeeds").EnumerateArray().Select(l => l.GetString()));
        Assert.True(context.GetProperty("ageApproximate").GetBoolean());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ClerksRegisteringAtOnce_EachGetANumberOfTheirOwn_AndEveryCaseHasItsProcedure(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("clerk.b", CaseworkRoles.RegistrationClerk));
        HttpClient[] clerks = [await host.ClientForAsync("clerk.a"), await host.ClientForAsync("clerk.b")];
        const int Registrations = 12;

        // A busy registration day: two clerks of one office register at the same moment, twelve cases between them.
        var responses = await ApiHost.AtOnceAsync(Registrations,
            n => clerks[n % 2].PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal = Principal() }, ct));

        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        }

        var created = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>(ct)));
        Assert.Equal(Enumerable.Range(1, Registrations).Select(n => $"NBO-2026-{n:000000}"),
            created.Select(c => c.GetProperty("caseNumber").GetString()).Order(StringComparer.Ordinal));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        var cases = await db.Cases.Select(c => new { c.CaseNumber, c.InstanceId }).ToListAsync(ct);
        var instances = await db.Instances.Where(i => i.ProcessId == "asylum-claim").Select(i => new { i.Id, i.BusinessKey }).ToListAsync(ct);
        Assert.Equal(Registrations, cases.Count);
        Assert.Equal(cases.Select(c => (c.InstanceId, (string?)c.CaseNumber)).OrderBy(c => c.Item2, StringComparer.Ordinal),
            instances.Select(i => ((Guid?)i.Id, i.BusinessKey)).OrderBy(i => i.Item2, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ARegistrationWhoseProcedureFailsToStart_LeavesNoCaseBehind(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres,
            services => services.AddScoped<Casework.Data.Runtime.Handlers.IInstanceProjection, FailingProjection>(), ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");

        var response = await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal = Principal() }, ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        Assert.Equal((0, 0, 0), (await db.Cases.CountAsync(ct), await db.Documents.CountAsync(ct), await db.Instances.CountAsync(ct)));
    }

    /// <summary>Fails every command the way a broken handler or a lost connection would, after the instance was written.</summary>
    private sealed class FailingProjection : Casework.Data.Runtime.Handlers.IInstanceProjection
    {
        public Task ProjectAsync(Casework.Data.Runtime.Handlers.ProjectionContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The database went away.");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Register_WithBadBiodata_NamesEachField_AndRegistersNothing(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");

        var response = await clerk.PostAsJsonAsync("/api/cases", new
        {
            office = "nairobi", registeredOn = "2099-01-01",
            principal = new
            {
                givenName = "", familyName = new string('x', 300), dateOfBirth = "2099-01-01", sex = "Q", nationalities = new[] { "Somalia" }, specificNeeds = new[] { "Tall" },
                // Stored comma-joined, a spelling or language with a comma would come back split in two: refused instead.
                transliterations = new[] { "Hassan, Amina" }, languages = new[] { "Somali", "Arabic, Juba" },
                documents = new[] { new { type = "Visa", number = "", issuingCountry = "Somalia" } },
            },
        }, ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var search = await clerk.GetFromJsonAsync<JsonElement>("/api/cases", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["office", "principal.dateOfBirth", "principal.documents[0].issuingCountry", "principal.documents[0].number", "principal.documents[0].type",
                "principal.familyName", "principal.givenName", "principal.languages", "principal.nationalities", "principal.sex", "principal.specificNeeds",
                "principal.transliterations", "registeredOn"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("no comma", problem.GetProperty("errors").GetProperty("principal.transliterations")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, search.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ASearchFilterNoCaseCouldMatch_IsRefusedNamingIt_AndCodesTypedInSmallLettersStillFind()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync("sqlite", postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var auditor = await host.ClientForAsync("auditor.a");
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", principal = Principal("SOM") }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", principal = Principal("ERI") }, ct)).StatusCode);

        // Before, "S" matched inside the stored list of codes and an unknown stage was an empty page.
        var partCode = await ApiHost.AssertProblemAsync(await auditor.GetAsync("/api/cases?nationality=S", ct), HttpStatusCode.BadRequest);
        var unknownStage = await ApiHost.AssertProblemAsync(await auditor.GetAsync("/api/cases?stage=Interview", ct), HttpStatusCode.BadRequest);
        var badOffice = await ApiHost.AssertProblemAsync(await auditor.GetAsync("/api/cases?office=N-B-O&nationality=SOMALIA", ct), HttpStatusCode.BadRequest);
        var typedSmall = await auditor.GetFromJsonAsync<JsonElement>("/api/cases?office=nbo&stage=registration&nationality=som", ct);

        Assert.Equal(["nationality"], partCode.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Contains("three-letter country code", partCode.GetProperty("errors").GetProperty("nationality")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Registration, Profiling, Triage", unknownStage.GetProperty("errors").GetProperty("stage")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["nationality", "office"], badOffice.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var found = Assert.Single(typedSmall.GetProperty("items").EnumerateArray());
        Assert.Equal("Registration", found.GetProperty("stage").GetString());
        Assert.Equal(1, typedSmall.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ABodyThatCannotBeRead_GetsAProblemSayingWhy_AndRegistersNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync("sqlite", postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        async Task<JsonElement> SendAsync(string body, string mediaType, HttpStatusCode status)
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, mediaType);
            return await ApiHost.AssertProblemAsync(await clerk.PostAsync("/api/cases", content, ct), status);
        }

        var malformed = await SendAsync("{\"office\": \"nairobi\", ", "application/json", HttpStatusCode.BadRequest);
        var wrongType = await SendAsync("{\"office\": \"nairobi\", \"registeredOn\": 5}", "application/json", HttpStatusCode.BadRequest);
        var empty = await SendAsync("", "application/json", HttpStatusCode.BadRequest);
        var notJson = await SendAsync("office=nairobi", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType);

        var invalid = await SendAsync("{\"office\": \"nairobi\"}", "application/json", HttpStatusCode.BadRequest);
        var badPage = await ApiHost.AssertProblemAsync(await clerk.GetAsync("/api/cases?page=Amina-Warsame", ct), HttpStatusCode.BadRequest);

        Assert.Contains("JSON (line 1, byte", malformed.GetProperty("detail").GetString());
        Assert.Contains("registeredOn", wrongType.GetProperty("detail").GetString());
        Assert.True(wrongType.GetProperty("errors").TryGetProperty("registeredOn", out _), wrongType.ToString());
        Assert.Contains("errors", invalid.GetProperty("detail").GetString()); // read, but not valid: the fields say why
        Assert.True(invalid.GetProperty("errors").TryGetProperty("office", out _), invalid.ToString());
        Assert.Contains("'page'", badPage.GetProperty("detail").GetString());
        Assert.DoesNotContain("Amina", badPage.ToString()); // what was sent is never quoted back (nor logged)
        Assert.Contains("body", empty.GetProperty("detail").GetString());
        Assert.Contains("application/json", notJson.GetProperty("detail").GetString());
        Assert.Equal(0, (await clerk.GetFromJsonAsync<JsonElement>("/api/cases", ct)).GetProperty("total").GetInt32());
    }
}

public sealed class StatisticsApiTests(Casework.Testing.PostgresFixture postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Statistics_CountCasesByGroup_AndSuppressSmallCounts_AndTriageUpdatesTheCase(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        foreach (var nationality in new[] { "SOM", "SOM", "SOM", "SOM", "SOM", "SOM", "ERI", "ERI" })
        {
            var principal = new
            {
                givenName = "A", familyName = "B", dateOfBirth = "1990-01-01", sex = "Female", nationalities = new[] { nationality },
                specificNeeds = nationality == "ERI" ? new[] { "Disability" } : [],
            };
            Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal }, ct)).StatusCode);
        }

        var queue = await clerk.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk?pageSize=1", ct);
        var register = queue.GetProperty("items")[0].GetProperty("id").GetGuid();
        var caseId = queue.GetProperty("items")[0].GetProperty("caseId").GetString();
        await clerk.PostAsJsonAsync($"/api/tasks/{register}/complete", new { data = new { registeredOn = "2026-03-02", specificNeeds = new[] { "SurvivorOfTortureOrTrauma" } } }, ct);
        var profile = (await clerk.GetFromJsonAsync<JsonElement>("/api/queues/roles/RegistrationClerk?pageSize=50", ct))
            .GetProperty("items").EnumerateArray().First(i => i.GetProperty("caseId").GetString() == caseId).GetProperty("id").GetGuid();
        await clerk.PostAsJsonAsync($"/api/tasks/{profile}/complete", new { data = new { referral = "SeeksAsylum" } }, ct);

        var statistics = await supervisor.GetFromJsonAsync<JsonElement>("/api/statistics/cases", ct);
        var cases = await supervisor.GetFromJsonAsync<JsonElement>("/api/cases?stage=Assessment", ct);

        var byNationality = statistics.GetProperty("by").GetProperty("nationality").EnumerateArray().ToDictionary(e => e.GetProperty("value").GetString()!);
        Assert.Equal(6, byNationality["SOM"].GetProperty("count").GetInt32());
        Assert.True(byNationality["ERI"].GetProperty("suppressed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, byNationality["ERI"].GetProperty("count").ValueKind);
        var byDecision = statistics.GetProperty("by").GetProperty("decision").EnumerateArray().ToDictionary(e => e.GetProperty("value").GetString()!);
        Assert.Equal(8, byDecision["no decision notified"].GetProperty("count").GetInt32());
        int CountOf(string dimension, string value) => statistics.GetProperty("by").GetProperty(dimension).EnumerateArray()
            .Single(e => e.GetProperty("value").GetString() == value).GetProperty("count").GetInt32();
        Assert.Equal((8, 8, 6, 8), (CountOf("sex", "Female"), CountOf("ageBand", "18-59"), CountOf("disability", "without"), statistics.GetProperty("total").GetInt32()));
        Assert.Contains(statistics.GetProperty("by").GetProperty("disability").EnumerateArray(),
            e => e.GetProperty("value").GetString() == "with disability" && e.GetProperty("suppressed").GetBoolean());
        Assert.Equal(1, cases.GetProperty("total").GetInt32());
        Assert.Equal("Accelerated", cases.GetProperty("items")[0].GetProperty("track").GetString());
        Assert.Equal(90, cases.GetProperty("items")[0].GetProperty("priority").GetInt32());
    }
}
