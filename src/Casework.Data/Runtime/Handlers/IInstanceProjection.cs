using Casework.Data.Runtime.Records;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Data.Runtime.Handlers;

/// <summary>An instance as a command left it, with its definition, for projections onto domain tables.</summary>
public sealed record ProjectionContext(WorkflowInstanceRecord Instance, ProcessDefinition Definition, InstanceState State, CaseworkDbContext Database);

/// <summary>
/// Keeps domain data in step with the workflow (for example a case's stage and decision): runs once per command for
/// every instance the command changed, inside the command's transaction, after all effects are applied. Throwing rolls
/// the command back.
/// </summary>
public interface IInstanceProjection
{
    Task ProjectAsync(ProjectionContext context, CancellationToken cancellationToken);
}
