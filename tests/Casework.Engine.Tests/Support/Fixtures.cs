using Casework.Engine.Model;
using Casework.Engine.Parsing;

namespace Casework.Engine.Tests.Support;

/// <summary>Loads BPMN fixtures that sit beside the tests (copied to the output folder).</summary>
public static class Fixtures
{
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath));

    /// <summary>Parses a fixture that must be valid and returns its processes as version 1.</summary>
    public static IReadOnlyDictionary<string, ProcessDefinition> Load(string relativePath)
    {
        var result = new BpmnParser().Parse(Read(relativePath));
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        return result.Processes.ToDictionary(p => p.ProcessId, p => p.WithKey(p.Key with { Version = 1 }));
    }

    public static ProcessDefinition LoadSingle(string relativePath) => Assert.Single(Load(relativePath).Values);
}
