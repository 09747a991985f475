using System.Diagnostics;
using Xunit.Abstractions;

namespace Ch13.Runner.Tests;

/// <summary>
/// Chaos (issue 10): SIGKILL, SIGTERM or SIGINT at a random moment of mnist, lightning or run-all, each followed by a
/// clean rerun. After every signal and every rerun: each run folder holds one complete set (its record reads, every PNG
/// and JSON is whole) — the previous one or the new one, never a mix; a set that was replaced is in the kept store byte
/// for byte; no lock and no staging folder stays behind once nothing runs. CI runs a short form (CH13_CHAOS_TRIALS,
/// default 3, one per target); the full form is <c>CH13_CHAOS_TRIALS=30</c> (CH13_CHAOS_SEED picks the moments).
/// </summary>
public sealed class ChaosTests(SharedRunner shared, ITestOutputHelper log) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    static readonly string[] Signals = ["KILL", "TERM", "INT"];
    readonly ScratchDir scratch = new();
    readonly List<ScriptProcess> started = [];

    public void Dispose()
    {
        foreach (var process in started) process.Dispose();
        scratch.Dispose();
    }

    sealed record Target(string Name, string Program, string[] Folders, Func<int, string[]> Args);

    [Fact]
    public void Random_signals_never_leave_a_mixed_folder_a_lost_result_a_stale_lock_or_an_unreadable_file()
    {
        var trials = int.Parse(Environment.GetEnvironmentVariable("CH13_CHAOS_TRIALS") ?? "3");
        var seed = int.Parse(Environment.GetEnvironmentVariable("CH13_CHAOS_SEED") ?? "13");
        var random = new Random(seed);
        var root = scratch.PathFor("chaos");
        var batch = Path.Combine(root, "batch");
        Target[] targets =
        [
            new("mnist", Script("mnist"), [Path.Combine(root, "mnist")], s => ["--", "--quick", "--seed", $"{s}", "--out", Path.Combine(root, "mnist")]),
            new("lightning", Script("lightning"), [Path.Combine(root, "lightning")], s => ["--", "--quick", "--seed", $"{s}", "--out", Path.Combine(root, "lightning")]),
            new("run-all", Path.Combine(Repo.Root, "tools", "run-all.csx"), [Path.Combine(batch, "xor"), Path.Combine(batch, "sequential")],
                s => ["--", "--quick", "--jobs", "1", "--only", "xor,sequential", "--out", batch, "--", "--seed", $"{s}"]),
        ];
        // How long each target takes here once compiled (the first clean run compiles; the second is timed): the
        // signals land anywhere inside that.
        var duration = targets.ToDictionary(t => t.Name, t => { Clean(t, 1); return Clean(t, 1); });
        log.WriteLine($"chaos: {trials} trials, seed {seed}; clean run times: {string.Join(", ", duration.Select(d => $"{d.Key} {d.Value.TotalSeconds:F1} s"))}");

        for (var trial = 0; trial < trials; trial++)
        {
            var target = targets[trial % targets.Length];
            var signal = Signals[random.Next(Signals.Length)];
            var delay = TimeSpan.FromMilliseconds(random.Next((int)duration[target.Name].TotalMilliseconds));
            var before = target.Folders.ToDictionary(f => f, Contents);
            var runSeed = 100 + trial;

            var process = Start(target, runSeed);
            Thread.Sleep(delay);
            var exitedFirst = process.HasExited;
            if (!exitedFirst) process.Signal(signal);
            var result = process.WaitForExit(Long);
            WaitUntilNothingRunsIn(root);
            log.WriteLine($"trial {trial}: {target.Name}, {signal} after {delay.TotalSeconds:F2} s{(exitedFirst ? " (had already ended)" : "")} → exit {result.ExitCode}");

            foreach (var folder in target.Folders) CheckSet(folder, before[folder], [runSeed], $"trial {trial} ({target.Name}, {signal} at {delay.TotalSeconds:F2} s)");
            // SIGKILL leaves its lock and staging folder (nothing can remove them); the rerun must take them over.
            if (signal != "KILL" || exitedFirst) CheckNothingLeft(target, $"trial {trial} after {signal}");

            var afterSignal = target.Folders.ToDictionary(f => f, Contents);
            Clean(target, 1000 + trial);
            foreach (var folder in target.Folders)
            {
                RunRecordFiles.Read(Path.Combine(folder, "metrics.json")).Seed.Should().Be(1000 + trial, $"trial {trial}: the rerun's set is in {folder}");
                CheckSet(folder, afterSignal[folder], [1000 + trial], $"trial {trial} rerun");
            }
            CheckNothingLeft(target, $"trial {trial} after the rerun");
        }
    }

    static string Script(string name) => Path.Combine(Repo.Root, "scripts", name + ".csx");

    ScriptProcess Start(Target target, int seed)
    {
        var process = ScriptProcess.Start(shared.Runner.CacheDir, [target.Program, .. target.Args(seed)],
            new Dictionary<string, string> { ["CH13_PROGRESS"] = "plain" });
        started.Add(process);
        return process;
    }

    // A run without a signal: it must succeed. Returns its wall time.
    TimeSpan Clean(Target target, int seed)
    {
        var clock = Stopwatch.StartNew();
        var result = Start(target, seed).WaitForExit(Long);
        result.ExitCode.Should().Be(0, $"a clean run of {target.Name} after the chaos succeeds\n{result.Output}\n{result.Errors}");
        return clock.Elapsed;
    }

    // The folder holds the set it held before, or a new complete set of one of the runs; a replaced set is in the store.
    static void CheckSet(string folder, Dictionary<string, string>? before, int[] newSeeds, string because)
    {
        var now = Contents(folder);
        if (now is null)
        {
            before.Should().BeNull($"{because}: {folder} held a set, and it is gone");
            return;
        }
        var record = RunRecordFiles.Read(Path.Combine(folder, "metrics.json"));
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories)) CheckWhole(file, because);
        if (before is not null && Same(now, before)) return;
        record.Seed.Should().BeOneOf(newSeeds, $"{because}: {folder} changed, so it holds a new run's record");
        record.Status.Should().BeOneOf([RunStatus.Completed, RunStatus.EarlyStopped, RunStatus.Interrupted], because);
        if (before is not null)
            RunSets.Kept(folder).Select(Contents).Should().Contain(kept => Same(kept!, before), $"{because}: the replaced set is kept byte for byte");
    }

    // No lock beside or inside any folder, no staging folder, no temp file, once nothing runs.
    static void CheckNothingLeft(Target target, string because)
    {
        var parents = target.Folders.Select(f => Path.GetDirectoryName(f)!).Distinct();
        foreach (var parent in parents.Where(Directory.Exists))
        {
            var leftovers = Directory.GetFileSystemEntries(parent, "*", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p) is var name && (name.EndsWith(".lock") || name.Contains(".staging-") || Files.IsTemp(name)))
                .ToList();
            leftovers.Should().BeEmpty(because);
        }
    }

    // A PNG ends with its IEND chunk; a JSON file parses; anything else is not empty.
    static void CheckWhole(string file, string because)
    {
        var bytes = File.ReadAllBytes(file);
        switch (Path.GetExtension(file))
        {
            case ".png":
                bytes.Length.Should().BeGreaterThan(45, $"{because}: {file}");
                bytes[^8..^4].Should().Equal("IEND"u8.ToArray(), $"{because}: {file} is a whole PNG");
                break;
            case ".json":
                FluentActions.Invoking(() => System.Text.Json.JsonDocument.Parse(bytes)).Should().NotThrow($"{because}: {file}");
                break;
            default:
                bytes.Should().NotBeEmpty($"{because}: {file}");
                break;
        }
    }

    // The folder's files (relative path → bytes), or null when it holds no record.
    static Dictionary<string, string>? Contents(string folder) =>
        !File.Exists(Path.Combine(folder, "metrics.json")) ? null
            : Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    // SIGKILL ends run-all but not the script it started: wait for every process that names the chaos folder.
    static void WaitUntilNothingRunsIn(string root)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Long)
        {
            var running = Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Any(d =>
            {
                try { return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(root); }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            });
            if (!running) return;
            Thread.Sleep(200);
        }
        throw new TimeoutException($"processes still run in {root} after {Long}");
    }
}
