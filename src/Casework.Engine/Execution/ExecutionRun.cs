using System.Globalization;
using System.Text.Json;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Execution;

/// <summary>
/// One command's execution: a mutable working copy of the state that tokens move through, collecting effects.
/// Work is queued (never recursive) so loops in a diagram cannot overflow the stack; a step budget turns an
/// endless loop without wait states into an incident.
/// </summary>
internal sealed partial class ExecutionRun
{
    private const string Root = ExecutableModel.RootScope;
    private readonly ProcessDefinition definition;
    private readonly ExecutableModel model;
    private readonly IExpressionEvaluator expressions;
    private readonly DateTimeOffset now;
    private readonly int maxSteps;
    private readonly Queue<string> agenda = new();
    private readonly List<WorkflowEffect> effects = [];
    private readonly List<Token> tokens;
    private readonly List<ScopeInstance> scopes;
    private readonly List<OpenTask> tasks;
    private readonly List<TimerState> timers;
    private readonly List<Subscription> subscriptions;
    private readonly List<ChildInstance> children;
    private readonly List<Incident> incidents;
    private readonly string instanceId;
    private IReadOnlyDictionary<string, JsonElement> variables;
    private Dictionary<string, JsonElement>? writableVariables;
    private InstanceStatus status;
    private long sequence;
    private string? faultCode;
    private int steps;

    public ExecutionRun(ProcessDefinition definition, InstanceState state, IExpressionEvaluator expressions, DateTimeOffset now, int maxSteps)
    {
        this.definition = definition;
        model = ExecutableModel.For(definition);
        this.expressions = expressions;
        this.now = now;
        this.maxSteps = maxSteps;
        instanceId = state.InstanceId;
        status = state.Status;
        tokens = [.. state.Tokens];
        scopes = [.. state.Scopes];
        tasks = [.. state.Tasks];
        timers = [.. state.Timers];
        subscriptions = [.. state.Subscriptions];
        children = [.. state.Children];
        incidents = [.. state.Incidents];
        variables = state.Variables;
        sequence = state.Sequence;
        faultCode = state.FaultCode;
    }

    public IReadOnlyList<WorkflowEffect> Effects => effects;

    public IReadOnlyList<Token> Tokens => tokens;

    public IReadOnlyList<OpenTask> Tasks => tasks;

    public IReadOnlyList<TimerState> Timers => timers;

    public IReadOnlyList<Subscription> Subscriptions => subscriptions;

    public IReadOnlyList<ChildInstance> Children => children;

    public IReadOnlyList<Incident> Incidents => incidents;

    public IReadOnlyDictionary<string, JsonElement> Variables => variables;

    public InstanceState ToState(InstanceState original) => original with
    {
        Status = status,
        Tokens = [.. tokens],
        Scopes = [.. scopes],
        Tasks = [.. tasks],
        Timers = [.. timers],
        Subscriptions = [.. subscriptions],
        Children = [.. children],
        Incidents = [.. incidents],
        Variables = writableVariables is null ? variables : new Dictionary<string, JsonElement>(writableVariables, StringComparer.Ordinal),
        Sequence = sequence,
        FaultCode = faultCode,
    };

    // ------------------------------------------------------------------ entry points used by commands

    public void Start(string startEventId, IReadOnlyDictionary<string, JsonElement>? input)
    {
        MergeVariables(input);
        var token = NewToken(startEventId, Root, arrivedVia: null);
        agenda.Enqueue(token.Id);
        Drain();
    }

    public void MergeVariables(IReadOnlyDictionary<string, JsonElement>? input)
    {
        if (input is null || input.Count == 0)
        {
            return;
        }

        var target = WritableVariables();
        foreach (var (name, value) in input)
        {
            target[name] = value.Clone();
        }
    }

    /// <summary>The token waiting at an activity or event leaves it through its outgoing flows.</summary>
    public void Complete(Token token)
    {
        CloseWaitingState(token, TaskCloseReason.Completed);
        LeaveNode(ReplaceToken(token, token with { Wait = WaitKind.None, WaitRef = null }));
        Drain();
    }

    public void Cancel(string reason)
    {
        foreach (var token in tokens.Where(t => t.ScopeId == Root).ToList())
        {
            RemoveToken(token, cancelled: true);
        }

        status = InstanceStatus.Cancelled;
        effects.Add(new InstanceCancelled(reason));
    }

    // ------------------------------------------------------------------ the agenda

    private void Drain()
    {
        while (status == InstanceStatus.Running)
        {
            while (agenda.TryDequeue(out var tokenId))
            {
                var token = FindToken(tokenId);
                if (token is null || status != InstanceStatus.Running)
                {
                    continue;
                }

                if (++steps > maxSteps)
                {
                    RaiseIncident(token, $"The process ran {maxSteps} steps without waiting; an endless loop? Stopped at '{token.ElementId}'.");
                    agenda.Clear();
                    return;
                }

                Enter(token);
            }

            if (!FireReadyInclusiveJoins())
            {
                return;
            }
        }
    }

    private void Enter(Token token)
    {
        var node = definition.Nodes[token.ElementId];
        effects.Add(new ElementEntered(node.Id, node.ElementType));
        switch (node)
        {
            case StartEvent or BoundaryEvent:
                LeaveNode(token);
                break;
            case EndEvent end:
                EnterEnd(token, end);
                break;
            case IntermediateCatchEvent catchEvent:
                Wait(token, catchEvent.Trigger, catchEvent.Id);
                break;
            case UserTask userTask:
                EnterUserTask(token, userTask);
                break;
            case ServiceTask service:
                EnterServiceTask(token, service);
                break;
            case ScriptTask script:
                EnterScriptTask(token, script);
                break;
            case ReceiveTask receive:
                Wait(token, receive.Message, receive.Id);
                OpenBoundaryEvents(FindToken(token.Id)!, receive);
                break;
            case SubProcess sub:
                EnterSubProcess(token, sub);
                break;
            case CallActivity call:
                EnterCallActivity(token, call);
                break;
            case ExclusiveGateway exclusive:
                EnterExclusive(token, exclusive);
                break;
            case ParallelGateway parallel:
                EnterParallel(token, parallel);
                break;
            case InclusiveGateway inclusive:
                EnterInclusive(token, inclusive);
                break;
            case EventBasedGateway:
                EnterEventGateway(token);
                break;
            default:
                RaiseIncident(token, $"Element '{node.Id}' ({node.ElementType}) cannot be executed.");
                break;
        }
    }

    // ------------------------------------------------------------------ tokens

    private Token NewToken(string elementId, string scopeId, string? arrivedVia)
    {
        var token = new Token(NextId("k"), elementId, scopeId, WaitKind.None, ArrivedVia: arrivedVia);
        tokens.Add(token);
        return token;
    }

    private string NextId(string prefix) => prefix + (++sequence).ToString(CultureInfo.InvariantCulture);

    private Token? FindToken(string id)
    {
        foreach (var token in tokens)
        {
            if (token.Id == id)
            {
                return token;
            }
        }

        return null;
    }

    private Token ReplaceToken(Token old, Token replacement)
    {
        tokens[tokens.IndexOf(old)] = replacement;
        return replacement;
    }

    /// <summary>Moves the token on along the flows its node selects; it ends when there are none.</summary>
    private void LeaveNode(Token token)
    {
        var node = definition.Nodes[token.ElementId];
        if (!TrySelectFlows(token, node, out var flows))
        {
            return; // an incident was raised
        }

        effects.Add(new ElementLeft(node.Id));
        tokens.Remove(token);
        foreach (var flowId in flows)
        {
            var next = NewToken(definition.Flows[flowId].TargetId, token.ScopeId, flowId);
            agenda.Enqueue(next.Id);
        }

        if (flows.Count == 0)
        {
            CompleteScopeIfEmpty(token.ScopeId);
        }
    }

    /// <summary>
    /// Removes a token and everything that hangs on it: its task, timers, subscriptions, child instance,
    /// incident and, for a sub-process, the whole scope below it.
    /// </summary>
    private void RemoveToken(Token token, bool cancelled)
    {
        CloseWaitingState(token, cancelled ? TaskCloseReason.Cancelled : TaskCloseReason.Completed);
        tokens.Remove(token);
    }

    private void CloseWaitingState(Token token, TaskCloseReason reason)
    {
        for (var i = tasks.Count - 1; i >= 0; i--)
        {
            if (tasks[i].TokenId == token.Id)
            {
                effects.Add(new TaskClosed(tasks[i].Id, tasks[i].ElementId, reason));
                tasks.RemoveAt(i);
            }
        }

        CancelTimersAndSubscriptions(token.Id);
        for (var i = children.Count - 1; i >= 0; i--)
        {
            if (children[i].TokenId == token.Id)
            {
                if (reason == TaskCloseReason.Cancelled)
                {
                    effects.Add(new ChildInstanceCancelled(children[i].Id));
                }

                children.RemoveAt(i);
            }
        }

        for (var i = incidents.Count - 1; i >= 0; i--)
        {
            if (incidents[i].TokenId == token.Id)
            {
                effects.Add(new IncidentResolved(incidents[i].Id));
                incidents.RemoveAt(i);
            }
        }

        if (token.Wait == WaitKind.SubProcess && token.WaitRef is { } scopeId)
        {
            foreach (var inner in tokens.Where(t => t.ScopeId == scopeId).ToList())
            {
                RemoveToken(inner, cancelled: true);
            }

            scopes.RemoveAll(s => s.Id == scopeId);
        }
    }

    private void CancelTimersAndSubscriptions(string tokenId)
    {
        for (var i = timers.Count - 1; i >= 0; i--)
        {
            if (timers[i].TokenId == tokenId)
            {
                effects.Add(new TimerCancelled(timers[i].Id));
                timers.RemoveAt(i);
            }
        }

        for (var i = subscriptions.Count - 1; i >= 0; i--)
        {
            if (subscriptions[i].TokenId == tokenId)
            {
                effects.Add(new MessageSubscriptionClosed(subscriptions[i].Id));
                subscriptions.RemoveAt(i);
            }
        }
    }

    /// <summary>When a scope has no token left it completes: the instance, or the sub-process that owns it.</summary>
    private void CompleteScopeIfEmpty(string scopeId)
    {
        if (status != InstanceStatus.Running || tokens.Exists(t => t.ScopeId == scopeId))
        {
            return;
        }

        if (scopeId == Root)
        {
            status = InstanceStatus.Completed;
            foreach (var timer in timers)
            {
                effects.Add(new TimerCancelled(timer.Id));
            }

            foreach (var subscription in subscriptions)
            {
                effects.Add(new MessageSubscriptionClosed(subscription.Id));
            }

            timers.Clear();
            subscriptions.Clear();
            effects.Add(new InstanceCompleted(variables));
            return;
        }

        var scope = scopes.Find(s => s.Id == scopeId);
        if (scope is null)
        {
            return;
        }

        scopes.Remove(scope);
        if (FindToken(scope.ParentTokenId) is { } owner)
        {
            CancelTimersAndSubscriptions(owner.Id);
            LeaveNode(ReplaceToken(owner, owner with { Wait = WaitKind.None, WaitRef = null }));
        }
    }

    private void RaiseIncident(Token token, string message)
    {
        var incident = new Incident(NextId("i"), token.ElementId, token.Id, message);
        incidents.Add(incident);
        ReplaceToken(token, token with { Wait = WaitKind.Incident, WaitRef = incident.Id });
        effects.Add(new IncidentRaised(incident.Id, token.ElementId, message));
    }

    private Dictionary<string, JsonElement> WritableVariables()
    {
        if (writableVariables is null)
        {
            writableVariables = new Dictionary<string, JsonElement>(variables, StringComparer.Ordinal);
            variables = writableVariables;
        }

        return writableVariables;
    }
}
