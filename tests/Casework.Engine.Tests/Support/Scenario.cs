using System.Text.Json;
using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.State;

namespace Casework.Engine.Tests.Support;

/// <summary>
/// Drives one instance through commands with the real executor and sandbox. Every step also runs on a twin
/// whose state is serialised and read back before the step; the twin must produce the same effects and the
/// same serialised state, so every scenario proves the state round-trips exactly.
/// </summary>
public sealed class Scenario
{
    public static readonly IExpressionEvaluator Expressions = new JintExpressionEvaluator();
    private readonly WorkflowExecutor executor = new(Expressions);
    private InstanceState? twin;

    public Scenario(ProcessDefinition definition, DateTimeOffset? start = null)
    {
        Definition = definition;
        Now = start ?? new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    }

    public ProcessDefinition Definition { get; private set; }

    public InstanceState? State { get; private set; }

    public DateTimeOffset Now { get; set; }

    public List<WorkflowEffect> History { get; } = [];

    public IReadOnlyList<WorkflowEffect> LastEffects { get; private set; } = [];

    public InstanceStatus Status => State!.Status;

    public IEnumerable<string> OpenTaskElements => State!.Tasks.Where(t => t.Kind == TaskKind.User).Select(t => t.ElementId).Order();

    public Scenario Start(object? variables = null, string? startEventId = null, string instanceId = "case-1") =>
        Run(new StartInstance(instanceId, Vars(variables), startEventId));

    public Scenario Complete(string elementId, object? variables = null) =>
        Run(new CompleteTask(TaskOf(elementId, TaskKind.User).Id, Vars(variables)));

    public Scenario CompleteService(string elementId, object? variables = null) =>
        Run(new CompleteServiceTask(TaskOf(elementId, TaskKind.Service).Id, Vars(variables)));

    public Scenario Fire(string elementId) => Run(new FireTimer(State!.Timers.First(t => t.ElementId == elementId).Id));

    public Scenario Correlate(string message, string? key, object? variables = null) => Run(new CorrelateMessage(message, key, Vars(variables)));

    public OpenTask TaskOf(string elementId, TaskKind kind = TaskKind.User) =>
        State!.Tasks.FirstOrDefault(t => t.ElementId == elementId && t.Kind == kind)
        ?? throw new Xunit.Sdk.XunitException($"No open {kind} task at '{elementId}'. Open: {string.Join(", ", State.Tasks.Select(t => t.ElementId))}");

    public JsonElement Variable(string name) => State!.Variables[name];

    /// <summary>Runs a command that must be accepted.</summary>
    public Scenario Run(WorkflowCommand command)
    {
        var result = Execute(command);
        Assert.True(result.Accepted, $"{command.GetType().Name} was rejected: {result.Rejection} {result.Message}");
        return this;
    }

    /// <summary>Runs a command (accepted or not) on both the plain state and its round-tripped twin.</summary>
    public CommandResult Execute(WorkflowCommand command)
    {
        var result = executor.Execute(Definition, State, command, Now);
        var restored = twin is null ? null : InstanceStateSerializer.Deserialize(InstanceStateSerializer.Serialize(twin));
        var replay = executor.Execute(Definition, restored, command, Now);

        Assert.Equal(Describe(result.Effects), Describe(replay.Effects));
        Assert.Equal(result.Accepted, replay.Accepted);
        if (result.State is not null)
        {
            Assert.Equal(InstanceStateSerializer.Serialize(result.State), InstanceStateSerializer.Serialize(replay.State!));
        }

        if (result.Accepted)
        {
            State = result.State;
            twin = replay.State;
            History.AddRange(result.Effects);
            LastEffects = result.Effects;
            InvariantChecks.Assert(Definition, State!, History);
        }

        return result;
    }

    /// <summary>Switches to another definition (after a migration).</summary>
    public void Adopt(ProcessDefinition definition, InstanceState state)
    {
        Definition = definition;
        State = state;
        twin = state;
    }

    public static IReadOnlyDictionary<string, JsonElement>? Vars(object? values) =>
        values is null ? null : JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private static string Describe(IReadOnlyList<WorkflowEffect> effects) =>
        string.Join("\n", effects.Select(e => e switch
        {
            InstanceCompleted c => $"InstanceCompleted {JsonSerializer.Serialize(c.Variables)}",
            ServiceTaskInvoked s => $"ServiceTaskInvoked {s.TaskId} {s.ElementId} {s.HandlerKey} {JsonSerializer.Serialize(s.Variables)}",
            ChildInstanceRequested c => $"ChildInstanceRequested {c.ChildInstanceId} {c.CalledProcessId} {JsonSerializer.Serialize(c.Variables)}",
            TaskOpened t => $"TaskOpened {t.TaskId} {t.ElementId} {string.Join(',', t.CandidateRoles)} {t.DueAt:O} {t.Priority}",
            _ => e.ToString(),
        }));
}
