using System.Text.Json;
using Casework.Data.Runtime.Records;
using Casework.Data.Runtime.Workers;

namespace Casework.Data.Runtime.Handlers;

/// <summary>Resumes a call activity's parent when its child ends, in the parent's own transaction.</summary>
public sealed class ChildOutcomeHandler(WorkflowRuntime runtime) : IOutboxHandler
{
    public string Type => ChildOutcome.Type;

    public async Task HandleAsync(OutboxMessageRecord message, CancellationToken cancellationToken)
    {
        var outcome = JsonSerializer.Deserialize<ChildOutcome>(message.Payload)
            ?? throw new InvalidOperationException($"Outbox message {message.Id} has no payload.");
        var result = await runtime.ResumeParentAsync(outcome, cancellationToken);
        if (result.Kind == RuntimeOutcomeKind.Conflict)
        {
            throw new InvalidOperationException("The parent instance was busy; the message will be delivered again.");
        }
    }
}
