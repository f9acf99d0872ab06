using System.Text.Json;

namespace Casework.Data.Runtime.Handlers;

/// <summary>What a service-task handler is given: the instance, its business key, the variables, and the open transaction's context.</summary>
public sealed record ServiceTaskContext(
    Guid InstanceId,
    string? BusinessKey,
    string ElementId,
    IReadOnlyDictionary<string, JsonElement> Variables,
    CaseworkDbContext Database)
{
    /// <summary>Who gave the command that reached the task (a user, or the worker that fired a timer).</summary>
    public string Actor { get; init; } = string.Empty;
}

/// <summary>
/// Performs a BPMN service task identified by <see cref="Key"/> (<c>cw:handler</c>). It runs inside the command's
/// transaction and may change domain data through <see cref="ServiceTaskContext.Database"/>; what it returns is
/// merged into the instance's variables. Throwing rolls the whole command back; throwing
/// <see cref="BpmnErrorException"/> raises a BPMN error that a boundary event may catch.
/// </summary>
public interface IServiceTaskHandler
{
    string Key { get; }

    Task<IReadOnlyDictionary<string, JsonElement>?> HandleAsync(ServiceTaskContext context, CancellationToken cancellationToken);
}

/// <summary>A business outcome a diagram handles with a boundary error event (e.g. <c>EXCLUSION</c>).</summary>
public sealed class BpmnErrorException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}
