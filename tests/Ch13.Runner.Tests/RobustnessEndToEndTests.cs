using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Ch13.Runner.Tests;

/// <summary>
/// What a user sees when something goes wrong, end to end: scripts run through the runner as child processes with
/// bad arguments, missing or corrupt data, a diverging learning rate, an unwritable or busy output folder, Ctrl+C,
/// SIGTERM and SIGKILL, and a damaged compile cache. Exit codes: 0 ok, 1 error, 2 usage, 3 diverged, 130 interrupted.
/// </summary>
public sealed class RobustnessEndToEndTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    readonly ScratchDir scratch = new();
    readonly List<ScriptProcess> started = [];

    public void Dispose()
    {
        foreach (var process in started) process.Dispose();
        scratch.Dispose();
    }

    ScriptProcess Start(string script, string outDir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var process = ScriptProcess.Start(shared.Runner.CacheDir,
            [Path.Combine(Repo.Root, "scripts", script + ".csx"), "--", .. args, "--out", outDir], env);
        started.Add(process);
        return process;
    }

    RunResult Run(string script, string outDir, IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        Start(script, outDir, args, env).WaitForExit(Long);

    // Windows has neither `kill -INT` nor SIGTERM for a child process; Ctrl+C there goes to the whole console.
    static bool NoPosixSignals => OperatingSystem.IsWindows();

    static JsonNode Metrics(string outDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;

    // --- Arguments

    [Theory]
    [InlineData("--epochs 0", "--epochs must be an integer from 1 to 1000000, got 0")]
    [InlineData("--batch-size -1", "--batch-size must be an integer from 1 to 1000000, got -1")]
    [InlineData("--lr nan", "--lr must be a finite number (a number > 0), got 'nan'")]
    [InlineData("--epochs --quiet", "--epochs needs a value (an integer from 1 to 1000000)")]
    [InlineData("--learning-rate 0.1", "unknown option '--learning-rate'")]
    public void A_bad_argument_prints_one_line_and_exits_2_before_anything_is_written(string args, string message)
    {
        var outDir = scratch.PathFor("bad-args");

        var result = Run("xor", outDir, args.Split(' '));

        result.ExitCode.Should().Be(2, result.Errors);
        result.Errors.Trim().Should().Be($"xor: {message}. Try --help.");
        Directory.Exists(outDir).Should().BeFalse();
    }

    // --- Data

    [Fact]
    public void Missing_data_offline_says_what_to_download_from_where_and_to_which_folder()
    {
        var data = scratch.PathFor("empty-data/");
        var offline = Offline.Environment(data);

        var result = Run("auto_mpg", scratch.PathFor("offline"), ["--quick"], offline);

        result.ExitCode.Should().Be(1, result.Errors);
        result.Errors.Should().Contain("Could not download 1 data file(s)")
            .And.Contain(Path.Combine(data, "auto-mpg", "auto-mpg.data"))
            .And.Contain("from http://archive.ics.uci.edu/ml/machine-learning-databases/auto-mpg/auto-mpg.data")
            .And.Contain("CH13_DATA")
            .And.NotContain("   at ");
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("one digit changed")]
    public void A_corrupt_data_file_is_rejected_by_name_with_its_checksum(string damage)
    {
        var data = scratch.PathFor("bad-data/");
        var file = Path.Combine(data, "auto-mpg", "auto-mpg.data");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var text = File.ReadAllText(Path.Combine(Repo.SharedData, "auto-mpg", "auto-mpg.data"));
        File.WriteAllText(file, damage == "truncated" ? text[..5000] : "19.0" + text[4..]);

        var result = Run("auto_mpg", scratch.PathFor("bad-data-out"), ["--quick"], new Dictionary<string, string> { ["CH13_DATA"] = data });

        result.ExitCode.Should().Be(1, result.Errors);
        result.Errors.Should().StartWith($"Data file {file} is corrupt or not the expected version.")
            .And.Contain("expected sha256 48b830e1").And.Contain($"Fix: delete {file}").And.NotContain("   at ");
    }

    // --- Divergence

    [Fact]
    public void Auto_mpg_with_a_huge_learning_rate_stops_as_diverged_and_exits_3()
    {
        var outDir = scratch.PathFor("diverged-mpg");

        var result = Run("auto_mpg", outDir, ["--lr", "1e6", "--quiet"]);

        result.ExitCode.Should().Be(3, result.Errors);
        result.Errors.Should().Contain("Training diverged at epoch 1 (the loss became").And.Contain("try a smaller learning rate, e.g. --lr 100000");
        var metrics = Metrics(outDir);
        metrics["status"]!.GetValue<string>().Should().Be("diverged");
        metrics["diverged_at_epoch"]!.GetValue<int>().Should().Be(1);
        metrics["series"]![0]!["history"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public void Xor_with_an_overflowing_learning_rate_is_diverged_not_a_crash()
    {
        var outDir = scratch.PathFor("diverged-xor");

        var result = Run("xor", outDir, ["--lr", "1e38", "--epochs", "5", "--quiet"]);

        result.ExitCode.Should().Be(3, result.Errors);
        result.Errors.Should().Contain("Training diverged at epoch 1 (an update overflowed)").And.NotContain("   at ");
        Metrics(outDir)["diverged_at_epoch"]!.GetValue<int>().Should().Be(1);
    }

    // --- Output folder

    [Fact]
    public void An_unwritable_output_folder_is_reported_before_training()
    {
        var blocker = scratch.Write("a-file", "not a folder");

        var result = Run("xor", Path.Combine(blocker, "xor"), ["--epochs", "2"]);

        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith($"cannot write to the output folder {Path.Combine(blocker, "xor")}").And.Contain("--out DIR");
        result.Output.Should().NotContain("Epoch [");
    }

    [Fact]
    public void A_second_run_into_a_busy_folder_is_refused_and_sigterm_stops_the_first_with_its_partial_history()
    {
        if (NoPosixSignals) return;
        var outDir = scratch.PathFor("busy");
        var first = Start("xor", outDir, ["--epochs", "100000"]);
        first.WaitForOutput("Epoch [1/100000]", Long).Should().BeTrue(first.Describe());

        var second = Run("xor", outDir, ["--epochs", "2", "--quiet"]);
        first.Signal("TERM");
        var stopped = first.WaitForExit(Long);

        second.ExitCode.Should().Be(1, second.Errors);
        second.Errors.Trim().Should().MatchRegex($@"^.*busy is in use by PID {first.Pid} \(xor, started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\); wait for it or choose another --out\.$");
        stopped.ExitCode.Should().Be(130, stopped.Errors);
        stopped.Errors.Should().Contain("Stopping (SIGTERM)").And.Contain("Interrupted after");
        var metrics = Metrics(outDir);
        metrics["status"]!.GetValue<string>().Should().Be("interrupted");
        metrics["series"]![0]!["history"]!.AsArray().Count.Should().BeGreaterThan(0);
        Directory.GetFiles(outDir, ".*").Should().BeEmpty("the lock is released and no temp file is left");
    }

    // --- Interruption

    [Fact]
    public void Ctrl_c_stops_after_the_current_batch_writes_the_partial_history_and_exits_130()
    {
        if (NoPosixSignals) return;
        var outDir = scratch.PathFor("sigint");
        var run = Start("xor", outDir, ["--epochs", "100000"]);
        run.WaitForOutput("Epoch [1/100000]", Long).Should().BeTrue(run.Describe());

        run.Signal("INT");
        var result = run.WaitForExit(Long);

        result.ExitCode.Should().Be(130, result.Errors);
        PrintedLines.Joined(result.Errors).Should().Contain("Interrupted (Ctrl+C)").And.Contain($"the partial history is in {Path.Combine(outDir, "metrics.json")}");
        var metrics = Metrics(outDir);
        metrics["status"]!.GetValue<string>().Should().Be("interrupted");
        metrics["series"]![0]!["name"]!.GetValue<string>().Should().Be("Linear(2, 2)");
        metrics["series"]![0]!["status"]!.GetValue<string>().Should().Be("interrupted");
        metrics["series"]![1]!["history"]!.AsArray().Should().BeEmpty("the second model never started");
        OutputFolder.ShouldHoldOnlyCompleteFiles(outDir);
        Directory.GetFiles(outDir, ".*").Should().BeEmpty();
    }

    [Fact]
    public void Ctrl_c_mid_epoch_marks_the_cut_epoch_partial_in_the_console_and_the_record()
    {
        if (NoPosixSignals) return;
        var outDir = scratch.PathFor("sigint-mid-epoch");
        // MNIST on all images: 938 batches an epoch, a few seconds each, so the signal lands inside epoch 2.
        var run = Start("mnist", outDir, ["--full", "--epochs", "5"]);
        run.WaitForOutput("Epoch [1/5]", Long).Should().BeTrue(run.Describe());
        Thread.Sleep(300);

        run.Signal("INT");
        var result = run.WaitForExit(Long);

        result.ExitCode.Should().Be(130, result.Errors);
        result.Errors.Split('\n').Should().AllSatisfy(l => l.Length.Should().BeLessThanOrEqualTo(80), "the interruption notices fit 80 columns");
        var history = Metrics(outDir)["series"]![0]!["history"]!.AsArray();
        history.Should().HaveCount(2, run.Describe());
        history[0]!.AsObject().ContainsKey("partial").Should().BeFalse("epoch 1 ran whole");
        var cut = history[1]!["partial"]!;
        var batches = cut["batches"]!.GetValue<int>();
        batches.Should().BeInRange(1, 937, "the epoch was cut before its last batch");
        cut["of"]!.GetValue<int>().Should().Be(938);
        PrintedLines.Joined(result.Errors).Should().Contain($"Interrupted after 2 epoch(s), the last cut at {batches}/938 batches: the partial history is in ");
        var lines = result.Output.Split('\n');
        lines.Should().ContainSingle(l => l.StartsWith("Epoch [1/5], Train Loss: ", StringComparison.Ordinal), "the whole epoch prints as the notebook's");
        lines.Should().ContainSingle(l => l.StartsWith($"Epoch [2/5] (partial: {batches}/938 batches), Train Loss: ", StringComparison.Ordinal),
            "the cut epoch's line says so, with the batches the record names");
    }

    [Fact]
    public void A_second_ctrl_c_ends_the_run_at_once()
    {
        if (NoPosixSignals) return;
        var outDir = scratch.PathFor("sigint-twice");
        var run = Start("xor", outDir, ["--epochs", "100000"]);
        run.WaitForOutput("Epoch [1/100000]", Long).Should().BeTrue(run.Describe());

        // Both from one shell, 50 ms apart: the first is handled by then, and the run is still writing its plots
        // (separate `kill` processes can start so late under load that the run has already finished).
        run.SignalTwice("INT", TimeSpan.FromMilliseconds(50));
        var clock = Stopwatch.StartNew();
        var result = run.WaitForExit(Long);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        result.ExitCode.Should().Be(130, "killed by SIGINT (128 + 2)");
        result.Output.Should().NotContain("Wrote ", "the run ended before writing its results");
        OutputFolder.ShouldHoldOnlyCompleteFiles(outDir);
    }

    [Fact]
    public void Sigkill_mid_training_or_mid_write_leaves_only_complete_files_and_the_next_run_cleans_up()
    {
        var outDir = scratch.PathFor("killed");
        string[] args = ["--epochs", "40", "--quiet"];
        Run("xor", outDir, args).ExitCode.Should().Be(0);

        // Killed mid-training (it holds the lock beside the folder), then as the first plot's temp file appears in its
        // staging folder (a window of a few ms, so best effort), then for certain mid-write: a script that stops halfway
        // through writing metrics.json.
        foreach (var moment in new[] { ".lock", ".history." })
        {
            var run = Start("xor", outDir, args);
            _ = moment == ".lock"
                ? WaitUntil(run, () => File.ReadLines(RunSets.LockPath(outDir)).FirstOrDefault() == run.Pid.ToString())
                : WaitUntil(run, () => Directory.EnumerateFiles(RunSets.StagingPath(outDir, run.Pid), $"{moment}{run.Pid}.*.tmp*").Any());
            run.Kill();
            run.WaitForExit(Long);
            OutputFolder.ShouldHoldOnlyCompleteFiles(outDir);
        }
        var metricsBefore = File.ReadAllText(Path.Combine(outDir, "metrics.json"));
        var stuck = ScriptProcess.Start(shared.Runner.CacheDir, [scratch.Write("stuck.csx", StuckWriter), "--", "--out", outDir]);
        started.Add(stuck);
        stuck.WaitForOutput("half written", Long).Should().BeTrue(stuck.Describe());
        stuck.Kill();
        stuck.WaitForExit(Long);
        File.ReadAllText(Path.Combine(outDir, "metrics.json")).Should().Be(metricsBefore, "the half-written file is a temp file");
        Directory.GetFiles(RunSets.StagingPath(outDir, stuck.Pid), ".metrics.*.tmp.json").Should().ContainSingle("the kill leaves its hidden temp file in its staging folder");
        OutputFolder.ShouldHoldOnlyCompleteFiles(outDir);

        var last = Run("xor", outDir, args);
        last.ExitCode.Should().Be(0, last.Errors);
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().BeEquivalentTo(["metrics.json", "history.png", "decision_regions.png", "my_module.pth"],
            "a stale lock is taken over and stale temp files are removed");
        Directory.GetFileSystemEntries(Path.GetDirectoryName(outDir)!, $".{Path.GetFileName(outDir)}.*").Select(Path.GetFileName)
            .Should().BeEquivalentTo([$".{Path.GetFileName(outDir)}.runs"], "dead runs' staging folders are removed and the lock released");
        OutputFolder.ShouldHoldOnlyCompleteFiles(outDir);
    }

    // Starts a run like a section script, then writes metrics.json through Files.WriteAtomic and stalls halfway.
    static string StuckWriter => $$"""
        #load "{{Path.Combine(Repo.Root, "lib", "ch13.csx")}}"
        var run = Runs.Start("xor", Args, epochs: 1, // xor's folder: a script's --out may not hold another script's run
            scriptPath: "{{Path.Combine(Repo.Root, "scripts", "stuck.csx")}}");
        Files.WriteAtomic(run.OutPath("metrics.json"), temp =>
        {
            File.WriteAllText(temp, "{\"script\": \"stu");
            Console.WriteLine("half written");
            Console.Out.Flush();
            System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
        });
        """;

    /// <summary>Polls <paramref name="condition"/> every millisecond while the run lives; true when it held.</summary>
    static bool WaitUntil(ScriptProcess run, Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!run.HasExited && clock.Elapsed < Long)
        {
            try { if (condition()) return true; }
            catch (IOException) { } // a file vanished between listing and reading
            Thread.Sleep(1);
        }
        return false;
    }

    // --- Runner: damaged compile cache entries are rebuilt (a truncated dll is covered in CompileCacheTests)

    [Theory]
    [InlineData("stamp deleted")]
    [InlineData("references garbled")]
    [InlineData("entry replaced by a file")]
    public void A_damaged_compile_cache_entry_is_rebuilt_or_bypassed_never_a_crash(string damage)
    {
        using var runner = new RunnerProcess();
        var script = Repo.Fixture("HelloWorld");
        runner.Run(script).ExitCode.Should().Be(0);
        var entry = runner.Entries.Single();
        switch (damage)
        {
            case "stamp deleted": File.Delete(Path.Combine(entry, "stamp")); break;
            case "references garbled": File.WriteAllText(Path.Combine(entry, "references.txt"), "\0garbage/../\n"); break;
            default: Directory.Delete(entry, recursive: true); File.WriteAllText(entry, "not a folder"); break;
        }

        var damaged = runner.Run(script);
        var again = runner.Run(script);

        damaged.ExitCode.Should().Be(0, damaged.Errors);
        damaged.Output.Should().Be("Hello world!\n");
        again.ExitCode.Should().Be(0, again.Errors);
        again.Output.Should().Be("Hello world!\n");
    }
}

/// <summary>What may be in a run's output folder after any crash: complete outputs, the lock, hidden temp files.</summary>
public static class OutputFolder
{
    public static void ShouldHoldOnlyCompleteFiles(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var path in Directory.GetFiles(folder))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.'))
            {
                (name == ".lock" || System.Text.RegularExpressions.Regex.IsMatch(name, @"^\..+\.tmp(\.\w+)?$"))
                    .Should().BeTrue($"{name}: hidden files are only the lock and temp files");
                continue;
            }
            switch (Path.GetExtension(name))
            {
                case ".json":
                    var json = JsonNode.Parse(File.ReadAllText(path))!;
                    json["status"]!.GetValue<string>().Should().NotBeEmpty(name);
                    json["timings"].Should().NotBeNull($"{name} is complete");
                    break;
                case ".png":
                    ShouldBeCompletePng(path);
                    break;
                case ".pth":
                    // PyTorch's state_dict: a zip archive, whole when its end-of-central-directory record is there.
                    var pth = File.ReadAllBytes(path);
                    pth[..2].Should().Equal([(byte)'P', (byte)'K'], path);
                    pth.AsSpan(Math.Max(0, pth.Length - 22)).IndexOf("PK\u0005\u0006"u8).Should().BeGreaterThanOrEqualTo(0, $"{path} is a whole zip");
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"unexpected file {name} in {folder}");
            }
        }
    }

    /// <summary>The PNG signature first, the IEND chunk (length 0, type, CRC) last: nothing cut off.</summary>
    static void ShouldBeCompletePng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes.Length.Should().BeGreaterThan(8 + 25 + 12, path);
        bytes[..8].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], path);
        bytes[^12..].Should().Equal([0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82], path);
    }
}

/// <summary>A script run through the runner as a child process that a test can watch, signal and kill.</summary>
public sealed class ScriptProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();
    readonly StringBuilder errors = new();

    ScriptProcess(Process process) => this.process = process;

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    // A test host started in the background may ignore SIGINT, and children inherit that: `env --default-signal`
    // (coreutils 8.31+) gives the script the default disposition back, so Ctrl+C tests mean something.
    static readonly Lazy<bool> EnvResetsSignals = new(() =>
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "true"])
            { RedirectStandardError = true, UseShellExecute = false })!;
            probe.WaitForExit();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    });

    public static ScriptProcess Start(string cacheDir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(EnvResetsSignals.Value ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (EnvResetsSignals.Value) foreach (var arg in new[] { "--default-signal=INT,TERM", "dotnet" }) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(Repo.RunnerDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["CH13_CSX_CACHE"] = cacheDir;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        foreach (var (name, value) in env ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var script = new ScriptProcess(new Process { StartInfo = start });
        script.process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (script.output) script.output.Append(e.Data).Append('\n'); };
        script.process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (script.errors) script.errors.Append(e.Data).Append('\n'); };
        script.process.Start();
        script.process.BeginOutputReadLine();
        script.process.BeginErrorReadLine();
        return script;
    }

    public string Output { get { lock (output) return output.ToString(); } }
    public string Errors { get { lock (errors) return errors.ToString(); } }

    public string Describe() => $"stdout:\n{Output}\nstderr:\n{Errors}";

    /// <summary>True once stdout holds <paramref name="text"/>; false on timeout or when the process ends first.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Output.Contains(text)) return true;
            if (process.HasExited) return Output.Contains(text);
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Sends a signal the way a user would (<c>kill -INT pid</c>).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{name}", Pid.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>The same signal twice, <paramref name="gap"/> apart, from one shell.</summary>
    public void SignalTwice(string name, TimeSpan gap)
    {
        var seconds = gap.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var shell = Process.Start(new ProcessStartInfo("sh",
            ["-c", $"kill -{name} $1; sleep {seconds}; kill -{name} $1", "sh", Pid.ToString()])
        { UseShellExecute = false })!;
        shell.WaitForExit();
    }

    public void Kill()
    {
        try { process.Kill(); } catch (InvalidOperationException) { }
    }

    public RunResult WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the script did not finish within {timeout}\n{Describe()}");
        }
        process.WaitForExit(); // drains the output readers
        return new RunResult(process.ExitCode, Output, Errors);
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
