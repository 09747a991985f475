using System.Diagnostics;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Bench;

/// <summary>
/// What one call into libtorch costs from C# (µs, medians of rounds): the floor's unit; and two costs above it in a
/// small step: the 2-10-6-2 forward through <c>Module.call</c> against the same five ops called directly, and the
/// flat optimiser's <c>zero_grad</c> (which checks a parameter's link first) against the bare <c>zero_</c> it does.
/// </summary>
public sealed record OpCosts(double InPlace, double Allocating, double View, double Item, double Scope,
    double ForwardModuleCall, double ForwardDirect, double ZeroGradFlat, double ZeroGradBare);

/// <summary>Everything <c>--where</c> measured: per-op costs, step phases, loop phases, whole-process phases.</summary>
public sealed record WhereReport(OpCosts Ops, IReadOnlyList<StepSummary> Steps, IReadOnlyList<LoopSplit> Loops,
    IReadOnlyDictionary<string, double> ProcessPhases, int ProcessRuns, double ProcessWallSeconds);

public static class Floor
{
    /// <summary>
    /// Per-call costs on tiny tensors, where the kernel is nothing and the call is everything: an in-place add of two
    /// 1-element tensors (dispatch and P/Invoke only), an add of two [20, 10] tensors that makes a new one (plus its
    /// handle and Dispose), a narrow (a view), <c>item</c>, and an empty dispose scope.
    /// </summary>
    public static OpCosts Measure(int calls, int rounds)
    {
        using var one = ones(1);
        using var two = ones(1);
        using var a = ones(20, 10);
        using var b = ones(20, 10);
        // Rounds interleave the ops (each op once per round, after a warm-up of all), and each op's figure is its
        // fastest round: load on a shared machine only adds time, and a floor wants the undisturbed cost.
        var ops = new List<Action>();
        int Time(Action op) { ops.Add(op); return ops.Count - 1; }
        manual_seed(1);
        using var model = Nets.Mlp(new MlpSpec(2, [10, 6], 2));
        using var x = randn(20, 2);
        var p = model.parameters().ToArray();
        using var optimizer = (FlatSgd)Optimizers.Flat(new Sgd(0.01), p);
        var grads = optimizer.Flat!.Grads;
        var index = new[]
        {
            Time(() => one.add_(two)),
            Time(() => a.add(b).Dispose()),
            Time(() => a.narrow(0, 0, 10).Dispose()),
            Time(() => one.item<float>()),
            Time(() => NewDisposeScope().Dispose()),
            Time(() => { using var scope = NewDisposeScope(); model.call(x); }),
            Time(() =>
            {
                using var scope = NewDisposeScope();
                nn.functional.linear(sigmoid(nn.functional.linear(sigmoid(nn.functional.linear(x, p[0], p[1])), p[2], p[3])), p[4], p[5]);
            }),
            Time(optimizer.zero_grad),
            Time(() => grads.zero_()),
        };
        foreach (var op in ops)
            for (var i = 0; i < calls / 10; i++) op();
        var best = ops.Select(_ => double.PositiveInfinity).ToArray();
        for (var r = 0; r < rounds; r++)
            for (var o = 0; o < ops.Count; o++)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < calls; i++) ops[o]();
                best[o] = Math.Min(best[o], clock.Elapsed.TotalMicroseconds / calls);
            }
        var µs = index.Select(i => best[i]).ToArray();
        return new OpCosts(µs[0], µs[1], µs[2], µs[3], µs[4], µs[5], µs[6], µs[7], µs[8]);
    }

    /// <summary>
    /// Runs <c>./csx bench/phases.csx</c> <paramref name="runs"/> times (after one untimed run that fills the compile
    /// cache) and returns the median of each phase, plus the median wall clock around the process.
    /// </summary>
    public static (IReadOnlyDictionary<string, double> Phases, double Wall) ProcessPhases(string repo, int runs)
    {
        var samples = new List<Dictionary<string, double>>();
        var walls = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var outDir = Directory.CreateTempSubdirectory("ch13-bench-phases-").FullName;
            try
            {
                var start = new ProcessStartInfo("bash") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var arg in new[] { Path.Combine(repo, "csx"), "bench/phases.csx", "--", "--out", outDir, "--quiet" }) start.ArgumentList.Add(arg);
                var run = Peer.TimeProcess(start, 1 << 20);
                var line = run.Output.Split('\n').LastOrDefault(l => l.StartsWith("phases ", StringComparison.Ordinal))
                    ?? throw new InvalidOperationException($"bench/phases.csx exited {run.ExitCode} without its line:\n{run.Output}");
                if (i == 0) continue; // the warm-up
                var json = JsonNode.Parse(line["phases ".Length..])!.AsObject();
                samples.Add(json.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()));
                walls.Add(run.WallSeconds);
            }
            finally
            {
                try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
            }
        }
        var medians = samples[0].Keys.ToDictionary(k => k, k => Math.Round(Stats.Median(samples.Select(s => s[k])), 4));
        return (medians, Stats.Median(walls));
    }
}
