using Casework.Data.Runtime.Handlers;
using Casework.Domain.Cases;
using Casework.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Casework.Web.Features.Procedure;

/// <summary>
/// Keeps a registered case's stage and notified decision in step with its asylum-claim workflow, in the same
/// transaction as each command, so searches and statistics never read a stale stage. The stage comes from the
/// elements the workflow waits at; an element this table does not know (a supervisor's new step) leaves the stage as
/// it was. A finished workflow closes the case.
/// </summary>
public sealed class CaseStageProjection : IInstanceProjection
{
    public const string ProcessId = "asylum-claim";

    private static readonly Dictionary<string, CaseStage> StageByElement = new(StringComparer.Ordinal)
    {
        ["register"] = CaseStage.Registration,
        ["profile"] = CaseStage.Profiling,
        ["recordReferral"] = CaseStage.Profiling,
        ["triage"] = CaseStage.Triage,
        ["interviewAccelerated"] = CaseStage.Assessment,
        ["interviewRegular"] = CaseStage.Assessment,
        ["escalateSla"] = CaseStage.Assessment,
        ["draftDecision"] = CaseStage.Assessment,
        ["exclusionReview"] = CaseStage.Review,
        ["reviewDecision"] = CaseStage.Review,
        ["notify"] = CaseStage.Notification,
        ["computeDeadline"] = CaseStage.Notification,
        ["appealWindow"] = CaseStage.Appeal,
        ["appealLodged"] = CaseStage.Appeal,
        ["windowClosed"] = CaseStage.Appeal,
        ["appeal"] = CaseStage.Appeal,
        ["familyBeforeSolutions"] = CaseStage.DurableSolution,
        ["durableSolutions"] = CaseStage.DurableSolution,
        ["familyBeforeReturn"] = CaseStage.Return,
        ["returnArrangements"] = CaseStage.Return,
    };

    public async Task ProjectAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        var (instance, state, db) = context;
        if (instance.ProcessId != ProcessId || instance.ParentInstanceId is not null || instance.BusinessKey is not { } caseNumber)
        {
            return;
        }

        var stage = StageOf(state)?.ToString();
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
    public static CaseStage? StageOf(InstanceState state) =>
        state.Status is InstanceStatus.Completed or InstanceStatus.Cancelled
            ? CaseStage.Closed
            : state.Tokens.Select(t => StageByElement.TryGetValue(t.ElementId, out var s) ? s : (CaseStage?)null).Max();
}
