using Casework.Data;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Audit;

/// <summary>
/// Finds the case an audited request touched, so that "who read or changed this case" also finds the reads and changes of its
/// tasks, its workflow instance, its appeal and its screens: the case named by the path (its id, or its number on the case
/// screens), the case of the task, instance or interview the path names, or, for a write that names none, the case its answer points to
/// (a registration's Location), or the cases an endpoint that acts on several at once names with <see cref="Touched"/>. None when
/// the request touched no one case, such as a queue or a search.
/// </summary>
public static class AuditedCase
{
    private const string TouchedKey = "Casework.Audit.TouchedCases";

    /// <summary>
    /// For an endpoint whose path names no case but whose request acts on several (a bulk reassignment): the audit trail then
    /// records one entry for each, so that each case's history shows it.
    /// </summary>
    public static void Touched(HttpContext http, IEnumerable<Guid> caseIds) => http.Items[TouchedKey] = caseIds.Distinct().ToList();

    public static async Task<IReadOnlyList<Guid?>> OfAsync(HttpContext http, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        if (http.Items[TouchedKey] is List<Guid> touched)
        {
            return touched.ConvertAll(id => (Guid?)id);
        }

        if (await NamedByAsync(http.Request.Path, db, cancellationToken) is { } named)
        {
            return [named];
        }

        var write = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        return write && http.Response.Headers.Location.ToString() is { Length: > 0 } location
                     && Uri.TryCreate(new Uri("http://casework.invalid"), location, out var target)
                     && await NamedByAsync(new PathString(Uri.UnescapeDataString(target.AbsolutePath)), db, cancellationToken) is { } created
            ? [created]
            : [];
    }

    private static async Task<Guid?> NamedByAsync(PathString path, CaseworkDbContext db, CancellationToken cancellationToken)
    {
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        switch (segments)
        {
            case ["api", "cases", var id, ..] when Guid.TryParse(id, out var caseId):
                return caseId;
            case ["api", "partner", "appeals", var id, ..] when Guid.TryParse(id, out var caseId):
                return caseId;
            case ["partner", "appeals", var id, ..] when Guid.TryParse(id, out var caseId):
                return caseId;
            case ["api", "partner", "interviews", var id, ..] when Guid.TryParse(id, out var interviewId):
                return await db.Interviews.AsNoTracking().Where(i => i.Id == interviewId).Select(i => (Guid?)i.CaseId).FirstOrDefaultAsync(cancellationToken);
            case ["api", "tasks", var id, ..] when Guid.TryParse(id, out var taskId):
                return await OfTaskAsync(taskId, db, cancellationToken);
            case ["tasks", var id, ..] when Guid.TryParse(id, out var taskId):
                return await OfTaskAsync(taskId, db, cancellationToken);
            case ["api", "instances", var id, ..] when Guid.TryParse(id, out var instanceId):
                return await db.Instances.AsNoTracking().Where(i => i.Id == instanceId)
                    .Join(db.Cases, i => i.BusinessKey, c => c.CaseNumber, (_, c) => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
            case ["cases", var number, ..] when number != "new":
                return await ByNumberAsync(number, db, cancellationToken);
            default:
                return null;
        }
    }

    /// <summary>The id of the case with that number, exactly as written (numbers are kept in capitals).</summary>
    public static Task<Guid?> ByNumberAsync(string number, CaseworkDbContext db, CancellationToken cancellationToken) =>
        db.Cases.AsNoTracking().Where(c => c.CaseNumber == number).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>A task names its case by number (its instance's business key); one started for something else has none.</summary>
    private static Task<Guid?> OfTaskAsync(Guid taskId, CaseworkDbContext db, CancellationToken cancellationToken) =>
        db.WorkItems.AsNoTracking().Where(w => w.Id == taskId)
            .Join(db.Cases, w => w.CaseId, c => c.CaseNumber, (_, c) => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);
}
