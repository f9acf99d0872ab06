using System.Security.Claims;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Cases;
using Casework.Data.Identity;
using Casework.Data.Runtime;
using Casework.Domain.Cases;
using Casework.Domain.Common;
using Casework.Web.Features.Api;
using Casework.Web.Features.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Cases;

public sealed record PrincipalRequest(string? GivenName, string? FamilyName, IReadOnlyList<string>? Transliterations, DateOnly? DateOfBirth,
    bool DateOfBirthApproximate, string? Sex, IReadOnlyList<string>? Nationalities, IReadOnlyList<string>? Languages, IReadOnlyList<string>? SpecificNeeds,
    IReadOnlyList<DocumentRequest>? Documents = null);

/// <summary>An identity or civil document: its type, number, issuing country (ISO 3166 alpha-3) and expiry.</summary>
public sealed record DocumentRequest(string? Type, string? Number, string? IssuingCountry, DateOnly? ExpiresOn);

public sealed record DocumentView(string Type, string Number, string? IssuingCountry, DateOnly? ExpiresOn);

public sealed record RegisterCaseRequest(string? Office, DateOnly? RegisteredOn, PrincipalRequest? Principal);

/// <summary>What a registration came to: the new case; or its problems by field; or why its procedure would not start.</summary>
internal sealed record RegistrationOutcome(CaseSummary? Case, Dictionary<string, string[]>? Errors, string? Refusal);

public sealed record CaseSummary(Guid Id, string CaseNumber, string Office, DateOnly RegisteredOn, string Stage, string? Track, int Priority, Guid? InstanceId);

public sealed record CaseView(Guid Id, string CaseNumber, string Office, DateOnly RegisteredOn, string Stage, string? Track, int Priority,
    string GivenName, string FamilyName, IReadOnlyList<string> Transliterations, DateOnly DateOfBirth, bool DateOfBirthApproximate, string Sex,
    IReadOnlyList<string> Nationalities, IReadOnlyList<string> Languages, IReadOnlyList<string> SpecificNeeds, Guid? InstanceId,
    string? Decision, IReadOnlyList<DocumentView> Documents, IReadOnlyList<FamilyMemberView> FamilyMembers, ProfilingView? Profiling,
    ExclusionView? Exclusion, ClosureView? Closure = null);

/// <summary>Cases: register (which starts the asylum-claim workflow), read one, search with paging.</summary>
public static class CaseEndpoints
{
    public const string Registrars = "registrars";

    public static WebApplicationBuilder AddCaseworkCases(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder().AddPolicy(Registrars, p => p.RequireRole(CaseworkRoles.RegistrationClerk, CaseworkRoles.Supervisor));
        return builder;
    }

    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases").WithTags("Cases");
        group.MapPost("/", RegisterAsync).RequireAuthorization(Registrars).WithSummary("Register a case and its principal applicant; starts the procedure.");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(ApiSetup.Readers)
            .WithSummary("A case with its principal's biodata, family members and profiling; exclusion material for supervisors only.");
        group.MapGet("/", SearchAsync).RequireAuthorization(ApiSetup.Readers).WithSummary("Cases by office, stage, nationality and the name of the principal or a family member, paged.");
        return app;
    }

    private static async Task<Results<Created<CaseSummary>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterCaseRequest request, ClaimsPrincipal user, CaseworkDbContext db, WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await RegisterCaseAsync(request, user, db, runtime, clock, cancellationToken);
        return outcome switch
        {
            { Case: { } registered } => TypedResults.Created($"/api/cases/{registered.Id}", registered),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            _ => TypedResults.Problem($"{outcome.Refusal} Nothing was saved.", statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The case's procedure could not start"),
        };
    }

    /// <summary>
    /// Registers a case and starts its procedure, from the API or the registration screen: the new case, or the request's
    /// problems by field (API field names), or the procedure's refusal to start; in the last two nothing was saved.
    /// </summary>
    internal static async Task<RegistrationOutcome> RegisterCaseAsync(RegisterCaseRequest request, ClaimsPrincipal user, CaseworkDbContext db,
        WorkflowRuntime runtime, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (Validate(request, today) is { Count: > 0 } errors)
        {
            return new RegistrationOutcome(null, errors, null);
        }

        var p = request.Principal!;
        var registeredOn = request.RegisteredOn ?? today;
        var person = new Person(Guid.NewGuid(), new PersonName(p.GivenName!, p.FamilyName!, p.Transliterations ?? []),
            new BirthDate(p.DateOfBirth!.Value, p.DateOfBirthApproximate), Enum.Parse<Sex>(p.Sex!), p.Nationalities!, p.Languages ?? [],
            (p.SpecificNeeds ?? []).Select(Enum.Parse<SpecificNeed>).ToHashSet());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The case and its procedure are committed together: a case is never registered without it.
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var record = await NewCaseAsync(db, request.Office!, registeredOn, p, person, user, clock, cancellationToken);
                var started = await runtime.StartAsync("asylum-claim", record.CaseNumber, new Dictionary<string, JsonElement>
                {
                    ["caseId"] = JsonSerializer.SerializeToElement(record.CaseNumber),
                    ["office"] = JsonSerializer.SerializeToElement(record.Office),
                }, user.UserName(), cancellationToken);
                if (!started.Succeeded)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    db.ChangeTracker.Clear();
                    return new RegistrationOutcome(null, null, started.Message);
                }

                await db.Cases.Where(c => c.Id == record.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.InstanceId, started.InstanceId), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new RegistrationOutcome(new CaseSummary(record.Id, record.CaseNumber, record.Office, record.RegisteredOn, record.Stage, record.Track,
                    record.Priority, started.InstanceId), null, null);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < MaxRegistrationAttempts)
            {
                // Another clerk of the office took this number a moment ago and nothing of this one was kept: take the next.
                db.ChangeTracker.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
        }
    }

    /// <summary>How often a registration takes a fresh case number when others of the office took the one it chose.</summary>
    private const int MaxRegistrationAttempts = 20;

    /// <summary>Writes a new case with the office's next number for the year, and its principal's documents.</summary>
    private static async Task<CaseRecord> NewCaseAsync(CaseworkDbContext db, string office, DateOnly registeredOn, PrincipalRequest p, Person person,
        ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        var sequence = 1 + (await db.Cases.Where(c => c.Office == office && c.Year == registeredOn.Year).MaxAsync(c => (int?)c.Sequence, cancellationToken) ?? 0);
        var number = new CaseNumber(office, registeredOn.Year, sequence);
        var aggregate = AsylumCase.Register(number, office, registeredOn, person);
        var record = new CaseRecord
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), CaseNumber = number.ToString(), Office = aggregate.Office, Year = number.Year, Sequence = number.Sequence,
            RegisteredOn = registeredOn, Stage = aggregate.Stage.ToString(), GivenName = p.GivenName!.Trim(), FamilyName = p.FamilyName!.Trim(),
            Transliterations = Join(p.Transliterations), DateOfBirth = p.DateOfBirth!.Value, DateOfBirthApproximate = p.DateOfBirthApproximate, Sex = p.Sex!,
            Nationalities = Join(p.Nationalities)!, Languages = Join(p.Languages), SpecificNeeds = Join(p.SpecificNeeds), CreatedAt = clock.GetUtcNow(),
            CreatedBy = user.UserName(),
        };
        record.SearchKey = NameSearch.KeyOf(record.GivenName, record.FamilyName, record.Transliterations);
        db.Cases.Add(record);
        db.Documents.AddRange(Documents(p.Documents, record.Id, null, clock));
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    private static async Task<Results<Ok<CaseView>, NotFound>> GetAsync(Guid id, HttpContext http, ClaimsPrincipal user, CaseworkDbContext db,
        CancellationToken cancellationToken)
    {
        if (await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } c)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ETag(c);
        return TypedResults.Ok(await ViewAsync(c, user, db, cancellationToken));
    }

    /// <summary>
    /// The case's entity tag: its revision, which every change to its registration data, documents, family members or
    /// stage moves on. Corrections take it back as If-Match.
    /// </summary>
    internal static string ETag(CaseRecord c) => EntityTags.Of(c.Revision);

    /// <summary>The case as <paramref name="user"/> may see it.</summary>
    internal static async Task<CaseView> ViewAsync(CaseRecord c, ClaimsPrincipal user, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var (documents, family, profiling, exclusion) = await CaseDetails.ForAsync(c, user, db, cancellationToken);
        return new CaseView(c.Id, c.CaseNumber, c.Office, c.RegisteredOn, c.Stage, c.Track, c.Priority, c.GivenName, c.FamilyName,
            Split(c.Transliterations), c.DateOfBirth, c.DateOfBirthApproximate, c.Sex, Split(c.Nationalities), Split(c.Languages),
            Split(c.SpecificNeeds), c.InstanceId, c.Decision, documents, family, profiling, exclusion, CaseClosure.ViewOf(c));
    }

    /// <summary>The longest name search term (a search box's worth).</summary>
    internal const int MaxNameTerm = 100;

    /// <summary>
    /// Why a name search term (as typed, and <paramref name="folded"/> by <see cref="NameSearch.Fold"/>) cannot be searched
    /// for, or null: one of only spaces, hyphens or marks would match every case, and the API and the case screen refuse
    /// the same terms.
    /// </summary>
    internal static string? NameTermProblem(string term, string folded) =>
        folded.Length == 0 || term.Length > MaxNameTerm
            ? $"Part of a name, 1 to {MaxNameTerm} characters, not only spaces, hyphens or apostrophes."
            : null;

    private static async Task<Results<Ok<Page<CaseSummary>>, ValidationProblem>> SearchAsync(CaseworkDbContext db, CancellationToken cancellationToken,
        string? office = null, string? stage = null, string? nationality = null, string? name = null, int page = 1, int pageSize = 50)
    {
        if (QueueEndpoints.Paging(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        // A filter that no case could match is a typing mistake, not an empty result: say which and what it takes.
        // Codes are compared in capitals, as they are stored.
        var errors = new Dictionary<string, string[]>();
        office = office?.Trim().ToUpperInvariant();
        if (office is not null && !CaseNumber.IsOfficeCode(office))
        {
            errors["office"] = ["An office code of 2 to 10 letters, like NBO."];
        }

        var stageName = stage is null ? null : Enum.GetNames<CaseStage>().FirstOrDefault(n => n.Equals(stage.Trim(), StringComparison.OrdinalIgnoreCase));
        if (stage is not null && stageName is null)
        {
            errors["stage"] = [$"One of {string.Join(", ", Enum.GetNames<CaseStage>())}."];
        }

        nationality = nationality?.Trim().ToUpperInvariant();
        if (nationality is not null && !(nationality.Length == 3 && nationality.All(char.IsAsciiLetterUpper)))
        {
            // Nationalities are stored as a list of three-letter codes: anything shorter would match inside them.
            errors["nationality"] = ["A three-letter country code, like SOM."];
        }

        // Part of a name, whatever its letter case, accents or order (NameSearch).
        var folded = NameSearch.Fold(name);
        if (name is not null && NameTermProblem(name, folded) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        stage = stageName;
        var query = db.Cases.AsNoTracking();
        query = office is null ? query : query.Where(c => c.Office == office);
        query = stage is null ? query : query.Where(c => c.Stage == stage);
        query = nationality is null ? query : query.Where(c => c.Nationalities.Contains(nationality));
        query = name is null ? query : query.Named(db, folded);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(c => c.Priority).ThenBy(c => c.CaseNumber).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new CaseSummary(c.Id, c.CaseNumber, c.Office, c.RegisteredOn, c.Stage, c.Track, c.Priority, c.InstanceId)).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<CaseSummary>(items, page, pageSize, total));
    }

    private static Dictionary<string, string[]> Validate(RegisterCaseRequest request, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        if (!CaseNumber.IsOfficeCode(request.Office))
        {
            Add("office", "An office code of 2 to 10 capital letters, like NBO.");
        }

        if (request.RegisteredOn is { } on && on > today)
        {
            Add("registeredOn", "The registration date cannot be in the future.");
        }

        var p = request.Principal;
        if (p is null)
        {
            Add("principal", "The principal applicant is required.");
            return errors;
        }

        foreach (var (field, messages) in ValidatePerson(p, today, "principal."))
        {
            errors[field] = messages;
        }

        return errors;
    }

    /// <summary>A person's biodata checked field by field; each field name starts with <paramref name="prefix"/> ("principal.", or empty for a body that is the person).</summary>
    internal static Dictionary<string, string[]> ValidatePerson(PrincipalRequest p, DateOnly today, string prefix)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        if (p.GivenName is not { Length: > 0 and <= 200 } || string.IsNullOrWhiteSpace(p.GivenName))
        {
            Add($"{prefix}givenName", "Required, at most 200 characters.");
        }

        if (p.FamilyName is not { Length: > 0 and <= 200 } || string.IsNullOrWhiteSpace(p.FamilyName))
        {
            Add($"{prefix}familyName", "Required, at most 200 characters.");
        }

        if (p.DateOfBirth is not { } dob || dob > today || dob.Year < 1900)
        {
            Add($"{prefix}dateOfBirth", "A date between 1900 and today.");
        }

        // Stored joined by commas (Join, Split): an entry with a comma in it would come back as two, so it is refused.
        if (p.Transliterations is { } names && (names.Any(NotOneEntry) || string.Join(',', names).Length > 1000))
        {
            Add($"{prefix}transliterations", "Names that are not blank and have no comma (each spelling its own entry), at most 1,000 characters together.");
        }

        if (p.Languages is { } languages && (languages.Any(NotOneEntry) || string.Join(',', languages).Length > 200))
        {
            Add($"{prefix}languages", "Language names that are not blank and have no comma (each language its own entry), at most 200 characters together.");
        }

        if (!Enum.TryParse<Sex>(p.Sex, out _) || int.TryParse(p.Sex, out _))
        {
            Add($"{prefix}sex", $"One of {string.Join(", ", Enum.GetNames<Sex>())}.");
        }

        if (p.Nationalities is not { Count: > 0 } nationalities || nationalities.Any(n => n is not { Length: 3 } || !n.All(char.IsAsciiLetterUpper)))
        {
            Add($"{prefix}nationalities", "At least one ISO 3166 alpha-3 code, like SOM.");
        }

        if (p.Documents is { } documents)
        {
            if (documents.Count > 10)
            {
                Add($"{prefix}documents", "At most 10 documents.");
            }

            for (var i = 0; i < documents.Count; i++)
            {
                var d = documents[i];
                if (d is null || !Enum.TryParse<IdentityDocumentType>(d.Type, out _) || int.TryParse(d.Type, out _))
                {
                    Add($"{prefix}documents[{i}].type", $"One of {string.Join(", ", Enum.GetNames<IdentityDocumentType>())}.");
                }

                if (d?.Number is not { Length: > 0 and <= 50 } number || string.IsNullOrWhiteSpace(number))
                {
                    Add($"{prefix}documents[{i}].number", "Required, at most 50 characters.");
                }

                if (d?.IssuingCountry is { } country && (country.Length != 3 || !country.All(char.IsAsciiLetterUpper)))
                {
                    Add($"{prefix}documents[{i}].issuingCountry", "An ISO 3166 alpha-3 code, like SOM.");
                }
            }
        }

        if (p.SpecificNeeds?.FirstOrDefault(n => !Enum.TryParse<SpecificNeed>(n, out _) || int.TryParse(n, out _)) is { } bad)
        {
            Add($"{prefix}specificNeeds", $"'{bad}' is not a specific need: {string.Join(", ", Enum.GetNames<SpecificNeed>())}.");
        }

        return errors;
    }

    /// <summary>The document rows of a person's documents (validated before).</summary>
    internal static IEnumerable<CaseDocumentRecord> Documents(IReadOnlyList<DocumentRequest>? documents, Guid caseId, Guid? familyMemberId, TimeProvider clock) =>
        (documents ?? []).Select((d, i) => new CaseDocumentRecord
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), CaseId = caseId, FamilyMemberId = familyMemberId, Position = i, Type = Enum.Parse<IdentityDocumentType>(d.Type!),
            Number = d.Number!.Trim(), IssuingCountry = d.IssuingCountry, ExpiresOn = d.ExpiresOn,
        });

    internal static DocumentView View(CaseDocumentRecord d) => new(d.Type.ToString(), d.Number, d.IssuingCountry, d.ExpiresOn);

    private static bool NotOneEntry(string? value) => string.IsNullOrWhiteSpace(value) || value.Contains(',', StringComparison.Ordinal);

    internal static string? Join(IReadOnlyList<string>? values) => values is { Count: > 0 } ? string.Join(',', values) : null;

    internal static IReadOnlyList<string> Split(string? values) => values?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
