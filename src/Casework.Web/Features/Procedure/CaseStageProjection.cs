using Casework.Data.Runtime.Handlers;
using Casework.Domain.Cases;
using Casework.Engine.Model;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Procedure;

/// <summary>
/// Keeps a registered case's stage and notified decision in step with its asylum-claim workflow, in the same
/// transaction as each command, so searches and statistics never read a stale stage. The stage is what the diagram
/// says (<c>cw:stage</c> on the elements the workflow waits at, the furthest one when it waits at several); an element
/// without one leaves the stage as it was. A completed or cancelled workflow closes the case.
/// </summary>
public sealed class CaseStageProjection : IInstanceProjection
{
    public const string ProcessId = "asylum-claim";

    public async Task ProjectAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        var (instance, definition, state, db) = context;
        if (instance.ProcessId != ProcessId || instance.ParentInstanceId is not null || instance.BusinessKey is not { } caseNumber)
        {
            return;
        }

        var stage = StageOf(definition, state)?.ToString();
        var decision = state.Variables.Text("notifiedOn") is null ? null : state.Variables.Text("decision");
        if (stage is null && decision is null)
        {
            return;
        }

        // One statement, and a write only when something changed.
        await db.Cases.Where(c => c.CaseNumber == caseNumber
                && ((stage != null && c.Stage != stage) || (decision != null && (c.Decision == null || c.Decision != decision))))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, c => stage ?? c.Stage)
                .SetProperty(c => c.Decision, c => decision ?? c.Decision)
                .SetProperty(c => c.Revision, c => c.Revision + 1), cancellationToken);
    }

    /// <summary>The furthest stage among the elements the workflow is at; Closed once it has completed or was cancelled.</summary>
    public static CaseStage? StageOf(ProcessDefinition definition, InstanceState state) =>
        state.Status is InstanceStatus.Completed or InstanceStatus.Cancelled
            ? CaseStage.Closed
            : state.Tokens
                .Select(t => definition.Nodes.GetValueOrDefault(t.ElementId)?.Stage is { } name && Enum.TryParse<CaseStage>(name, out var s) ? s : (CaseStage?)null)
                .Max();
}
