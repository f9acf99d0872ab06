using System.Xml.Linq;
using Casework.Data.Runtime.Handlers;
using Casework.Engine.Expressions;
using Casework.Engine.Parsing;
using Casework.Engine.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Casework.Data.Definitions;

/// <summary>The outcome of publishing: the versions created, or the problems that stopped it (nothing was written then).</summary>
public sealed record PublishResult(IReadOnlyList<WorkflowDefinitionRecord> Published, IReadOnlyList<DefinitionProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Definitions' lifecycle: import of <c>workflows/*.bpmn</c> on start (a new content hash becomes the next version;
/// existing versions never change), drafts, publishing with validation, retirement.
/// </summary>
public sealed class DefinitionService(
    CaseworkDbContext db,
    IExpressionEvaluator expressions,
    IEnumerable<IServiceTaskHandler> handlers,
    Engine.Forms.FormCatalog forms,
    WorkflowVocabulary vocabulary,
    TimeProvider clock,
    ILogger<DefinitionService> logger)
{
    public async Task ImportFolderAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            logger.LogInformation("No workflow folder at {Folder}; nothing imported", folder);
            return;
        }

        var files = Directory.GetFiles(folder, "*.bpmn").Order(StringComparer.Ordinal).ToList();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            texts[file] = await File.ReadAllTextAsync(file, cancellationToken);
        }

        // Files may call each other's processes: every process of the folder counts as known.
        var inFolder = texts.Values.SelectMany(x => new BpmnParser().Parse(x).Processes).Select(p => p.ProcessId).ToHashSet(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var result = await PublishXmlAsync(texts[file], "system:import", $"Imported from {Path.GetFileName(file)}", cancellationToken, inFolder);
            if (!result.Succeeded)
            {
                logger.LogError("Workflow file {File} was not imported: {Problems}", Path.GetFileName(file),
                    string.Join(" | ", result.Problems.Select(p => p.ToString())));
            }
            else
            {
                foreach (var published in result.Published)
                {
                    logger.LogInformation("Published {ProcessId} version {Version} from {File}", published.ProcessId, published.Version, Path.GetFileName(file));
                }
            }
        }
    }

    /// <summary>Validates every process of the file and publishes those whose content is new, all or nothing.</summary>
    public Task<PublishResult> PublishXmlAsync(string xml, string publishedBy, string? releaseNote, CancellationToken cancellationToken,
        IReadOnlySet<string>? alsoKnownProcesses = null) =>
        AgainAfterClashAsync("publishing workflow definitions", () => PublishAsync(xml, publishedBy, releaseNote, alsoKnownProcesses, null, cancellationToken),
            cancellationToken);

    /// <summary>
    /// Runs a write again when the database ended it to settle a clash with another writer (two supervisors, or a
    /// supervisor and a node importing on start, at the same moment): each attempt reads what is there afresh.
    /// </summary>
    private Task<T> AgainAfterClashAsync<T>(string work, Func<Task<T>> run, CancellationToken cancellationToken) =>
        WriterClash.AgainAfterClashAsync(db, logger, work, run, cancellationToken);

    /// <summary>How often publishing numbers its versions again when someone else published the process at the same moment.</summary>
    private const int MaxPublishAttempts = 5;

    /// <summary>
    /// Publishes in one transaction with <paramref name="alsoInTransaction"/>. Versions are numbered from those already
    /// published; when another node or supervisor published the same process at the same moment (the unique process and
    /// version index refuses the second), nothing of this attempt is kept and it runs again on what is there now: the
    /// same content published meanwhile is not published twice, other content takes the next number.
    /// </summary>
    private async Task<PublishResult> PublishAsync(string xml, string publishedBy, string? releaseNote, IReadOnlySet<string>? alsoKnownProcesses,
        Func<Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        var parsed = new BpmnParser().Parse(xml);
        if (!parsed.Succeeded)
        {
            return new PublishResult([], parsed.Problems);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var result = await PublishParsedAsync(parsed, xml, publishedBy, releaseNote, alsoKnownProcesses, cancellationToken);
                if (result.Succeeded && alsoInTransaction is not null)
                {
                    await alsoInTransaction();
                }

                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < MaxPublishAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<PublishResult> PublishParsedAsync(BpmnParseResult parsed, string xml, string publishedBy, string? releaseNote,
        IReadOnlySet<string>? alsoKnownProcesses, CancellationToken cancellationToken)
    {
        var problems = await ProblemsAsync(parsed, alsoKnownProcesses, cancellationToken);
        if (problems.Count > 0)
        {
            return new PublishResult([], problems);
        }

        var created = new List<WorkflowDefinitionRecord>();
        var now = clock.GetUtcNow();
        foreach (var process in parsed.Processes)
        {
            var versions = await db.WorkflowDefinitions.Where(d => d.ProcessId == process.ProcessId && d.Version > 0)
                .Select(d => new { d.Version, d.ContentHash }).ToListAsync(cancellationToken);
            if (versions.Exists(v => v.ContentHash == process.Key.ContentHash))
            {
                continue; // this exact content is published already
            }

            var record = new WorkflowDefinitionRecord
            {
                ProcessId = process.ProcessId,
                Name = process.Name,
                Version = versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1,
                Status = DefinitionStatus.Published,
                BpmnXml = xml,
                ContentHash = process.Key.ContentHash,
                PublishedBy = publishedBy,
                PublishedAt = now,
                ReleaseNote = releaseNote,
                CreatedAt = now,
            };
            db.WorkflowDefinitions.Add(record);
            created.Add(record);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new PublishResult(created, []);
    }

    /// <summary>
    /// The element-level problems that would refuse publishing <paramref name="xml"/> as process
    /// <paramref name="processId"/>; empty when it can be published. Nothing is written.
    /// </summary>
    public async Task<IReadOnlyList<DefinitionProblem>> ValidateAsync(string processId, string xml, CancellationToken cancellationToken)
    {
        var parsed = new BpmnParser().Parse(xml);
        if (!parsed.Succeeded)
        {
            return parsed.Problems;
        }

        if (!parsed.Processes.Any(p => p.ProcessId == processId))
        {
            return [ProcessIdChanged(processId)];
        }

        return await ProblemsAsync(parsed, null, cancellationToken);
    }

    private async Task<List<DefinitionProblem>> ProblemsAsync(BpmnParseResult parsed, IReadOnlySet<string>? alsoKnownProcesses, CancellationToken cancellationToken)
    {
        var inFile = parsed.Processes.Select(p => p.ProcessId).ToHashSet(StringComparer.Ordinal);
        var versions = await db.WorkflowDefinitions.Where(d => d.Status != DefinitionStatus.Draft).Select(d => new { d.ProcessId, d.Version })
            .ToListAsync(cancellationToken);
        var published = versions.Select(v => v.ProcessId).ToHashSet(StringComparer.Ordinal);
        var pinnable = versions.Select(v => (v.ProcessId, v.Version)).ToHashSet();
        var context = new ValidationContext(
            expressions,
            HandlerKeys: handlers.Select(h => h.Key).ToHashSet(StringComparer.Ordinal),
            ProcessExists: id => inFile.Contains(id) || published.Contains(id) || alsoKnownProcesses?.Contains(id) == true,
            FormKeys: forms.Keys,
            Stages: vocabulary.Stages,
            VersionExists: (id, version) => pinnable.Contains((id, version)));
        var validator = new DefinitionValidator();
        return [.. parsed.Processes.SelectMany(p => validator.Validate(p, context))];
    }

    private static DefinitionProblem ProcessIdChanged(string processId) =>
        new("process-id-changed", processId, "process", $"The diagram no longer contains a process with id '{processId}'.");

    /// <summary>
    /// Creates or replaces the draft of a process. A draft may be incomplete; publishing checks it. With
    /// <paramref name="expectedHash"/> (the content hash the editor loaded) the draft is replaced only if it is still
    /// that one; null answers that someone else changed it meanwhile.
    /// </summary>
    public Task<WorkflowDefinitionRecord?> SaveDraftAsync(string processId, string xml, string? expectedHash, CancellationToken cancellationToken) =>
        AgainAfterClashAsync("saving a workflow draft", () => SaveDraftOnceAsync(processId, xml, expectedHash, cancellationToken), cancellationToken);

    private async Task<WorkflowDefinitionRecord?> SaveDraftOnceAsync(string processId, string xml, string? expectedHash, CancellationToken cancellationToken)
    {
        var hash = HashOf(xml);
        if (expectedHash is not null)
        {
            var replaced = await db.WorkflowDefinitions.Where(d => d.ProcessId == processId && d.Version == 0 && d.ContentHash == expectedHash)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.BpmnXml, xml).SetProperty(d => d.ContentHash, hash), cancellationToken);
            return replaced == 0 ? null
                : await db.WorkflowDefinitions.AsNoTracking().SingleAsync(d => d.ProcessId == processId && d.Version == 0, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var draft = await db.WorkflowDefinitions.SingleOrDefaultAsync(d => d.ProcessId == processId && d.Version == 0, cancellationToken);
            if (draft is null)
            {
                draft = new WorkflowDefinitionRecord
                {
                    ProcessId = processId, Version = 0, Status = DefinitionStatus.Draft, BpmnXml = xml, ContentHash = "", CreatedAt = clock.GetUtcNow(),
                };
                db.WorkflowDefinitions.Add(draft);
            }

            draft.BpmnXml = xml;
            draft.ContentHash = hash;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return draft;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt == 1)
            {
                // Someone created the first draft of this process a moment ago: without an expected hash, this one replaces it.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Throws away the draft of a process; published and retired versions are untouched, and a process that was never
    /// published goes with its draft. With <paramref name="expectedHash"/> (the draft the supervisor looked at) only if the
    /// draft is still that one.
    /// </summary>
    public Task<DiscardOutcome> DiscardDraftAsync(string processId, string? expectedHash, CancellationToken cancellationToken) =>
        AgainAfterClashAsync("discarding a workflow draft", () => DiscardDraftOnceAsync(processId, expectedHash, cancellationToken), cancellationToken);

    private async Task<DiscardOutcome> DiscardDraftOnceAsync(string processId, string? expectedHash, CancellationToken cancellationToken)
    {
        var deleted = await db.WorkflowDefinitions
            .Where(d => d.ProcessId == processId && d.Version == 0 && (expectedHash == null || d.ContentHash == expectedHash))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            return DiscardOutcome.Discarded;
        }

        return expectedHash is not null && await db.WorkflowDefinitions.AnyAsync(d => d.ProcessId == processId && d.Version == 0, cancellationToken)
            ? DiscardOutcome.Stale
            : DiscardOutcome.NoDraft;
    }

    /// <summary>What a new process id must look like: it names the process in the BPMN and in the designer's address.</summary>
    public static readonly System.Text.RegularExpressions.Regex ProcessIdPattern = new("^[a-z][a-z0-9-]{1,62}$");

    /// <summary>
    /// Starts a new process as a draft the designer opens: a start event joined to an end event, with its diagram. Null when
    /// the id is taken by any version or draft (also when another supervisor created it a moment earlier); nothing is written then.
    /// </summary>
    public Task<WorkflowDefinitionRecord?> CreateProcessAsync(string processId, string name, CancellationToken cancellationToken) =>
        AgainAfterClashAsync("creating a process", () => CreateProcessOnceAsync(processId, name, cancellationToken), cancellationToken);

    private async Task<WorkflowDefinitionRecord?> CreateProcessOnceAsync(string processId, string name, CancellationToken cancellationToken)
    {
        if (await db.WorkflowDefinitions.AnyAsync(d => d.ProcessId == processId, cancellationToken))
        {
            return null;
        }

        var xml = NewProcessXml(processId, name);
        var draft = new WorkflowDefinitionRecord
        {
            ProcessId = processId, Version = 0, Status = DefinitionStatus.Draft, Name = name, BpmnXml = xml, ContentHash = HashOf(xml),
            CreatedAt = clock.GetUtcNow(),
        };
        db.WorkflowDefinitions.Add(draft);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique (process, version) index: the same id was created meanwhile.
            db.Entry(draft).State = EntityState.Detached;
            if (await db.WorkflowDefinitions.AnyAsync(d => d.ProcessId == processId, cancellationToken))
            {
                return null;
            }

            throw;
        }

        return draft;
    }

    private static string NewProcessXml(string processId, string name)
    {
        var bpmn = BpmnNamespaces.Bpmn;
        var cw = BpmnNamespaces.Cw;

        // The diagram's namespaces, which the parser ignores and bpmn-js draws from.
        XNamespace bpmndi = "http://www.omg.org/spec/BPMN/20100524/DI";
        XNamespace dc = "http://www.omg.org/spec/DD/20100524/DC";
        XNamespace di = "http://www.omg.org/spec/DD/20100524/DI";
        static XElement Bounds(XNamespace dc, int x) =>
            new(dc + "Bounds", new XAttribute("x", x), new XAttribute("y", 102), new XAttribute("width", 36), new XAttribute("height", 36));
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(bpmn + "definitions",
                new XAttribute(XNamespace.Xmlns + "bpmn", bpmn), new XAttribute(XNamespace.Xmlns + "bpmndi", bpmndi),
                new XAttribute(XNamespace.Xmlns + "dc", dc), new XAttribute(XNamespace.Xmlns + "di", di), new XAttribute(XNamespace.Xmlns + "cw", cw),
                new XAttribute("id", "Definitions_" + processId), new XAttribute("targetNamespace", "urn:casework:workflows"),
                new XElement(bpmn + "process", new XAttribute("id", processId), new XAttribute("name", name), new XAttribute("isExecutable", "true"),
                    new XElement(bpmn + "startEvent", new XAttribute("id", "start"), new XAttribute("name", "Start")),
                    new XElement(bpmn + "sequenceFlow", new XAttribute("id", "toEnd"), new XAttribute("sourceRef", "start"), new XAttribute("targetRef", "end")),
                    new XElement(bpmn + "endEvent", new XAttribute("id", "end"), new XAttribute("name", "End"))),
                new XElement(bpmndi + "BPMNDiagram", new XAttribute("id", "Diagram_" + processId),
                    new XElement(bpmndi + "BPMNPlane", new XAttribute("id", "Plane_" + processId), new XAttribute("bpmnElement", processId),
                        new XElement(bpmndi + "BPMNShape", new XAttribute("id", "start_di"), new XAttribute("bpmnElement", "start"), Bounds(dc, 152)),
                        new XElement(bpmndi + "BPMNShape", new XAttribute("id", "end_di"), new XAttribute("bpmnElement", "end"), Bounds(dc, 352)),
                        new XElement(bpmndi + "BPMNEdge", new XAttribute("id", "toEnd_di"), new XAttribute("bpmnElement", "toEnd"),
                            new XElement(di + "waypoint", new XAttribute("x", 188), new XAttribute("y", 120)),
                            new XElement(di + "waypoint", new XAttribute("x", 352), new XAttribute("y", 120)))))));
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }

    private static string HashOf(string xml) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(xml)));

    /// <summary>Publishes the draft of a process: refused with element-level problems when it is invalid.</summary>
    public Task<PublishResult> PublishDraftAsync(string processId, string publishedBy, string? releaseNote, CancellationToken cancellationToken,
        string? expectedHash = null) =>
        AgainAfterClashAsync("publishing a workflow draft", () => PublishDraftOnceAsync(processId, publishedBy, releaseNote, expectedHash, cancellationToken),
            cancellationToken);

    private async Task<PublishResult> PublishDraftOnceAsync(string processId, string publishedBy, string? releaseNote, string? expectedHash,
        CancellationToken cancellationToken)
    {
        var draft = await db.WorkflowDefinitions.AsNoTracking().SingleOrDefaultAsync(d => d.ProcessId == processId && d.Version == 0, cancellationToken);
        if (draft is null)
        {
            return new PublishResult([], [new DefinitionProblem("no-draft", processId, "process", $"Process '{processId}' has no draft to publish.")]);
        }

        if (expectedHash is not null && draft.ContentHash != expectedHash)
        {
            return new PublishResult([], [new DefinitionProblem(StaleDraft, processId, "process",
                "The draft changed since you loaded it; reload it, review the change and publish again.")]);
        }

        var parsed = new BpmnParser().Parse(draft.BpmnXml);
        if (parsed.Succeeded && !parsed.Processes.Any(p => p.ProcessId == processId))
        {
            return new PublishResult([], [ProcessIdChanged(processId)]);
        }

        // The draft goes with its publication, in the same transaction; one saved meanwhile stays for its author.
        return await PublishAsync(draft.BpmnXml, publishedBy, releaseNote, null,
            () => db.WorkflowDefinitions.Where(d => d.Id == draft.Id && d.ContentHash == draft.ContentHash).ExecuteDeleteAsync(cancellationToken),
            cancellationToken);
    }

    /// <summary>The problem code of a publication refused because the draft is not the one the caller reviewed.</summary>
    public const string StaleDraft = "stale-draft";

    /// <summary>
    /// Retires a version: running instances go on, no new instance starts on it. The last published version of a process is
    /// not retired, because then no new instance of the process could start (nor could a parent call it); publish a new version first.
    /// </summary>
    public Task<RetireOutcome> RetireAsync(string processId, int version, CancellationToken cancellationToken) =>
        AgainAfterClashAsync("retiring a workflow version", () => RetireOnceAsync(processId, version, cancellationToken), cancellationToken);

    private async Task<RetireOutcome> RetireOnceAsync(string processId, int version, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Take the process's published versions first: an update that changes nothing still locks the rows it matches
        // (SQLite takes its single writer's lock). Two supervisors retiring the last two versions at once then run one after
        // the other, and the second sees the first's retirement instead of both seeing the other version still published.
        var published = await db.WorkflowDefinitions
            .Where(d => d.ProcessId == processId && d.Status == DefinitionStatus.Published)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, d => d.Status), cancellationToken);
        var isPublished = published > 0 && await db.WorkflowDefinitions
            .AnyAsync(d => d.ProcessId == processId && d.Version == version && d.Status == DefinitionStatus.Published, cancellationToken);
        if (!isPublished)
        {
            return RetireOutcome.NotPublished;
        }

        if (published == 1)
        {
            return RetireOutcome.LastPublished;
        }

        await db.WorkflowDefinitions
            .Where(d => d.ProcessId == processId && d.Version == version && d.Status == DefinitionStatus.Published)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DefinitionStatus.Retired), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RetireOutcome.Retired;
    }

    public Task<List<WorkflowDefinitionRecord>> ListAsync(CancellationToken cancellationToken) =>
        db.WorkflowDefinitions.AsNoTracking().OrderBy(d => d.ProcessId).ThenBy(d => d.Version).ToListAsync(cancellationToken);
}

/// <summary>What became of a request to retire a version.</summary>
public enum DiscardOutcome
{
    Discarded,

    /// <summary>The process has no draft (never had one, or it was published or discarded meanwhile).</summary>
    NoDraft,

    /// <summary>Someone saved another draft since the caller looked; nothing was deleted.</summary>
    Stale,
}

public enum RetireOutcome
{
    Retired,

    /// <summary>No such version, or it is a draft or retired already.</summary>
    NotPublished,

    /// <summary>It is the only published version of its process; nothing changed.</summary>
    LastPublished,
}
