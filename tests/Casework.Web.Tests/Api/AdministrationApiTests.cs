using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Web.Features.Administration;
using Casework.Web.Tests.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Casework.Web.Tests.Api;

/// <summary>The administrator's API on SQLite and PostgreSQL: accounts that really sign in, and their end.</summary>
public sealed class AdministrationApiTests(Casework.Testing.PostgresFixture postgres)
{
    private const string Strong = "Another-Horse-77!";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoAdministratorsCreatingTheSameAccountOrOrganisationAtOnce_CreateItOnce_AndTheOtherIsToldItIsTaken(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin.a", CaseworkRoles.Administrator), ("admin.b", CaseworkRoles.Administrator));
        HttpClient[] admins = [await host.ClientForAsync("admin.a"), await host.ClientForAsync("admin.b")];

        async Task<HttpStatusCode[]> AtOnceAsync(string path, Func<int, object> body)
        {
            var answers = await ApiHost.AtOnceAsync(admins.Length, n => admins[n].PostAsJsonAsync(path, body(n), ct));
            foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            {
                await ApiHost.AssertProblemAsync(refused, HttpStatusCode.Conflict);
            }

            return [.. answers.Select(a => a.StatusCode).Order()];
        }

        for (var round = 1; round <= 5; round++)
        {
            var userName = $"clerk.{round}";
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], await AtOnceAsync("/api/admin/users", n => new
            {
                userName, displayName = $"Clerk {round}{n}", roles = new[] { CaseworkRoles.RegistrationClerk }, office = "NBO", password = ApiHost.Password,
            }));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict],
                await AtOnceAsync("/api/admin/organisations", n => new { name = n == 0 ? $"Legal Aid {round}" : $" LEGAL aid {round}" }));
        }

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Casework.Data.CaseworkDbContext>();
        Assert.Equal(5, await db.Users.CountAsync(u => u.UserName!.StartsWith("clerk."), ct));
        Assert.Equal(5, await db.Organisations.CountAsync(ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Administrator_CreatesAccountsThatSignInWithTheirRoles_AndBadInputNamesTheFieldAndCreatesNothing(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");

        var created = await admin.PostAsJsonAsync("/api/admin/users",
            new { userName = "new.clerk", displayName = "New Clerk", roles = new[] { CaseworkRoles.RegistrationClerk }, office = "KLA", password = ApiHost.Password }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("new.clerk", view.GetProperty("userName").GetString());
        Assert.Equal("KLA", view.GetProperty("office").GetString());
        Assert.Equal([CaseworkRoles.RegistrationClerk], view.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(view.GetProperty("disabled").GetBoolean());
        Assert.DoesNotContain("password", view.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(created.Headers.Location!.OriginalString, $"/api/admin/users/{view.GetProperty("id").GetString()}");

        // The new account signs in through the real flow and works its role's queue, in its office.
        var clerk = await host.ClientForAsync("new.clerk");
        var me = await clerk.GetFromJsonAsync<JsonElement>("/api/me", ct);
        Assert.Contains(CaseworkRoles.RegistrationClerk, me.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("KLA", me.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/admin/users", ct)).StatusCode);

        // A partner's lawyer belongs to an organisation the administrator adds first.
        var organisation = await admin.PostAsJsonAsync("/api/admin/organisations", new { name = "Refugee Legal Aid" }, ct);
        Assert.Equal(HttpStatusCode.Created, organisation.StatusCode);
        var organisationId = (await organisation.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        var sameName = await ApiHost.AssertProblemAsync(await admin.PostAsJsonAsync("/api/admin/organisations", new { name = "refugee legal aid" }, ct), HttpStatusCode.Conflict);
        Assert.Equal(("The organisation was not added", "There is already an organisation named 'refugee legal aid'."),
            (sameName.GetProperty("title").GetString(), sameName.GetProperty("detail").GetString()));
        var lawyer = await admin.PostAsJsonAsync("/api/admin/users",
            new { userName = "lawyer", roles = new[] { CaseworkRoles.LegalAidPartner }, organisationId, password = ApiHost.Password }, ct);
        Assert.Equal(HttpStatusCode.Created, lawyer.StatusCode);
        Assert.Equal("Refugee Legal Aid", (await lawyer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("organisationName").GetString());
        var partner = await host.ClientForAsync("lawyer");
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync("/api/partner/appeals", ct)).StatusCode);
        var organisations = await admin.GetFromJsonAsync<JsonElement>("/api/admin/organisations", ct);
        Assert.Equal(1, organisations.EnumerateArray().Single(o => o.GetProperty("id").GetGuid() == organisationId).GetProperty("lawyers").GetInt32());

        // Each bad request names its field, and leaves no account behind.
        await Refused(new { userName = "x!", roles = new[] { CaseworkRoles.Auditor }, password = Strong }, "userName");
        await Refused(new { userName = "nobody1", roles = Array.Empty<string>(), password = Strong }, "roles");
        await Refused(new { userName = "nobody2", roles = new[] { "Janitor" }, password = Strong }, "roles");
        await Refused(new { userName = "nobody3", roles = new[] { CaseworkRoles.EligibilityOfficer }, password = Strong }, "office");
        await Refused(new { userName = "nobody4", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "nbo", password = Strong }, "office");
        await Refused(new { userName = "nobody5", roles = new[] { CaseworkRoles.LegalAidPartner }, password = Strong }, "organisationId");
        await Refused(new { userName = "nobody6", roles = new[] { CaseworkRoles.LegalAidPartner }, organisationId = Guid.NewGuid(), password = Strong }, "organisationId");
        await Refused(new { userName = "nobody7", roles = new[] { CaseworkRoles.LegalAidPartner, CaseworkRoles.Supervisor }, organisationId, password = Strong }, "roles");
        await Refused(new { userName = "nobody8", roles = new[] { CaseworkRoles.Auditor }, password = "short" }, "password");
        await Refused(new { userName = "nobody9", roles = new[] { CaseworkRoles.Auditor } }, "password");
        var taken = await admin.PostAsJsonAsync("/api/admin/users", new { userName = "NEW.CLERK", roles = new[] { CaseworkRoles.Auditor }, password = Strong }, ct);
        await ApiHost.AssertProblemAsync(taken, HttpStatusCode.Conflict);
        Assert.Contains("taken", await taken.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        var all = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?pageSize=10", ct);
        Assert.Equal(3, all.GetProperty("total").GetInt32());
        Assert.Equal(["admin", "lawyer", "new.clerk"], all.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("userName").GetString()));
        var clerks = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users?role={CaseworkRoles.RegistrationClerk}", ct);
        Assert.Equal("new.clerk", clerks.GetProperty("items").EnumerateArray().Single().GetProperty("userName").GetString());
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?search=clerk", ct)).GetProperty("total").GetInt32());
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?search=nEW%20cLERK", ct)).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/users?role=Janitor", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/admin/users/{Guid.NewGuid()}", ct)).StatusCode);

        Task Refused(object request, string field) => ApiHost.AssertFieldRefusedAsync(admin, "/api/admin/users", request, field);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DisablingAnAccount_EndsItsTokensAtOnce_AndEnablingLetsItSignInAgain(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator), ("officer", CaseworkRoles.EligibilityOfficer));
        var admin = await host.ClientForAsync("admin");
        var id = await IdOfAsync(admin, "officer");
        using var oidc = new OidcTestClient(host.Server);
        var tokens = await oidc.SignInAsync("api-tests", "officer", ApiHost.Password, ct);
        using var officer = Bearer(host, tokens);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/queues/mine", ct)).StatusCode);

        var disabled = await admin.PostAsync($"/api/admin/users/{id}/disable", null, ct);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await disabled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("disabled").GetBoolean());

        // The token issued before is refused on the next request, its refresh token too, and so is a new sign-in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/queues/mine", ct)).StatusCode);
        var refresh = await oidc.TokenResponseAsync(Refresh(tokens), ct);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        using (var again = new OidcTestClient(host.Server))
        {
            var login = await again.PostLoginAsync(new Uri("/account/login?ReturnUrl=%2F", UriKind.Relative), "officer", ApiHost.Password, ct);
            Assert.NotEqual(HttpStatusCode.Redirect, login.StatusCode);
        }

        // An administrator cannot disable themselves.
        var self = await admin.PostAsync($"/api/admin/users/{await IdOfAsync(admin, "admin")}/disable", null, ct);
        await ApiHost.AssertProblemAsync(self, HttpStatusCode.Conflict);

        var enabled = await admin.PostAsync($"/api/admin/users/{id}/enable", null, ct);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.False((await enabled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("disabled").GetBoolean());
        var back = await host.ClientForAsync("officer");
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync("/api/queues/mine", ct)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnAccountChangeMadeOnAStaleCopy_IsRefusedWithNothingSaved_ButAMistypedPasswordDoesNotMakeTheCopyStale(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator), ("officer", CaseworkRoles.EligibilityOfficer));
        var admin = await host.ClientForAsync("admin");
        var id = await IdOfAsync(admin, "officer");
        var tag = (await admin.GetAsync($"/api/admin/users/{id}", ct)).Headers.ETag?.Tag;
        Assert.NotNull(tag);

        // The person mistypes their password (the account row changes, its settings do not): the copy still holds.
        using (var scope = host.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CaseworkUser>>();
            Assert.True((await users.AccessFailedAsync((await users.FindByIdAsync(id))!)).Succeeded);
        }

        Assert.Equal(tag, (await admin.GetAsync($"/api/admin/users/{id}", ct)).Headers.ETag?.Tag);
        var first = await ApiHost.PutAsync(admin, $"/api/admin/users/{id}", new { displayName = "Senior Officer", roles = new[] { CaseworkRoles.Supervisor }, office = "ADD" }, tag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(tag, first.Headers.ETag?.Tag);

        // A second administrator's change made on the same copy is refused, and the first stays as it was saved.
        var second = await ApiHost.PutAsync(admin, $"/api/admin/users/{id}", new { displayName = "Officer", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO" }, tag);
        var problem = await ApiHost.AssertProblemAsync(second, HttpStatusCode.PreconditionFailed);
        Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _), problem.ToString());
        var kept = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users/{id}", ct);
        Assert.Equal("Senior Officer", kept.GetProperty("displayName").GetString());
        Assert.Equal([CaseworkRoles.Supervisor], kept.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // With the current tag (weak or not), or none at all, the change is saved.
        var current = (await admin.GetAsync($"/api/admin/users/{id}", ct)).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.PutAsync(admin, $"/api/admin/users/{id}",
            new { displayName = "Officer", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO" }, "W/" + current)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.PutAsync(admin, $"/api/admin/users/{id}",
            new { displayName = "Officer B", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO" }, null)).StatusCode);
        Assert.Equal("Officer B", (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users/{id}", ct)).GetProperty("displayName").GetString());

        // A new account's answer carries its tag: the creator can change it straight away without reading it first.
        var created = await admin.PostAsJsonAsync("/api/admin/users",
            new { userName = "new.clerk", displayName = "New Clerk", roles = new[] { CaseworkRoles.RegistrationClerk }, office = "NBO", password = Strong }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdTag = created.Headers.ETag?.Tag;
        Assert.NotNull(createdTag);
        Assert.Equal(createdTag, (await admin.GetAsync(created.Headers.Location, ct)).Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.PutAsync(admin, created.Headers.Location!.OriginalString,
            new { displayName = "New Clerk", roles = new[] { CaseworkRoles.RegistrationClerk }, office = "KMP" }, createdTag)).StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnAccountsGender_IsRecordedAsFemaleOrMale_AnythingElseNamesTheField_AndAChangeOfItMovesTheTag(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");

        var created = await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "officer.f", displayName = "Amina", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO", password = Strong, gender = "female",
        }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("Female", view.GetProperty("gender").GetString());
        var id = view.GetProperty("id").GetString()!;
        var tag = created.Headers.ETag!.Tag;

        // Anything but Female or Male (or nothing) is refused by name, on creation and on a change, and nothing is saved.
        var refused = await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "officer.x", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO", password = Strong, gender = "1",
        }, ct);
        var problem = await ApiHost.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("gender", out _), problem.ToString());
        var bad = await ApiHost.PutAsync(admin, $"/api/admin/users/{id}",
            new { displayName = "Amina", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO", gender = "Other" }, tag);
        problem = await ApiHost.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("gender", out _), problem.ToString());
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.False(await db.Users.AnyAsync(u => u.UserName == "officer.x", ct));
            Assert.Equal("Female", await db.Users.Where(u => u.Id == id).Select(u => u.Gender).SingleAsync(ct));
        }

        // A change of the gender alone is a change of the account: the old copy's tag no longer holds.
        var changed = await ApiHost.PutAsync(admin, $"/api/admin/users/{id}",
            new { displayName = "Amina", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO", gender = "Male" }, tag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag?.Tag);
        Assert.Equal("Male", (await changed.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("gender").GetString());
        await ApiHost.AssertProblemAsync(await ApiHost.PutAsync(admin, $"/api/admin/users/{id}",
            new { displayName = "Amina", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO", gender = "Female" }, tag), HttpStatusCode.PreconditionFailed);

        // Left out of a change, it is no longer recorded (a change replaces the account's settings whole).
        var cleared = await ApiHost.PutAsync(admin, $"/api/admin/users/{id}",
            new { displayName = "Amina", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO" }, null);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await cleared.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("gender").ValueKind);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ChangingRoles_TakesEffectOnTheNextRefresh_AndANewPasswordEndsTheOldOne(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator), ("officer", CaseworkRoles.EligibilityOfficer));
        var admin = await host.ClientForAsync("admin");
        var id = await IdOfAsync(admin, "officer");
        using var oidc = new OidcTestClient(host.Server);
        var tokens = await oidc.SignInAsync("api-tests", "officer", ApiHost.Password, ct);
        using (var officer = Bearer(host, tokens))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsJsonAsync("/api/tasks/reassign", new { }, ct)).StatusCode);

            var updated = await admin.PutAsJsonAsync($"/api/admin/users/{id}",
                new { displayName = "Senior Officer", roles = new[] { CaseworkRoles.Supervisor }, office = "ADD" }, ct);
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var view = await updated.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal([CaseworkRoles.Supervisor], view.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal("ADD", view.GetProperty("office").GetString());

            // The old access token, with the old role in it, is refused; the refreshed one carries the new role.
            Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/queues/mine", ct)).StatusCode);
        }

        var refreshed = await oidc.TokenAsync(Refresh(tokens), ct);
        using (var supervisor = Bearer(host, refreshed))
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync("/api/tasks/reassign", new { }, ct)).StatusCode);
            var me = await supervisor.GetFromJsonAsync<JsonElement>("/api/me", ct);
            Assert.Contains(CaseworkRoles.Supervisor, me.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(CaseworkRoles.EligibilityOfficer, me.GetRawText(), StringComparison.Ordinal);
        }

        var badPassword = await admin.PostAsJsonAsync($"/api/admin/users/{id}/password", new { password = "weak" }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPassword.StatusCode);
        Assert.Contains("\"password\"", await badPassword.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/admin/users/{id}/password", new { password = Strong }, ct)).StatusCode);
        using (var current = Bearer(host, refreshed))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await current.GetAsync("/api/queues/mine", ct)).StatusCode);
        }

        using var stale = new OidcTestClient(host.Server);
        var login = await stale.PostLoginAsync(new Uri("/account/login?ReturnUrl=%2F", UriKind.Relative), "officer", ApiHost.Password, ct);
        Assert.NotEqual(HttpStatusCode.Redirect, login.StatusCode);
        using var fresh = new OidcTestClient(host.Server);
        Assert.True((await fresh.SignInAsync("api-tests", "officer", Strong, ct)).TryGetProperty("access_token", out _));

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/admin/users/{Guid.NewGuid()}",
            new { roles = new[] { CaseworkRoles.Auditor } }, ct)).StatusCode);
        var invalid = await admin.PutAsJsonAsync($"/api/admin/users/{id}", new { roles = new[] { CaseworkRoles.Supervisor } }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("\"office\"", await invalid.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheLastEnabledAdministrator_CannotBeDemotedOrDisabled_UntilAnotherAdministratorCanSignIn(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        var self = await IdOfAsync(admin, "admin");

        var demoted = await admin.PutAsJsonAsync($"/api/admin/users/{self}", new { roles = new[] { CaseworkRoles.Auditor } }, ct);
        await ApiHost.AssertProblemAsync(demoted, HttpStatusCode.Conflict);
        Assert.Contains("last administrator", await demoted.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        var second = await admin.PostAsJsonAsync("/api/admin/users",
            new { userName = "admin2", roles = new[] { CaseworkRoles.Administrator }, password = ApiHost.Password }, ct);
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/users/{secondId}/disable", null, ct)).StatusCode);

        // A disabled administrator does not count: the first is still the last one who can sign in.
        await ApiHost.AssertProblemAsync(await admin.PutAsJsonAsync($"/api/admin/users/{self}", new { roles = new[] { CaseworkRoles.Auditor } }, ct), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/users/{secondId}/enable", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/admin/users/{self}", new { roles = new[] { CaseworkRoles.Auditor } }, ct)).StatusCode);

        var other = await host.ClientForAsync("admin2");
        var last = await other.PostAsync($"/api/admin/users/{secondId}/disable", null, ct);
        await ApiHost.AssertProblemAsync(last, HttpStatusCode.Conflict);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        Assert.Null((await db.Users.SingleAsync(u => u.UserName == "admin2", ct)).LockoutEnd);
    }

    [Fact]
    public async Task TwoAdministratorsDemotingEachOtherAtOnce_LeaveOneAdministrator()
    {
        // PostgreSQL, where two requests really run side by side. A transaction of the test's own holds the role
        // memberships, so both demotions get as far as removing the role and wait there together; then it lets go.
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync("postgres", postgres, ("admin", CaseworkRoles.Administrator), ("admin2", CaseworkRoles.Administrator));
        var (first, second) = (await host.ClientForAsync("admin"), await host.ClientForAsync("admin2"));
        var (firstId, secondId) = (await IdOfAsync(first, "admin"), await IdOfAsync(first, "admin2"));

        await using var holdScope = host.Services.CreateAsyncScope();
        var hold = holdScope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        await using var held = await hold.Database.BeginTransactionAsync(ct);
        await hold.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"AspNetUserRoles\" FOR UPDATE", ct);

        var demotions = new[]
        {
            first.PutAsJsonAsync($"/api/admin/users/{secondId}", new { roles = new[] { CaseworkRoles.Auditor } }, ct),
            second.PutAsJsonAsync($"/api/admin/users/{firstId}", new { roles = new[] { CaseworkRoles.Auditor } }, ct),
        };
        await using (var watchScope = host.Services.CreateAsyncScope())
        {
            var watch = watchScope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var waiting = 0;
            for (var i = 0; i < 300 && waiting < 2 && !demotions.Any(d => d.IsCompleted); i++)
            {
                await Task.Delay(50, ct);
                waiting = await watch.Database.SqlQueryRaw<int>(
                    "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync(ct);
            }

            Assert.Equal(2, waiting);
        }

        await held.RollbackAsync(ct);
        var answers = await Task.WhenAll(demotions);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(r => r.StatusCode).Order());
        await ApiHost.AssertProblemAsync(answers.Single(r => r.StatusCode == HttpStatusCode.Conflict), HttpStatusCode.Conflict);
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CaseworkUser>>();
        Assert.Single(await users.GetUsersInRoleAsync(CaseworkRoles.Administrator));
    }

    [Fact]
    public async Task TheFirstAdministrator_ComesFromBootstrapSettings_OnlyWhileThereIsNone()
    {
        var ct = TestContext.Current.CancellationToken;
        var factory = CaseworkWebFactory.ForSqlite();
        factory.ExtraSettings["Bootstrap:Administrator:UserName"] = "root";
        factory.ExtraSettings["Bootstrap:Administrator:Password"] = Strong;
        await using var host = await ApiHost.StartAsync(factory);
        using var oidc = new OidcTestClient(host.Server);
        var tokens = await oidc.SignInAsync("api-tests", "root", Strong, ct);
        using var root = Bearer(host, tokens);
        var users = await root.GetFromJsonAsync<JsonElement>("/api/admin/users", ct);
        var only = users.GetProperty("items").EnumerateArray().Single();
        Assert.Equal([CaseworkRoles.Administrator], only.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // With an administrator in place, the settings change nothing, even with another name.
        var created = await root.PostAsJsonAsync("/api/admin/users",
            new { userName = "admin2", roles = new[] { CaseworkRoles.Administrator }, password = ApiHost.Password }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rootId = only.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await root.PutAsJsonAsync($"/api/admin/users/{rootId}", new { roles = new[] { CaseworkRoles.Auditor } }, ct)).StatusCode);
        factory.ExtraSettings["Bootstrap:Administrator:UserName"] = "root2";
        await using var restarted = await ApiHost.StartAsync(factory.Restarted());
        await using var scope = restarted.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        Assert.Equal(["admin2", "root"], await db.Users.OrderBy(u => u.UserName).Select(u => u.UserName!).ToListAsync(ct));
    }

    [Fact]
    public async Task ABootstrapPasswordTheSitePolicyRefuses_CreatesNoAccount_AndTheSiteStillStarts()
    {
        var ct = TestContext.Current.CancellationToken;
        var factory = CaseworkWebFactory.ForSqlite();
        factory.ExtraSettings["Bootstrap:Administrator:UserName"] = "root";
        factory.ExtraSettings["Bootstrap:Administrator:Password"] = "password";
        await using var host = await ApiHost.StartAsync(factory);
        using var anonymous = new HttpClient { BaseAddress = host.Server };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", ct)).StatusCode);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Users.AnyAsync(ct));
    }

    /// <summary>The token request that trades <paramref name="tokens"/>' refresh token for new ones.</summary>
    private static Dictionary<string, string> Refresh(JsonElement tokens) => new()
    {
        ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!, ["client_id"] = "api-tests",
    };

    private static HttpClient Bearer(ApiHost host, JsonElement tokens)
    {
        var http = new HttpClient { BaseAddress = host.Server };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        return http;
    }

    [Fact]
    public async Task AnAccountChangeTheDatabaseEndsToBreakADeadlock_IsRunAgain_AndLandsOnce()
    {
        // The accounts screen calls the service directly (no API request around it). Another writer holds the clerk's
        // role row and then asks for the account's row, which the change took first: a deadlock. PostgreSQL ends the
        // change (it has waited longest), and it runs again once the other writer is gone.
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync("postgres", postgres, ("admin.a", CaseworkRoles.Administrator), ("clerk.b", CaseworkRoles.RegistrationClerk));
        string connectionString, id;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            connectionString = db.Database.GetConnectionString()!;
            id = await db.Users.Where(u => u.UserName == "clerk.b").Select(u => u.Id).SingleAsync(ct);
        }

        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync(ct);
        await using var otherWrite = await other.BeginTransactionAsync(ct);
        await SqlAsync("""UPDATE "AspNetUserRoles" SET "RoleId" = "RoleId" WHERE "UserId" = @id""");

        var change = Task.Run(async () =>
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<UserAdministration>().UpdateAsync(id,
                new UpdateUserRequest("Berhane", [CaseworkRoles.EligibilityOfficer], "NBO", null), "admin.a", null, ct);
        }, ct);
        await Casework.Testing.PostgresLocks.WaitUntilBlockedByAsync(connectionString, other.ProcessID, change, "The account change", ct);

        await SqlAsync("""UPDATE "AspNetUsers" SET "DisplayName" = "DisplayName" WHERE "Id" = @id""");
        await otherWrite.RollbackAsync(ct);
        var outcome = await change;

        Assert.Equal(AdminResult.Done, outcome.Kind);
        Assert.Equal("Berhane", outcome.User!.DisplayName);
        Assert.Equal([CaseworkRoles.EligibilityOfficer], outcome.User.Roles);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(1, await db.UserRoles.CountAsync(r => r.UserId == id, ct));
        }

        async Task SqlAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, other);
            command.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(ct));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AccountsAreFoundByTheirDisplayName_WhateverItsAccentsOrLetterCase_AndAfterItChanges(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users",
            new { userName = "jm", displayName = "Jörg Müller-Łukasz", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO", password = Strong },
            ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/users",
            new { userName = "other", displayName = "Ayşe Kılıç", roles = new[] { CaseworkRoles.Auditor }, password = Strong }, ct)).StatusCode);

        async Task<string[]> Found(string search) =>
            [.. (await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users?search={Uri.EscapeDataString(search)}", ct))
                .GetProperty("items").EnumerateArray().Select(u => u.GetProperty("userName").GetString()!).Order()];

        Assert.Equal(["jm"], await Found("muller"));
        Assert.Equal(["jm"], await Found("JORG MULLER LUKASZ"));
        Assert.Equal(["jm"], await Found("Müller"));
        Assert.Equal(["other"], await Found("ayse kilic"));
        Assert.Equal(["other"], await Found("KILIÇ"));
        Assert.Equal(["jm"], await Found("jm"));
        Assert.Empty(await Found("muller ayse"));

        // A name changed by an administrator is found by the new name only.
        var id = await IdOfAsync(admin, "jm");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/admin/users/{id}",
            new { displayName = "Jörg Ødegård", roles = new[] { CaseworkRoles.EligibilityOfficer }, office = "NBO" }, ct)).StatusCode);
        Assert.Equal(["jm"], await Found("odegard"));
        Assert.Empty(await Found("muller"));

        // Accounts made before the folded name existed have none until the next start gives them theirs.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.Equal(3, await db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayNameKey, (string?)null), ct));
        }

        Assert.Empty(await Found("kilic"));
        await ActivatorUtilities.CreateInstance<DatabaseInitializer>(host.Services).InitializeAsync(ct);
        Assert.Equal(["other"], await Found("kilic"));
        Assert.Equal(["jm"], await Found("odegard"));
    }

    private static async Task<string> IdOfAsync(HttpClient admin, string userName)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users?search={userName}", TestContext.Current.CancellationToken);
        return page.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("userName").GetString() == userName).GetProperty("id").GetString()!;
    }
}
