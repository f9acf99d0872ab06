using System.Text.Json;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Execution;

internal sealed partial class ExecutionRun
{
    /// <summary>
    /// Throws a BPMN error: the nearest boundary error event that matches the code catches it — on the activity
    /// that raised it, then on each enclosing sub-process up the scope chain. Catching cancels everything inside
    /// the catching activity. Uncaught at the top, the instance faults.
    /// </summary>
    public void ThrowError(string? code, string message, string scopeId, Token? sourceActivity)
    {
        if (sourceActivity is not null && TryCatch(sourceActivity, code, message))
        {
            Drain();
            return;
        }

        var current = scopeId;
        while (current != Root)
        {
            var scope = scopes.Find(s => s.Id == current);
            if (scope is null || FindToken(scope.ParentTokenId) is not { } owner)
            {
                break;
            }

            if (TryCatch(owner, code, message))
            {
                Drain();
                return;
            }

            current = scope.ParentScopeId;
        }

        Fault(code, message);
    }

    /// <summary>
    /// Catches the error on the activity's first boundary error event that matches, keeping its code and message in the
    /// variables the event names (the message is the thrower's: what a service task's handler said, for example).
    /// </summary>
    private bool TryCatch(Token activityToken, string? code, string message)
    {
        if (definition.Nodes[activityToken.ElementId] is not Activity activity)
        {
            return false;
        }

        foreach (var boundaryId in activity.BoundaryEventIds)
        {
            var boundary = (BoundaryEvent)definition.Nodes[boundaryId];
            if (boundary.Trigger is ErrorDefinition error && (error.ErrorCode is null || error.ErrorCode == code))
            {
                RemoveToken(activityToken, cancelled: true);
                if (error.CodeVariable is { } codeVariable)
                {
                    WritableVariables()[codeVariable] = JsonSerializer.SerializeToElement(code);
                }

                if (error.MessageVariable is { } messageVariable)
                {
                    WritableVariables()[messageVariable] = JsonSerializer.SerializeToElement(message);
                }

                agenda.Enqueue(NewToken(boundary.Id, activityToken.ScopeId, arrivedVia: null).Id);
                return true;
            }
        }

        return false;
    }

    private void Fault(string? code, string message)
    {
        foreach (var token in tokens.Where(t => t.ScopeId == Root).ToList())
        {
            RemoveToken(token, cancelled: true);
        }

        foreach (var timer in timers)
        {
            effects.Add(new TimerCancelled(timer.Id));
        }

        timers.Clear();
        subscriptions.Clear();
        status = InstanceStatus.Faulted;
        faultCode = code;
        agenda.Clear();
        effects.Add(new InstanceFaulted(message, code));
    }

    /// <summary>A terminate end event: every token of the scope goes, then the scope completes.</summary>
    private void TerminateScope(string scopeId)
    {
        foreach (var token in tokens.Where(t => t.ScopeId == scopeId).ToList())
        {
            RemoveToken(token, cancelled: true);
        }

        CompleteScopeIfEmpty(scopeId);
    }

    /// <summary>The host's service task work failed: a BPMN error with a code, otherwise an incident.</summary>
    public void FailTask(Token token, string message, string? code)
    {
        if (code is null)
        {
            CloseTaskOnly(token);
            RaiseIncident(FindToken(token.Id)!, message);
            return;
        }

        ThrowError(code, message, token.ScopeId, token);
    }

    /// <summary>A call activity's child faulted: its error code travels on as a BPMN error, else an incident.</summary>
    public void FailChild(ChildInstance child, string message, string? code)
    {
        children.Remove(child);
        var token = FindToken(child.TokenId)!;
        if (code is null)
        {
            RaiseIncident(token, $"The called process failed: {message}");
            return;
        }

        ThrowError(code, message, token.ScopeId, token);
    }

    /// <summary>Re-runs the element an incident stopped at.</summary>
    public void Retry(Incident incident)
    {
        incidents.Remove(incident);
        effects.Add(new IncidentResolved(incident.Id));
        var token = FindToken(incident.TokenId)!;
        token = ReplaceToken(token, token with { Wait = WaitKind.None, WaitRef = null });
        if (token.ArrivedVia is null && definition.Nodes[token.ElementId] is InclusiveGateway { Incoming.Count: > 1 } join)
        {
            // The join had fired; only its fork failed.
            ForkInclusive(token, join);
        }
        else
        {
            agenda.Enqueue(token.Id);
        }

        Drain();
    }

    private void CloseTaskOnly(Token token)
    {
        for (var i = tasks.Count - 1; i >= 0; i--)
        {
            if (tasks[i].TokenId == token.Id)
            {
                effects.Add(new TaskClosed(tasks[i].Id, tasks[i].ElementId, TaskCloseReason.Cancelled));
                tasks.RemoveAt(i);
            }
        }

        CancelTimersAndSubscriptions(token.Id);
    }
}
