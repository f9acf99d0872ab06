using System.Collections.Concurrent;
using Casework.Engine.Model;
using Casework.Engine.Parsing;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Definitions;

/// <summary>
/// Published definitions as executable models. Versions are immutable, so each is parsed once per process and
/// kept; the cost of a command never depends on how many versions exist.
/// </summary>
public sealed class DefinitionCatalog
{
    private readonly ConcurrentDictionary<long, ProcessDefinition> byId = new();

    public async Task<ProcessDefinition> GetAsync(CaseworkDbContext db, long definitionId, CancellationToken cancellationToken)
    {
        if (byId.TryGetValue(definitionId, out var known))
        {
            return known;
        }

        var record = await db.WorkflowDefinitions.AsNoTracking().SingleAsync(d => d.Id == definitionId, cancellationToken);
        return byId.GetOrAdd(definitionId, _ => Build(record));
    }

    /// <summary>The latest published version (pinned: that exact version, retired or not), or null.</summary>
    public async Task<(WorkflowDefinitionRecord Record, ProcessDefinition Definition)?> FindAsync(
        CaseworkDbContext db, string processId, int? version, CancellationToken cancellationToken)
    {
        var query = db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId && d.Version > 0);
        query = version is { } pinned
            ? query.Where(d => d.Version == pinned)
            : query.Where(d => d.Status == DefinitionStatus.Published);
        var record = await query.OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
        return record is null ? null : (record, byId.GetOrAdd(record.Id, _ => Build(record)));
    }

    internal static ProcessDefinition Build(WorkflowDefinitionRecord record)
    {
        var parsed = new BpmnParser().Parse(record.BpmnXml);
        var process = parsed.Processes.FirstOrDefault(p => p.ProcessId == record.ProcessId)
            ?? throw new InvalidOperationException($"Stored definition {record.ProcessId}:{record.Version} no longer parses.");
        return process.WithKey(new DefinitionKey(record.ProcessId, record.Version, record.ContentHash));
    }
}
