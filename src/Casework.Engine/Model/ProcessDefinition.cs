namespace Casework.Engine.Model;

/// <summary>
/// Identity of one published (or draft, version 0) definition: process id + version + content hash.
/// </summary>
public sealed record DefinitionKey(string ProcessId, int Version, string ContentHash)
{
    public override string ToString() => $"{ProcessId}:{Version}";
}

/// <summary>
/// An executable process, immutable once built. Nodes and flows of every scope are indexed by id.
/// Build one with <see cref="Create"/>, which computes the indexes.
/// </summary>
public sealed class ProcessDefinition
{
    private ProcessDefinition(
        DefinitionKey key,
        string? name,
        IReadOnlyDictionary<string, FlowNode> nodes,
        IReadOnlyDictionary<string, SequenceFlow> flows,
        IReadOnlyList<string> topLevelNodeIds)
    {
        Key = key;
        Name = name;
        Nodes = nodes;
        Flows = flows;
        TopLevelNodeIds = topLevelNodeIds;
    }

    public DefinitionKey Key { get; }
    public string ProcessId => Key.ProcessId;
    public int Version => Key.Version;
    public string? Name { get; }

    /// <summary>Every node of every scope, by id, in document order.</summary>
    public IReadOnlyDictionary<string, FlowNode> Nodes { get; }

    /// <summary>Every sequence flow of every scope, by id.</summary>
    public IReadOnlyDictionary<string, SequenceFlow> Flows { get; }

    /// <summary>Ids of the nodes directly in the process (not inside a sub-process), in document order.</summary>
    public IReadOnlyList<string> TopLevelNodeIds { get; }

    public FlowNode Node(string id) => Nodes[id];

    public SequenceFlow Flow(string id) => Flows[id];

    /// <summary>Returns the same definition under another key (e.g. when a draft is published).</summary>
    public ProcessDefinition WithKey(DefinitionKey key) => new(key, Name, Nodes, Flows, TopLevelNodeIds);

    /// <summary>
    /// Builds a definition from nodes and flows. Fills <see cref="FlowNode.Incoming"/>,
    /// <see cref="FlowNode.Outgoing"/>, <see cref="Activity.BoundaryEventIds"/> and
    /// <see cref="SubProcess.ChildNodeIds"/> from the flows and scopes, so callers need not.
    /// Throws <see cref="ArgumentException"/> on duplicate ids; the validator reports those first.
    /// </summary>
    public static ProcessDefinition Create(
        DefinitionKey key, string? name, IEnumerable<FlowNode> nodes, IEnumerable<SequenceFlow> flows)
    {
        var nodeList = nodes.ToList();
        var flowList = flows.ToList();
        var incoming = new Dictionary<string, List<string>>();
        var outgoing = new Dictionary<string, List<string>>();
        foreach (var flow in flowList)
        {
            Add(outgoing, flow.SourceId, flow.Id);
            Add(incoming, flow.TargetId, flow.Id);
        }

        var boundaries = new Dictionary<string, List<string>>();
        var children = new Dictionary<string, List<string>>();
        foreach (var node in nodeList)
        {
            if (node is BoundaryEvent boundary)
            {
                Add(boundaries, boundary.AttachedToId, boundary.Id);
            }

            if (node.ScopeId is not null)
            {
                Add(children, node.ScopeId, node.Id);
            }
        }

        var indexed = new Dictionary<string, FlowNode>(nodeList.Count, StringComparer.Ordinal);
        foreach (var node in nodeList)
        {
            var completed = node with
            {
                Incoming = incoming.TryGetValue(node.Id, out var inc) ? inc : [],
                Outgoing = outgoing.TryGetValue(node.Id, out var outs) ? outs : [],
            };
            if (completed is Activity activity)
            {
                completed = activity with
                {
                    BoundaryEventIds = boundaries.TryGetValue(node.Id, out var b) ? b : [],
                };
            }

            if (completed is SubProcess sub)
            {
                completed = sub with { ChildNodeIds = children.TryGetValue(node.Id, out var c) ? c : [] };
            }

            if (!indexed.TryAdd(node.Id, completed))
            {
                throw new ArgumentException($"Duplicate node id '{node.Id}'.", nameof(nodes));
            }
        }

        var flowIndex = new Dictionary<string, SequenceFlow>(flowList.Count, StringComparer.Ordinal);
        foreach (var flow in flowList)
        {
            if (!flowIndex.TryAdd(flow.Id, flow) || indexed.ContainsKey(flow.Id))
            {
                throw new ArgumentException($"Duplicate id '{flow.Id}'.", nameof(flows));
            }
        }

        var topLevel = nodeList.Where(n => n.ScopeId is null).Select(n => n.Id).ToList();
        return new ProcessDefinition(key, name, indexed, flowIndex, topLevel);

        static void Add(Dictionary<string, List<string>> map, string key, string value)
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            list.Add(value);
        }
    }
}
