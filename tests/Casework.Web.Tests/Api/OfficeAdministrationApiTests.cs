using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Web.Tests.Api;

/// <summary>
/// Administrators give offices a rule pack, weekend days and holidays on SQLite and PostgreSQL, and the procedure's
/// deadlines are computed by them, explained, from then on.
/// </summary>
public sealed class OfficeAdministrationApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object KenyanPack(int appealWindowDays = 15) => new
    {
        name = "Kenya Refugees Act",
        appealWindowDays,
        lateAppealGraceDays = 10,
        interviewTargetMonths = 3,
        acceleratedInterviewTargetDays = 20,
        simplifiedInterviewTargetDays = 45,
        moveDeadlinesToNextWorkingDay = true,
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AnOfficesRulePackAndHolidays_AreWhatItsCasesDeadlinesAreComputedBy_AndAChangeDoesNotMoveOneAlreadyComputed(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator), ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer), ("supervisor.a", CaseworkRoles.Supervisor));
        var admin = await host.ClientForAsync("admin");

        var packCreated = await admin.PostAsJsonAsync("/api/admin/rule-packs", KenyanPack(), Ct);
        Assert.Equal(HttpStatusCode.Created, packCreated.StatusCode);
        var pack = await packCreated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var packId = pack.GetProperty("id").GetGuid();
        Assert.Equal($"/api/admin/rule-packs/{packId}", packCreated.Headers.Location!.OriginalString);

        // Notified Friday 2026-03-20: 15 days is Saturday 2026-04-04, the next working day is Easter Monday, so Tuesday.
        var officeCreated = await admin.PostAsJsonAsync("/api/admin/offices", new
        {
            code = "NBO", name = "Nairobi", rulePackId = packId, weekendDays = new[] { "Saturday", "Sunday" },
            holidays = new[] { new { date = "2026-04-06", name = "Easter Monday" }, new { date = "2026-06-01", name = "Madaraka Day" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, officeCreated.StatusCode);
        var office = await officeCreated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Kenya Refugees Act", office.GetProperty("rulePackName").GetString());
        Assert.Equal(["Saturday", "Sunday"], office.GetProperty("weekendDays").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["2026-04-06", "2026-06-01"], office.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("date").GetString()));

        var preview = await admin.GetFromJsonAsync<JsonElement>("/api/admin/offices/NBO/deadlines?notifiedOn=2026-03-20&registeredOn=2026-03-02", Ct);
        Assert.Equal("2026-04-07", preview.GetProperty("appealDeadline").GetProperty("date").GetString());
        Assert.Equal("2026-04-17", preview.GetProperty("lateAppealCutoff").GetProperty("date").GetString());
        Assert.Equal("2026-06-02", preview.GetProperty("interviewTargets").GetProperty("Regular").GetProperty("date").GetString());
        var packs = await admin.GetFromJsonAsync<JsonElement>("/api/admin/rule-packs", Ct);
        Assert.Equal(["UNHCR mandate", "Kenya Refugees Act"], packs.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.True(packs[0].GetProperty("builtIn").GetBoolean());
        Assert.Equal(["NBO"], packs[1].GetProperty("offices").EnumerateArray().Select(o => o.GetString()));

        // A case of the office: its interview target and appeal deadline come from the office's pack and calendar.
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (_, caseNumber) = await host.TriagedCaseAsync(clerk, "Amina");
        var triaged = await VariablesAsync(host, caseNumber);
        Assert.Contains("interview within 3 months (Kenya Refugees Act) → 2026-06-02", triaged.GetProperty("interviewDueExplanation").GetString(), StringComparison.Ordinal);

        await host.CompleteTaskAsync(officer, caseNumber, "interviewRegular", new { interviewDate = "2026-03-10" });
        await host.CompleteTaskAsync(officer, caseNumber, "draftDecision", new { decision = "Rejected", reasons = "Not credible." });
        await host.CompleteTaskAsync(supervisor, caseNumber, "reviewDecision", new { outcome = "approve" });
        await host.CompleteTaskAsync(officer, caseNumber, "notify", new { notifiedOn = "2026-03-20", deliveryMethod = "InPerson" });
        var notified = await VariablesAsync(host, caseNumber);
        Assert.Equal("2026-04-07", notified.GetProperty("appealDeadline").GetString());
        var explanation = notified.GetProperty("appealDeadlineExplanation").GetString()!;
        Assert.Contains("appeal window 15 calendar days (Kenya Refugees Act) → 2026-04-04", explanation, StringComparison.Ordinal);
        Assert.Contains("2026-04-06 is a holiday (Easter Monday, office NBO calendar) → 2026-04-07", explanation, StringComparison.Ordinal);

        // The pack changes: new computations follow it; the deadline this case was notified of stays.
        var changed = await admin.PutAsJsonAsync($"/api/admin/rule-packs/{packId}", KenyanPack(appealWindowDays: 20), Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/admin/offices/NBO/deadlines?notifiedOn=2026-03-20", Ct);
        Assert.Equal("2026-04-09", after.GetProperty("appealDeadline").GetProperty("date").GetString());
        Assert.Equal("2026-04-07", (await VariablesAsync(host, caseNumber)).GetProperty("appealDeadline").GetString());

        // The office goes back to the UNHCR mandate and loses a holiday: 30 days from 2026-03-20 is Sunday 2026-04-19.
        var reset = await admin.PutAsJsonAsync("/api/admin/offices/NBO", new
        {
            name = "Nairobi", weekendDays = new[] { "Saturday", "Sunday" }, holidays = new[] { new { date = "2026-06-01", name = "Madaraka Day" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var resetView = await reset.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("UNHCR mandate", resetView.GetProperty("rulePackName").GetString());
        Assert.Equal(["2026-06-01"], resetView.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("date").GetString()));
        var mandate = await admin.GetFromJsonAsync<JsonElement>("/api/admin/offices/NBO/deadlines?notifiedOn=2026-03-20", Ct);
        Assert.Equal("2026-04-20", mandate.GetProperty("appealDeadline").GetProperty("date").GetString());
        Assert.Contains("UNHCR mandate", mandate.GetProperty("appealDeadline").GetProperty("explanation").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task BadSettings_AreRefusedNamingTheField_AndNothingIsWritten(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        var packId = (await (await admin.PostAsJsonAsync("/api/admin/rule-packs", KenyanPack(), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("id").GetGuid();
        var holidays = new[] { new { date = "2026-04-06", name = "Easter Monday" } };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/offices", new { code = "NBO", name = "Nairobi", rulePackId = packId, holidays }, Ct)).StatusCode);

        var pack = new Dictionary<string, object?>
        {
            ["name"] = "Uganda", ["appealWindowDays"] = 15, ["lateAppealGraceDays"] = 10, ["interviewTargetMonths"] = 3,
            ["acceleratedInterviewTargetDays"] = 20, ["simplifiedInterviewTargetDays"] = 45, ["moveDeadlinesToNextWorkingDay"] = true,
        };
        foreach (var (field, value) in new (string, object?)[]
        {
            ("name", null), ("name", "UNHCR Mandate "), ("appealWindowDays", 0), ("appealWindowDays", null), ("lateAppealGraceDays", -1),
            ("interviewTargetMonths", 40), ("acceleratedInterviewTargetDays", 366), ("simplifiedInterviewTargetDays", 0), ("moveDeadlinesToNextWorkingDay", null),
        })
        {
            await ApiHost.AssertFieldRefusedAsync(admin, "/api/admin/rule-packs", new Dictionary<string, object?>(pack) { [field] = value }, field);
        }

        var office = new Dictionary<string, object?> { ["code"] = "KMP", ["name"] = "Kampala", ["weekendDays"] = new[] { "Saturday", "Sunday" } };
        foreach (var (field, key, value) in new (string, string, object?)[]
        {
            ("code", "code", "kmp"), ("code", "code", "K"), ("code", "code", null), ("name", "name", " "), ("rulePackId", "rulePackId", Guid.NewGuid()),
            ("weekendDays", "weekendDays", new[] { "Caturday" }), ("weekendDays", "weekendDays", new[] { "3" }),
            ("weekendDays", "weekendDays", Enum.GetNames<DayOfWeek>()),
            ("holidays[1].date", "holidays", new[] { new { date = "2026-01-01", name = "New Year" }, new { date = "01/05/2026", name = "Labour Day" } }),
            ("holidays[1].date", "holidays", new[] { new { date = "2026-01-01", name = "New Year" }, new { date = "2026-01-01", name = "Again" } }),
            ("holidays[0].name", "holidays", new[] { new { date = "2026-01-01", name = "" } }),
            ("annualHolidays[0].monthDay", "annualHolidays", new[] { new { monthDay = "2026-12-25", name = "Christmas Day" } }),
            ("annualHolidays[0].monthDay", "annualHolidays", new[] { new { monthDay = "13-01", name = "Nonsense" } }),
            ("annualHolidays[0].monthDay", "annualHolidays", new[] { new { monthDay = "02-29", name = "Leap Day" } }),
            ("annualHolidays[1].monthDay", "annualHolidays", new[] { new { monthDay = "05-01", name = "Labour Day" }, new { monthDay = "05-01", name = "Again" } }),
            ("annualHolidays[0].name", "annualHolidays", new[] { new { monthDay = "05-01", name = " " } }),
        })
        {
            await ApiHost.AssertFieldRefusedAsync(admin, "/api/admin/offices", new Dictionary<string, object?>(office) { [key] = value }, field);
        }

        var twice = await admin.PostAsJsonAsync("/api/admin/offices", new { code = "NBO", name = "Nairobi again" }, Ct);
        var sameName = await admin.PostAsJsonAsync("/api/admin/rule-packs", new Dictionary<string, object?>(pack) { ["name"] = " kenya refugees act" }, Ct);
        var badChange = await admin.PutAsJsonAsync("/api/admin/offices/NBO", new
        {
            name = "Nairobi", holidays = new[] { new { date = "2026-12-25", name = "Christmas" }, new { date = "2026-13-01", name = "Nonsense" } },
        }, Ct);
        var missing = await admin.PutAsJsonAsync("/api/admin/offices/GOM", new { name = "Goma" }, Ct);
        var missingPack = await admin.PutAsJsonAsync($"/api/admin/rule-packs/{Guid.NewGuid()}", pack, Ct);
        var badPreview = await admin.GetAsync("/api/admin/offices/NBO/deadlines?notifiedOn=20-03-2026", Ct);

        Assert.Contains("NBO", (await ApiHost.AssertProblemAsync(twice, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ApiHost.AssertProblemAsync(sameName, HttpStatusCode.Conflict);
        Assert.True((await ApiHost.AssertProblemAsync(badChange, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("holidays[1].date", out _));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingPack.StatusCode);
        Assert.True((await ApiHost.AssertProblemAsync(badPreview, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("notifiedOn", out _));

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        Assert.Equal(["NBO"], await db.Offices.Select(o => o.Code).ToListAsync(Ct));
        Assert.Equal(["Kenya Refugees Act"], await db.RulePacks.Select(p => p.Name).ToListAsync(Ct));
        var kept = await db.OfficeHolidays.Select(h => new { h.Date, h.Name }).ToListAsync(Ct);
        Assert.Equal((new DateOnly(2026, 4, 6), "Easter Monday"), (Assert.Single(kept).Date, kept[0].Name));
        Assert.Equal("Nairobi", await db.Offices.Select(o => o.Name).SingleAsync(Ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task HolidaysKeptEveryYear_CloseTheOfficeInEveryYear_AndAreChangedWithTheOfficesSettings(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        var created = await admin.PostAsJsonAsync("/api/admin/offices", new
        {
            code = "NBO", name = "Nairobi", holidays = new[] { new { date = "2027-04-06", name = "Easter Monday" } },
            annualHolidays = new[] { new { monthDay = "12-25", name = "Christmas Day" }, new { monthDay = "06-01", name = "Madaraka Day" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var office = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(["06-01 Madaraka Day", "12-25 Christmas Day"], office.GetProperty("annualHolidays").EnumerateArray()
            .Select(h => $"{h.GetProperty("monthDay").GetString()} {h.GetProperty("name").GetString()}"));

        // Notified 2027-05-02 and 2028-05-02: 30 days later is 1 June, a Tuesday and a Thursday, closed in both years.
        foreach (var (notified, deadline) in new[] { ("2027-05-02", "2027-06-02"), ("2028-05-02", "2028-06-02") })
        {
            var preview = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/offices/NBO/deadlines?notifiedOn={notified}", Ct);
            Assert.Equal(deadline, preview.GetProperty("appealDeadline").GetProperty("date").GetString());
            Assert.Contains($"{notified[..4]}-06-01 is a holiday (Madaraka Day, every year, office NBO calendar)",
                preview.GetProperty("appealDeadline").GetProperty("explanation").GetString(), StringComparison.Ordinal);
        }

        // A date that is already a holiday every year is refused naming its line; the settings on record stay whole.
        var overlapping = await admin.PutAsJsonAsync("/api/admin/offices/NBO", new
        {
            name = "Nairobi", holidays = new[] { new { date = "2027-04-06", name = "Easter Monday" }, new { date = "2030-12-25", name = "Christmas" } },
            annualHolidays = new[] { new { monthDay = "12-25", name = "Christmas Day" }, new { monthDay = "01-01", name = "New Year's Day" } },
        }, Ct);
        var refused = await ApiHost.AssertProblemAsync(overlapping, HttpStatusCode.BadRequest);
        Assert.Contains("every year (Christmas Day)", refused.GetProperty("errors").GetProperty("holidays[1].date")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal([(6, 1, "Madaraka Day"), (12, 25, "Christmas Day")], await AnnualRowsAsync(host));

        // The whole list is replaced: one renamed, one removed, one added.
        var changed = await admin.PutAsJsonAsync("/api/admin/offices/NBO", new
        {
            name = "Nairobi", annualHolidays = new[] { new { monthDay = "01-01", name = "New Year's Day" }, new { monthDay = "12-25", name = "Christmas" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal([(1, 1, "New Year's Day"), (12, 25, "Christmas")], await AnnualRowsAsync(host));
        var june = await admin.GetFromJsonAsync<JsonElement>("/api/admin/offices/NBO/deadlines?notifiedOn=2027-05-02", Ct);
        Assert.Equal("2027-06-01", june.GetProperty("appealDeadline").GetProperty("date").GetString());

        // Settings sent without the list keep no holiday every year, as a holiday list left out keeps no dated one.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/admin/offices/NBO", new { name = "Nairobi" }, Ct)).StatusCode);
        Assert.Empty(await AnnualRowsAsync(host));
    }

    private static async Task<List<(int Month, int Day, string Name)>> AnnualRowsAsync(ApiHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var rows = await db.OfficeAnnualHolidays.Where(h => h.OfficeCode == "NBO").OrderBy(h => h.Month).ThenBy(h => h.Day).ToListAsync(Ct);
        return rows.ConvertAll(h => (h.Month, h.Day, h.Name));
    }

    /// <summary>The variables of the case's asylum-claim instance.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AChangeMadeOnAStaleCopy_IsRefusedWithNothingSaved_AndChangesAtTheSameMomentNeverEndInAnError(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("admin", CaseworkRoles.Administrator));
        var admin = await host.ClientForAsync("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/admin/offices", new { code = "KRT", name = "Khartoum" }, Ct)).StatusCode);

        var read = await admin.GetAsync("/api/admin/offices/KRT", Ct);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);

        // Two administrators opened revision 1; the first saves, the second's change (made on revision 1) is refused.
        var first = await ApiHost.PutAsync(admin, "/api/admin/offices/KRT", new { name = "Khartoum", holidays = new[] { new { date = "2026-01-01", name = "Independence Day" } } }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"2\"", first.Headers.ETag?.Tag);
        var second = await ApiHost.PutAsync(admin, "/api/admin/offices/KRT", new { name = "Khartoum office", weekendDays = new[] { "Friday", "Saturday" } }, "\"1\"");
        var problem = await ApiHost.AssertProblemAsync(second, HttpStatusCode.PreconditionFailed);
        Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _), problem.ToString());
        var kept = await admin.GetFromJsonAsync<JsonElement>("/api/admin/offices/KRT", Ct);
        Assert.Equal("Khartoum", kept.GetProperty("name").GetString());
        Assert.Equal(["Saturday", "Sunday"], kept.GetProperty("weekendDays").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["2026-01-01"], kept.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("date").GetString()));
        Assert.Equal(2, kept.GetProperty("revision").GetInt32());

        // A weak tag of the current revision is accepted; a tag that is no revision at all matches nothing.
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.PutAsync(admin, "/api/admin/offices/KRT", new { name = "Khartoum" }, "W/\"2\"")).StatusCode);
        await ApiHost.AssertProblemAsync(await ApiHost.PutAsync(admin, "/api/admin/offices/KRT", new { name = "Khartoum" }, "\"x\""), HttpStatusCode.PreconditionFailed);

        // Eight changes made at once on the same revision, all adding the same holiday: one is saved, seven are refused as stale.
        var tag = (await admin.GetAsync("/api/admin/offices/KRT", Ct)).Headers.ETag!.Tag;
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ApiHost.PutAsync(admin, "/api/admin/offices/KRT",
            new { name = "Khartoum", holidays = new[] { new { date = "2026-01-07", name = $"Coptic Christmas {i}" } } }, tag)));
        Assert.Equal(1, racing.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, racing.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));

        // Without If-Match a change is made on whatever is saved: eight at once all succeed, one after another, none lost to an error.
        var blind = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ApiHost.PutAsync(admin, "/api/admin/offices/KRT",
            new { name = "Khartoum", holidays = new[] { new { date = "2026-03-21", name = $"Eid al-Fitr {i}" } } }, null)));
        Assert.All(blind, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var after = await admin.GetAsync("/api/admin/offices/KRT", Ct);
        var last = await after.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(4 + 8, last.GetProperty("revision").GetInt32());
        Assert.Equal(["2026-03-21"], last.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("date").GetString()));

        // Rule packs work the same way.
        var created = await admin.PostAsJsonAsync("/api/admin/rule-packs", KenyanPack(), Ct);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var packPath = created.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.OK, (await ApiHost.PutAsync(admin, packPath, KenyanPack(20), "\"1\"")).StatusCode);
        await ApiHost.AssertProblemAsync(await ApiHost.PutAsync(admin, packPath, KenyanPack(30), "\"1\""), HttpStatusCode.PreconditionFailed);
        var pack = await admin.GetAsync(packPath, Ct);
        Assert.Equal("\"2\"", pack.Headers.ETag?.Tag);
        Assert.Equal(20, (await pack.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("appealWindowDays").GetInt32());
    }

    private static async Task<JsonElement> VariablesAsync(ApiHost host, string caseNumber)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var states = await db.Instances.Where(i => i.BusinessKey == caseNumber).Select(i => i.State).ToListAsync(Ct);
        return states.Select(s => JsonDocument.Parse(s).RootElement.GetProperty("variables"))
            .Single(v => v.TryGetProperty("interviewDueExplanation", out _)).Clone();
    }
}
