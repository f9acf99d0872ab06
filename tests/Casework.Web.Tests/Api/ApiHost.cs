using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Web.Features.Auth;
using Casework.Web.Tests.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>The application on Kestrel at 127.0.0.1 with users signed in through the real OpenID Connect flow.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string Password = "Correct-Horse-42!";
    private readonly CaseworkWebFactory factory;
    private readonly List<IDisposable> clients = [];

    private ApiHost(CaseworkWebFactory factory)
    {
        this.factory = factory;
        factory.UseKestrel(0);
        factory.StartServer();
        using var http = factory.CreateClient();
        Server = http.BaseAddress!;
    }

    public Uri Server { get; }

    public IServiceProvider Services => factory.Services;

    public static Task<ApiHost> StartAsync(params (string User, string Role)[] users) =>
        StartAsync(CaseworkWebFactory.ForSqlite(), users);

    public static Task<ApiHost> StartAsync(Action<IServiceCollection>? testServices, params (string User, string Role)[] users) =>
        StartAsync(CaseworkWebFactory.ForSqlite(testServices), users);

    /// <summary>On PostgreSQL (a fresh database of the test cluster) when <paramref name="postgres"/> is given, else SQLite.</summary>
    public static async Task<ApiHost> StartAsync(Casework.Testing.PostgresServer? postgres, params (string User, string Role)[] users) =>
        await StartAsync(postgres is null ? CaseworkWebFactory.ForSqlite() : await CaseworkWebFactory.ForPostgresAsync(postgres), users);

    /// <summary>The test's store: <c>"sqlite"</c> or <c>"postgres"</c> (a fresh database of the assembly's cluster).</summary>
    public static async Task<ApiHost> StartAsync(string store, Casework.Testing.PostgresFixture postgres,
        Action<IServiceCollection>? testServices, params (string User, string Role)[] users) =>
        await StartAsync(await CaseworkWebFactory.ForStoreAsync(store, postgres, testServices), users);

    public static Task<ApiHost> StartAsync(string store, Casework.Testing.PostgresFixture postgres, params (string User, string Role)[] users) =>
        StartAsync(store, postgres, null, users);

    /// <summary>
    /// On a fresh PostgreSQL database whose connections wait at most a third of a second for a row another transaction
    /// holds: a test holding a row makes the node's write give up quickly, as a busy database does.
    /// </summary>
    public static async Task<ApiHost> StartWithShortLockWaitsAsync(Casework.Testing.PostgresFixture postgres, params (string User, string Role)[] users)
    {
        postgres.Server.RequireAvailable();
        var database = await postgres.Server.CreateDatabaseAsync("web", TestContext.Current.CancellationToken);
        return await StartAsync(CaseworkWebFactory.ForPostgres(database + ";Options=-c lock_timeout=300"), users);
    }

    /// <summary>On a factory the test has configured (extra settings, environment).</summary>
    public static async Task<ApiHost> StartAsync(CaseworkWebFactory factory, params (string User, string Role)[] users)
    {
        var host = new ApiHost(factory);
        await using var scope = host.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        foreach (var (name, role) in users)
        {
            var user = new CaseworkUser { UserName = name, OfficeCode = "NBO" };
            Assert.True((await manager.CreateAsync(user, Password)).Succeeded);
            Assert.True((await manager.AddToRoleAsync(user, role)).Succeeded);
        }

        await scope.ServiceProvider.GetRequiredService<ClientRegistrar>().RegisterAsync(new ClientRegistration
        {
            ClientId = "api-tests", RedirectUris = [OidcTestClient.RedirectUri], GrantTypes = ["authorization_code", "refresh_token"],
        }, TestContext.Current.CancellationToken);
        return host;
    }

    /// <summary>An HTTP client carrying <paramref name="user"/>'s access token.</summary>
    public async Task<HttpClient> ClientForAsync(string user)
    {
        var oidc = new OidcTestClient(Server);
        clients.Add(oidc);
        var tokens = await oidc.SignInAsync("api-tests", user, Password, TestContext.Current.CancellationToken);
        var http = new HttpClient { BaseAddress = Server };
        clients.Add(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        return http;
    }

    public async Task<Guid> StartClaimAsync(string caseId)
    {
        await using var scope = Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("asylum-claim", caseId,
            Procedure.ProcedureDriver.Vars(new { caseId, office = "NBO" }), "clerk", TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Message);
        return outcome.InstanceId!.Value;
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests at the same moment, as people pressing the same button together do: each
    /// waits at one gate, opened when all are ready. Their answers, in the order of <paramref name="send"/>'s index.
    /// </summary>
    public static async Task<HttpResponseMessage[]> AtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        using var gate = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, count).Select(async n =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            return await send(n);
        }).ToList();
        gate.Release(count);
        return await Task.WhenAll(requests);
    }

    /// <summary>
    /// Asserts that an error answer is a problem details document (application/problem+json) with this status, a title and a
    /// detail, as every refusal of the API is; the document.
    /// </summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var copy = new ByteArrayContent(bytes); // the test may read the answer again
        foreach (var header in response.Content.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = copy;
        var problem = JsonSerializer.Deserialize<JsonElement>(bytes);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), problem.ToString());
        Assert.False(string.IsNullOrWhiteSpace(problem.TryGetProperty("detail", out var detail) ? detail.GetString() : null), problem.ToString());
        return problem;
    }

    /// <summary>Posts <paramref name="request"/> as JSON and asserts a 400 whose <c>errors</c> name <paramref name="field"/>.</summary>
    /// <summary>A PUT of <paramref name="body"/> as JSON, naming the copy it was made on with If-Match when <paramref name="ifMatch"/> is given.</summary>
    public static async Task<HttpResponseMessage> PutAsync(HttpClient client, string path, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task AssertFieldRefusedAsync(HttpClient client, string path, object request, string field)
    {
        var response = await client.PostAsJsonAsync(path, request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named: {body}");
    }

    /// <summary>Registers a case through the API (which starts its procedure); its id and case number.</summary>
    public static Task<(Guid Id, string Number)> RegisterCaseAsync(HttpClient clerk, string givenName = "Amina") =>
        RegisterCaseAsync(clerk, new { givenName, familyName = "Test", dateOfBirth = "1990-01-01", sex = "Female", nationalities = new[] { "SOM" } });

    /// <summary>Registers a case in NBO on 2026-03-02 for <paramref name="principal"/> (the request's principal applicant); its id and case number.</summary>
    public static async Task<(Guid Id, string Number)> RegisterCaseAsync(HttpClient clerk, object principal)
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await clerk.PostAsJsonAsync("/api/cases", new { office = "NBO", registeredOn = "2026-03-02", principal }, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ct));
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return (created.GetProperty("id").GetGuid(), created.GetProperty("caseNumber").GetString()!);
    }

    /// <summary>A case registered and referred to refugee status determination: triaged, with its interview open (registered 2026-03-02).</summary>
    public async Task<(Guid Id, string Number)> TriagedCaseAsync(HttpClient clerk, string givenName)
    {
        var (id, number) = await RegisterCaseAsync(clerk, givenName);
        await CompleteTaskAsync(clerk, number, "register", new { registeredOn = "2026-03-02" });
        var profiled = await clerk.PostAsJsonAsync($"/api/cases/{id}/profiling", new { referral = "SeeksAsylum" }, TestContext.Current.CancellationToken);
        Assert.True(profiled.IsSuccessStatusCode, await profiled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (id, number);
    }

    /// <summary>
    /// A case whose rejection <paramref name="officer"/> drafted and <paramref name="supervisor"/> approved, notified
    /// <paramref name="daysAgo"/> days before today (the host's clock is the system's): it waits for an appeal.
    /// </summary>
    public async Task<(Guid Id, string Number)> RejectedCaseAsync(HttpClient clerk, HttpClient officer, HttpClient supervisor, string givenName,
        int daysAgo = 0)
    {
        var (id, number) = await TriagedCaseAsync(clerk, givenName);
        var notifiedOn = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-daysAgo)
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await CompleteTaskAsync(officer, number, "interviewRegular", new { interviewDate = "2026-03-10" });
        await CompleteTaskAsync(officer, number, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        await CompleteTaskAsync(supervisor, number, "reviewDecision", new { outcome = "approve" });
        await CompleteTaskAsync(officer, number, "notify", new { notifiedOn, deliveryMethod = "InPerson" });
        return (id, number);
    }

    /// <summary>
    /// A case whose rejection <paramref name="officer"/> drafted and <paramref name="supervisor"/> approved, notified today, with an appeal
    /// lodged: its appeal waits for a supervisor to name the appeal officer (<c>assignAppealOfficer</c>).
    /// </summary>
    public async Task<(Guid Id, string Number)> AppealedCaseAsync(HttpClient clerk, HttpClient officer, HttpClient supervisor, string givenName)
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, number) = await RejectedCaseAsync(clerk, officer, supervisor, givenName);
        await using var scope = Services.CreateAsyncScope();
        var lodged = await scope.ServiceProvider.GetRequiredService<Casework.Data.Runtime.WorkflowRuntime>().CorrelateMessageAsync("AppealLodged", number,
            Procedure.ProcedureDriver.Vars(new { appealGrounds = "New evidence." }), "lawyer.a", ct);
        Assert.True(lodged.Succeeded, lodged.Message);
        return (id, number);
    }

    /// <summary>Completes the open task at <paramref name="element"/> of a case through the API, as <paramref name="client"/>'s user.</summary>
    public async Task CompleteTaskAsync(HttpClient client, string caseNumber, string element, object data)
    {
        var ct = TestContext.Current.CancellationToken;
        Guid task;
        await using (var scope = Services.CreateAsyncScope())
        {
            task = await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().WorkItems
                .Where(w => w.CaseId == caseNumber && w.ElementId == element && w.Status == WorkItemStatus.Open)
                .Select(w => w.Id).SingleAsync(ct);
        }

        var response = await client.PostAsJsonAsync($"/api/tasks/{task}/complete", new { data }, ct);
        Assert.True(response.IsSuccessStatusCode, $"{element}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A legal aid organisation with one lawyer (<see cref="Password"/>); the organisation's id.</summary>
    public async Task<Guid> AddPartnerAsync(string user, string organisation)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var org = new Organisation { Id = Guid.NewGuid(), Name = organisation };
        db.Organisations.Add(org);
        await db.SaveChangesAsync(ct);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        var lawyer = new CaseworkUser { UserName = user, OrganisationId = org.Id };
        Assert.True((await users.CreateAsync(lawyer, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(lawyer, CaseworkRoles.LegalAidPartner)).Succeeded);
        return org.Id;
    }

    /// <summary>The case's one open work item, as stored.</summary>
    public async Task<List<WorkItemRecord>> OpenItemsAsync(string caseNumber)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.WorkItems.AsNoTracking().Where(w => w.CaseId == caseNumber && w.Status == WorkItemStatus.Open)
            .ToListAsync(TestContext.Current.CancellationToken);
    }

    public async Task<WorkItemRecord> OpenItemAsync(string caseNumber)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        return await db.WorkItems.AsNoTracking().SingleAsync(w => w.CaseId == caseNumber && w.Status == WorkItemStatus.Open,
            TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// A return started on its own for <paramref name="caseNumber"/> with <paramref name="variables"/>, counselled (a voluntary
    /// return) and its risk of refoulement assessed as <paramref name="risk"/> by <paramref name="officer"/>, and stopped by the
    /// check before the first departure step: the supervisor's review of the blocked return, as stored.
    /// </summary>
    public async Task<WorkItemRecord> BlockedReturnAsync(HttpClient officer, string caseNumber, object variables, string risk)
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().StartAsync("return", caseNumber,
                Procedure.ProcedureDriver.Vars(variables), "officer", TestContext.Current.CancellationToken);
            Assert.True(started.Succeeded, started.Message);
        }

        await CompleteTaskAsync(officer, caseNumber, "counselling", new { returnOption = "Voluntary" });
        await CompleteTaskAsync(officer, caseNumber, "riskAssessment", Procedure.ProcedureDriver.RiskAssessed(risk));
        var review = await OpenItemAsync(caseNumber);
        Assert.Equal("reviewBlocked", review.ElementId);
        return review;
    }

    /// <summary>
    /// Another transaction does <paramref name="take"/> (writes a row, takes a lock) and keeps what it took, so that a
    /// write needing it waits, until the returned hold is disposed, when the transaction ends having changed nothing.
    /// With <see cref="StartWithShortLockWaitsAsync"/> such a write gives up after a short wait.
    /// </summary>
    public async Task<IAsyncDisposable> HoldAsync(Func<CaseworkDbContext, Task> take)
    {
        var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await take(db);
        return new Hold(scope, transaction);
    }

    /// <summary>
    /// Another transaction takes <paramref name="table"/> (a PostgreSQL identifier as written in SQL) so that nobody else
    /// writes to it until the returned hold is disposed (see <see cref="HoldAsync"/>); reading goes on meanwhile.
    /// </summary>
    public Task<IAsyncDisposable> HoldWritesToAsync(string table) => HoldAsync(async db =>
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"LOCK TABLE {table} IN EXCLUSIVE MODE";
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    });

    private sealed class Hold(AsyncServiceScope scope, IDbContextTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        clients.ForEach(c => c.Dispose());
        await factory.DisposeAsync();
    }
}
