using System.Text;
using System.Text.Json;
using Casework.Data;
using Casework.Data.Definitions;
using Casework.Data.Runtime.Records;
using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Tasks;

/// <summary>
/// What a task tells the person working it: its user task's instructions (the <c>bpmn:documentation</c> a supervisor wrote in the
/// designer), with each <c>${...}</c> filled in from the case's workflow variables as they stand when the task is shown, such as
/// why a return was blocked. A value that is not recorded reads "(not recorded)"; one that cannot be worked out reads "(not
/// available)" and is logged by element, never by value.
/// </summary>
public sealed partial class TaskInstructions(CaseworkDbContext db, DefinitionCatalog catalog, IExpressionEvaluator expressions, TimeProvider clock,
    ILogger<TaskInstructions> logger)
{
    public const string NotRecorded = "(not recorded)";
    public const string NotAvailable = "(not available)";

    /// <summary>The task's instructions filled in, or null when its user task has none (or its instance is gone).</summary>
    public async Task<string?> ForAsync(WorkItemRecord item, CancellationToken cancellationToken)
    {
        var instance = await db.Instances.AsNoTracking().Where(i => i.Id == item.InstanceId)
            .Select(i => new { i.DefinitionId, i.State }).SingleOrDefaultAsync(cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var definition = await catalog.GetAsync(db, instance.DefinitionId, cancellationToken);
        if (!definition.Nodes.TryGetValue(item.ElementId, out var node) || node is not UserTask { Instructions: { } template })
        {
            return null;
        }

        var parts = ExpressionText.Template(template, out var error);
        if (error is not null)
        {
            // Published before placeholders were checked: shown as written rather than not at all.
            return template;
        }

        var context = new ExpressionContext(InstanceStateSerializer.Deserialize(instance.State).Variables, clock.GetUtcNow());
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (!part.IsExpression)
            {
                text.Append(part.Text);
                continue;
            }

            var result = expressions.Evaluate(part.Text, ExpressionKind.Value, context);
            if (!result.Succeeded)
            {
                LogPlaceholderFailed(definition.ProcessId, item.ElementId, result.Failure);
            }

            text.Append(result.Succeeded ? Show(result.Value) : NotAvailable);
        }

        return text.ToString();
    }

    /// <summary>A value as a person reads it: text as it is, a list one item after another, nothing as "(not recorded)".</summary>
    private static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => NotRecorded,
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => value.GetArrayLength() == 0 ? NotRecorded : string.Join(", ", value.EnumerateArray().Select(Show)),
        _ => value.GetRawText(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A placeholder in the instructions of {ProcessId}/{ElementId} could not be filled in ({Failure}).")]
    private partial void LogPlaceholderFailed(string processId, string elementId, ExpressionFailure failure);
}
