using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;
using Casework.Engine.Timing;

namespace Casework.Engine.Migration;

/// <summary>
/// Checks and applies a <see cref="MigrationPlan"/> to one instance state. Every active element (token, task,
/// timer, subscription, sub-process scope, child) must have a counterpart of the same kind in the target, in the
/// matching scope; timers whose definition changed are recomputed, boundary events the target adds to a waiting
/// activity are armed, those it removes are disarmed.
/// </summary>
public sealed class MigrationPlanner(IExpressionEvaluator expressions)
{
    public MigrationReport DryRun(MigrationPlan plan, ProcessDefinition source, ProcessDefinition target, InstanceState state, DateTimeOffset now) =>
        Build(plan, source, target, state, now).Report;

    public CommandResult Apply(MigrationPlan plan, ProcessDefinition source, ProcessDefinition target, InstanceState state, DateTimeOffset now)
    {
        var work = Build(plan, source, target, state, now);
        if (!work.Report.CanMigrate)
        {
            return CommandResult.Reject(state, RejectionReason.MigrationNotPossible,
                string.Join(" ", work.Report.Problems.Select(p => p.Message)));
        }

        return CommandResult.Accept(work.State!, work.Effects);
    }

    private MigrationWork Build(MigrationPlan plan, ProcessDefinition source, ProcessDefinition target, InstanceState state, DateTimeOffset now)
    {
        var work = new MigrationWork(plan, source, target, state);
        if (state.Definition != source.Key || plan.Source != source.Key || plan.Target != target.Key)
        {
            work.Problem(state.InstanceId, $"The plan moves {plan.Source} → {plan.Target}, but the instance runs on {state.Definition} and the definitions given are {source.Key} → {target.Key}.");
            return work.Finish(now);
        }

        if (state.IsFinished)
        {
            work.Problem(state.InstanceId, $"The instance is {state.Status.ToString().ToLowerInvariant()}; only running instances migrate.");
            return work.Finish(now);
        }

        foreach (var scope in state.Scopes)
        {
            work.Scope(scope);
        }

        foreach (var token in state.Tokens)
        {
            work.Token(token);
        }

        foreach (var task in state.Tasks)
        {
            work.Task(task);
        }

        foreach (var child in state.Children)
        {
            work.Child(child);
        }

        foreach (var timer in state.Timers)
        {
            work.Timer(timer, now, expressions);
        }

        foreach (var subscription in state.Subscriptions)
        {
            work.Subscription(subscription);
        }

        work.ArmNewBoundaryEvents(now, expressions);
        return work.Finish(now);
    }

    /// <summary>Recomputes a timer whose definition changed: keeps the original start for literal durations.</summary>
    internal static DateTimeOffset? Recompute(TimerDefinition before, TimerDefinition after, DateTimeOffset oldDue, DateTimeOffset now,
        IExpressionEvaluator expressions, IReadOnlyDictionary<string, System.Text.Json.JsonElement> variables)
    {
        var text = after.Expression;
        if (ExpressionText.TryUnwrap(text, out var expression))
        {
            var result = expressions.Evaluate(expression, ExpressionKind.Value, new ExpressionContext(variables, now));
            if (!result.Succeeded || result.Value.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                return null;
            }

            text = result.Value.GetString()!;
        }

        switch (after.Kind)
        {
            case TimerKind.Duration when Iso8601.TryParseDuration(text, out var duration):
                var started = before.Kind == TimerKind.Duration && Iso8601.TryParseDuration(before.Expression, out var old)
                    ? old.Negate().AddTo(oldDue)
                    : now;
                return duration.AddTo(started);
            case TimerKind.Date when Iso8601.TryParseDateTime(text, out var date):
                return date;
            case TimerKind.Cycle when Iso8601.TryParseCycle(text, out var cycle):
                return cycle.FirstDue(now);
            default:
                return null;
        }
    }
}
