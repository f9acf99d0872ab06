using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Casework.Data.Identity;
using Casework.Data.Runtime.Records;
using Casework.Engine.Execution;
using Casework.Engine.Forms;
using Casework.Engine.Model;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Casework.Data.Runtime;

/// <summary>
/// The people rules of user tasks. Four-eyes (<c>cw:fourEyesWith</c>): whoever completed one of the named tasks of
/// this case (in the instance or an instance that called it) may not complete the task. Assignment
/// (<c>cw:assignee</c>): a completion that would open a task assigned to someone is refused unless that someone has
/// an enabled account holding one of the task's candidate roles and is not excluded by the task's four-eyes rule, so
/// a supervisor cannot hand an appeal to the officer who drafted the decision, to a misspelt name, or to a disabled
/// account, and find out only when nobody works it.
/// </summary>
internal sealed partial class TaskAssignments(CaseworkDbContext db, WorkflowExecutor executor)
{
    private const int MaxChain = 20;

    /// <summary>Whether a definition has an assigned user task, worked out once per loaded definition (they are immutable).</summary>
    private static readonly ConditionalWeakTable<ProcessDefinition, StrongBox<bool>> Assigned = new();

    /// <summary>Refuses <paramref name="actor"/> completing <paramref name="item"/> when its four-eyes rule excludes them.</summary>
    public async Task<RuntimeOutcome?> FourEyesRefusalAsync(WorkItemRecord item, WorkflowInstanceRecord instance, ProcessDefinition definition,
        string actor, CancellationToken cancellationToken)
    {
        var earlier = await FourEyesEarlierAsync(item, instance, definition, actor, cancellationToken);
        return earlier is null ? null : new RuntimeOutcome(RuntimeOutcomeKind.Rejected, FourEyesMessage(earlier, item), item.InstanceId, "four-eyes");
    }

    /// <summary>Why four-eyes keeps the caller off <paramref name="item"/>, naming the task of the case they completed.</summary>
    public static string FourEyesMessage(string earlier, WorkItemRecord item) => FourEyesMessage(earlier, item.Name ?? item.ElementId);

    /// <summary>Why four-eyes keeps the caller off the task called <paramref name="task"/>.</summary>
    public static string FourEyesMessage(string earlier, string task) =>
        $"Four-eyes: you completed '{earlier}' on this case, so someone else must complete '{task}'.";

    /// <summary>
    /// The name of the task of this case whose completion by <paramref name="person"/> keeps them off <paramref name="item"/> under its
    /// four-eyes rule; null when the rule does not exclude them (or the task has none).
    /// </summary>
    public async Task<string?> FourEyesEarlierAsync(WorkItemRecord item, WorkflowInstanceRecord instance, ProcessDefinition definition, string person,
        CancellationToken cancellationToken) =>
        definition.Nodes.GetValueOrDefault(item.ElementId) is UserTask { FourEyesWith.Count: > 0 } task
            ? await CompletedByAsync(await ChainAsync(instance, cancellationToken), task.FourEyesWith, person, cancellationToken)
            : null;

    /// <summary>
    /// <see cref="FourEyesEarlierAsync(WorkItemRecord, WorkflowInstanceRecord, ProcessDefinition, string, CancellationToken)"/> for many
    /// tasks at once (a page of a queue): each task whose four-eyes rule keeps <paramref name="person"/> off it, with the name of the task
    /// of its case they completed. A few queries whatever the number of tasks: the tasks, their instances, one per level of callers,
    /// and what the person completed.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string>> FourEyesEarlierAsync(IReadOnlyCollection<Guid> itemIds, string person,
        Func<long, Task<ProcessDefinition>> definitionOf, CancellationToken cancellationToken)
    {
        var conflicts = new Dictionary<Guid, string>();
        var items = itemIds.Count == 0 ? [] : await db.WorkItems.AsNoTracking().Where(w => itemIds.Contains(w.Id))
            .Select(w => new { w.Id, w.InstanceId, w.ElementId }).ToListAsync(cancellationToken);
        var instanceIds = items.Select(i => i.InstanceId).Distinct().ToList();
        var instances = await db.Instances.AsNoTracking().Where(i => instanceIds.Contains(i.Id))
            .Select(i => new { i.Id, i.DefinitionId, i.ParentInstanceId }).ToListAsync(cancellationToken);
        var ruled = new List<(Guid Item, Guid Instance, IReadOnlyList<string> With)>();
        foreach (var item in items)
        {
            if (instances.FirstOrDefault(i => i.Id == item.InstanceId) is { } instance
                && (await definitionOf(instance.DefinitionId)).Nodes.GetValueOrDefault(item.ElementId) is UserTask { FourEyesWith.Count: > 0 } task)
            {
                ruled.Add((item.Id, item.InstanceId, task.FourEyesWith));
            }
        }

        if (ruled.Count == 0)
        {
            return conflicts;
        }

        // Each ruled instance with its callers, nearest first, as ChainAsync: all the chains grow a level a query.
        var parentOf = instances.ToDictionary(i => i.Id, i => i.ParentInstanceId);
        var chains = ruled.Select(r => r.Instance).Distinct().ToDictionary(id => id, id => new List<Guid> { id });
        var growing = chains.Values.Where(c => parentOf[c[0]] is not null).ToList();
        while (growing.Count > 0)
        {
            var unread = growing.Select(c => parentOf[c[^1]]!.Value).Where(p => !parentOf.ContainsKey(p)).Distinct().ToList();
            if (unread.Count > 0)
            {
                var read = await db.Instances.AsNoTracking().Where(i => unread.Contains(i.Id))
                    .Select(i => new { i.Id, i.ParentInstanceId }).ToListAsync(cancellationToken);
                foreach (var id in unread)
                {
                    // A caller that is gone ends its chain.
                    parentOf[id] = read.FirstOrDefault(i => i.Id == id)?.ParentInstanceId;
                }
            }

            foreach (var chain in growing)
            {
                chain.Add(parentOf[chain[^1]]!.Value);
            }

            growing = growing.Where(c => c.Count < MaxChain && parentOf[c[^1]] is not null).ToList();
        }

        var everyInstance = chains.Values.SelectMany(c => c).Distinct().ToList();
        var elements = ruled.SelectMany(r => r.With).Distinct().ToList();
        var done = await db.WorkItems.AsNoTracking()
            .Where(w => everyInstance.Contains(w.InstanceId) && elements.Contains(w.ElementId) && w.Status == WorkItemStatus.Completed && w.ClosedBy == person)
            .Select(w => new { w.InstanceId, w.ElementId, Name = w.Name ?? w.ElementId }).ToListAsync(cancellationToken);
        foreach (var (item, instance, with) in ruled)
        {
            var chain = chains[instance];
            if (done.FirstOrDefault(d => chain.Contains(d.InstanceId) && with.Contains(d.ElementId)) is { } earlier)
            {
                conflicts[item] = earlier.Name;
            }
        }

        return conflicts;
    }

    /// <summary>
    /// Who cannot be named in <paramref name="field"/> because a later user task of the definition is assigned to that field and its
    /// four-eyes rule excludes them: each user name (as the account spells it) with the task they completed on this case.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ExcludedFromFieldAsync(WorkflowInstanceRecord instance, ProcessDefinition definition,
        string field, CancellationToken cancellationToken)
    {
        var elements = definition.Nodes.Values.OfType<UserTask>()
            .Where(t => t.FourEyesWith.Count > 0 && FieldOf(t.Assignee) == field).SelectMany(t => t.FourEyesWith).Distinct().ToList();
        if (elements.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var chain = await ChainAsync(instance, cancellationToken);
        var done = await db.WorkItems.AsNoTracking()
            .Where(w => chain.Contains(w.InstanceId) && elements.Contains(w.ElementId) && w.Status == WorkItemStatus.Completed && w.ClosedBy != null)
            .OrderBy(w => w.ElementId).Select(w => new { Person = w.ClosedBy!, Task = w.Name ?? w.ElementId }).ToListAsync(cancellationToken);
        var excluded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in done)
        {
            excluded.TryAdd(d.Person, d.Task);
        }

        return excluded;
    }

    /// <summary>
    /// Runs the completion on the engine without keeping anything (it is pure) to see which assigned tasks it would open,
    /// and checks each assignee. Answers the variables to complete with (a user name written in another case, or with
    /// spaces around it, becomes the account's own spelling when the assignee is one submitted field, so the queue of that
    /// person finds the task), or a refusal naming the field (or the task when the assignee is computed otherwise).
    /// Only definitions with an assigned user task pay for this.
    /// </summary>
    public async Task<(RuntimeOutcome? Refusal, IReadOnlyDictionary<string, JsonElement>? Variables)> CheckAssigneesAsync(WorkItemRecord item,
        WorkflowInstanceRecord instance, ProcessDefinition definition, IReadOnlyDictionary<string, JsonElement>? variables, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (!Assigned.GetValue(definition, d => new StrongBox<bool>(d.Nodes.Values.Any(n => n is UserTask { Assignee: not null }))).Value)
        {
            return (null, variables);
        }

        var result = executor.Execute(definition, InstanceStateSerializer.Deserialize(instance.State), new CompleteTask(item.TaskId, variables), now);
        if (!result.Accepted)
        {
            return (null, variables); // the real run refuses it with the engine's reason
        }

        var errors = new List<FieldError>();
        var fixedUp = variables is null ? null : new Dictionary<string, JsonElement>(variables, StringComparer.Ordinal);
        List<Guid>? chain = null;
        foreach (var opened in result.Effects.OfType<TaskOpened>())
        {
            if (opened.Assignee is not { } written || definition.Nodes.GetValueOrDefault(opened.ElementId) is not UserTask task)
            {
                continue;
            }

            var field = FieldOf(task.Assignee) is { } name && variables?.ContainsKey(name) == true ? name : null;
            var taskName = task.Name ?? task.Id;
            var account = await FindAsync(written.Trim(), cancellationToken);
            string? problem = null;
            if (account is null)
            {
                problem = string.IsNullOrWhiteSpace(written) ? $"Name who works '{taskName}'." : $"There is no account '{written.Trim()}'.";
            }
            else if (account.LockoutEnd >= CaseworkUser.DisabledUntil)
            {
                problem = $"{account.UserName}'s account is disabled.";
            }
            else if (task.CandidateRoles.Count > 0 && !await HoldsAnyAsync(account.Id, task.CandidateRoles, cancellationToken))
            {
                problem = $"{account.UserName} does not hold the role of '{taskName}' ({string.Join(" or ", task.CandidateRoles)}).";
            }
            else if (task.FourEyesWith.Count > 0
                && await CompletedByAsync(chain ??= await ChainAsync(instance, cancellationToken), task.FourEyesWith, account.UserName!, cancellationToken)
                    is { } earlier)
            {
                problem = $"{account.UserName} completed '{earlier}' on this case, so someone else must work '{taskName}' (four-eyes).";
            }

            if (problem is not null)
            {
                errors.Add(new FieldError(field ?? task.Id, problem));
            }
            else if (field is not null && fixedUp is not null && account!.UserName != written)
            {
                fixedUp[field] = JsonSerializer.SerializeToElement(account.UserName);
            }
        }

        return errors.Count == 0
            ? (null, fixedUp)
            : (new RuntimeOutcome(RuntimeOutcomeKind.Invalid, "The task would go to someone who cannot work it.", item.InstanceId) { Errors = errors }, variables);
    }

    /// <summary>This instance and the ones that called it, nearest first.</summary>
    private async Task<List<Guid>> ChainAsync(WorkflowInstanceRecord instance, CancellationToken cancellationToken)
    {
        var chain = new List<Guid> { instance.Id };
        for (var parent = instance.ParentInstanceId; parent is { } id && chain.Count < MaxChain; )
        {
            chain.Add(id);
            parent = await db.Instances.AsNoTracking().Where(i => i.Id == id).Select(i => i.ParentInstanceId).SingleOrDefaultAsync(cancellationToken);
        }

        return chain;
    }

    /// <summary>The name of one of <paramref name="elements"/> that <paramref name="person"/> completed in <paramref name="chain"/>, if any.</summary>
    private Task<string?> CompletedByAsync(List<Guid> chain, IReadOnlyList<string> elements, string person, CancellationToken cancellationToken) =>
        db.WorkItems.AsNoTracking()
            .Where(w => chain.Contains(w.InstanceId) && elements.Contains(w.ElementId) && w.Status == WorkItemStatus.Completed && w.ClosedBy == person)
            .Select(w => w.Name ?? w.ElementId).FirstOrDefaultAsync(cancellationToken);

    private async Task<Account?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        if (userName.Length == 0)
        {
            return null;
        }

        // Identity's default lookup normaliser: upper case, invariant culture.
        var normalized = userName.ToUpperInvariant();
        return await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == normalized)
            .Select(u => new Account { Id = u.Id, UserName = u.UserName, LockoutEnd = u.LockoutEnd }).SingleOrDefaultAsync(cancellationToken);
    }

    private Task<bool> HoldsAnyAsync(string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var normalized = roles.Select(r => r.ToUpperInvariant()).ToList();
        return db.UserRoles.Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.NormalizedName)
            .AnyAsync(n => normalized.Contains(n!), cancellationToken);
    }

    /// <summary>The variable an assignee expression is when it is exactly one, as in <c>${appealOfficer}</c>.</summary>
    internal static string? FieldOf(string? expression) =>
        expression is not null && OneVariable().Match(expression) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*$")]
    private static partial Regex OneVariable();

    private sealed class Account
    {
        public required string Id { get; init; }

        public string? UserName { get; init; }

        public DateTimeOffset? LockoutEnd { get; init; }
    }
}
