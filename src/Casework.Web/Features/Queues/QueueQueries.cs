using Casework.Data;
using Casework.Data.Runtime;
using Casework.Data.Runtime.Records;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Queues;

/// <summary>
/// The queue reads the API and the screens share: open tasks, priority first (highest), then the earliest due date
/// (tasks without one last), then the oldest. Paging is checked by the caller. Each task says whether its four-eyes rule keeps
/// the viewer off it, so nobody opens a task only to be told they may not work it.
/// </summary>
public sealed class QueueQueries(CaseworkDbContext db, WorkflowRuntime runtime)
{
    /// <summary>Open tasks assigned to or claimed by <paramref name="userName"/>.</summary>
    public async Task<Page<QueueItem>> MineAsync(string userName, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = db.WorkItems.AsNoTracking().Where(w => w.Status == WorkItemStatus.Open && (w.Assignee == userName || w.ClaimedBy == userName));
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(w => w.Priority).ThenBy(w => w.DueAt == null).ThenBy(w => w.DueAt).ThenBy(w => w.CreatedAt)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(Item).ToListAsync(cancellationToken);
        return new Page<QueueItem>(await MarkedAsync(items, userName, cancellationToken), page, pageSize, total);
    }

    /// <summary>Open tasks <paramref name="role"/> may take, of one office when <paramref name="office"/> is given, as <paramref name="viewer"/> sees them.</summary>
    public async Task<Page<QueueItem>> RoleAsync(string role, string? office, string viewer, int page, int pageSize, CancellationToken cancellationToken)
    {
        var candidates = db.WorkItemCandidates.AsNoTracking().Where(c => c.Role == role && c.Status == WorkItemStatus.Open);
        if (office is not null)
        {
            candidates = candidates.Where(c => c.CaseOffice == office);
        }

        var total = await candidates.CountAsync(cancellationToken);
        var ids = await candidates.OrderByDescending(c => c.Priority).ThenBy(c => c.DueAt == null).ThenBy(c => c.DueAt)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.WorkItemId).ToListAsync(cancellationToken);
        var rows = await db.WorkItems.AsNoTracking().Where(w => ids.Contains(w.Id)).Select(Item).ToListAsync(cancellationToken);
        var items = ids.Select(id => rows.Single(r => r.Id == id)).ToList();
        return new Page<QueueItem>(await MarkedAsync(items, viewer, cancellationToken), page, pageSize, total);
    }

    /// <summary>The tasks with why four-eyes keeps <paramref name="viewer"/> off each it does.</summary>
    private async Task<List<QueueItem>> MarkedAsync(List<QueueItem> items, string viewer, CancellationToken cancellationToken)
    {
        var conflicts = await runtime.FourEyesConflictsAsync([.. items.Select(i => i.Id)], viewer, cancellationToken);
        return [.. items.Select(i => conflicts.GetValueOrDefault(i.Id) is { } earlier
            ? i with { FourEyes = WorkflowRuntime.FourEyesMessage(earlier, i.Name ?? i.ElementId) }
            : i)];
    }

    /// <summary>How many open tasks each role and office has, ordered by role then office.</summary>
    public async Task<List<QueueCount>> CountsAsync(CancellationToken cancellationToken)
    {
        var counts = await db.WorkItemCandidates.AsNoTracking().Where(c => c.Status == WorkItemStatus.Open)
            .GroupBy(c => new { c.Role, c.CaseOffice })
            .Select(g => new { g.Key.Role, g.Key.CaseOffice, Open = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. counts.Select(c => new QueueCount(c.Role, c.CaseOffice, c.Open))
            .OrderBy(c => c.Role, StringComparer.Ordinal).ThenBy(c => c.Office, StringComparer.Ordinal)];
    }

    /// <summary>The offices that have open tasks for <paramref name="role"/>, in order (the queue screen's office filter).</summary>
    public async Task<List<string>> OfficesAsync(string role, CancellationToken cancellationToken)
    {
        var offices = await db.WorkItemCandidates.AsNoTracking().Where(c => c.Role == role && c.Status == WorkItemStatus.Open && c.CaseOffice != null)
            .Select(c => c.CaseOffice!).Distinct().ToListAsync(cancellationToken);
        return [.. offices.Order(StringComparer.Ordinal)];
    }

    private static readonly System.Linq.Expressions.Expression<Func<WorkItemRecord, QueueItem>> Item = w =>
        new QueueItem(w.Id, w.Name, w.ElementId, w.CaseId, w.CaseOffice, w.CaseTrack, w.Priority, w.DueAt, w.Assignee, w.ClaimedBy, w.CreatedAt);
}

/// <summary>Open tasks of one role and office.</summary>
public sealed record QueueCount(string Role, string? Office, int Open);
