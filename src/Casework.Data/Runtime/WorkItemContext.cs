using System.Text.Json;

namespace Casework.Data.Runtime;

/// <summary>The case facts copied onto a work item so queues can filter and sort without joins.</summary>
public sealed record WorkItemCaseFacts(string? CaseId, string? Office, string? Track, int CasePriority);

/// <summary>Supplies <see cref="WorkItemCaseFacts"/> for a new work item.</summary>
public interface IWorkItemContextProvider
{
    WorkItemCaseFacts For(string? businessKey, IReadOnlyDictionary<string, JsonElement> variables);
}

/// <summary>The default: the business key is the case id; office, track and priority come from the variables of those names.</summary>
public sealed class VariablesWorkItemContext : IWorkItemContextProvider
{
    public WorkItemCaseFacts For(string? businessKey, IReadOnlyDictionary<string, JsonElement> variables) =>
        new(businessKey, Text(variables, "office"), Text(variables, "track"),
            variables.TryGetValue("casePriority", out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : 0);

    private static string? Text(IReadOnlyDictionary<string, JsonElement> variables, string name) =>
        variables.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
