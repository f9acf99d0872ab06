using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Execution;

internal sealed partial class ExecutionRun
{
    private void EnterExclusive(Token token, ExclusiveGateway gateway)
    {
        foreach (var flowId in gateway.Outgoing)
        {
            if (flowId == gateway.DefaultFlowId)
            {
                continue;
            }

            var flow = definition.Flows[flowId];
            if (!TryCondition(token, flow, out var taken))
            {
                return;
            }

            if (taken)
            {
                MoveAlong(token, [flowId]);
                return;
            }
        }

        if (gateway.DefaultFlowId is { } fallback)
        {
            MoveAlong(token, [fallback]);
            return;
        }

        RaiseIncident(token, $"No condition of exclusive gateway '{gateway.Id}' is true and it has no default flow.");
    }

    private void EnterParallel(Token token, ParallelGateway gateway)
    {
        if (gateway.Incoming.Count <= 1)
        {
            MoveAlong(token, gateway.Outgoing);
            return;
        }

        token = ReplaceToken(token, token with { Wait = WaitKind.Join });
        var arrived = WaitingAtJoin(gateway.Id, token.ScopeId);
        var oneEach = new List<Token>(gateway.Incoming.Count);
        foreach (var flowId in gateway.Incoming)
        {
            var match = arrived.Find(t => t.ArrivedVia == flowId);
            if (match is null)
            {
                return; // still waiting for a branch
            }

            oneEach.Add(match);
        }

        MergeJoin(oneEach, gateway, gateway.Outgoing);
    }

    private void EnterInclusive(Token token, InclusiveGateway gateway)
    {
        if (gateway.Incoming.Count <= 1)
        {
            ForkInclusive(token, gateway);
            return;
        }

        ReplaceToken(token, token with { Wait = WaitKind.Join });

        // Whether it fires is decided once the agenda is empty: see FireReadyInclusiveJoins.
    }

    /// <summary>
    /// Fires every inclusive join that no other token of its scope can still reach. Runs when nothing else is
    /// queued, so tokens that are about to move have moved. Returns true when one fired.
    /// </summary>
    private bool FireReadyInclusiveJoins()
    {
        foreach (var waiting in tokens)
        {
            if (waiting.Wait != WaitKind.Join || definition.Nodes[waiting.ElementId] is not InclusiveGateway gateway)
            {
                continue;
            }

            var upstream = model.Upstream(gateway.Id);
            var blocked = tokens.Exists(t => t.ScopeId == waiting.ScopeId && t.ElementId != gateway.Id && upstream.Contains(t.ElementId));
            if (blocked)
            {
                continue;
            }

            var arrived = WaitingAtJoin(gateway.Id, waiting.ScopeId);
            var oneEach = arrived.GroupBy(t => t.ArrivedVia).Select(g => g.First()).ToList();
            var merged = MergeJoin(oneEach, gateway, outgoing: null);
            ForkInclusive(merged, gateway);
            return true;
        }

        return false;
    }

    private List<Token> WaitingAtJoin(string gatewayId, string scopeId) =>
        tokens.FindAll(t => t.Wait == WaitKind.Join && t.ElementId == gatewayId && t.ScopeId == scopeId);

    /// <summary>Consumes one token per arrived flow and continues with a single token.</summary>
    private Token MergeJoin(List<Token> consumed, Gateway gateway, IReadOnlyList<string>? outgoing)
    {
        foreach (var token in consumed)
        {
            tokens.Remove(token);
        }

        var merged = NewToken(gateway.Id, consumed[0].ScopeId, arrivedVia: null);
        if (outgoing is not null)
        {
            MoveAlong(merged, outgoing);
        }

        return merged;
    }

    private void ForkInclusive(Token token, InclusiveGateway gateway)
    {
        var taken = new List<string>();
        foreach (var flowId in gateway.Outgoing)
        {
            if (flowId == gateway.DefaultFlowId)
            {
                continue;
            }

            if (!TryCondition(token, definition.Flows[flowId], out var isTrue))
            {
                return;
            }

            if (isTrue)
            {
                taken.Add(flowId);
            }
        }

        if (taken.Count == 0 && gateway.DefaultFlowId is { } fallback)
        {
            taken.Add(fallback);
        }

        if (taken.Count == 0)
        {
            RaiseIncident(token, $"No condition of inclusive gateway '{gateway.Id}' is true and it has no default flow.");
            return;
        }

        MoveAlong(token, taken);
    }

    private void EnterEventGateway(Token token)
    {
        token = ReplaceToken(token, token with { Wait = WaitKind.EventGateway });
        foreach (var flowId in definition.Nodes[token.ElementId].Outgoing)
        {
            var target = definition.Nodes[definition.Flows[flowId].TargetId];
            EventDefinition? trigger = target switch
            {
                IntermediateCatchEvent catchEvent => catchEvent.Trigger,
                ReceiveTask receive => receive.Message,
                _ => null,
            };
            if (trigger is null)
            {
                RaiseIncident(token, $"Event-based gateway '{token.ElementId}' is followed by '{target.Id}', which is not a catch event.");
                return;
            }

            if (!TryOpenTrigger(token, trigger, target.Id))
            {
                return;
            }
        }
    }

    /// <summary>Moves a token along the given flows (a gateway's choice).</summary>
    private void MoveAlong(Token token, IReadOnlyList<string> flows)
    {
        effects.Add(new ElementLeft(token.ElementId));
        tokens.Remove(token);
        foreach (var flowId in flows)
        {
            agenda.Enqueue(NewToken(definition.Flows[flowId].TargetId, token.ScopeId, flowId).Id);
        }

        if (flows.Count == 0)
        {
            CompleteScopeIfEmpty(token.ScopeId);
        }
    }

    /// <summary>
    /// The flows a non-gateway node leaves by: every unconditioned flow and every flow whose condition is true.
    /// Gateways choose for themselves and always call <see cref="MoveAlong"/>.
    /// </summary>
    private bool TrySelectFlows(Token token, FlowNode node, out List<string> flows)
    {
        flows = new List<string>(node.Outgoing.Count);
        foreach (var flowId in node.Outgoing)
        {
            if (!TryCondition(token, definition.Flows[flowId], out var taken))
            {
                return false;
            }

            if (taken)
            {
                flows.Add(flowId);
            }
        }

        return true;
    }

    private bool TryCondition(Token token, SequenceFlow flow, out bool taken)
    {
        taken = true;
        if (string.IsNullOrWhiteSpace(flow.Condition))
        {
            return true;
        }

        var source = ExpressionText.TryUnwrap(flow.Condition, out var inner) ? inner : flow.Condition;
        var result = expressions.Evaluate(source, ExpressionKind.Condition, new ExpressionContext(variables, now));
        if (!result.Succeeded)
        {
            RaiseIncident(token, $"Condition of sequence flow '{flow.Id}' failed ({result.Failure}): {result.Error}");
            return false;
        }

        taken = result.Value.ValueKind == System.Text.Json.JsonValueKind.True;
        return true;
    }
}
