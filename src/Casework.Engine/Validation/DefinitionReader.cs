using Casework.Engine.Parsing;

namespace Casework.Engine.Validation;

/// <summary>Parses a BPMN file and, when it parses, validates each of its processes: what publishing runs.</summary>
public static class DefinitionReader
{
    public static BpmnParseResult ReadAndValidate(string xml, ValidationContext context)
    {
        var parsed = new BpmnParser().Parse(xml);
        if (!parsed.Succeeded)
        {
            return parsed;
        }

        var validator = new DefinitionValidator();
        var problems = parsed.Processes.SelectMany(p => validator.Validate(p, context)).ToList();
        return parsed with { Problems = problems };
    }
}
