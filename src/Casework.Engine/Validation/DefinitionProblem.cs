namespace Casework.Engine.Validation;

/// <summary>
/// One thing wrong with a BPMN definition: a stable <see cref="Code"/> (e.g. <c>unreachable-element</c>), the
/// element's id and BPMN type, a message for the person who drew the diagram, and the XML line when known.
/// </summary>
public sealed record DefinitionProblem(string Code, string? ElementId, string? ElementType, string Message, int? Line = null)
{
    public override string ToString() =>
        $"{(Line is null ? string.Empty : $"line {Line}: ")}{(ElementId is null ? string.Empty : $"{ElementType} '{ElementId}': ")}{Message} [{Code}]";
}

/// <summary>The stable codes of <see cref="DefinitionProblem"/>.</summary>
public static class ProblemCodes
{
    public const string MalformedXml = "malformed-xml";
    public const string NoProcess = "no-process";
    public const string NoExecutableProcess = "no-executable-process";
    public const string UnsupportedElement = "unsupported-element";
    public const string DuplicateId = "duplicate-id";
    public const string MissingId = "missing-id";
    public const string MissingAttribute = "missing-attribute";
    public const string NoStartEvent = "no-start-event";
    public const string UnreachableElement = "unreachable-element";
    public const string DeadEnd = "dead-end";
    public const string GatewayWithoutOutgoing = "gateway-without-outgoing";
    public const string UnconditionedFlow = "unconditioned-flow";
    public const string BadDefaultFlow = "bad-default-flow";
    public const string ExpressionSyntax = "expression-syntax";
    public const string BadTimer = "bad-timer";
    public const string BadDuration = "bad-duration";
    public const string UnknownHandler = "unknown-handler";
    public const string MissingHandler = "missing-handler";
    public const string UnknownProcess = "unknown-process";
    public const string UnknownVersion = "unknown-version";
    public const string UnknownForm = "unknown-form";
    public const string UnknownStage = "unknown-stage";
    public const string BadFlowReference = "bad-flow-reference";
    public const string BadAttachment = "bad-attachment";
    public const string BadEventGateway = "bad-event-gateway";
    public const string UnknownReference = "unknown-reference";
    public const string BadMapping = "bad-mapping";
    public const string BadVariableName = "bad-variable-name";
}
