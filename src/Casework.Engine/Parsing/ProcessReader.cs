using System.Globalization;
using System.Xml.Linq;
using Casework.Engine.Model;
using Casework.Engine.Validation;
using static Casework.Engine.Parsing.BpmnNamespaces;

namespace Casework.Engine.Parsing;

/// <summary>Turns one <c>process</c> element (and its sub-processes) into nodes and flows, collecting problems.</summary>
internal sealed class ProcessReader(XElement process, IReadOnlyDictionary<string, string?> messages, IReadOnlyDictionary<string, string?> errors)
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "documentation", "extensionElements", "laneSet", "textAnnotation", "association", "dataObject",
        "dataObjectReference", "dataStoreReference", "property", "ioSpecification", "dataInputAssociation",
        "dataOutputAssociation", "incoming", "outgoing", "group", "category",
    };

    private readonly List<FlowNode> nodes = [];
    private readonly List<SequenceFlow> flows = [];
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);

    public List<DefinitionProblem> Problems { get; } = [];

    public (List<FlowNode> Nodes, List<SequenceFlow> Flows) Read()
    {
        ReadScope(process, scopeId: null);
        return (nodes, flows);
    }

    private void ReadScope(XElement container, string? scopeId)
    {
        foreach (var element in container.Elements())
        {
            if (element.Name.Namespace != Bpmn || Ignored.Contains(element.Name.LocalName))
            {
                continue; // foreign extensions and non-executable annotations
            }

            var id = (string?)element.Attribute("id");
            if (string.IsNullOrWhiteSpace(id))
            {
                Problem(ProblemCodes.MissingId, null, element, $"A {element.Name.LocalName} has no id.");
                continue;
            }

            if (!ids.Add(id))
            {
                Problem(ProblemCodes.DuplicateId, id, element, $"The id '{id}' is used by more than one element; ids must be unique.");
                continue;
            }

            if (element.Name.LocalName == "sequenceFlow")
            {
                flows.Add(ReadFlow(element, id, scopeId));
                continue;
            }

            if (Unsupported(element) is { } why)
            {
                Problem(ProblemCodes.UnsupportedElement, id, element, why);
                continue;
            }

            if (ReadNode(element, id, scopeId) is { } node)
            {
                nodes.Add(node);
                if (node is SubProcess)
                {
                    ReadScope(element, id);
                }
            }
        }
    }

    private FlowNode? ReadNode(XElement e, string id, string? scopeId)
    {
        var line = BpmnParser.LineOf(e);
        var name = (string?)e.Attribute("name");
        FlowNode? node = e.Name.LocalName switch
        {
            "startEvent" => new StartEvent { Id = id, Trigger = ReadTrigger(e, id, allowError: false) },
            "endEvent" => ReadEnd(e, id),
            "intermediateCatchEvent" => ReadTrigger(e, id, allowError: false) is { } t
                ? new IntermediateCatchEvent { Id = id, Trigger = t }
                : Missing(e, id, "an intermediate catch event needs a timer or message event definition"),
            "boundaryEvent" => ReadBoundary(e, id),
            "userTask" => ReadUserTask(e, id),
            "serviceTask" => new ServiceTask { Id = id, HandlerKey = Attr(e, Cw, "handler") ?? CamundaTopic(e) },
            "scriptTask" => ReadScript(e, id),
            "receiveTask" => new ReceiveTask { Id = id, Message = Message(e, id, (string?)e.Attribute("messageRef")) },
            "subProcess" => new SubProcess { Id = id },
            "callActivity" => ReadCall(e, id),
            "exclusiveGateway" => new ExclusiveGateway { Id = id, DefaultFlowId = (string?)e.Attribute("default") },
            "inclusiveGateway" => new InclusiveGateway { Id = id, DefaultFlowId = (string?)e.Attribute("default") },
            "parallelGateway" => new ParallelGateway { Id = id },
            "eventBasedGateway" => new EventBasedGateway { Id = id },
            _ => null,
        };
        if (node is null && !Problems.Exists(p => p.ElementId == id))
        {
            Problem(ProblemCodes.UnsupportedElement, id, e,
                $"'{e.Name.LocalName}' is not part of the BPMN subset Casework executes; replace it with a supported element.");
        }

        return node is null ? null : node with { Name = name, ScopeId = scopeId, Line = line, Stage = Attr(e, Cw, "stage") };
    }

    private SequenceFlow ReadFlow(XElement e, string id, string? scopeId)
    {
        var condition = e.Element(Bpmn + "conditionExpression")?.Value.Trim();
        if (ExecutionTextHelper.Unwrap(condition) is { } inner)
        {
            condition = inner;
        }

        return new SequenceFlow
        {
            Id = id,
            Name = (string?)e.Attribute("name"),
            SourceId = (string?)e.Attribute("sourceRef") ?? string.Empty,
            TargetId = (string?)e.Attribute("targetRef") ?? string.Empty,
            Condition = string.IsNullOrWhiteSpace(condition) ? null : condition,
            ScopeId = scopeId,
            Line = BpmnParser.LineOf(e),
        };
    }

    private EndEvent ReadEnd(XElement e, string id)
    {
        if (e.Element(Bpmn + "terminateEventDefinition") is not null)
        {
            return new EndEvent { Id = id, Kind = EndEventKind.Terminate };
        }

        if (e.Element(Bpmn + "errorEventDefinition") is { } error)
        {
            return new EndEvent { Id = id, Kind = EndEventKind.Error, Error = Error(error) };
        }

        return new EndEvent { Id = id };
    }

    private FlowNode? ReadBoundary(XElement e, string id)
    {
        var attachedTo = (string?)e.Attribute("attachedToRef");
        var trigger = ReadTrigger(e, id, allowError: true);
        if (attachedTo is null || trigger is null)
        {
            return Missing(e, id, attachedTo is null
                ? "a boundary event needs attachedToRef (the activity it sits on)"
                : "a boundary event needs a timer, message or error event definition");
        }

        if (trigger is ErrorDefinition caught && e.Element(Bpmn + "errorEventDefinition") is { } definition)
        {
            // On the event (where the designer writes them) or on its error event definition (where Camunda has them).
            trigger = caught with
            {
                CodeVariable = Attr(e, Cw, "errorCodeVariable") ?? Attr(definition, Cw, "errorCodeVariable") ?? Attr(definition, Camunda, "errorCodeVariable"),
                MessageVariable = Attr(e, Cw, "errorMessageVariable") ?? Attr(definition, Cw, "errorMessageVariable")
                    ?? Attr(definition, Camunda, "errorMessageVariable"),
            };
        }

        return new BoundaryEvent
        {
            Id = id,
            AttachedToId = attachedTo,
            CancelActivity = (string?)e.Attribute("cancelActivity") != "false",
            Trigger = trigger,
        };
    }

    private UserTask ReadUserTask(XElement e, string id) => new()
    {
        Id = id,
        CandidateRoles = List(Attr(e, Cw, "candidateRoles") ?? Attr(e, Camunda, "candidateGroups")),
        CandidateUsers = List(Attr(e, Cw, "candidateUsers") ?? Attr(e, Camunda, "candidateUsers")),
        Assignee = Attr(e, Cw, "assignee") ?? Attr(e, Camunda, "assignee"),
        FormKey = Attr(e, Cw, "form") ?? Attr(e, Camunda, "formKey"),
        Due = Attr(e, Cw, "due") ?? Attr(e, Camunda, "dueDate"),
        Priority = Attr(e, Cw, "priority") ?? Attr(e, Camunda, "priority"),
        FourEyesWith = List(Attr(e, Cw, "fourEyesWith")),
        Instructions = string.Join("\n\n", e.Elements(Bpmn + "documentation").Select(d => d.Value.Trim()).Where(d => d.Length > 0)) is { Length: > 0 } text
            ? text : null,
    };

    private FlowNode? ReadScript(XElement e, string id)
    {
        var format = (string?)e.Attribute("scriptFormat");
        if (format is not null && !string.Equals(format, "javascript", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(format, "js", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(format, "ecmascript", StringComparison.OrdinalIgnoreCase))
        {
            Problem(ProblemCodes.UnsupportedElement, id, e, $"Script format '{format}' is not supported; scripts are JavaScript.");
            return null;
        }

        var script = e.Element(Bpmn + "script")?.Value;
        if (string.IsNullOrWhiteSpace(script))
        {
            return Missing(e, id, "a script task needs a script");
        }

        return new ScriptTask
        {
            Id = id,
            Script = script,
            ScriptFormat = format,
            ResultVariable = Attr(e, Cw, "resultVariable") ?? Attr(e, Camunda, "resultVariable"),
        };
    }

    private FlowNode? ReadCall(XElement e, string id)
    {
        var called = (string?)e.Attribute("calledElement");
        if (string.IsNullOrWhiteSpace(called))
        {
            return Missing(e, id, "a call activity needs calledElement (the process id it starts)");
        }

        var versionText = Attr(e, Cw, "calledVersion")
            ?? (Attr(e, Camunda, "calledElementBinding") == "version" ? Attr(e, Camunda, "calledElementVersion") : null);
        int? version = null;
        if (versionText is not null)
        {
            if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < 1)
            {
                return Missing(e, id, $"the pinned version '{versionText}' is not a positive whole number");
            }

            version = v;
        }

        var inputs = Mappings(e, id, "in");
        var outputs = Mappings(e, id, "out");
        return new CallActivity
        {
            Id = id,
            CalledProcessId = called,
            Binding = version is null ? CallBinding.Latest : CallBinding.Version,
            CalledVersion = version,
            Inputs = inputs.Mappings,
            Outputs = outputs.Mappings,
            PassAllVariables = inputs.All || outputs.All,
        };
    }

    private (List<VariableMapping> Mappings, bool All) Mappings(XElement call, string id, string direction)
    {
        var extensions = call.Element(Bpmn + "extensionElements");
        var mappings = new List<VariableMapping>();
        var all = false;
        if (extensions is null)
        {
            return (mappings, all);
        }

        foreach (var mapping in extensions.Elements(Camunda + direction).Concat(extensions.Elements(Cw + direction)))
        {
            if ((string?)mapping.Attribute("variables") == "all")
            {
                all = true;
                continue;
            }

            var target = (string?)mapping.Attribute("target");
            var source = (string?)mapping.Attribute("source")
                ?? ((string?)mapping.Attribute("sourceExpression") is { } expression ? EnsureWrapped(expression) : null);
            if (string.IsNullOrWhiteSpace(target) || string.IsNullOrWhiteSpace(source))
            {
                // Dropping it would start the child (or resume the parent) without a variable the supervisor meant to pass.
                MappingProblem(ProblemCodes.MissingAttribute, call, id, mapping,
                    $"A variable mapping ({direction}) needs both target (the variable it sets) and source (a variable or ${{expression}}); it has "
                    + (string.IsNullOrWhiteSpace(target) ? "no target." : $"target '{target}' but no source."));
            }
            else if (target.Any(char.IsWhiteSpace) || target.StartsWith("${", StringComparison.Ordinal))
            {
                MappingProblem(ProblemCodes.BadMapping, call, id, mapping,
                    $"A variable mapping ({direction}) sets '{target}', which is not a variable name; the target is a plain name.");
            }
            else
            {
                mappings.Add(new VariableMapping(source, target));
            }
        }

        return (mappings, all);
    }

    private EventDefinition? ReadTrigger(XElement e, string id, bool allowError)
    {
        if (e.Element(Bpmn + "timerEventDefinition") is { } timer)
        {
            foreach (var (local, kind) in new[] { ("timeDuration", TimerKind.Duration), ("timeDate", TimerKind.Date), ("timeCycle", TimerKind.Cycle) })
            {
                if (timer.Element(Bpmn + local) is { } value)
                {
                    return new TimerDefinition(kind, value.Value.Trim());
                }
            }

            Problem(ProblemCodes.BadTimer, id, e, "The timer has no timeDuration, timeDate or timeCycle.");
            return null;
        }

        if (e.Element(Bpmn + "messageEventDefinition") is { } message)
        {
            return Message(e, id, (string?)message.Attribute("messageRef"), message);
        }

        if (allowError && e.Element(Bpmn + "errorEventDefinition") is { } error)
        {
            return Error(error);
        }

        return null;
    }

    private MessageDefinition Message(XElement e, string id, string? messageRef, XElement? definition = null)
    {
        string? name = null;
        if (messageRef is not null && !messages.TryGetValue(messageRef, out name))
        {
            Problem(ProblemCodes.UnknownReference, id, e, $"messageRef '{messageRef}' names no message of this file.");
        }

        name ??= messageRef ?? Attr(e, Cw, "message") ?? id;
        var key = Attr(e, Cw, "correlationKey") ?? (definition is null ? null : Attr(definition, Cw, "correlationKey"));
        return new MessageDefinition(name, key) { MessageRef = messageRef };
    }

    private ErrorDefinition Error(XElement definition)
    {
        var errorRef = (string?)definition.Attribute("errorRef");
        string? code = null;
        if (errorRef is not null && !errors.TryGetValue(errorRef, out code))
        {
            code = errorRef;
        }

        return new ErrorDefinition(code) { ErrorRef = errorRef };
    }

    private static string? Unsupported(XElement e)
    {
        var type = e.Name.LocalName;
        if (e.Elements(Bpmn + "multiInstanceLoopCharacteristics").Any() || e.Elements(Bpmn + "standardLoopCharacteristics").Any())
        {
            return $"Loops and multi-instance on '{type}' are not supported; model the repetition with a gateway.";
        }

        if (type == "subProcess" && (string?)e.Attribute("triggeredByEvent") == "true")
        {
            return "Event sub-processes are not supported; use boundary events on an embedded sub-process.";
        }

        foreach (var definition in new[] { "signalEventDefinition", "escalationEventDefinition", "compensateEventDefinition", "conditionalEventDefinition", "linkEventDefinition", "cancelEventDefinition" })
        {
            if (e.Element(Bpmn + definition) is not null)
            {
                return $"'{definition}' on '{type}' is not supported; Casework executes timer, message, error and terminate events.";
            }
        }

        if (type is "startEvent" or "intermediateCatchEvent" && e.Element(Bpmn + "errorEventDefinition") is not null)
        {
            return $"An error event definition on '{type}' is not supported; catch errors with a boundary event.";
        }

        return type switch
        {
            "intermediateThrowEvent" => "Intermediate throw events are not supported.",
            "task" or "manualTask" or "sendTask" or "businessRuleTask" => $"'{type}' is not supported; use a user, service, script or receive task.",
            "transaction" or "adHocSubProcess" => $"'{type}' is not supported; use an embedded sub-process.",
            "complexGateway" => "Complex gateways are not supported; use exclusive, inclusive, parallel or event-based gateways.",
            _ => null,
        };
    }

    private FlowNode? Missing(XElement e, string id, string what)
    {
        Problem(ProblemCodes.MissingAttribute, id, e, char.ToUpperInvariant(what[0]) + what[1..] + ".");
        return null;
    }

    private void MappingProblem(string code, XElement call, string id, XElement mapping, string message) =>
        Problems.Add(new DefinitionProblem(code, id, call.Name.LocalName, message, BpmnParser.LineOf(mapping)));

    private void Problem(string code, string? id, XElement e, string message) =>
        Problems.Add(new DefinitionProblem(code, id, e.Name.LocalName, message, BpmnParser.LineOf(e)));

    private static string? Attr(XElement e, XNamespace ns, string name) => (string?)e.Attribute(ns + name) is { Length: > 0 } v ? v : null;

    private static string? CamundaTopic(XElement e) => Attr(e, Camunda, "type") == "external" ? Attr(e, Camunda, "topic") : null;

    private static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string EnsureWrapped(string expression) =>
        ExecutionTextHelper.Unwrap(expression) is not null ? expression : "${" + expression + "}";
}

/// <summary>Bridges to <see cref="Execution.ExpressionText"/> for the parser.</summary>
internal static class ExecutionTextHelper
{
    public static string? Unwrap(string? text) => Execution.ExpressionText.TryUnwrap(text, out var inner) ? inner : null;
}
