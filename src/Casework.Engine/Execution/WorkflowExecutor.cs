using Casework.Engine.Expressions;
using Casework.Engine.Migration;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Execution;

/// <summary>Limits of one command's execution.</summary>
public sealed record ExecutorOptions
{
    /// <summary>Elements a single command may pass through before the token is stopped with an incident.</summary>
    public int MaxStepsPerCommand { get; init; } = 10_000;
}

/// <summary>
/// The engine: <c>(definition, state, command, clock) → (new state, effects)</c>. Pure and thread-safe: it does
/// no I/O and keeps nothing between calls, and the same inputs always give the same result. A refused command
/// returns the input state unchanged with a typed <see cref="RejectionReason"/>.
/// </summary>
public sealed class WorkflowExecutor(IExpressionEvaluator expressions, ExecutorOptions? options = null)
{
    private readonly int maxSteps = (options ?? new ExecutorOptions()).MaxStepsPerCommand;

    public CommandResult Execute(ProcessDefinition definition, InstanceState? state, WorkflowCommand command, DateTimeOffset now)
    {
        if (command is StartInstance start)
        {
            return Start(definition, state, start, now);
        }

        if (state is null)
        {
            return CommandResult.Reject(null, RejectionReason.InstanceFinished, "The instance has not been started.");
        }

        if (state.Definition != definition.Key)
        {
            return CommandResult.Reject(state, RejectionReason.DefinitionMismatch,
                $"The instance runs on {state.Definition} but definition {definition.Key} was given.");
        }

        if (state.IsFinished)
        {
            return CommandResult.Reject(state, RejectionReason.InstanceFinished,
                $"The instance is {state.Status.ToString().ToLowerInvariant()}; it accepts no more commands.");
        }

        if (command is MigrateInstance migrate)
        {
            return new MigrationPlanner(expressions).Apply(migrate.Plan, definition, migrate.Target, state, now);
        }

        var run = new ExecutionRun(definition, state, expressions, now, maxSteps);
        var rejection = command switch
        {
            CompleteTask complete => CompleteTask(run, complete.TaskId, complete.Variables, TaskKind.User),
            CompleteServiceTask complete => CompleteTask(run, complete.TaskId, complete.Variables, TaskKind.Service),
            FailServiceTask fail => FailServiceTask(run, fail),
            CorrelateMessage message => Correlate(run, message),
            FireTimer fire => Fire(run, fire),
            ChildCompleted completed => ChildDone(run, completed),
            ChildFaulted faulted => ChildFailed(run, faulted),
            RetryIncident retry => Retry(run, retry),
            CancelInstance cancel => Cancel(run, cancel),
            SetVariables set => Set(run, set),
            _ => (RejectionReason.InstanceFinished, $"Unknown command {command.GetType().Name}."),
        };

        return rejection is { } refused
            ? CommandResult.Reject(state, refused.Item1, refused.Item2)
            : CommandResult.Accept(run.ToState(state), run.Effects);
    }

    private CommandResult Start(ProcessDefinition definition, InstanceState? state, StartInstance start, DateTimeOffset now)
    {
        if (state is not null)
        {
            return CommandResult.Reject(state, RejectionReason.AlreadyStarted, $"Instance '{state.InstanceId}' is already started.");
        }

        string? startEventId = start.StartEventId;
        if (startEventId is null)
        {
            ExecutableModel.For(definition).NoneStartByScope.TryGetValue(ExecutableModel.RootScope, out startEventId);
        }

        if (startEventId is null || !definition.Nodes.TryGetValue(startEventId, out var node) || node is not StartEvent { ScopeId: null })
        {
            return CommandResult.Reject(null, RejectionReason.NoStartEvent, start.StartEventId is null
                ? $"Process '{definition.ProcessId}' has no none start event; start it by its message or timer start event."
                : $"'{start.StartEventId}' is not a start event of process '{definition.ProcessId}'.");
        }

        var fresh = new InstanceState { InstanceId = start.InstanceId, Definition = definition.Key };
        var run = new ExecutionRun(definition, fresh, expressions, now, maxSteps);
        run.Start(startEventId, start.Variables);
        return CommandResult.Accept(run.ToState(fresh), run.Effects);
    }

    private static (RejectionReason Reason, string Message)? CompleteTask(
        ExecutionRun run, string taskId, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? variables, TaskKind kind)
    {
        var task = run.Tasks.FirstOrDefault(t => t.Id == taskId && t.Kind == kind);
        if (task is null)
        {
            return (RejectionReason.TaskNotOpen, $"Task '{taskId}' is not open; it may have been completed or cancelled already.");
        }

        run.MergeVariables(variables);
        run.Complete(run.Tokens.First(t => t.Id == task.TokenId));
        return null;
    }

    private static (RejectionReason, string)? FailServiceTask(ExecutionRun run, FailServiceTask fail)
    {
        var task = run.Tasks.FirstOrDefault(t => t.Id == fail.TaskId && t.Kind == TaskKind.Service);
        if (task is null)
        {
            return (RejectionReason.TaskNotOpen, $"Service task '{fail.TaskId}' is not open.");
        }

        run.FailTask(run.Tokens.First(t => t.Id == task.TokenId), fail.Message, fail.ErrorCode);
        return null;
    }

    private static (RejectionReason, string)? Correlate(ExecutionRun run, CorrelateMessage message)
    {
        var subscription = run.Subscriptions.FirstOrDefault(s =>
            s.MessageName == message.MessageName && string.Equals(s.CorrelationKey, message.CorrelationKey, StringComparison.Ordinal));
        if (subscription is null)
        {
            return (RejectionReason.NoSubscription,
                $"Nothing in this instance waits for message '{message.MessageName}' with correlation key '{message.CorrelationKey}'.");
        }

        run.MergeVariables(message.Variables);
        run.DeliverMessage(subscription);
        return null;
    }

    private static (RejectionReason, string)? Fire(ExecutionRun run, FireTimer fire)
    {
        var timer = run.Timers.FirstOrDefault(t => t.Id == fire.TimerId);
        if (timer is null)
        {
            return (RejectionReason.TimerNotScheduled, $"Timer '{fire.TimerId}' is not scheduled; it fired or was cancelled already.");
        }

        run.FireTimer(timer);
        return null;
    }

    private static (RejectionReason, string)? ChildDone(ExecutionRun run, ChildCompleted completed)
    {
        var child = run.Children.FirstOrDefault(c => c.Id == completed.ChildInstanceId);
        if (child is null)
        {
            return (RejectionReason.ChildUnknown, $"No call activity waits for child instance '{completed.ChildInstanceId}'.");
        }

        run.CompleteChild(child, completed.Variables);
        return null;
    }

    private static (RejectionReason, string)? ChildFailed(ExecutionRun run, ChildFaulted faulted)
    {
        var child = run.Children.FirstOrDefault(c => c.Id == faulted.ChildInstanceId);
        if (child is null)
        {
            return (RejectionReason.ChildUnknown, $"No call activity waits for child instance '{faulted.ChildInstanceId}'.");
        }

        run.FailChild(child, faulted.Message, faulted.ErrorCode);
        return null;
    }

    private static (RejectionReason, string)? Retry(ExecutionRun run, RetryIncident retry)
    {
        var incident = run.Incidents.FirstOrDefault(i => i.Id == retry.IncidentId);
        if (incident is null)
        {
            return (RejectionReason.IncidentUnknown, $"Incident '{retry.IncidentId}' is not open.");
        }

        run.Retry(incident);
        return null;
    }

    private static (RejectionReason, string)? Set(ExecutionRun run, SetVariables set)
    {
        run.MergeVariables(set.Variables);
        return null;
    }

    private static (RejectionReason, string)? Cancel(ExecutionRun run, CancelInstance cancel)
    {
        run.Cancel(cancel.Reason);
        return null;
    }
}
