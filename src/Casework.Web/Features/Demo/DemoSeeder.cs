using System.Security.Cryptography;
using System.Text.Json;
using Bogus;
using Casework.Data;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Casework.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Demo;

/// <summary>
/// Fills an empty database with demo data when <c>Demo:Enabled</c> is true (Development): three offices, one user
/// per role, and about 200 fictitious cases (Bogus, fixed seed) driven through the reference workflow to every
/// stage, so a newcomer sees full queues at once. Demo passwords are printed to the console, never logged.
/// </summary>
public sealed class DemoSeeder(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment,
    TimeProvider clock, ILogger<DemoSeeder> logger) : StartupTask(scopes, clock, logger)
{
    public const int Seed = 20261124;
    private static readonly string[] Offices = ["NBO", "KLA", "ADD"];

    private static readonly (string User, string Role, string Office)[] Users =
    [
        ("clerk", CaseworkRoles.RegistrationClerk, "NBO"),
        ("officer", CaseworkRoles.EligibilityOfficer, "NBO"),
        ("officer2", CaseworkRoles.EligibilityOfficer, "NBO"),
        ("supervisor", CaseworkRoles.Supervisor, "NBO"),
        ("partner", CaseworkRoles.LegalAidPartner, "NBO"),
        ("auditor", CaseworkRoles.Auditor, "NBO"),
        ("admin", CaseworkRoles.Administrator, "NBO"),
    ];

    protected override async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("Demo:Enabled"))
        {
            return;
        }

        var users = services.GetRequiredService<UserManager<CaseworkUser>>();
        if (await users.Users.AnyAsync(cancellationToken))
        {
            return; // not an empty database
        }

        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in CaseworkRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var db = services.GetRequiredService<CaseworkDbContext>();
        var partnerOrganisation = new Organisation { Id = Guid.CreateVersion7(Clock.GetUtcNow()), Name = "Legal Aid Partner (demo)", CreatedAt = Clock.GetUtcNow() };
        db.Organisations.Add(partnerOrganisation);
        await db.SaveChangesAsync(cancellationToken);

        var credentials = new List<string>();
        foreach (var (name, role, office) in Users)
        {
            var password = Password();
            var user = new CaseworkUser
            {
                UserName = name, DisplayName = $"Demo {role}", OfficeCode = office,
                OrganisationId = role == CaseworkRoles.LegalAidPartner ? partnerOrganisation.Id : null,
            };
            Check(await users.CreateAsync(user, password));
            Check(await users.AddToRoleAsync(user, role));
            credentials.Add($"  {role,-20} user name: {name,-11} password: {password}");
        }

        var count = configuration.GetValue("Demo:Cases", 200);
        await SeedCasesAsync(services.GetRequiredService<WorkflowRuntime>(), count, cancellationToken);
        var waiting = await db.WorkItems.Where(w => w.Status == WorkItemStatus.Open).GroupBy(w => w.ElementId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        logger.LogInformation("Demo data created: {Users} users, {Cases} cases; open tasks {Queues}", Users.Length, count,
            string.Join(", ", waiting.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}: {w.Count}")));
        if (environment.IsDevelopment())
        {
            // Straight to the console, not the log: passwords never go into log files.
            Console.WriteLine("Demo users (Development only; sign in at /account/login or through /connect/authorize):");
            credentials.ForEach(Console.WriteLine);
        }
    }

    private async Task SeedCasesAsync(WorkflowRuntime runtime, int count, CancellationToken cancellationToken)
    {
        var faker = new Faker { Random = new Randomizer(Seed) };
        var needs = new[] { "SurvivorOfTortureOrTrauma", "WomanAtRisk", "UnaccompaniedOrSeparatedChild", "SeriousMedicalCondition", "Disability" };
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        for (var i = 1; i <= count; i++)
        {
            var office = Offices[i % Offices.Length];
            var caseId = $"{office}-{today.Year}-{i:D6}";
            var started = await runtime.StartAsync("asylum-claim", caseId, Vars(new
            {
                caseId,
                office,
                principal = new { given = faker.Name.FirstName(), family = faker.Name.LastName(), nationality = faker.PickRandom("SOM", "SSD", "ERI", "COD", "SYR", "AFG") },
            }), "demo", cancellationToken);
            if (!started.Succeeded)
            {
                logger.LogWarning("Demo case {CaseId} not started: {Reason}", caseId, started.Message);
                continue;
            }

            var target = i % 10;
            var steps = new (string Element, string Actor, object? Data)[]
            {
                ("register", "clerk", new { registeredOn = today.AddDays(-faker.Random.Int(5, 200)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    specificNeeds = faker.Random.Bool(0.3f) ? new[] { faker.PickRandom(needs) } : Array.Empty<string>() }),
                ("profile", "clerk", new { referral = target == 9 ? "VictimOfTraffickingProcess" : "SeeksAsylum",
                    claimFeatures = faker.Random.Bool(0.2f) ? new[] { "ManifestlyWellFounded" } : Array.Empty<string>() }),
                ("interview*", "officer", new { interviewDate = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
                ("draftDecision", "officer", new { decision = target == 8 ? "Withdrawn" : target == 7 ? "RecognisedRefugee" : "Rejected", reasons = "Demo assessment." }),
                ("reviewDecision", "supervisor", new { outcome = "approve" }),
                // Case 5 of every 10 was notified long ago: its appeal window has closed and it goes on to return arrangements.
                ("notify", "officer", new { notifiedOn = today.AddDays(target == 5 ? -120 : 0).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), deliveryMethod = "InPerson" }),
            };
            // Stages: 0 registration, 1 profiling, 2 interview, 3 drafting, 4 review, 5 return, 6 appeal, 7 durable solution,
            // 8 withdrawn (closed), 9 referred outside RSD.
            var depth = target switch { 0 => 0, 1 => 1, 2 => 2, 3 => 3, 4 => 4, 8 => 4, 9 => 2, _ => 6 };
            for (var s = 0; s < depth; s++)
            {
                if (!await CompleteAsync(runtime, started.InstanceId!.Value, steps[s].Element, steps[s].Actor, steps[s].Data, cancellationToken))
                {
                    break;
                }
            }

            if (target == 6)
            {
                await runtime.CorrelateMessageAsync("AppealLodged", caseId, Vars(new { appealGrounds = "Demo grounds" }), "partner", cancellationToken);
            }
        }
    }

    private static async Task<bool> CompleteAsync(WorkflowRuntime runtime, Guid instance, string element, string actor, object? data,
        CancellationToken cancellationToken)
    {
        var db = runtime.Database;
        var prefix = element.TrimEnd('*');
        var item = await db.WorkItems.AsNoTracking()
            .Where(w => w.InstanceId == instance && w.Status == WorkItemStatus.Open
                && (element.EndsWith('*') ? w.ElementId.StartsWith(prefix) : w.ElementId == element))
            .Select(w => (Guid?)w.Id).FirstOrDefaultAsync(cancellationToken);
        return item is { } id && (await runtime.CompleteTaskAsync(id, actor, data is null ? null : Vars(data), cancellationToken)).Succeeded;
    }

    private static IReadOnlyDictionary<string, JsonElement> Vars(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private static string Password() => "Demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + "!a";

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}

public static class DemoSetup
{
    public static WebApplicationBuilder AddCaseworkDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }
}
