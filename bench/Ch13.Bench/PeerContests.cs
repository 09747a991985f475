using System.Text.Json.Nodes;

namespace Ch13.Bench;

/// <summary>A workload of issue 21 on both sides: the pack's script and the peer's reference script with its arguments.</summary>
public sealed record PairedScript(string Id, string Workload, ScriptWorkload Pack, string PeerScript, string[] PeerArgs, string[] PeerSmokeArgs);

/// <summary>Issue 21's contests (six workloads, loop and whole process; the three step rows) and how each side runs them.</summary>
public static class PeerContests
{
    /// <summary>Loop at most half of PyTorch's, whole process at most 0.4 of it (issue 21).</summary>
    public const double LoopTarget = 0.5, WholeTarget = 0.4;

    public static IReadOnlyList<PairedScript> Scripts { get; } =
    [
        new("auto_mpg", "Auto MPG (8000 SGD steps, batch 8)", ScriptWorkload.AutoMpg, "mpg.py", [], []),
        new("mnist_subset", "MNIST subset (notebook settings)", ScriptWorkload.MnistSubset, "mnist_subset.py", [], []),
        new("mnist_full", "MNIST full, 5 epochs", ScriptWorkload.MnistFull, "mnist_full.py", [], ["--epochs", "1"]),
        new("seq_blobs", "blobs, nn.Sequential", ScriptWorkload.Sequential, "seq_blobs.py", ["--data", "seed"], ["--data", "seed"]),
        new("xor", "XOR, MyModule", ScriptWorkload.XorMlp, "xor.py", ["--data", "seed"], ["--data", "seed"]),
        new("noisy_xor", "noisy XOR", ScriptWorkload.NoisyXor, "noisy_xor.py", ["--data", "seed"], ["--data", "seed"]),
    ];

    public static readonly Contest Steps = new("steps", "one training step (fixed batch)",
    [
        new("step_small_sgd", "step, 2-10-6-2 batch 20, SGD", "µs", null),
        new("step_small_adam", "step, 2-10-6-2 batch 20, Adam", "µs", null),
        new("step_large_adam", "step, 784-256-128-10 batch 1024, Adam", "ms", null),
    ]);

    public static Contest ContestOf(PairedScript script) => new(script.Id, script.Workload,
    [
        new($"{script.Id}_loop", "training loop", "s", LoopTarget),
        new($"{script.Id}_whole", "whole process", "s", WholeTarget),
    ]);

    public static IReadOnlyList<Contest> All { get; } = [.. Scripts.Select(ContestOf), Steps];

    /// <summary>The pack's side: a script through ./csx (loop = the script's own timing), or the lib's steps in-process.</summary>
    public static Func<Contest, IReadOnlyDictionary<string, double?>> PackSide(string repo, bool smoke, StepRounds steps) => contest =>
    {
        if (contest.Id == Steps.Id) return steps.Round();
        var script = Scripts.Single(s => s.Id == contest.Id);
        var run = ScriptRuns.Run(repo, script.Pack, smoke);
        if (run.ExitCode != 0) throw new InvalidOperationException($"{script.Pack.Script} exited {run.ExitCode}:\n{Tail(run.Output)}");
        return new Dictionary<string, double?> { [$"{script.Id}_loop"] = run.LoopSeconds, [$"{script.Id}_whole"] = run.WallSeconds };
    };

    /// <summary>The peer's side: the reference script in the chroot (loop = its train_seconds, whole = wall clock around chroot).</summary>
    public static Func<Contest, IReadOnlyDictionary<string, double?>> PeerSide(Peer peer, bool smoke, int largeSteps) => contest =>
    {
        if (contest.Id == Steps.Id)
        {
            var (stepRun, step) = peer.RunScript("step_overhead.py", ["--large-steps", largeSteps.ToString()]);
            var json = step ?? throw new InvalidOperationException($"step_overhead.py exited {stepRun.ExitCode} without a result:\n{Tail(stepRun.Output)}");
            return new Dictionary<string, double?>
            {
                ["step_small_sgd"] = Number(json, "small_sgd_us_per_step"),
                ["step_small_adam"] = Number(json, "small_adam_us_per_step"),
                ["step_large_adam"] = Number(json, "large_ms_per_step"),
            };
        }
        var script = Scripts.Single(s => s.Id == contest.Id);
        var (process, result) = peer.RunScript(script.PeerScript, smoke ? script.PeerSmokeArgs : script.PeerArgs);
        if (process.ExitCode != 0 || result is null)
            throw new InvalidOperationException($"peer {script.PeerScript} exited {process.ExitCode}:\n{Tail(process.Output)}");
        return new Dictionary<string, double?> { [$"{script.Id}_loop"] = Number(result, "train_seconds"), [$"{script.Id}_whole"] = process.WallSeconds };
    };

    static double? Number(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(15));
}

/// <summary>The pack's step rows, one round at a time: the lib's optimiser (what the loops use), rigs built and warmed once.</summary>
public sealed class StepRounds(bool smoke) : IDisposable
{
    readonly Dictionary<StepCase, StepRig> rigs = new();

    public IReadOnlyDictionary<string, double?> Round()
    {
        var result = new Dictionary<string, double?>();
        foreach (var step in new[] { StepCase.SmallSgd, StepCase.SmallAdam, StepCase.LargeAdam })
        {
            var (perRound, warmup) = smoke ? (step.Large ? 2 : 50, step.Large ? 1 : 20) : (step.Large ? 30 : 2000, step.Large ? 10 : 100);
            if (!rigs.TryGetValue(step, out var rig))
            {
                rigs[step] = rig = new StepRig(step, StepImpl.Lib);
                for (var i = 0; i < warmup; i++) rig.Step();
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < perRound; i++) rig.Step();
            var micro = clock.Elapsed.TotalMicroseconds / perRound;
            result[step.Id] = step.Large ? micro / 1000 : micro;
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var rig in rigs.Values) rig.Dispose();
    }
}
