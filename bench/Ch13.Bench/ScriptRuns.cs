using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ch13.Bench;

/// <summary>
/// A section script run end to end through the repo's <c>./csx</c>, as a user runs it. Its loop time is the record's
/// <c>timings.train_seconds</c>, or one series' time when <paramref name="LoopSeries"/> names it.
/// </summary>
public sealed record ScriptWorkload(string Id, string Script, string[] Args, string[] SmokeArgs, string Description, string? LoopSeries = null)
{
    public static readonly ScriptWorkload AutoMpg = new("auto_mpg", "scripts/auto_mpg.csx", [], ["--quick"],
        "Auto MPG, 200 epochs × 40 batches of 8 (8000 SGD steps), notebook settings");
    public static readonly ScriptWorkload MnistSubset = new("mnist_subset", "scripts/mnist.csx", [], ["--quick"],
        "MNIST subset (1000/200), batch 20, Adam, plateau LR + early stopping (42 epochs × 50 batches)");
    public static readonly ScriptWorkload MnistFull = new("mnist_full", "scripts/mnist.csx", ["--full"], ["--full", "--quick"],
        "MNIST full (60000/10000), 5 epochs, batch 64 (4690 Adam steps)");
    public static readonly ScriptWorkload Xor = new("xor", "scripts/xor.csx", [], ["--quick"],
        "XOR: Linear(2,2) then the 2→10→6→2 MLP, 100 epochs × 35 batches of 20 each, Adam");
    /// <summary>Everything before the first epoch (runner start, cached script load, lib, torch, data, model), then exit.</summary>
    public static readonly ScriptWorkload Startup = new("startup", "bench/startup.csx", [], [],
        "process start-up to first epoch (./csx bench/startup.csx, warm compile cache)");

    public static IReadOnlyList<ScriptWorkload> All { get; } = [AutoMpg, MnistSubset, MnistFull, Xor, Startup];

    // Only beside the PyTorch peer (PeerContests): its xor.py times the MLP alone, so the pack's loop is that series'.
    public static readonly ScriptWorkload Sequential = new("sequential", "scripts/sequential.csx", [], ["--quick"],
        "blobs, nn.Sequential 2→10→6→2, SGD, 200 epochs × 34 batches of 20");
    public static readonly ScriptWorkload XorMlp = new("xor", "scripts/xor.csx", [], ["--quick"],
        "XOR, MyModule 2→10→6→2, Adam, 100 epochs × 35 batches of 20 (loop: the MLP's series)", LoopSeries: "MLP 2-10-6-2");
    public static readonly ScriptWorkload NoisyXor = new("custom_layer", "scripts/custom_layer.csx", [], ["--quick"],
        "noisy XOR, NoisyLinear + 10→6→2, Adam, 200 epochs × 35 batches of 20");
}

/// <summary>One timed run: wall clock, the loop time the script measured, optimiser steps and memory.</summary>
public sealed record ScriptRun(int ExitCode, double WallSeconds, double? LoopSeconds, long? Steps, double PeakRssMb,
    IReadOnlyList<double> EpochRssMb, string Output);

public static class ScriptRuns
{
    /// <summary>
    /// Runs <c>./csx script -- args --out tmp</c> from <paramref name="repo"/>: wall time around the process, peak RSS
    /// (VmHWM, sampled every 10 ms and at every printed epoch line, with the RSS at each of those lines), and the
    /// loop time and step count from the metrics.json it writes.
    /// </summary>
    public static ScriptRun Run(string repo, ScriptWorkload workload, bool smoke)
    {
        var outDir = Directory.CreateTempSubdirectory("ch13-bench-").FullName;
        try
        {
            var start = new ProcessStartInfo("bash")
            {
                WorkingDirectory = repo,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(repo, "csx"));
            start.ArgumentList.Add(workload.Script);
            start.ArgumentList.Add("--");
            foreach (var arg in smoke ? workload.SmokeArgs : workload.Args) start.ArgumentList.Add(arg);
            start.ArgumentList.Add("--out");
            start.ArgumentList.Add(outDir);

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
            var pid = process.Id; // ./csx ends in `exec dotnet`: the same process
            var peak = 0.0;
            var epochRss = new List<double>();
            var output = new System.Text.StringBuilder();
            var gate = new object();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (gate)
                {
                    output.AppendLine(e.Data);
                    if (!e.Data.StartsWith("Epoch", StringComparison.Ordinal)) return;
                    epochRss.Add(Stats.RssMb(pid));
                    peak = Math.Max(peak, Stats.PeakRssMb(pid));
                }
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            while (!process.WaitForExit(10))
            {
                var now = Stats.PeakRssMb(pid);
                lock (gate) peak = Math.Max(peak, now);
            }
            process.WaitForExit();
            var wall = clock.Elapsed.TotalSeconds;
            var (loop, steps) = ReadMetrics(Path.Combine(outDir, "metrics.json"), workload.LoopSeries);
            lock (gate) return new ScriptRun(process.ExitCode, wall, loop, steps, peak, epochRss.ToList(), output.ToString());
        }
        finally
        {
            try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The loop time (<c>timings.train_seconds</c>) and the number of optimiser steps: every <c>history</c> list under
    /// <c>results</c> counts its epochs, each ⌈train_size / batch_size⌉ steps. Nulls when the file is missing. With
    /// <paramref name="series"/>, the loop time is that series' (<c>timings.series_train_seconds</c>).
    /// </summary>
    public static (double? LoopSeconds, long? Steps) ReadMetrics(string path, string? series = null)
    {
        if (!File.Exists(path)) return (null, null);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        var loop = series is null ? root["timings"]?["train_seconds"]?.GetValue<double>()
            : root["timings"]?["series_train_seconds"]?[series]?.GetValue<double>();
        var trainSize = root["config"]?["train_size"]?.GetValue<long>();
        var batch = root["config"]?["training"]?["batch_size"]?.GetValue<long>();
        if (trainSize is null || batch is null || root["results"] is not { } results) return (loop, null);
        var epochs = Histories(results).Sum(h => (long)h.Count);
        return (loop, epochs * ((trainSize.Value + batch.Value - 1) / batch.Value));
    }

    static IEnumerable<JsonArray> Histories(JsonNode node)
    {
        if (node is not JsonObject obj) yield break;
        foreach (var (name, child) in obj)
        {
            if (name == "history" && child is JsonArray history) yield return history;
            else if (child is not null) foreach (var inner in Histories(child)) yield return inner;
        }
    }
}
