using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Audit;
using Casework.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Casework.Web.Tests.Api;

/// <summary>Correcting registration data in place: the principal, a dependant, a link's relationship; guarded by the case's ETag.</summary>
public sealed class CaseCorrectionApiTests(Casework.Testing.PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The reason the corrections below give.</summary>
    private const string Why = "Misspelt at registration; the passport shows it.";

    private static object Principal(string givenName, string dateOfBirth = "1991-02-03", object[]? documents = null, string? reason = Why) => new
    {
        person = new
        {
            givenName, familyName = "Warsame", transliterations = new[] { "Aamina" }, dateOfBirth, dateOfBirthApproximate = true, sex = "Female",
            nationalities = new[] { "SOM", "ETH" }, languages = new[] { "so", "en" }, specificNeeds = new[] { "SingleParentOrCaregiver" }, documents,
        },
        reason,
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ThePrincipal_IsCorrectedWithTheCasesETag_AndAStaleOrMissingETagChangesNothing(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("officer.a", CaseworkRoles.EligibilityOfficer));
        var clerk = await host.ClientForAsync("clerk.a");
        var officer = await host.ClientForAsync("officer.a");
        // Names are stored trimmed at registration as at correction (the history below shows "Amnia").
        var (id, number) = await ApiHost.RegisterCaseAsync(clerk, " Amnia ");
        var first = await clerk.GetAsync($"/api/cases/{id}", Ct);
        var etag = first.Headers.ETag!.Tag;

        var noTag = await clerk.PutAsJsonAsync($"/api/cases/{id}/principal", Principal("Amina"), Ct);
        var star = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina"), "*");
        var garbage = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina"), "\"not-a-revision\"");
        var invalid = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal(" ", dateOfBirth: "2999-01-01"), etag);
        var noReason = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", reason: " "), etag);
        var longReason = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", reason: new string('x', 2001)), etag);
        var noPerson = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", new { reason = Why }, etag);
        var officerMayNot = await ApiHost.PutAsync(officer, $"/api/cases/{id}/principal", Principal("Amina"), etag);
        var unknown = await ApiHost.PutAsync(clerk, $"/api/cases/{Guid.NewGuid()}/principal", Principal("Amina"), etag);
        Assert.Equal(etag, (await clerk.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag);

        var documents = new object[] { new { type = "Passport", number = "P-7781", issuingCountry = "SOM", expiresOn = "2030-01-01" } };
        var corrected = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", documents: documents), etag);
        var stale = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amna"), etag);
        var view = await officer.GetAsync($"/api/cases/{id}", Ct);
        var body = await view.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.PreconditionRequired, noTag.StatusCode);
        Assert.True((await noTag.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("If-Match", out _));
        Assert.Equal(HttpStatusCode.PreconditionRequired, star.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("person.givenName", out _));
        Assert.True(errors.TryGetProperty("person.dateOfBirth", out _));
        Assert.False(errors.TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("Required: why the registration is being corrected.",
            (await noReason.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, longReason.StatusCode);
        Assert.Equal("At most 2000 characters.",
            (await longReason.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.True((await noPerson.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("person", out _));
        Assert.Equal(HttpStatusCode.Forbidden, officerMayNot.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.NotEqual(etag, corrected.Headers.ETag!.Tag);
        Assert.Equal(corrected.Headers.ETag!.Tag, view.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType!.MediaType);

        Assert.Equal((number, "Amina", "Warsame", "1991-02-03", true), (body.GetProperty("caseNumber").GetString(), body.GetProperty("givenName").GetString(),
            body.GetProperty("familyName").GetString(), body.GetProperty("dateOfBirth").GetString(), body.GetProperty("dateOfBirthApproximate").GetBoolean()));
        Assert.Equal(["SOM", "ETH"], body.GetProperty("nationalities").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["SingleParentOrCaregiver"], body.GetProperty("specificNeeds").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["Aamina"], body.GetProperty("transliterations").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("P-7781", Assert.Single(body.GetProperty("documents").EnumerateArray()).GetProperty("number").GetString());

        // Documents are left alone when the correction does not give them; an empty list removes them.
        var etag2 = corrected.Headers.ETag!.Tag;
        // Without documents this correction gives only the values on record: it saves nothing, so the ETag holds, and
        // it needs no reason.
        var keep = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", reason: null), etag2);
        Assert.Equal(HttpStatusCode.OK, keep.StatusCode);
        Assert.Equal(etag2, keep.Headers.ETag!.Tag);
        Assert.Equal(etag2, (await clerk.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag);
        Assert.Single((await keep.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("documents").EnumerateArray());
        var clear = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", documents: []), keep.Headers.ETag!.Tag);
        Assert.Empty((await clear.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("documents").EnumerateArray());

        // Nothing declared is lost: the history keeps each changed field before and after; a correction that changed
        // nothing, and the refused ones, left no entry.
        var history = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/corrections", Ct);
        Assert.Equal(2, history.GetArrayLength());
        var firstCorrection = history[0];
        Assert.Equal("clerk.a", firstCorrection.GetProperty("by").GetString());
        Assert.Equal(JsonValueKind.Null, firstCorrection.GetProperty("familyMemberId").ValueKind);
        Assert.Equal(Why, firstCorrection.GetProperty("reason").GetString());
        var changed = firstCorrection.GetProperty("changes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("field").GetString()!, c => (c.GetProperty("from").GetString(), c.GetProperty("to").GetString()));
        Assert.Equal(("Amnia", "Amina"), changed["givenName"]);
        Assert.Equal(("Test", "Warsame"), changed["familyName"]);
        Assert.Equal(("1990-01-01", "1991-02-03"), changed["dateOfBirth"]);
        Assert.Equal(("SOM", "SOM,ETH"), changed["nationalities"]);
        Assert.Equal((null, "Passport P-7781 SOM 2030-01-01"), changed["documents"]);
        Assert.False(changed.ContainsKey("sex"));
        Assert.Equal([("documents", "Passport P-7781 SOM 2030-01-01", (string?)null)], history[1].GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("field").GetString(), c.GetProperty("from").GetString(), c.GetProperty("to").GetString())));

        // Who corrected the case is on the audit trail (the resource, never the data).
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        var audited = await db.AuditEntries.Where(a => a.Resource == $"PUT /api/cases/{id}/principal" && a.Status == 200).ToListAsync(Ct);
        Assert.Equal(3, audited.Count);
        Assert.All(audited, a => Assert.Equal("clerk.a", a.Actor));
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.Resource).ToListAsync(Ct), r => r.Contains("Amina", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ConcurrentCorrections_OfTheSameCopy_ExactlyOneLands(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk), ("supervisor.a", CaseworkRoles.Supervisor));
        var clerk = await host.ClientForAsync("clerk.a");
        var supervisor = await host.ClientForAsync("supervisor.a");
        var (id, _) = await ApiHost.RegisterCaseAsync(clerk, "Amnia");
        var etag = (await clerk.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;

        var names = Enumerable.Range(0, 8).Select(i => $"Amina{i}").ToList();
        var answers = await Task.WhenAll(names.Select((name, i) => ApiHost.PutAsync(i % 2 == 0 ? clerk : supervisor, $"/api/cases/{id}/principal",
            Principal(name, documents: [new { type = "Passport", number = $"P-{i}" }]), etag)));

        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a != won), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.StatusCode));
        var winner = names[Array.IndexOf(answers, won)];
        var view = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);
        Assert.Equal(winner, view.GetProperty("givenName").GetString());
        // The documents are the winner's alone: no loser wrote any part of its correction.
        Assert.Equal($"P-{names.IndexOf(winner)}", Assert.Single(view.GetProperty("documents").EnumerateArray()).GetProperty("number").GetString());
        var history = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/corrections", Ct);
        var only = Assert.Single(history.EnumerateArray());
        Assert.Contains(only.GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == "givenName" && c.GetProperty("to").GetString() == winner);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AFamilyMember_IsCorrectedInPlace_ADependantsBiodataOrALinksRelationshipOnBothCases(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (a, _) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (b, numberB) = await ApiHost.RegisterCaseAsync(clerk, "Hassan");
        var child = await (await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new
        {
            relationship = "Child", dependant = true,
            person = new
            {
                givenName = "Ayan", familyName = "Test", dateOfBirth = "2019-05-01", sex = "Male", nationalities = new[] { "SOM" },
                documents = new[] { new { type = "BirthCertificate", number = "BC-WRONG" } },
            },
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var link = await (await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var childId = child.GetProperty("id").GetGuid();
        var linkId = link.GetProperty("id").GetGuid();
        var etag = (await clerk.GetAsync($"/api/cases/{a}", Ct)).Headers.ETag!.Tag;

        var person = new
        {
            givenName = "Ayaan", familyName = "Test", dateOfBirth = "2019-06-01", sex = "Female", nationalities = new[] { "SOM" },
            documents = new[] { new { type = "BirthCertificate", number = "BC-2019-0601", issuingCountry = "SOM" } },
        };
        var badRelationship = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{childId}", new { relationship = "Cousin", dependant = true, person, reason = Why }, etag);
        var noPerson = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{childId}", new { relationship = "Child", dependant = true, reason = Why }, etag);
        var personOnLink = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{linkId}", new { relationship = "Spouse", person, reason = Why }, etag);
        var badPerson = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{childId}",
            new { relationship = "Child", dependant = true, person = new { givenName = "Ayaan", familyName = "Test", dateOfBirth = "2019-06-01", sex = "Male", nationalities = new[] { "somali" } }, reason = Why }, etag);
        var otherCase = await ApiHost.PutAsync(clerk, $"/api/cases/{b}/family-members/{childId}", new { relationship = "Child", dependant = true, person, reason = Why }, etag);
        var noTag = await clerk.PutAsJsonAsync($"/api/cases/{a}/family-members/{childId}", new { relationship = "Child", dependant = true, person, reason = Why }, Ct);
        var noReason = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{childId}", new { relationship = "Child", dependant = true, person }, etag);
        Assert.Equal(etag, (await clerk.GetAsync($"/api/cases/{a}", Ct)).Headers.ETag!.Tag);

        var corrected = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{childId}", new { relationship = "Child", dependant = true, person, reason = Why }, etag);
        var stale = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{linkId}", new { relationship = "Spouse", dependant = false, reason = Why }, etag);
        var relinked = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{linkId}", new { relationship = "Spouse", dependant = false, reason = Why },
            corrected.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.BadRequest, badRelationship.StatusCode);
        Assert.True((await badRelationship.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("relationship", out _));
        Assert.True((await noPerson.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("person", out _));
        Assert.True((await personOnLink.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("person", out _));
        Assert.True((await badPerson.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("person.nationalities", out _));
        Assert.Equal(HttpStatusCode.NotFound, otherCase.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, noTag.StatusCode);
        Assert.Equal("Required: why the family member is being corrected.",
            (await noReason.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, relinked.StatusCode);
        Assert.Equal(numberB, (await relinked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("linkedCaseNumber").GetString());

        // The same correction again changes nothing: neither linked case's ETag moves, and no correction is kept. It needs
        // no reason, while one that would change something still does.
        var etagB = (await clerk.GetAsync($"/api/cases/{b}", Ct)).Headers.ETag!.Tag;
        var changeWithoutReason = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{linkId}", new { relationship = "Sibling", dependant = false },
            relinked.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.BadRequest, changeWithoutReason.StatusCode);
        Assert.Equal("Required: why the family member is being corrected.",
            (await changeWithoutReason.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("reason")[0].GetString());
        var again = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/family-members/{linkId}", new { relationship = "Spouse", dependant = false },
            relinked.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(relinked.Headers.ETag!.Tag, again.Headers.ETag!.Tag);
        Assert.Equal(relinked.Headers.ETag!.Tag, (await clerk.GetAsync($"/api/cases/{a}", Ct)).Headers.ETag!.Tag);
        Assert.Equal(etagB, (await clerk.GetAsync($"/api/cases/{b}", Ct)).Headers.ETag!.Tag);

        var viewA = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{a}", Ct);
        var viewB = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{b}", Ct);
        var family = viewA.GetProperty("familyMembers").EnumerateArray().ToList();
        Assert.Equal(2, family.Count);
        var ayaan = family.Single(f => f.GetProperty("id").GetGuid() == childId);
        Assert.Equal(("Ayaan", "2019-06-01", "Female"), (ayaan.GetProperty("givenName").GetString(), ayaan.GetProperty("dateOfBirth").GetString(),
            ayaan.GetProperty("sex").GetString()));
        Assert.Equal("BC-2019-0601", Assert.Single(ayaan.GetProperty("documents").EnumerateArray()).GetProperty("number").GetString());
        Assert.Equal("Spouse", family.Single(f => f.GetProperty("id").GetGuid() == linkId).GetProperty("relationship").GetString());
        Assert.Equal("Spouse", Assert.Single(viewB.GetProperty("familyMembers").EnumerateArray()).GetProperty("relationship").GetString());

        var history = (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{a}/corrections", Ct)).EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(childId, history[0].GetProperty("familyMemberId").GetGuid());
        Assert.All(history, h => Assert.Equal(Why, h.GetProperty("reason").GetString()));
        Assert.Equal(["givenName", "dateOfBirth", "sex", "documents"],
            history[0].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        Assert.Equal([("relationship", "Sibling", "Spouse")], history[1].GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("field").GetString(), c.GetProperty("from").GetString(), c.GetProperty("to").GetString())));

        // The principal's own documents were not touched by the dependant's correction.
        Assert.Empty(viewA.GetProperty("documents").EnumerateArray());
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>();
        Assert.Equal(1, await db.Documents.CountAsync(Ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AddingOrRemovingAFamilyMember_MovesTheETagOfBothLinkedCases(string store)
    {
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (a, _) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var (b, _) = await ApiHost.RegisterCaseAsync(clerk, "Hassan");
        async Task<string> TagAsync(Guid id) => (await clerk.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag;
        var (a0, b0) = (await TagAsync(a), await TagAsync(b));

        var link = await (await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var (a1, b1) = (await TagAsync(a), await TagAsync(b));
        var stale = await ApiHost.PutAsync(clerk, $"/api/cases/{a}/principal", Principal("Amina"), a0);
        Assert.Equal(HttpStatusCode.NoContent, (await clerk.PostAsJsonAsync($"/api/cases/{a}/family-members/{link.GetProperty("id").GetGuid()}/remove",
            new { reason = "Linked to the wrong case." }, Ct)).StatusCode);
        var (a2, b2) = (await TagAsync(a), await TagAsync(b));

        Assert.Equal(3, new[] { a0, a1, a2 }.Distinct().Count());
        Assert.Equal(3, new[] { b0, b1, b2 }.Distinct().Count());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoClerksCorrectingOneLinkFromItsTwoEnds_AtTheSameMoment_OneWinsAndTheOtherIsToldItIsStale(string store)
    {
        // Each end's correction moves both cases' revisions on. Taken one after the other in opposite order, the two case
        // rows made PostgreSQL end one request as a deadlock (503); taken together, the second waits and finds its copy stale.
        await using var host = await ApiHost.StartAsync(store, postgres, ("clerk.a", CaseworkRoles.RegistrationClerk),
            ("clerk.b", CaseworkRoles.RegistrationClerk));
        var clerkA = await host.ClientForAsync("clerk.a");
        var clerkB = await host.ClientForAsync("clerk.b");
        var (a, _) = await ApiHost.RegisterCaseAsync(clerkA, "Amina");
        var (b, _) = await ApiHost.RegisterCaseAsync(clerkA, "Hassan");
        var fromA = (await (await clerkA.PostAsJsonAsync($"/api/cases/{a}/family-members", new { relationship = "Sibling", linkedCaseId = b }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var fromB = (await clerkB.GetFromJsonAsync<JsonElement>($"/api/cases/{b}", Ct)).GetProperty("familyMembers").EnumerateArray().Single()
            .GetProperty("id").GetGuid();

        const int Rounds = 12;
        var answers = new List<(HttpStatusCode A, HttpStatusCode B)>();
        for (var round = 0; round < Rounds; round++)
        {
            var tagA = (await clerkA.GetAsync($"/api/cases/{a}", Ct)).Headers.ETag!.Tag;
            var tagB = (await clerkB.GetAsync($"/api/cases/{b}", Ct)).Headers.ETag!.Tag;
            var (relationA, relationB) = round % 2 == 0 ? ("Spouse", "Spouse") : ("Sibling", "Sibling");
            var both = await Task.WhenAll(
                Task.Run(() => ApiHost.PutAsync(clerkA, $"/api/cases/{a}/family-members/{fromA}", new { relationship = relationA, dependant = false, reason = Why }, tagA), Ct),
                Task.Run(() => ApiHost.PutAsync(clerkB, $"/api/cases/{b}/family-members/{fromB}", new { relationship = relationB, dependant = false, reason = Why }, tagB), Ct));
            answers.Add((both[0].StatusCode, both[1].StatusCode));
        }

        // Every round: exactly one correction saved, the other refused as stale (both ETags were read before either was sent).
        Assert.All(answers, pair => Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], new[] { pair.A, pair.B }.Order().ToArray()));
        var viewA = await clerkA.GetFromJsonAsync<JsonElement>($"/api/cases/{a}", Ct);
        var viewB = await clerkB.GetFromJsonAsync<JsonElement>($"/api/cases/{b}", Ct);
        var last = Rounds % 2 == 0 ? "Sibling" : "Spouse";
        Assert.Equal(last, viewA.GetProperty("familyMembers").EnumerateArray().Single().GetProperty("relationship").GetString());
        Assert.Equal(last, viewB.GetProperty("familyMembers").EnumerateArray().Single().GetProperty("relationship").GetString());
        var history = (await clerkA.GetFromJsonAsync<JsonElement>($"/api/cases/{a}/corrections", Ct)).GetArrayLength()
            + (await clerkB.GetFromJsonAsync<JsonElement>($"/api/cases/{b}/corrections", Ct)).GetArrayLength();
        Assert.Equal(Rounds, history);
    }

    [Fact]
    public async Task ACorrectionTheDatabaseEndsToBreakADeadlock_IsRunAgainOnTheServer_AndLandsOnce()
    {
        // Another writer holds the case's document and then asks for the case's row, which the correction took first: a
        // deadlock. PostgreSQL ends the correction (it has waited longest); the API runs the request again once the
        // other writer is gone, so the clerk gets the correction rather than "the database was busy".
        await using var host = await ApiHost.StartAsync("postgres", postgres, ("clerk.a", CaseworkRoles.RegistrationClerk));
        var clerk = await host.ClientForAsync("clerk.a");
        var (id, _) = await ApiHost.RegisterCaseAsync(clerk, "Amina");
        var first = await ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", documents: [new { type = "Passport", number = "P-1" }]),
            (await clerk.GetAsync($"/api/cases/{id}", Ct)).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        string connectionString;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<CaseworkDbContext>().Database.GetConnectionString()!;
        }

        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync(Ct);
        await using var otherWrite = await other.BeginTransactionAsync(Ct);
        await SqlAsync("""UPDATE case_documents SET "Number" = "Number" WHERE "CaseId" = @id""");

        var correction = ApiHost.PutAsync(clerk, $"/api/cases/{id}/principal", Principal("Amina", documents: [new { type = "Passport", number = "P-2" }]),
            first.Headers.ETag!.Tag);
        await Casework.Testing.PostgresLocks.WaitUntilBlockedByAsync(connectionString, other.ProcessID, correction, "The correction", Ct);

        await SqlAsync("""UPDATE cases SET "Revision" = "Revision" WHERE "Id" = @id""");
        await otherWrite.RollbackAsync(Ct);
        var corrected = await correction;

        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var view = await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}", Ct);
        Assert.Equal("P-2", Assert.Single(view.GetProperty("documents").EnumerateArray()).GetProperty("number").GetString());
        Assert.Equal(2, (await clerk.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/corrections", Ct)).GetArrayLength());
        Assert.Equal($"\"{long.Parse(first.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture) + 1}\"", corrected.Headers.ETag!.Tag);

        async Task SqlAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, other);
            command.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }
    }
}
