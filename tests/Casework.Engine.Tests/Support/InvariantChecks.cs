using Casework.Engine.Execution;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Tests.Support;

/// <summary>What must hold of every state after every accepted command.</summary>
public static class InvariantChecks
{
    public static void Assert(ProcessDefinition definition, InstanceState state, IReadOnlyList<WorkflowEffect> history)
    {
        foreach (var token in state.Tokens)
        {
            Xunit.Assert.True(definition.Nodes.ContainsKey(token.ElementId), $"Token {token.Id} sits on unknown element '{token.ElementId}'.");
            Xunit.Assert.True(token.ScopeId == "root" || state.Scopes.Any(s => s.Id == token.ScopeId), $"Token {token.Id} is in unknown scope {token.ScopeId}.");
        }

        foreach (var task in state.Tasks)
        {
            Xunit.Assert.Contains(state.Tokens, t => t.Id == task.TokenId);
        }

        foreach (var timer in state.Timers)
        {
            Xunit.Assert.Contains(state.Tokens, t => t.Id == timer.TokenId);
        }

        foreach (var subscription in state.Subscriptions)
        {
            Xunit.Assert.Contains(state.Tokens, t => t.Id == subscription.TokenId);
        }

        var opened = history.OfType<TaskOpened>().Select(t => t.TaskId)
            .Concat(history.OfType<ServiceTaskInvoked>().Select(s => s.TaskId)).ToList();
        var closed = history.OfType<TaskClosed>().Select(t => t.TaskId).ToList();
        Xunit.Assert.Equal(closed.Count, closed.Distinct().Count());
        Xunit.Assert.All(closed, id => Xunit.Assert.Contains(id, opened));
        Xunit.Assert.All(state.Tasks, t => Xunit.Assert.DoesNotContain(t.Id, closed));
        Xunit.Assert.Equal(opened.Except(closed).Order(), state.Tasks.Select(t => t.Id).Order());

        if (state.IsFinished)
        {
            Xunit.Assert.Empty(state.Tokens);
            Xunit.Assert.Empty(state.Tasks);
            Xunit.Assert.Empty(state.Timers);
            Xunit.Assert.Empty(state.Subscriptions);
        }
    }
}
