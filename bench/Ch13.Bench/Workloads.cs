using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ch13.Bench;

/// <summary>Median figures of one script's timed runs (and every run, for the record).</summary>
/// <remarks>
/// RSS growth is measured over the second half of the epoch lines (middle line to last): the first epochs also grow the
/// GC heap to its working size, fill the allocators' caches and tier up the JIT, and RSS then levels off (every run's
/// RSS at each epoch line is kept in <see cref="ScriptRunRecord.EpochRssMb"/>). <see cref="RssGrowthFromFirstMb"/> keeps
/// the first-to-last figure.
/// </remarks>
public sealed record ScriptSummary(string Id, string Command, double WallSeconds, double? LoopSeconds, long? Steps, double? StepsPerSecond,
    double PeakRssMb, double? RssGrowthMb, double? RssGrowthFromFirstMb, IReadOnlyList<ScriptRunRecord> Runs);

public sealed record ScriptRunRecord(int ExitCode, double WallSeconds, double? LoopSeconds, long? Steps, double PeakRssMb, IReadOnlyList<double> EpochRssMb);

/// <summary>Per-step medians of both implementations, in µs, and (small models) the same split by phase.</summary>
public sealed record StepSummary(string Id, string Description, double NaiveMicroseconds, double LibMicroseconds, int StepsPerRound, int Rounds,
    IReadOnlyDictionary<string, double>? NaivePhases = null, IReadOnlyDictionary<string, double>? LibPhases = null)
{
    public double Speedup => NaiveMicroseconds / LibMicroseconds;
}

/// <summary>Everything one benchmark run measured; serialised to bench.json.</summary>
public sealed record BenchReport(string Mode, string GeneratedAt, IReadOnlyDictionary<string, object?> Machine, IReadOnlyList<ReportRow> Table,
    IReadOnlyList<StepSummary> Steps, IReadOnlyList<LoopResult> Loops, IReadOnlyList<ScriptSummary> Scripts, IReadOnlyList<string> Failures,
    PeerReport? Peer = null, WhereReport? Where = null);

/// <summary>A table row as written to bench.json.</summary>
public sealed record ReportRow(string Id, string Workload, string Metric, string Unit, double? Measured, double? Before, double Target,
    bool? Met, string PyTorch, string How);

/// <summary>Runs the whole-workload benchmark: step timings, in-process loops, script runs; then the table and bench.json.</summary>
public static class Workloads
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static BenchReport Run(BenchOptions options, TextWriter log)
    {
        var repo = Path.GetFullPath(options.Repo ?? FindRepo(Directory.GetCurrentDirectory()) ?? FindRepo(AppContext.BaseDirectory)
            ?? throw new ArgumentException("cannot find the ch13 checkout (lib/ch13.csx) above the current folder; pass --repo"));
        var dataRoot = options.Data is null ? DataFiles.Root(repo) : Path.GetFullPath(options.Data);
        var failures = new List<string>();
        var loadBefore = LoadAverage();
        log.WriteLine($"ch13-bench ({(options.Smoke ? "smoke" : "full")}) in {repo}; load average {loadBefore}");

        if (options.Smoke) failures.AddRange(SideBySideCheck.Run().Select(f => $"side-by-side self-check: {f}"));
        PeerReport? peer = null;
        if (options.Peer) Try(failures, log, "peer", () => peer = RunPeer(repo, options, log));
        failures.AddRange(peer?.Failures.Select(f => $"peer: {f}") ?? []);
        WhereReport? where = null;
        if (options.Where) Try(failures, log, "where", () => where = WhereRun.Run(repo, dataRoot, options, log));

        var scripts = new List<ScriptSummary>();
        if (options.Scripts)
            foreach (var workload in ScriptWorkload.All.Where(w => options.Wants(w.Id)))
                Try(failures, log, workload.Id, () => scripts.Add(RunScript(repo, workload, options, log, failures)));

        var steps = new List<StepSummary>();
        if (options.Wants("steps"))
            foreach (var step in StepCase.All)
                Try(failures, log, step.Id, () =>
                {
                    var large = step.Large;
                    var (perRound, rounds, warmup) = options.Smoke ? (large ? 2 : 50, 2, large ? 1 : 20) : (large ? 20 : 2000, 7, large ? 5 : 500);
                    var times = StepTimer.Measure(step, perRound, rounds, warmup);
                    var phases = large ? null : StepTimer.Phases(step, perRound, rounds, warmup);
                    var summary = new StepSummary(step.Id, step.Description, times[StepImpl.Naive], times[StepImpl.Lib], perRound, rounds,
                        phases?[StepImpl.Naive], phases?[StepImpl.Lib]);
                    steps.Add(summary);
                    log.WriteLine($"  {step.Id}: TorchSharp optim {Fmt(summary.NaiveMicroseconds)} µs, lib {Fmt(summary.LibMicroseconds)} µs ({summary.Speedup:F2}×)");
                    if (phases is not null)
                        foreach (var (impl, split) in phases)
                            log.WriteLine($"    {impl,-5} " + string.Join(", ", split.Select(p => $"{p.Key} {Fmt(p.Value)}")));
                });

        var loops = new List<LoopResult>();
        if (options.Wants("loops"))
        {
            void Loop(Func<LoopResult> run) => Try(failures, log, "loops", () =>
            {
                var result = run();
                loops.Add(result);
                log.WriteLine($"  in-process {result.Id}: {result.Seconds:F3} s, {result.Steps} steps ({result.StepsPerSecond:F0}/s), " +
                              $"RSS {Fmt(result.EpochRssMb.FirstOrDefault())} → {Fmt(result.EpochRssMb.LastOrDefault())} MB, live tensors +{result.LiveTensorGrowth}");
            });
            Loop(() => Loops.AutoMpg(dataRoot, options.Smoke ? 2 : 200));
            Loop(() => Loops.Mnist(dataRoot, options.Smoke ? 2 : 200, full: false));
            Loop(() => Loops.Mnist(dataRoot, options.Smoke ? 2 : 5, full: true, trainCount: options.Smoke ? 640 : null));
            Loop(() => Loops.Xor(options.Smoke ? 2 : 100));
        }

        var baseline = options.Baseline is null ? null : ReadBaseline(options.Baseline);
        var table = Table(steps, scripts, baseline);
        var machine = new Dictionary<string, object?>
        {
            ["cores"] = Environment.ProcessorCount,
            ["load_average_before"] = loadBefore,
            ["load_average_after"] = LoadAverage(),
            ["torch_threads"] = TorchSharp.torch.get_num_threads(),
            ["malloc"] = Allocators.InUse(), // this process's and the scripts' (bench/run and ./csx preload the same; tools/malloc.sh)
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3),
            ["libtorch"] = TorchSharp.torch.__version__,
            ["dotnet"] = Environment.Version.ToString(),
            ["os"] = RuntimeInformation.OSDescription,
            ["cpu"] = CpuModel(),
        };
        var report = new BenchReport(options.Smoke ? "smoke" : "full", DateTimeOffset.Now.ToString("o", CultureInfo.InvariantCulture), machine,
            table, steps, loops, scripts, failures, peer, where);
        var outFile = Path.GetFullPath(options.OutFile ?? Path.Combine(repo, "out", "bench", "bench.json"));
        Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
        File.WriteAllText(outFile + ".tmp", JsonSerializer.Serialize(report, Json) + "\n");
        File.Move(outFile + ".tmp", outFile, overwrite: true);
        log.WriteLine();
        if ((peer is null && where is null) || table.Any(r => r.Measured is not null)) log.WriteLine(Format(report)); // --peer/--where alone: only theirs
        if (peer is not null) log.WriteLine("\n" + SideBySide.Format(peer));
        if (where is not null) log.WriteLine("\n" + WhereRun.Format(where));
        log.WriteLine($"Wrote {outFile}");
        foreach (var failure in failures) log.WriteLine($"FAILED: {failure}");
        return report;
    }

    /// <summary>
    /// Issue 21's side-by-side comparison: the peer's reference scripts and the pack's scripts in alternating rounds,
    /// each pack script run once untimed first (compile cache); without the peer, one line says why and the pack runs alone.
    /// </summary>
    static PeerReport RunPeer(string repo, BenchOptions options, TextWriter log)
    {
        var peer = Peer.Find(options.PeerRoot, out var absent);
        log.WriteLine(peer is null ? $"PyTorch peer absent: {absent}; reporting the pack alone"
            : $"PyTorch peer: torch {peer.TorchVersion} in {peer.Root}; {options.Rounds} alternating round(s)");
        IReadOnlyList<Contest> contests = options.Scripts ? PeerContests.All : [PeerContests.Steps]; // --no-scripts: the step rows alone
        if (options.Contests is { } named) contests = [.. contests.Where(c => named.Contains(c.Id))]; // --contests: a measured change's rows alone
        if (options.Scripts && !options.Smoke)
            foreach (var script in PeerContests.Scripts.Where(s => contests.Any(c => c.Id == s.Id))) ScriptRuns.Run(repo, script.Pack, smoke: true);
        using var steps = new StepRounds(options.Smoke);
        return SideBySide.Compare(contests, options.Rounds,
            PeerContests.PackSide(repo, options.Smoke, steps),
            peer is null ? null : PeerContests.PeerSide(peer, options.Smoke, options.Smoke ? 2 : 30),
            peer is null ? absent : null, peer?.TorchVersion, LoadAverage, log);
    }

    static ScriptSummary RunScript(string repo, ScriptWorkload workload, BenchOptions options, TextWriter log, List<string> failures)
    {
        if (!options.Smoke) ScriptRuns.Run(repo, workload, smoke: true); // warm the compile cache (and the page cache)
        var runs = new List<ScriptRun>();
        for (var i = 0; i < options.Repeat; i++)
        {
            var run = ScriptRuns.Run(repo, workload, options.Smoke);
            runs.Add(run);
            log.WriteLine($"  {workload.Id} run {i + 1}: exit {run.ExitCode}, wall {run.WallSeconds:F3} s, loop {Fmt(run.LoopSeconds)} s, " +
                          $"peak RSS {run.PeakRssMb:F0} MB");
            if (run.ExitCode != 0)
            {
                failures.Add($"{workload.Id}: exit code {run.ExitCode}\n{run.Output}");
                break;
            }
        }
        var loop = runs.All(r => r.LoopSeconds is not null) ? Stats.Median(runs.Select(r => r.LoopSeconds!.Value)) : (double?)null;
        var steps = runs[0].Steps;
        var growth = runs.All(r => r.EpochRssMb.Count >= 3) ? Stats.Median(runs.Select(r => r.EpochRssMb[^1] - r.EpochRssMb[r.EpochRssMb.Count / 2])) : (double?)null;
        var growthFromFirst = runs.All(r => r.EpochRssMb.Count >= 2) ? Stats.Median(runs.Select(r => r.EpochRssMb[^1] - r.EpochRssMb[0])) : (double?)null;
        var command = $"./csx {workload.Script} {string.Join(' ', options.Smoke ? workload.SmokeArgs : workload.Args)}".TrimEnd();
        return new ScriptSummary(workload.Id, command, Stats.Median(runs.Select(r => r.WallSeconds)), loop, steps,
            loop is > 0 && steps is not null ? steps / loop : null, Stats.Median(runs.Select(r => r.PeakRssMb)), growth, growthFromFirst,
            runs.Select(r => new ScriptRunRecord(r.ExitCode, r.WallSeconds, r.LoopSeconds, r.Steps, r.PeakRssMb, r.EpochRssMb)).ToList());
    }

    static IReadOnlyList<ReportRow> Table(IReadOnlyList<StepSummary> steps, IReadOnlyList<ScriptSummary> scripts, IReadOnlyDictionary<string, double>? baseline)
    {
        double? Step(string id, bool lib, double scale) => steps.FirstOrDefault(s => s.Id == id) is { } s ? (lib ? s.LibMicroseconds : s.NaiveMicroseconds) / scale : null;
        ScriptSummary? Script(string id) => scripts.FirstOrDefault(s => s.Id == id);
        var measured = new Dictionary<string, (double? Value, double? Before)>
        {
            ["step_small_sgd"] = (Step("step_small_sgd", true, 1), Step("step_small_sgd", false, 1)),
            ["step_small_adam"] = (Step("step_small_adam", true, 1), Step("step_small_adam", false, 1)),
            ["step_large_adam"] = (Step("step_large_adam", true, 1000), Step("step_large_adam", false, 1000)),
            ["auto_mpg_loop"] = (Script("auto_mpg")?.LoopSeconds, null),
            ["auto_mpg_wall"] = (Script("auto_mpg")?.WallSeconds, null),
            ["mnist_subset_loop"] = (Script("mnist_subset")?.LoopSeconds, null),
            ["mnist_subset_wall"] = (Script("mnist_subset")?.WallSeconds, null),
            ["mnist_full_loop"] = (Script("mnist_full")?.LoopSeconds, null),
            ["startup"] = (Script("startup")?.WallSeconds, null),
            ["mnist_full_peak_rss"] = (Script("mnist_full")?.PeakRssMb, null),
            ["mnist_full_rss_growth"] = (Script("mnist_full")?.RssGrowthMb, null),
        };
        return Targets.All.Select(t =>
        {
            var (value, before) = measured.GetValueOrDefault(t.Id);
            if (before is null && baseline is not null && baseline.TryGetValue(t.Id, out var b)) before = b;
            var row = new Row(t, value, before);
            return new ReportRow(t.Id, t.Workload, t.Metric, t.Unit, value, before, t.Goal, row.Met, t.PyTorch, t.How);
        }).ToList();
    }

    /// <summary>The measured values of an earlier bench.json's table, by row id (the "before" column).</summary>
    public static IReadOnlyDictionary<string, double> ReadBaseline(string path)
    {
        var table = JsonNode.Parse(File.ReadAllText(path))?["table"]?.AsArray() ?? [];
        return table.Where(r => r?["measured"] is JsonValue).ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["measured"]!.GetValue<double>());
    }

    /// <summary>The table as Markdown: measured, before, target, met, PyTorch's figure.</summary>
    public static string Format(BenchReport report)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"| row | measured | before | target | met | PyTorch (reference machine) |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in report.Table)
            text.AppendLine($"| {row.Workload}: {row.Metric} | {Fmt(row.Measured)} {row.Unit} | {(row.Before is null ? "—" : $"{Fmt(row.Before)} {row.Unit}")} | " +
                            $"≤ {Fmt(row.Target)} {row.Unit} | {(row.Met switch { true => "yes", false => "no", null => "—" })} | {row.PyTorch} |");
        text.Append($"(mode {report.Mode}; load average {report.Machine["load_average_before"]} → {report.Machine["load_average_after"]}; " +
                    $"{report.Machine["cores"]} cores, {report.Machine["torch_threads"]} torch thread)");
        return text.ToString();
    }

    static void Try(List<string> failures, TextWriter log, string what, Action action)
    {
        try { action(); }
        catch (Exception e)
        {
            failures.Add($"{what}: {e}");
            log.WriteLine($"  {what}: FAILED ({e.Message})");
        }
    }

    static string Fmt(double? value) => value switch
    {
        null => "—",
        double v when double.IsNaN(v) => "—",
        double v when Math.Abs(v) >= 100 => v.ToString("F0", CultureInfo.InvariantCulture),
        double v when Math.Abs(v) >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        double v => v.ToString("F2", CultureInfo.InvariantCulture),
    };

    public static string? FindRepo(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "lib", "ch13.csx")) && File.Exists(Path.Combine(dir.FullName, "csx"))) return dir.FullName;
        return null;
    }

    static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "unknown"; }
    }

    static string? CpuModel()
    {
        try { return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
