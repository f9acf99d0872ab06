using Casework.Data;
using Casework.Data.Offices;
using Casework.Domain.Cases;
using Casework.Domain.Deadlines;
using Casework.Web.Features.Procedure;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Administration;

/// <summary>An office's deadline settings. <see cref="RulePackId"/> null: the UNHCR mandate. Weekend days Monday first.</summary>
public sealed record OfficeView(string Code, string Name, Guid? RulePackId, string RulePackName, IReadOnlyList<string> WeekendDays,
    IReadOnlyList<HolidayView> Holidays, IReadOnlyList<AnnualHolidayView> AnnualHolidays, DateTimeOffset UpdatedAt, int Revision);

public sealed record CreateOfficeRequest(string? Code, string? Name, Guid? RulePackId, IReadOnlyList<string>? WeekendDays, IReadOnlyList<HolidayRequest>? Holidays,
    IReadOnlyList<AnnualHolidayRequest>? AnnualHolidays = null);

public sealed record UpdateOfficeRequest(string? Name, Guid? RulePackId, IReadOnlyList<string>? WeekendDays, IReadOnlyList<HolidayRequest>? Holidays,
    IReadOnlyList<AnnualHolidayRequest>? AnnualHolidays = null);

/// <summary>A rule pack's time limits. The UNHCR mandate is built in (<see cref="BuiltIn"/>, no id) and cannot be changed.</summary>
public sealed record RulePackView(Guid? Id, string Name, bool BuiltIn, int AppealWindowDays, int LateAppealGraceDays, int InterviewTargetMonths,
    int AcceleratedInterviewTargetDays, int SimplifiedInterviewTargetDays, bool MoveDeadlinesToNextWorkingDay, IReadOnlyList<string> Offices, int Revision);

public sealed record RulePackRequest(string? Name, int? AppealWindowDays, int? LateAppealGraceDays, int? InterviewTargetMonths,
    int? AcceleratedInterviewTargetDays, int? SimplifiedInterviewTargetDays, bool? MoveDeadlinesToNextWorkingDay);

/// <summary>A date an office's rules would compute, with how it was computed.</summary>
public sealed record ComputedDateView(DateOnly Date, string Explanation);

/// <summary>What an office's rules give for a notification and a registration on given days: to check a calendar before relying on it.</summary>
public sealed record DeadlinePreview(string Office, string RulePackName, ComputedDateView AppealDeadline, ComputedDateView LateAppealCutoff,
    IReadOnlyDictionary<string, ComputedDateView> InterviewTargets);

public sealed record SettingsOutcome<T>(AdminResult Kind, T? Value = default, Dictionary<string, string[]>? Errors = null, string? Message = null)
    where T : class;

/// <summary>
/// Administrators set, per office, the rule pack its deadlines are computed by, its weekend days and its holidays, and
/// keep the national rule packs. Deadlines are computed from these when a case reaches the step that computes them
/// (<see cref="OfficeRules"/>); a change does not move a deadline already computed.
/// </summary>
public sealed class OfficeAdministration(CaseworkDbContext db, OfficeRules rules, TimeProvider clock, ILogger<OfficeAdministration> logger)
{
    public async Task<List<OfficeView>> OfficesAsync(CancellationToken cancellationToken)
    {
        var offices = await OfficeRules.WithHolidays(db.Offices.AsNoTracking()).OrderBy(o => o.Code).ToListAsync(cancellationToken);
        var packs = await PackNamesAsync(cancellationToken);
        return offices.ConvertAll(o => View(o, packs));
    }

    public async Task<OfficeView?> OfficeAsync(string code, CancellationToken cancellationToken) =>
        await OfficeRules.WithHolidays(db.Offices.AsNoTracking()).FirstOrDefaultAsync(o => o.Code == code, cancellationToken) is { } office
            ? View(office, await PackNamesAsync(cancellationToken))
            : null;

    public Task<SettingsOutcome<OfficeView>> CreateOfficeAsync(CreateOfficeRequest request, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "adding an office", () => CreateOfficeOnceAsync(request, cancellationToken), cancellationToken);

    private async Task<SettingsOutcome<OfficeView>> CreateOfficeOnceAsync(CreateOfficeRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var code = request.Code?.Trim();
        if (!CaseNumber.IsOfficeCode(code))
        {
            errors["code"] = ["An office code of 2 to 10 capital letters, like NBO."];
        }

        var settings = await ValidateAsync(request.Name, request.RulePackId, request.WeekendDays, request.Holidays, request.AnnualHolidays, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return new(AdminResult.Invalid, Errors: errors);
        }

        if (await db.Offices.AnyAsync(o => o.Code == code, cancellationToken))
        {
            return new(AdminResult.Conflict, Message: $"Office {code} already has its settings; change them at /api/admin/offices/{code}.");
        }

        var office = new OfficeRecord { Code = code!, Name = settings.Name, RulePackId = settings.RulePackId, WeekendDays = settings.Weekend, Revision = 1, UpdatedAt = clock.GetUtcNow() };
        settings.Holidays.ApplyTo(office);
        db.Offices.Add(office);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return new(AdminResult.Conflict, Message: $"Office {code} already has its settings; change them at /api/admin/offices/{code}.");
        }

        return new(AdminResult.Done, View(office, await PackNamesAsync(cancellationToken)));
    }

    /// <param name="code">The office.</param>
    /// <param name="request">Its new settings, whole.</param>
    /// <param name="revision">The revision the change was made on (If-Match), or null to change whatever is on record.</param>
    /// <param name="cancellationToken">Ends the work.</param>
    public Task<SettingsOutcome<OfficeView>> UpdateOfficeAsync(string code, UpdateOfficeRequest request, int? revision, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "changing an office",
            () => AdminRaces.AgainIfRacedAsync(() => UpdateOfficeOnceAsync(code, request, revision, cancellationToken), GaveUp<OfficeView>), cancellationToken);

    private async Task<SettingsOutcome<OfficeView>?> UpdateOfficeOnceAsync(string code, UpdateOfficeRequest request, int? revision, CancellationToken cancellationToken)
    {
        var office = await OfficeRules.WithHolidays(db.Offices).FirstOrDefaultAsync(o => o.Code == code, cancellationToken);
        if (office is null)
        {
            return new(AdminResult.NotFound);
        }

        if (revision is not null && revision != office.Revision)
        {
            db.ChangeTracker.Clear();
            return Changed<OfficeView>(revision, $"office {code}");
        }

        var errors = new Dictionary<string, string[]>();
        var settings = await ValidateAsync(request.Name, request.RulePackId, request.WeekendDays, request.Holidays, request.AnnualHolidays, errors, cancellationToken);
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return new(AdminResult.Invalid, Errors: errors);
        }

        office.Name = settings.Name;
        office.RulePackId = settings.RulePackId;
        office.WeekendDays = settings.Weekend;
        office.Revision++;
        office.UpdatedAt = clock.GetUtcNow();

        settings.Holidays.ApplyTo(office);

        try
        {
            if (!await SavedAsync(cancellationToken))
            {
                return Changed<OfficeView>(revision, $"office {code}");
            }
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another administrator's change added the same holiday and was committed first.
            return Changed<OfficeView>(revision, $"office {code}");
        }

        return new(AdminResult.Done, await OfficeAsync(code, cancellationToken));
    }

    /// <summary>The dates an office's rules compute for a notification and a registration on the given days.</summary>
    public async Task<DeadlinePreview> PreviewAsync(string office, DateOnly notifiedOn, DateOnly registeredOn, CancellationToken cancellationToken)
    {
        var (pack, calendar) = await rules.ForAsync(db, office, cancellationToken);
        static ComputedDateView View(ComputedDate date) => new(date.Date, date.Explanation);
        var targets = new[] { ProcessingTrack.Regular, ProcessingTrack.Accelerated, ProcessingTrack.Simplified }
            .ToDictionary(t => t.ToString(), t => View(pack.InterviewTarget(registeredOn, t, calendar)));
        return new DeadlinePreview(calendar.OfficeCode, pack.Name, View(pack.AppealDeadline(notifiedOn, calendar)),
            View(pack.LateAppealCutoff(notifiedOn, calendar)), targets);
    }

    public async Task<List<RulePackView>> RulePacksAsync(CancellationToken cancellationToken)
    {
        var packs = await db.RulePacks.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        // Every office once: those without a pack work by the mandate.
        var offices = await db.Offices.AsNoTracking().OrderBy(o => o.Code).Select(o => new { o.Code, o.RulePackId }).ToListAsync(cancellationToken);
        List<string> Using(Guid? pack) => [.. offices.Where(o => o.RulePackId == pack).Select(o => o.Code)];
        return [View(null, Using(null)), .. packs.Select(p => View(p, Using(p.Id)))];
    }

    public async Task<RulePackView?> RulePackAsync(Guid id, CancellationToken cancellationToken) =>
        await db.RulePacks.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken) is { } pack
            ? View(pack, await db.Offices.AsNoTracking().Where(o => o.RulePackId == id).OrderBy(o => o.Code).Select(o => o.Code).ToListAsync(cancellationToken))
            : null;

    public Task<SettingsOutcome<RulePackView>> CreateRulePackAsync(RulePackRequest request, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "adding a rule pack",
            () => AdminRaces.AgainIfRacedAsync(() => SaveRulePackOnceAsync(null, request, null, cancellationToken), GaveUp<RulePackView>), cancellationToken);

    /// <param name="id">The pack.</param>
    /// <param name="request">Its new time limits, whole.</param>
    /// <param name="revision">The revision the change was made on (If-Match), or null to change whatever is on record.</param>
    /// <param name="cancellationToken">Ends the work.</param>
    public Task<SettingsOutcome<RulePackView>> UpdateRulePackAsync(Guid id, RulePackRequest request, int? revision, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, "changing a rule pack",
            () => AdminRaces.AgainIfRacedAsync(() => SaveRulePackOnceAsync(id, request, revision, cancellationToken), GaveUp<RulePackView>), cancellationToken);

    private async Task<SettingsOutcome<RulePackView>?> SaveRulePackOnceAsync(Guid? id, RulePackRequest request, int? revision, CancellationToken cancellationToken)
    {
        RulePackRecord? pack = null;
        if (id is not null && (pack = await db.RulePacks.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)) is null)
        {
            return new(AdminResult.NotFound);
        }

        if (pack is not null && revision is not null && revision != pack.Revision)
        {
            db.ChangeTracker.Clear();
            return Changed<RulePackView>(revision, $"rule pack '{pack.Name}'");
        }

        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (name is not { Length: >= 2 and <= 200 })
        {
            errors["name"] = ["The rule pack's name, 2 to 200 characters."];
        }
        else if (RulePackRecord.Normalize(name) == RulePackRecord.Normalize(RulePack.UnhcrMandate.Name))
        {
            errors["name"] = [$"'{RulePack.UnhcrMandate.Name}' is the built-in pack; give this one another name."];
        }

        int Limit(string field, int? value, int min, int max, string what)
        {
            if (value is null || value < min || value > max)
            {
                errors[field] = [$"{what}: a whole number from {min} to {max}."];
                return 0;
            }

            return value.Value;
        }

        var appeal = Limit("appealWindowDays", request.AppealWindowDays, 1, 365, "Days from notification to the appeal deadline");
        var grace = Limit("lateAppealGraceDays", request.LateAppealGraceDays, 0, 365, "Days after the deadline a late appeal is still accepted with a reason");
        var months = Limit("interviewTargetMonths", request.InterviewTargetMonths, 1, 36, "Months from registration to the interview, regular track");
        var accelerated = Limit("acceleratedInterviewTargetDays", request.AcceleratedInterviewTargetDays, 1, 365, "Days from registration to the interview, accelerated track");
        var simplified = Limit("simplifiedInterviewTargetDays", request.SimplifiedInterviewTargetDays, 1, 365, "Days from registration to the interview, simplified track");
        if (request.MoveDeadlinesToNextWorkingDay is null)
        {
            errors["moveDeadlinesToNextWorkingDay"] = ["Whether a deadline on a weekend or holiday moves to the next working day: true or false."];
        }

        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return new(AdminResult.Invalid, Errors: errors);
        }

        var normalized = RulePackRecord.Normalize(name!);
        var taken = $"There is already a rule pack named '{name}'.";
        if (await db.RulePacks.AnyAsync(p => p.NormalizedName == normalized && p.Id != id, cancellationToken))
        {
            db.ChangeTracker.Clear();
            return new(AdminResult.Conflict, Message: taken);
        }

        if (pack is null)
        {
            pack = new RulePackRecord { Id = Guid.CreateVersion7(clock.GetUtcNow()), Name = name! };
            db.RulePacks.Add(pack);
        }

        pack.Name = name!;
        pack.AppealWindowDays = appeal;
        pack.LateAppealGraceDays = grace;
        pack.InterviewTargetMonths = months;
        pack.AcceleratedInterviewTargetDays = accelerated;
        pack.SimplifiedInterviewTargetDays = simplified;
        pack.MoveDeadlinesToNextWorkingDay = request.MoveDeadlinesToNextWorkingDay!.Value;
        pack.Revision++;
        pack.UpdatedAt = clock.GetUtcNow();
        try
        {
            if (!await SavedAsync(cancellationToken))
            {
                return Changed<RulePackView>(revision, $"rule pack '{name}'");
            }
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return new(AdminResult.Conflict, Message: taken);
        }

        db.ChangeTracker.Clear();
        return new(AdminResult.Done, await RulePackAsync(pack.Id, cancellationToken));
    }

    /// <summary>
    /// Saves, or answers false (saving nothing) when another administrator's change to the same record was committed
    /// between this one's read and its write: the record's revision moved, so the update found no row to change.
    /// </summary>
    private async Task<bool> SavedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Someone else changed <paramref name="what"/> first: stale when the caller named the revision its change was made on;
    /// null (run the change again, on what is saved now: <see cref="AdminRaces"/>) when the caller asked to change whatever is on record.
    /// </summary>
    private static SettingsOutcome<T>? Changed<T>(int? revision, string what)
        where T : class =>
        revision is null
            ? null
            : new(AdminResult.Stale, Message: $"The {what} was changed after the copy this change was made on (revision {revision}); nothing was saved. Reload it and make the change again.");

    private static SettingsOutcome<T> GaveUp<T>()
        where T : class => new(AdminResult.Conflict, Message: AdminRaces.GaveUp);

    private sealed record Settings(string Name, Guid? RulePackId, int Weekend, HolidayLists Holidays);

    private async Task<Settings> ValidateAsync(string? name, Guid? rulePackId, IReadOnlyList<string>? weekendDays, IReadOnlyList<HolidayRequest>? holidays,
        IReadOnlyList<AnnualHolidayRequest>? annualHolidays, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (name is not { Length: >= 2 and <= 200 })
        {
            errors["name"] = ["The office's name, 2 to 200 characters."];
        }

        if (rulePackId is not null && !await db.RulePacks.AnyAsync(p => p.Id == rulePackId, cancellationToken))
        {
            errors["rulePackId"] = [$"There is no rule pack {rulePackId}; leave it out for the UNHCR mandate."];
        }

        var weekend = new List<DayOfWeek>();
        foreach (var day in weekendDays ?? [.. OfficeRules.StandardWeekend.Select(d => d.ToString())])
        {
            if (Enum.TryParse<DayOfWeek>(day?.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(day, out _))
            {
                weekend.Add(parsed);
            }
            else
            {
                errors["weekendDays"] = [$"'{day}' is not a day of the week; give names like Saturday and Sunday."];
            }
        }

        if (weekend.Distinct().Count() == 7)
        {
            errors["weekendDays"] = ["An office needs at least one working day a week."];
        }

        var days = HolidayLists.Validate(holidays, annualHolidays, errors);
        return new Settings(name ?? string.Empty, rulePackId, OfficeRules.WeekendMask(weekend), days);
    }

    private async Task<Dictionary<Guid, string>> PackNamesAsync(CancellationToken cancellationToken) =>
        await db.RulePacks.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);

    private static OfficeView View(OfficeRecord office, Dictionary<Guid, string> packs) =>
        new(office.Code, office.Name, office.RulePackId, office.RulePackId is { } id ? packs[id] : RulePack.UnhcrMandate.Name,
            [.. OfficeRules.Weekend(office.WeekendDays).OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString())], HolidayLists.DatedViews(office),
            HolidayLists.AnnualViews(office), office.UpdatedAt, office.Revision);

    private static RulePackView View(RulePackRecord? record, IReadOnlyList<string> offices)
    {
        var pack = OfficeRules.Pack(record);
        return new RulePackView(record?.Id, pack.Name, record is null, pack.AppealWindowDays, pack.LateAppealGraceDays, pack.InterviewTargetMonths,
            pack.AcceleratedInterviewTargetDays, pack.SimplifiedInterviewTargetDays, pack.MoveDeadlinesToNextWorkingDay, offices, record?.Revision ?? 0);
    }
}
