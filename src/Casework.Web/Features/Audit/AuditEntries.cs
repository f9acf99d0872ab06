using System.Globalization;
using Casework.Data;
using Casework.Data.Audit;
using Casework.Web.Features.Queues;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Audit;

/// <summary>One audited request: who, when, read or write, the method and path (never the body or query), from where, the answer's status.</summary>
public sealed record AuditEntryView(long Id, DateTimeOffset At, string Actor, string Action, string Resource, int Status, string? RemoteAddress,
    string? CorrelationId, Guid? CaseId = null, string? CaseNumber = null);

/// <summary>What an auditor looks for; every part optional. Dates are whole days in UTC, both ends included.</summary>
/// <param name="Case">A case number (any letter case) or id: the entries of requests that touched that case, its tasks and its instance.</param>
public sealed record AuditQuery(string? Actor, string? Resource, string? Action, string? From, string? To, string? Case = null);

/// <summary>A query that passed <see cref="AuditEntries.Check"/>, its days turned into moments: <see cref="Before"/> is the start of the day after the last.</summary>
public sealed record AuditFilter(AuditQuery Query, DateTimeOffset? From, DateTimeOffset? Before, Guid? CaseId = null);

/// <summary>
/// Reads the audit trail newest first, a page at a time: by account (its user name, exactly), by case (its number or id), by a
/// piece of the path (any letter case), by read or write, and by day. Each wrong filter is named.
/// </summary>
public sealed class AuditEntries(CaseworkDbContext db)
{
    /// <summary>The filter to search by, or null with each wrong part named in <paramref name="errors"/>.</summary>
    private static AuditFilter? Check(AuditQuery query, Dictionary<string, string[]> errors)
    {
        var from = Day(query.From, "from", errors);
        var to = Day(query.To, "to", errors)?.AddDays(1);
        if (from is not null && to is not null && to <= from)
        {
            errors["to"] = ["The last day comes before the first."];
        }

        if (!string.IsNullOrWhiteSpace(query.Action) && query.Action.Trim() is not ("read" or "write"))
        {
            errors["action"] = [$"'{query.Action}' is not an action: read or write."];
        }

        if (query.Resource?.Trim().Length > 400)
        {
            errors["resource"] = ["At most 400 characters of a path."];
        }

        return errors.Count > 0 ? null : new AuditFilter(query, from, to);
    }

    /// <summary>
    /// <see cref="Check"/>, and the case looked up by its number (any letter case) or taken as an id; a number no case has is named.
    /// </summary>
    public async Task<AuditFilter?> CheckAsync(AuditQuery query, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var filter = Check(query, errors);
        if (query.Case?.Trim() is not { Length: > 0 } reference)
        {
            return filter;
        }

        Guid? caseId = Guid.TryParse(reference, out var id) ? id : null;
        if (caseId is null && reference.Length <= 32)
        {
            caseId = await AuditedCase.ByNumberAsync(reference.ToUpperInvariant(), db, cancellationToken);
        }

        if (caseId is null)
        {
            errors["case"] = [$"No case is numbered '{reference}'; give a case number such as NBO-2026-000123, or a case id."];
            return null;
        }

        return filter is null ? null : filter with { CaseId = caseId };
    }

    /// <summary>A page of the entries the filter matches, newest first, with how many match in all.</summary>
    public async Task<Page<AuditEntryView>> SearchAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        var entries = Matching(filter);
        var total = await entries.CountAsync(cancellationToken);
        var items = await Rows(entries.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new Page<AuditEntryView>(items, page, pageSize, total);
    }

    /// <summary>Every entry the filter matches, newest first, read from the database as it is consumed (an export of any length).</summary>
    public IAsyncEnumerable<AuditEntryView> AllAsync(AuditFilter filter) => Rows(Matching(filter)).AsAsyncEnumerable();

    private IQueryable<AuditEntryRecord> Matching(AuditFilter filter)
    {
        var (query, from, to, caseId) = filter;
        var entries = db.AuditEntries.AsNoTracking();
        if (caseId is not null)
        {
            entries = entries.Where(a => a.CaseId == caseId);
        }

        if (query.Actor?.Trim() is { Length: > 0 } actor)
        {
            entries = entries.Where(a => a.Actor == actor);
        }

        if (query.Resource?.Trim().ToUpperInvariant() is { Length: > 0 } resource)
        {
            entries = entries.Where(a => a.Resource.ToUpper().Contains(resource));
        }

        if (query.Action?.Trim() is { Length: > 0 } action)
        {
            entries = entries.Where(a => a.Action == action);
        }

        if (from is not null)
        {
            entries = entries.Where(a => a.At >= from);
        }

        if (to is not null)
        {
            entries = entries.Where(a => a.At < to);
        }

        return entries;
    }

    /// <summary>The entries newest first, each with its case's number (its id alone if the case is gone).</summary>
    private IQueryable<AuditEntryView> Rows(IQueryable<AuditEntryRecord> entries) =>
        from a in entries
        join c in db.Cases.AsNoTracking() on a.CaseId equals (Guid?)c.Id into cases
        from c in cases.DefaultIfEmpty()
        orderby a.Id descending
        select new AuditEntryView(a.Id, a.At, a.Actor, a.Action, a.Resource, a.Status, a.RemoteAddress, a.CorrelationId, a.CaseId, c == null ? null : c.CaseNumber);

    private static DateTimeOffset? Day(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        errors[field] = [$"'{text}' is not a date like 2026-03-20."];
        return null;
    }
}
