using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Casework.Engine.Benchmarks.TransitionBenchmarks).Assembly).Run(args);
