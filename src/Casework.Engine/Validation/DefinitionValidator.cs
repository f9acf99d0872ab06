using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.Timing;

namespace Casework.Engine.Validation;

/// <summary>
/// Checks a parsed definition before it may be published, naming every problem with its element: structure
/// (start events, reachability, dead ends, gateways, references), expressions, timers and due dates, handler
/// keys, called processes and forms.
/// </summary>
public sealed partial class DefinitionValidator
{
    public IReadOnlyList<DefinitionProblem> Validate(ProcessDefinition definition, ValidationContext context)
    {
        var problems = new List<DefinitionProblem>();
        var check = new Checker(definition, context, problems);
        check.References();
        if (problems.Count > 0)
        {
            return problems; // the graph is not sound enough to check further
        }

        if (check.StartEvents())
        {
            check.Reachability();
        }
        foreach (var node in definition.Nodes.Values)
        {
            check.Node(node);
        }

        foreach (var flow in definition.Flows.Values)
        {
            check.Condition(flow);
        }

        return problems;
    }

    private sealed partial class Checker(ProcessDefinition definition, ValidationContext context, List<DefinitionProblem> problems)
    {
        public void References()
        {
            foreach (var flow in definition.Flows.Values)
            {
                foreach (var (end, id) in new[] { ("source", flow.SourceId), ("target", flow.TargetId) })
                {
                    if (!definition.Nodes.TryGetValue(id, out var node))
                    {
                        Add(ProblemCodes.BadFlowReference, flow.Id, "sequenceFlow", flow.Line,
                            $"The {end} '{id}' of this sequence flow does not exist.");
                    }
                    else if (node.ScopeId != flow.ScopeId)
                    {
                        Add(ProblemCodes.BadFlowReference, flow.Id, "sequenceFlow", flow.Line,
                            $"The {end} '{id}' is in another (sub-)process; sequence flows cannot cross a sub-process boundary.");
                    }
                }
            }

            foreach (var node in definition.Nodes.Values)
            {
                if (node is BoundaryEvent boundary && (!definition.Nodes.TryGetValue(boundary.AttachedToId, out var host) || host is not Activity))
                {
                    Add(ProblemCodes.BadAttachment, node, $"It is attached to '{boundary.AttachedToId}', which is not an activity of this process.");
                }
            }
        }

        /// <summary>Checks start events; false when the process has none (then nothing is reachable to check).</summary>
        public bool StartEvents()
        {
            var starts = definition.Nodes.Values.OfType<StartEvent>().ToList();
            var hasStart = starts.Exists(s => s.ScopeId is null);
            if (!hasStart)
            {
                Add(ProblemCodes.NoStartEvent, definition.ProcessId, "process", null, "The process has no start event; add one where cases begin.");
            }

            foreach (var sub in definition.Nodes.Values.OfType<SubProcess>())
            {
                var inner = starts.FindAll(s => s.ScopeId == sub.Id);
                if (inner.Count != 1 || inner[0].Trigger is not null)
                {
                    Add(ProblemCodes.NoStartEvent, sub, "A sub-process needs exactly one start event without a trigger.");
                }
            }

            return hasStart;
        }

        public void Reachability()
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<FlowNode>(definition.Nodes.Values.OfType<StartEvent>().Where(s => s.ScopeId is null));
            while (pending.TryPop(out var node))
            {
                if (!reached.Add(node.Id))
                {
                    continue;
                }

                foreach (var flowId in node.Outgoing)
                {
                    pending.Push(definition.Nodes[definition.Flows[flowId].TargetId]);
                }

                if (node is Activity activity)
                {
                    foreach (var boundaryId in activity.BoundaryEventIds)
                    {
                        pending.Push(definition.Nodes[boundaryId]);
                    }
                }

                if (node is SubProcess sub)
                {
                    foreach (var start in sub.ChildNodeIds.Select(id => definition.Nodes[id]).OfType<StartEvent>())
                    {
                        pending.Push(start);
                    }
                }
            }

            foreach (var node in definition.Nodes.Values.Where(n => !reached.Contains(n.Id)))
            {
                Add(ProblemCodes.UnreachableElement, node, "No path from a start event leads here; connect it or remove it.");
            }
        }

        public void Node(FlowNode node)
        {
            if (node.Stage is { } stage && context.Stages is { } stages && !stages.Contains(stage))
            {
                Add(ProblemCodes.UnknownStage, node, $"The stage '{stage}' is not one of {string.Join(", ", stages.Order(StringComparer.Ordinal))}.");
            }

            if (node.Outgoing.Count == 0 && node is not EndEvent)
            {
                if (node is Gateway)
                {
                    Add(ProblemCodes.GatewayWithoutOutgoing, node, "This gateway has no outgoing sequence flow.");
                }
                else
                {
                    Add(ProblemCodes.DeadEnd, node, "Nothing follows this element; connect it to the next step or to an end event.");
                }
            }

            switch (node)
            {
                case ExclusiveGateway g:
                    Branches(g, g.DefaultFlowId);
                    break;
                case InclusiveGateway g:
                    Branches(g, g.DefaultFlowId);
                    break;
                case EventBasedGateway g:
                    EventGateway(g);
                    break;
                case UserTask task:
                    UserTask(task);
                    break;
                case ServiceTask service:
                    Handler(service);
                    break;
                case ScriptTask script:
                    Syntax(node, script.Script, ExpressionKind.Script, "script");
                    break;
                case CallActivity call:
                    Call(call);
                    break;
                case ReceiveTask receive:
                    Trigger(node, receive.Message);
                    break;
                case StartEvent { Trigger: { } trigger }:
                    Trigger(node, trigger);
                    break;
                case IntermediateCatchEvent catchEvent:
                    Trigger(node, catchEvent.Trigger);
                    break;
                case BoundaryEvent boundary:
                    Trigger(node, boundary.Trigger);
                    break;
            }
        }

        public void Condition(SequenceFlow flow)
        {
            if (flow.Condition is not null && context.Expressions.CheckSyntax(flow.Condition, ExpressionKind.Condition) is { } error)
            {
                Add(ProblemCodes.ExpressionSyntax, flow.Id, "sequenceFlow", flow.Line, $"The condition '{flow.Condition}' does not parse: {error}");
            }
        }

        private void Branches(Gateway gateway, string? defaultFlow)
        {
            if (defaultFlow is not null && !gateway.Outgoing.Contains(defaultFlow))
            {
                Add(ProblemCodes.BadDefaultFlow, gateway, $"The default flow '{defaultFlow}' is not an outgoing flow of this gateway.");
            }

            if (gateway.Outgoing.Count < 2)
            {
                return;
            }

            foreach (var flowId in gateway.Outgoing)
            {
                var flow = definition.Flows[flowId];
                if (flowId != defaultFlow && flow.Condition is null)
                {
                    Add(ProblemCodes.UnconditionedFlow, gateway,
                        $"Outgoing flow '{flowId}' has no condition and is not the default flow; give it a condition or make it the default.");
                }
            }
        }

        private void EventGateway(EventBasedGateway gateway)
        {
            if (gateway.Outgoing.Count < 2)
            {
                Add(ProblemCodes.BadEventGateway, gateway, "An event-based gateway needs at least two events to choose between.");
            }

            foreach (var flowId in gateway.Outgoing)
            {
                var target = definition.Nodes[definition.Flows[flowId].TargetId];
                if (target is not (IntermediateCatchEvent or ReceiveTask))
                {
                    Add(ProblemCodes.BadEventGateway, gateway,
                        $"It leads to '{target.Id}' ({target.ElementType}); an event-based gateway must lead to timer or message catch events or receive tasks.");
                }
            }
        }

        private void UserTask(UserTask task)
        {
            Value(task, task.Assignee, "assignee");
            Value(task, task.Priority, "priority");
            if (task.Priority is { } priority && !ExpressionText.TryUnwrap(priority, out _) && !int.TryParse(priority, out _))
            {
                Add(ProblemCodes.BadDuration, task, $"The priority '{priority}' is not a whole number.");
            }

            if (task.Due is { } due && !Value(task, due, "due date") && !Iso8601.TryParseDuration(due, out _) && !Iso8601.TryParseDateTime(due, out _))
            {
                Add(ProblemCodes.BadDuration, task, $"The due date '{due}' is neither an ISO 8601 duration (P30D) nor a date (2026-12-01T09:00:00Z).");
            }

            if (task.FormKey is { } form && context.FormKeys is { } forms && !forms.Contains(form))
            {
                Add(ProblemCodes.UnknownForm, task, $"The form '{form}' does not exist in workflows/forms.");
            }

            if (task.Instructions is { } instructions)
            {
                var parts = ExpressionText.Template(instructions, out var error);
                if (error is not null)
                {
                    Add(ProblemCodes.ExpressionSyntax, task, $"The instructions (documentation) do not parse: {error}");
                }

                foreach (var part in parts.Where(p => p.IsExpression))
                {
                    Syntax(task, part.Text, ExpressionKind.Value, $"placeholder '${{{part.Text}}}' of the instructions");
                }
            }
        }

        private void Handler(ServiceTask service)
        {
            if (service.HandlerKey is null)
            {
                Add(ProblemCodes.MissingHandler, service, "A service task needs a handler key (cw:handler) naming the operation it performs.");
            }
            else if (context.HandlerKeys is { } keys && !keys.Contains(service.HandlerKey))
            {
                Add(ProblemCodes.UnknownHandler, service,
                    $"No handler is registered for '{service.HandlerKey}'. Known handlers: {string.Join(", ", keys.Order(StringComparer.Ordinal))}.");
            }
        }

        private void Call(CallActivity call)
        {
            if (context.ProcessExists is { } exists && !exists(call.CalledProcessId))
            {
                Add(ProblemCodes.UnknownProcess, call, $"It calls process '{call.CalledProcessId}', which is not published.");
            }
            else if (call.CalledVersion is { } pinned && context.VersionExists is { } versionExists && !versionExists(call.CalledProcessId, pinned))
            {
                Add(ProblemCodes.UnknownVersion, call,
                    $"It calls version {pinned} of process '{call.CalledProcessId}', which has no such version; leave the version out to call the newest published one.");
            }

            foreach (var mapping in call.Inputs.Concat(call.Outputs))
            {
                Value(call, mapping.Source, $"mapping to '{mapping.Target}'");
            }
        }

        private void Trigger(FlowNode node, EventDefinition trigger)
        {
            switch (trigger)
            {
                case TimerDefinition timer when !Value(node, timer.Expression, "timer"):
                    var valid = timer.Kind switch
                    {
                        TimerKind.Duration => Iso8601.TryParseDuration(timer.Expression, out _),
                        TimerKind.Date => Iso8601.TryParseDateTime(timer.Expression, out _),
                        _ => Iso8601.TryParseCycle(timer.Expression, out _),
                    };
                    if (!valid)
                    {
                        Add(ProblemCodes.BadTimer, node, $"The timer '{timer.Expression}' is not a valid ISO 8601 {timer.Kind.ToString().ToLowerInvariant()} (for example {Example(timer.Kind)}).");
                    }

                    break;
                case MessageDefinition message:
                    Value(node, message.CorrelationKey, "correlation key");
                    break;
                case ErrorDefinition error:
                    VariableName(node, error.CodeVariable, "error code variable");
                    VariableName(node, error.MessageVariable, "error message variable");
                    break;
            }
        }

        /// <summary>A variable the engine writes must be one an expression can read by its name.</summary>
        private void VariableName(FlowNode node, string? name, string what)
        {
            if (name is not null && !Identifier().IsMatch(name))
            {
                Add(ProblemCodes.BadVariableName, node,
                    $"The {what} '{name}' is not a variable name: use letters, digits, '_' or '$', not starting with a digit (such as blockedBecause).");
            }
        }

        [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]*$")]
        private static partial System.Text.RegularExpressions.Regex Identifier();

        /// <summary>Checks a <c>${...}</c> value's syntax; returns true when the text is an expression.</summary>
        private bool Value(FlowNode node, string? text, string what)
        {
            if (!ExpressionText.TryUnwrap(text, out var expression))
            {
                return false;
            }

            Syntax(node, expression, ExpressionKind.Value, what);
            return true;
        }

        private void Syntax(FlowNode node, string source, ExpressionKind kind, string what)
        {
            if (context.Expressions.CheckSyntax(source, kind) is { } error)
            {
                Add(ProblemCodes.ExpressionSyntax, node, $"The {what} does not parse: {error}");
            }
        }

        private static string Example(TimerKind kind) => kind switch
        {
            TimerKind.Duration => "P30D or PT4H",
            TimerKind.Date => "2026-12-01T09:00:00Z",
            _ => "R3/PT10M",
        };

        private void Add(string code, FlowNode node, string message) => Add(code, node.Id, node.ElementType, node.Line, message);

        private void Add(string code, string? id, string? type, int? line, string message) =>
            problems.Add(new DefinitionProblem(code, id, type, message, line));
    }
}
