using System.Text.Json;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Execution;

internal sealed partial class ExecutionRun
{
    private void EnterEnd(Token token, EndEvent end)
    {
        switch (end.Kind)
        {
            case EndEventKind.Terminate:
                tokens.Remove(token);
                TerminateScope(token.ScopeId);
                break;
            case EndEventKind.Error:
                tokens.Remove(token);
                ThrowError(end.Error?.ErrorCode, $"Error end event '{end.Id}' was reached.", token.ScopeId, sourceActivity: null);
                break;
            default:
                effects.Add(new ElementLeft(end.Id));
                tokens.Remove(token);
                CompleteScopeIfEmpty(token.ScopeId);
                break;
        }
    }

    private void EnterUserTask(Token token, UserTask userTask)
    {
        if (!TryEvaluateText(token, userTask.Assignee, out var assignee)
            || !TryEvaluateDue(token, userTask.Due, out var due)
            || !TryEvaluatePriority(token, userTask.Priority, out var priority))
        {
            return;
        }

        var task = new OpenTask(NextId("t"), userTask.Id, token.Id, TaskKind.User);
        tasks.Add(task);
        token = ReplaceToken(token, token with { Wait = WaitKind.UserTask, WaitRef = task.Id });
        effects.Add(new TaskOpened(task.Id, userTask.Id, userTask.Name, userTask.CandidateRoles, userTask.CandidateUsers,
            assignee, userTask.FormKey, due, priority));
        OpenBoundaryEvents(token, userTask);
    }

    private void EnterServiceTask(Token token, ServiceTask service)
    {
        var task = new OpenTask(NextId("t"), service.Id, token.Id, TaskKind.Service);
        tasks.Add(task);
        token = ReplaceToken(token, token with { Wait = WaitKind.ServiceTask, WaitRef = task.Id });
        effects.Add(new ServiceTaskInvoked(task.Id, service.Id, service.HandlerKey, variables));
        OpenBoundaryEvents(token, service);
    }

    private void EnterScriptTask(Token token, ScriptTask script)
    {
        var result = expressions.Evaluate(script.Script, ExpressionKind.Script, new ExpressionContext(variables, now));
        if (!result.Succeeded)
        {
            RaiseIncident(token, $"Script task '{script.Id}' failed ({result.Failure}): {result.Error}");
            return;
        }

        if (result.Variables is { } after)
        {
            var target = WritableVariables();
            target.Clear();
            foreach (var (name, value) in after)
            {
                target[name] = value;
            }
        }

        if (script.ResultVariable is { Length: > 0 } resultVariable)
        {
            WritableVariables()[resultVariable] = result.Value;
        }

        LeaveNode(token);
    }

    private void EnterSubProcess(Token token, SubProcess sub)
    {
        var scope = new ScopeInstance(NextId("s"), sub.Id, token.ScopeId, token.Id);
        scopes.Add(scope);
        token = ReplaceToken(token, token with { Wait = WaitKind.SubProcess, WaitRef = scope.Id });
        OpenBoundaryEvents(token, sub);
        if (model.NoneStartByScope.TryGetValue(sub.Id, out var start))
        {
            agenda.Enqueue(NewToken(start, scope.Id, arrivedVia: null).Id);
        }
        else
        {
            CompleteScopeIfEmpty(scope.Id);
        }
    }

    private void EnterCallActivity(Token token, CallActivity call)
    {
        var input = call.PassAllVariables ? new Dictionary<string, JsonElement>(variables, StringComparer.Ordinal) : [];
        if (!TryMap(token, call.Inputs, variables, input))
        {
            return;
        }

        var child = new ChildInstance($"{instanceId}.{NextId("c")}", call.Id, token.Id);
        children.Add(child);
        token = ReplaceToken(token, token with { Wait = WaitKind.Child, WaitRef = child.Id });
        effects.Add(new ChildInstanceRequested(child.Id, call.Id, call.CalledProcessId, call.Binding, call.CalledVersion, input));
        OpenBoundaryEvents(token, call);
    }

    /// <summary>The call activity's child completed: copy its outputs back and move on.</summary>
    public void CompleteChild(ChildInstance child, IReadOnlyDictionary<string, JsonElement>? childVariables)
    {
        var token = FindToken(child.TokenId)!;
        var call = (CallActivity)definition.Nodes[child.ElementId];
        var source = childVariables ?? new Dictionary<string, JsonElement>();
        var output = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (call.PassAllVariables)
        {
            foreach (var (name, value) in source)
            {
                output[name] = value;
            }
        }

        if (!TryMap(token, call.Outputs, source, output))
        {
            Drain();
            return;
        }

        MergeVariables(output);
        Complete(token);
    }

    private bool TryMap(Token token, IReadOnlyList<VariableMapping> mappings, IReadOnlyDictionary<string, JsonElement> from,
        Dictionary<string, JsonElement> to)
    {
        foreach (var mapping in mappings)
        {
            if (ExpressionText.TryUnwrap(mapping.Source, out var expression))
            {
                var result = expressions.Evaluate(expression, ExpressionKind.Value, new ExpressionContext(from, now));
                if (!result.Succeeded)
                {
                    RaiseIncident(token, $"Mapping to '{mapping.Target}' failed ({result.Failure}): {result.Error}");
                    return false;
                }

                to[mapping.Target] = result.Value;
            }
            else if (from.TryGetValue(mapping.Source, out var value))
            {
                to[mapping.Target] = value;
            }
        }

        return true;
    }
}
