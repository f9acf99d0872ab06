using CsCheck;
using Casework.Engine.Execution;
using Casework.Engine.State;
using Casework.Engine.Tests.Support;

namespace Casework.Engine.Tests.Execution;

/// <summary>
/// Random sequences of valid commands never corrupt a state: after every step the scenario checks that tokens
/// sit on existing elements, no task is both open and closed, a finished instance has no tokens, timers or
/// subscriptions, and that a serialised copy of the state behaves identically.
/// </summary>
public sealed class PropertyTests
{
    public static TheoryData<string> Definitions() =>
    [
        "errors.bpmn", "terminate.bpmn", "fork-join-timer.bpmn", "inclusive.bpmn", "event-race.bpmn", "activities.bpmn", "approval-loop.bpmn",
    ];

    [Theory]
    [MemberData(nameof(Definitions))]
    public void RandomValidCommands_NeverCorruptTheState(string fixture)
    {
        var definition = Fixtures.LoadSingle($"Execution/Fixtures/{fixture}");
        var gen = Gen.Select(Gen.Int[0, 10_000].Array[1, 25], Gen.Bool, Gen.Bool);

        gen.Sample((choices, flagA, flagB) =>
        {
            var scenario = new Scenario(definition).Start(new
            {
                caseId = "C-1",
                isChild = flagA,
                tortureSurvivor = flagB,
                exclusion = flagA && flagB,
                needs = flagA ? new[] { "TR" } : [],
                outcome = flagB ? "approve" : "return",
            });
            foreach (var choice in choices)
            {
                if (scenario.State!.IsFinished)
                {
                    break;
                }

                var commands = ValidCommands(scenario.State!);
                if (commands.Count == 0)
                {
                    break;
                }

                var command = commands[choice % commands.Count];
                if (command is FireTimer fire)
                {
                    scenario.Now = scenario.State!.Timers.Single(t => t.Id == fire.TimerId).DueAt;
                }

                scenario.Run(command);
            }
        }, iter: 60);
    }

    private static List<WorkflowCommand> ValidCommands(InstanceState state)
    {
        var commands = new List<WorkflowCommand>();
        commands.AddRange(state.Tasks.Select(t => t.Kind == TaskKind.User
            ? (WorkflowCommand)new CompleteTask(t.Id, Scenario.Vars(new { outcome = "approve", exclusion = false }))
            : new CompleteServiceTask(t.Id)));
        commands.AddRange(state.Timers.Select(t => new FireTimer(t.Id)));
        commands.AddRange(state.Subscriptions.Select(s => new CorrelateMessage(s.MessageName, s.CorrelationKey)));
        if (commands.Count > 0)
        {
            commands.Add(new CancelInstance("random"));
        }

        return commands;
    }
}
