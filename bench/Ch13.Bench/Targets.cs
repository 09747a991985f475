namespace Ch13.Bench;

/// <summary>One row of the table: what is measured, the target, and PyTorch's figure on the reference machine.</summary>
public sealed record Target(string Id, string Workload, string Metric, string Unit, double Goal, string PyTorch, string How);

/// <summary>A row's result: the measured value (null when not measured in this run), and the value before optimising when known.</summary>
public sealed record Row(Target Target, double? Measured, double? Baseline)
{
    public bool? Met => Measured is { } m ? m <= Target.Goal : null;
}

public static class Targets
{
    public static IReadOnlyList<Target> All { get; } =
    [
        new("step_small_sgd", StepCase.SmallSgd.Description, "time per step", "µs", 60, "75–80 µs",
            "in-process median of rounds of 2000 steps (zero_grad, forward, loss, backward, step on a fixed batch); 'before' = TorchSharp's optim.SGD, alternating rounds"),
        new("step_small_adam", StepCase.SmallAdam.Description, "time per step", "µs", 80, "145–155 µs",
            "as above, 2000 steps per round; 'before' = TorchSharp's optim.Adam"),
        new("step_large_adam", StepCase.LargeAdam.Description, "time per step", "ms", 10, "165–170 ms (reference BLAS)",
            "as above, 20 steps per round; 'before' = TorchSharp's optim.Adam"),
        new("auto_mpg_loop", ScriptWorkload.AutoMpg.Description, "training loop", "s", 0.6, "1.00 s",
            "./csx scripts/auto_mpg.csx, timings.train_seconds of metrics.json, median of runs"),
        new("auto_mpg_wall", ScriptWorkload.AutoMpg.Description, "wall clock", "s", 1.4, "2.1 s",
            "./csx scripts/auto_mpg.csx from process start to exit (warm compile cache), median of runs"),
        new("mnist_subset_loop", ScriptWorkload.MnistSubset.Description, "training loop", "s", 0.7, "1.36 s",
            "./csx scripts/mnist.csx, timings.train_seconds (incl. per-epoch validation and checkpoints), median of runs"),
        new("mnist_subset_wall", ScriptWorkload.MnistSubset.Description, "wall clock", "s", 1.4, "2.1 s",
            "./csx scripts/mnist.csx from process start to exit (warm compile cache), median of runs"),
        new("mnist_full_loop", ScriptWorkload.MnistFull.Description, "training loop", "s", 2.5, "7.4 s",
            "./csx scripts/mnist.csx --full, timings.train_seconds, median of runs"),
        new("startup", ScriptWorkload.Startup.Description, "start-up to first epoch", "s", 0.5, "0.46 s (import torch)",
            "./csx bench/startup.csx (lib, torch, data, model, optimiser; no training) from process start to exit, median of runs"),
        new("mnist_full_peak_rss", ScriptWorkload.MnistFull.Description, "peak RSS", "MB", 640, "640 MB",
            "VmHWM of the ./csx scripts/mnist.csx --full process (sampled every 10 ms and at each epoch line), median of runs"),
        new("mnist_full_rss_growth", ScriptWorkload.MnistFull.Description, "RSS growth across epochs", "MB", 16, "flat",
            "VmRSS of the script process from its middle to its last epoch line (RSS levels off after the first epochs grow the GC heap and tier up the JIT; every line's RSS is in scripts[].runs[]; median of runs); live tensors per epoch are checked in-process (loops[], PerformanceTests)"),
    ];

    public static Target Get(string id) => All.Single(t => t.Id == id);
}
