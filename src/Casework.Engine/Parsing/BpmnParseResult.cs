using Casework.Engine.Model;
using Casework.Engine.Validation;

namespace Casework.Engine.Parsing;

/// <summary>The executable processes of a BPMN file, and what was wrong with it. Usable only when there are no problems.</summary>
public sealed record BpmnParseResult(IReadOnlyList<ProcessDefinition> Processes, IReadOnlyList<DefinitionProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}
