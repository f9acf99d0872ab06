using BenchmarkDotNet.Attributes;
using Casework.Engine.Execution;
using Casework.Engine.Expressions;
using Casework.Engine.Model;
using Casework.Engine.Parsing;
using Casework.Engine.State;

namespace Casework.Engine.Benchmarks;

/// <summary>
/// In-memory engine throughput. One transition is one accepted command (start, complete task, fire timer);
/// <c>OperationsPerInvoke</c> makes BenchmarkDotNet report time and allocation per transition.
/// </summary>
[MemoryDiagnoser]
public class TransitionBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyDictionary<string, System.Text.Json.JsonElement> Urgent =
        new Dictionary<string, System.Text.Json.JsonElement> { ["urgent"] = System.Text.Json.JsonSerializer.SerializeToElement(true) };

    private readonly WorkflowExecutor executor = new(new JintExpressionEvaluator());
    private ProcessDefinition chain = null!;
    private ProcessDefinition forkJoin = null!;

    [GlobalSetup]
    public void Setup()
    {
        chain = Load("chain.bpmn");
        forkJoin = Load("fork-join-timer.bpmn");
    }

    /// <summary>Start + 10 user tasks completed in turn: 11 transitions.</summary>
    [Benchmark(OperationsPerInvoke = 11)]
    public InstanceState TenStepUserTaskChain()
    {
        var state = Run(chain, null, new StartInstance("bench", Urgent));
        for (var step = 0; step < 10; step++)
        {
            state = Run(chain, state, new CompleteTask(state.Tasks[0].Id));
        }

        return state;
    }

    /// <summary>Start (fork with a boundary timer) + both branches completed (join): 3 transitions.</summary>
    [Benchmark(OperationsPerInvoke = 3)]
    public InstanceState ForkJoinWithBoundaryTimer()
    {
        var state = Run(forkJoin, null, new StartInstance("bench"));
        state = Run(forkJoin, state, new CompleteTask(state.Tasks[0].Id));
        return Run(forkJoin, state, new CompleteTask(state.Tasks[0].Id));
    }

    private InstanceState Run(ProcessDefinition definition, InstanceState? state, WorkflowCommand command)
    {
        var result = executor.Execute(definition, state, command, Now);
        return result.Accepted ? result.State! : throw new InvalidOperationException(result.Message);
    }

    private static ProcessDefinition Load(string file)
    {
        var result = new BpmnParser().Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));
        return result.Succeeded ? result.Processes[0] : throw new InvalidOperationException(string.Join("; ", result.Problems));
    }
}
