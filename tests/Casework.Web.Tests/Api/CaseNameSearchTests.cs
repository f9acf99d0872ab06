using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Configuration;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Casework.Web.Tests.Api;

/// <summary>
/// Finding a case by the name of its principal or a dependant, however it is typed: letter case, accents, letters that do not decompose,
/// given and family name in either order, a transliteration; kept in step by corrections and written on start for
/// cases registered before the search key existed.
/// </summary>
public sealed class CaseNameSearchTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Principal(string givenName, string familyName, params string[] transliterations) => new
    {
        givenName, familyName, transliterations, dateOfBirth = "1990-01-01", dateOfBirthApproximate = false, sex = "Male",
        nationalities = new[] { "TUR" },
    };

    private static async Task<Guid> RegisterAsync(HttpClient clerk, object principal) => (await ApiHost.RegisterCaseAsync(clerk, principal)).Id;

    private static async Task<Guid[]> FindAsync(HttpClient client, string name)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/cases?name={Uri.EscapeDataString(name)}", Ct);
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).Order().ToArray();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ANameIsFound_WhateverItsCaseAccentsOrOrder_AndACorrectionMovesTheSearchWithIt(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("auditor.a", CaseworkRoles.Auditor));
        var clerk = await host.ClientForAsync("clerk.a");
        var auditor = await host.ClientForAsync("auditor.a");
        var omer = await RegisterAsync(clerk, Principal("Ömer", "Yılmaz", "Омер Йылмаз"));
        var jose = await RegisterAsync(clerk, Principal("José María", "Núñez-García"));
        var amina = await RegisterAsync(clerk, Principal("Amina", "Test"));
        var ahmad = await RegisterAsync(clerk, Principal("أحمد", "Test"));
        var fatima = await RegisterAsync(clerk, Principal("فاطمة", "حسینی"));

        // Plain letters find accented ones, capitals find small ones, and the other way round.
        Assert.Equal([omer], await FindAsync(auditor, "omer"));
        Assert.Equal([omer], await FindAsync(auditor, "YILMAZ"));
        Assert.Equal([omer], await FindAsync(auditor, "ÖMER"));
        // Both names together, in either order; a hyphen or a space between parts of a name alike.
        Assert.Equal([omer], await FindAsync(auditor, "ömer yilmaz"));
        Assert.Equal([omer], await FindAsync(auditor, "Yilmaz  Omer"));
        Assert.Equal([jose], await FindAsync(auditor, "nunez garcia"));
        Assert.Equal([jose], await FindAsync(auditor, "maria nunez"));
        // A transliteration, in its own script; Arabic with the hamza's seat left out.
        Assert.Equal([omer], await FindAsync(auditor, "омер"));
        Assert.Equal([ahmad], await FindAsync(auditor, "احمد"));
        // Ta marbuta typed as ha, and the Persian keyboard's yeh as the Arabic keyboard's.
        Assert.Equal([fatima], await FindAsync(auditor, "فاطمه حسيني"));
        Assert.Equal(new[] { amina, ahmad }.Order().ToArray(), await FindAsync(auditor, "test"));
        // A term cannot join the end of one spelling to the start of the next.
        Assert.Empty(await FindAsync(auditor, "yilmaz yilmaz"));

        // Terms no case could match by design are refused, naming the field.
        var blank = await ApiHost.AssertProblemAsync(await auditor.GetAsync("/api/cases?name=%20-%20", Ct), HttpStatusCode.BadRequest);
        var tooLong = await ApiHost.AssertProblemAsync(await auditor.GetAsync($"/api/cases?name={new string('a', 101)}", Ct), HttpStatusCode.BadRequest);
        Assert.Contains("1 to 100 characters", blank.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.True(tooLong.GetProperty("errors").TryGetProperty("name", out _));

        // A corrected name is found by what it is now, not by what it was.
        var etag = (await clerk.GetAsync($"/api/cases/{omer}", Ct)).Headers.ETag!.Tag;
        using var correction = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{omer}/principal")
        {
            Content = JsonContent.Create(new { person = Principal("Ömür", "Yılmaz"), reason = "The passport reads Ömür." }),
        };
        correction.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await clerk.SendAsync(correction, Ct)).StatusCode);
        Assert.Empty(await FindAsync(auditor, "omer"));
        Assert.Empty(await FindAsync(auditor, "омер"));
        Assert.Equal([omer], await FindAsync(auditor, "omur yilmaz"));

        // A dependant's name finds the case they are on; a link to another case finds that case by its own principal only.
        var child = await clerk.PostAsJsonAsync($"/api/cases/{amina}/family-members",
            new { relationship = "Child", dependant = true, person = Principal("Zeynep", "Çelik") }, Ct);
        Assert.Equal(HttpStatusCode.Created, child.StatusCode);
        var childId = (await child.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Created,
            (await clerk.PostAsJsonAsync($"/api/cases/{amina}/family-members", new { relationship = "Sibling", linkedCaseId = jose }, Ct)).StatusCode);
        Assert.Equal([amina], await FindAsync(auditor, "celik zeynep"));
        Assert.Equal([jose], await FindAsync(auditor, "nunez"));

        // Corrected, the dependant too is found by the name they have now.
        etag = (await clerk.GetAsync($"/api/cases/{amina}", Ct)).Headers.ETag!.Tag;
        using var memberCorrection = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{amina}/family-members/{childId}")
        {
            Content = JsonContent.Create(new { relationship = "Child", dependant = true, person = Principal("Zehra", "Çelik"), reason = "Birth certificate." }),
        };
        memberCorrection.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await clerk.SendAsync(memberCorrection, Ct)).StatusCode);
        Assert.Empty(await FindAsync(auditor, "zeynep"));
        Assert.Equal([amina], await FindAsync(auditor, "zehra"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CasesRegisteredBeforeTheSearchKey_AreGivenItOnStart_WithoutMovingTheirETag(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var omer = await RegisterAsync(clerk, Principal("Ömer", "Yılmaz"));
        var amina = await RegisterAsync(clerk, Principal("Amina", "Test"));
        Assert.Equal(HttpStatusCode.Created, (await clerk.PostAsJsonAsync($"/api/cases/{amina}/family-members",
            new { relationship = "Child", dependant = true, person = Principal("Zeynep", "Çelik") }, Ct)).StatusCode);
        var etag = (await clerk.GetAsync($"/api/cases/{omer}", Ct)).Headers.ETag!.Tag;

        // As a database migrated from before the key holds them: no key at all, with more than one batch's worth.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            var template = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == amina, Ct);
            db.Cases.AddRange(Enumerable.Range(1, Casework.Data.Cases.SearchKeyBackfill.BatchSize + 20).Select(i => new Casework.Data.Cases.CaseRecord
            {
                Id = Guid.NewGuid(), CaseNumber = $"NBO-1999-{i:D6}", Office = template.Office, Year = 1999, Sequence = i,
                RegisteredOn = template.RegisteredOn, Stage = template.Stage, GivenName = template.GivenName, FamilyName = template.FamilyName,
                DateOfBirth = template.DateOfBirth, Sex = template.Sex, Nationalities = template.Nationalities, CreatedAt = template.CreatedAt,
                CreatedBy = template.CreatedBy,
            }));
            await db.SaveChangesAsync(Ct);
            Assert.True(await db.Cases.ExecuteUpdateAsync(s => s.SetProperty(c => c.SearchKey, (string?)null), Ct) > 500);
            Assert.Equal(1, await db.FamilyMembers.ExecuteUpdateAsync(s => s.SetProperty(f => f.SearchKey, (string?)null), Ct));
        }

        Assert.Empty(await FindAsync(clerk, "omer"));
        Assert.Empty(await FindAsync(clerk, "zeynep"));

        // On PostgreSQL as where migrations are applied by a script: the keys are written all the same.
        var settings = host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        settings.MigrateOnStart = store == "sqlite";
        var initializer = ActivatorUtilities.CreateInstance<DatabaseInitializer>(host.Services, Options.Create(settings));
        Assert.Equal(store == "sqlite", settings.ShouldMigrateOnStart);
        await initializer.InitializeAsync(Ct);

        Assert.Equal([omer], await FindAsync(clerk, "omer"));
        Assert.Equal([amina], await FindAsync(clerk, "zeynep celik"));
        var page = await clerk.GetFromJsonAsync<JsonElement>("/api/cases?name=amina%20test&pageSize=1", Ct);
        Assert.Equal(Casework.Data.Cases.SearchKeyBackfill.BatchSize + 21, page.GetProperty("total").GetInt32());
        Assert.Equal(etag, (await clerk.GetAsync($"/api/cases/{omer}", Ct)).Headers.ETag!.Tag);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
            Assert.False(await db.Cases.AnyAsync(c => c.SearchKey == null, Ct));
            Assert.False(await db.FamilyMembers.AnyAsync(f => f.SearchKey == null, Ct));
        }
    }
}
