using System.Runtime.CompilerServices;
using Casework.Engine.Model;

namespace Casework.Engine.Execution;

/// <summary>
/// Facts about a definition the executor needs again and again, computed once per definition: the start event
/// of each scope and, for each inclusive gateway, the nodes from which a token could still reach it.
/// </summary>
internal sealed class ExecutableModel
{
    private static readonly ConditionalWeakTable<ProcessDefinition, ExecutableModel> Cache = new();
    private readonly ProcessDefinition definition;
    private readonly Dictionary<string, HashSet<string>> upstream = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    private ExecutableModel(ProcessDefinition definition)
    {
        this.definition = definition;
        foreach (var node in definition.Nodes.Values)
        {
            if (node is StartEvent { Trigger: null } start)
            {
                NoneStartByScope.TryAdd(start.ScopeId ?? RootScope, start.Id);
            }
        }
    }

    public const string RootScope = "root";

    /// <summary>The none start event of each scope (root or sub-process id).</summary>
    public Dictionary<string, string> NoneStartByScope { get; } = new(StringComparer.Ordinal);

    public static ExecutableModel For(ProcessDefinition definition) => Cache.GetValue(definition, d => new ExecutableModel(d));

    /// <summary>The nodes (in the gateway's scope) from which a token can reach <paramref name="gatewayId"/>.</summary>
    public HashSet<string> Upstream(string gatewayId)
    {
        lock (gate)
        {
            if (upstream.TryGetValue(gatewayId, out var known))
            {
                return known;
            }

            var found = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([gatewayId]);
            while (pending.TryPop(out var id))
            {
                var node = definition.Nodes[id];
                foreach (var flowId in node.Incoming)
                {
                    var source = definition.Flows[flowId].SourceId;
                    if (source != gatewayId && found.Add(source))
                    {
                        pending.Push(source);
                    }
                }

                // A token on an activity may leave through one of its boundary events.
                if (node is BoundaryEvent boundary && boundary.AttachedToId != gatewayId && found.Add(boundary.AttachedToId))
                {
                    pending.Push(boundary.AttachedToId);
                }
            }

            upstream[gatewayId] = found;
            return found;
        }
    }
}
