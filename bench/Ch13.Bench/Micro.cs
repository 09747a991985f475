using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Bench;

/// <summary>BenchmarkDotNet settings: in-process (no generated project to build), short runs, one torch thread.</summary>
public static class Micro
{
    public static IConfig Config() => DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short"))
        .WithArtifactsPath(Path.Combine(Workloads.FindRepo(Directory.GetCurrentDirectory()) ?? ".", "out", "bench", "bdn"))
        .WithOptions(ConfigOptions.JoinSummary);
}

/// <summary>One training step (zero_grad, forward, loss, backward, step), TorchSharp's optimiser vs the lib's.</summary>
public class StepBenchmarks
{
    StepRig? rig;

    [Params("step_small_sgd", "step_small_adam", "step_large_sgd", "step_large_adam")]
    public string Case { get; set; } = "step_small_sgd";

    [Params(StepImpl.Naive, StepImpl.Lib)]
    public StepImpl Impl { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        rig = new StepRig(StepCase.All.Single(c => c.Id == Case), Impl);
    }

    [Benchmark]
    public float Step() => rig!.Step();

    [GlobalCleanup]
    public void Cleanup() => rig?.Dispose();
}

/// <summary>
/// One epoch of mini-batches, as the loop gathers them: per batch from a long[] of indices (the old way) vs
/// slices of one index tensor built per epoch (<see cref="Loader.Gather(TensorData, Tensor, long, long)"/>).
/// </summary>
public class LoaderBenchmarks
{
    TensorData? data;
    long[] order = [];
    Tensor? orderTensor;

    /// <summary>Rows × features: XOR's training split, and a 10000-image slice of MNIST.</summary>
    [Params("700x2/20", "10000x784/64")]
    public string Shape { get; set; } = "700x2/20";

    int batchSize;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        var parts = Shape.Split('/');
        var dims = parts[0].Split('x').Select(long.Parse).ToArray();
        batchSize = int.Parse(parts[1]);
        manual_seed(1);
        data = new TensorData(randn(dims[0], dims[1]), randint(0, 10, dims[0]));
        order = Loader.EpochOrder(data.Count, shuffle: true);
        orderTensor = torch.tensor(order);
    }

    [Benchmark(Baseline = true)]
    public long IndexArrays()
    {
        long rows = 0;
        foreach (var indices in Loader.BatchIndices(order, batchSize))
        {
            using var scope = NewDisposeScope();
            var (x, _) = Loader.Gather(data!, indices);
            rows += x.shape[0];
        }
        return rows;
    }

    [Benchmark]
    public long IndexTensorSlices()
    {
        long rows = 0;
        foreach (var (start, count) in Loader.BatchRanges(data!.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var (x, _) = Loader.Gather(data, orderTensor!, start, count);
            rows += x.shape[0];
        }
        return rows;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        data?.Dispose();
        orderTensor?.Dispose();
    }
}

/// <summary>The runner's cached start-up: <c>./csx bench/startup.csx</c> (lib, torch, data, model; no training), warm cache.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, id: "startup")]
public class StartupBenchmarks
{
    string repo = "";

    [GlobalSetup]
    public void Setup() => repo = Workloads.FindRepo(Directory.GetCurrentDirectory()) ?? Workloads.FindRepo(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("run from inside the ch13 checkout");

    [Benchmark]
    public int CachedStartup()
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = repo, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(repo, "csx"));
        start.ArgumentList.Add("bench/startup.csx");
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
