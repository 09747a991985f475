using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// Bad input, crashes and interruptions, in process: usage errors, atomic writes and their temp files, the output
/// folder lock, and how Runs.Finish reports a diverged or interrupted run. (The same cases end to end, through the
/// runner and with real signals, are in Ch13.Runner.Tests/RobustnessEndToEndTests.)
/// </summary>
public sealed class RobustnessTests : IDisposable
{
    readonly TempFolder temp = new();
    readonly List<Process> children = [];

    public void Dispose()
    {
        foreach (var child in children)
        {
            try { if (!child.HasExited) child.Kill(); } catch (InvalidOperationException) { }
            child.Dispose();
        }
        temp.Dispose();
    }

    // --- Arguments

    static readonly DoubleOption Lr = new("lr", 0.015, "learning rate");
    static readonly IntOption BatchSize = new("batch-size", 20, "batch size");
    static readonly IReadOnlyList<OptionSpec> Specs = CommonOptions.All(epochs: 100).Concat([Lr, BatchSize]).ToList();

    [Theory]
    [InlineData(new[] { "--epochs", "0" }, "--epochs must be an integer from 1 to 1000000, got 0")]
    [InlineData(new[] { "--batch-size", "-1" }, "--batch-size must be an integer ≥ 1, got -1")]
    [InlineData(new[] { "--lr", "nan" }, "--lr must be a finite number (a number > 0), got 'nan'")]
    [InlineData(new[] { "--lr", "1e400" }, "--lr must be a finite number (a number > 0), got '1e400'")]
    [InlineData(new[] { "--threads", "1000" }, "--threads must be an integer from 1 to 256, got 1000")]
    [InlineData(new[] { "--epochs", "--quiet" }, "--epochs needs a value (an integer from 1 to 1000000)")]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    public void A_bad_argument_is_one_line_with_the_valid_range_a_help_hint_and_exit_code_2(string[] args, string expected)
    {
        var error = FluentActions.Invoking(() => ArgParser.Parse("xor", args, Specs)).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Be($"xor: {expected}. Try --help.");
    }

    // --- Atomic writes and their temp files

    [Fact]
    public void A_writer_that_fails_midway_leaves_the_old_file_and_no_temp_file()
    {
        var path = Path.Combine(temp.Path, "metrics.json");
        File.WriteAllText(path, "{\"old\": true}");

        var act = () => Files.WriteAtomic(path, tempPath =>
        {
            File.WriteAllText(tempPath, "{\"half");
            throw new IOException("disk full");
        });

        act.Should().Throw<Ch13Exception>().WithMessage($"cannot write {path}: disk full*");
        File.ReadAllText(path).Should().Be("{\"old\": true}");
        Directory.GetFiles(temp.Path).Should().ContainSingle();
    }

    [Fact]
    public void Temp_files_are_hidden_keep_their_extension_last_and_are_told_apart_from_outputs()
    {
        var name = Path.GetFileName(Files.TempPath(temp.Path, Path.Combine(temp.Path, "history.png")));

        name.Should().StartWith(".history.").And.EndWith(".tmp.png");
        Files.IsTemp(name).Should().BeTrue();
        foreach (var output in new[] { "history.png", "metrics.json", ".lock", ".history.png", "model.tmp.png" })
            Files.IsTemp(output).Should().BeFalse(output);
    }

    [Fact]
    public void Stale_temp_files_of_dead_processes_are_removed_and_others_kept()
    {
        if (OperatingSystem.IsWindows()) return; // the helper processes are `sleep` and `true`
        var dead = DeadPid();
        var live = StartSleeper().Id;
        string Temp(int pid, string stem) => Touch($".{stem}.{pid}.{Guid.NewGuid():N}.tmp.png");
        var stale = Temp(dead, "history");
        var ours = Temp(Environment.ProcessId, "history");
        var theirs = Temp(live, "decision_regions");
        var output = Touch("history.png");

        Files.RemoveStaleTemps(temp.Path).Should().Be(1);

        File.Exists(stale).Should().BeFalse();
        new[] { ours, theirs, output }.Should().OnlyContain(f => File.Exists(f));
    }

    // --- The output folder lock

    [Fact]
    public void Taking_the_lock_writes_the_pid_first_and_releasing_it_removes_the_file()
    {
        var started = DateTimeOffset.Now;
        var held = FolderLocks.Take(temp.Path, "xor", started, "out/xor");
        var lockPath = Path.Combine(temp.Path, ".lock");

        File.ReadLines(lockPath).First().Should().Be(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        FolderLocks.Read(lockPath).Should().BeEquivalentTo(held);
        FolderLocks.Take(temp.Path, "xor", started, "out/xor").Pid.Should().Be(held.Pid, "the same process may take it again");

        FolderLocks.Release(held);
        File.Exists(lockPath).Should().BeFalse();
    }

    [Fact]
    public void A_folder_locked_by_a_live_run_is_refused_naming_its_pid_and_start()
    {
        if (OperatingSystem.IsWindows()) return; // the helper processes are `sleep` and `true`
        var holder = StartSleeper();
        var started = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        WriteLock(holder.Id, holder.StartTime.ToUniversalTime(), started);

        var error = FluentActions.Invoking(() => FolderLocks.Take(temp.Path, "xor", DateTimeOffset.Now, "out/xor"))
            .Should().Throw<Ch13Exception>().Which;

        error.ExitCode.Should().Be(1);
        error.Message.Should().Be($"out/xor is in use by PID {holder.Id} (xor, started {started.LocalDateTime:yyyy-MM-dd HH:mm:ss}); " +
                                  "wait for it or choose another --out.");
    }

    [Fact]
    public void A_lock_left_by_a_dead_process_is_taken_over()
    {
        if (OperatingSystem.IsWindows()) return; // the helper processes are `sleep` and `true`
        WriteLock(DeadPid(), DateTime.UtcNow.AddMinutes(-1), DateTimeOffset.Now.AddMinutes(-1));

        FolderLocks.Take(temp.Path, "xor", DateTimeOffset.Now, "out/xor").Pid.Should().Be(Environment.ProcessId);
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().Equal(".lock");
    }

    [Fact]
    public void A_lock_whose_pid_now_belongs_to_another_process_is_taken_over()
    {
        if (OperatingSystem.IsWindows()) return; // the helper processes are `sleep` and `true`
        var stranger = StartSleeper();
        WriteLock(stranger.Id, stranger.StartTime.ToUniversalTime().AddHours(-3), DateTimeOffset.Now.AddHours(-3));

        FolderLocks.Take(temp.Path, "xor", DateTimeOffset.Now, "out/xor").Pid.Should().Be(Environment.ProcessId);
    }

    [Fact]
    public void A_garbled_lock_file_is_taken_over()
    {
        File.WriteAllText(Path.Combine(temp.Path, ".lock"), "not a lock\n");

        FolderLocks.Take(temp.Path, "xor", DateTimeOffset.Now, "out/xor").Pid.Should().Be(Environment.ProcessId);
    }

    [Fact]
    public void Releasing_never_removes_a_lock_another_run_has_taken_since()
    {
        if (OperatingSystem.IsWindows()) return; // the helper processes are `sleep` and `true`
        var held = FolderLocks.Take(temp.Path, "xor", DateTimeOffset.Now, "out/xor");
        var other = StartSleeper();
        WriteLock(other.Id, other.StartTime.ToUniversalTime(), DateTimeOffset.Now);

        FolderLocks.Release(held);

        FolderLocks.Read(Path.Combine(temp.Path, ".lock"))!.Pid.Should().Be(other.Id);
    }

    // --- How a run ends

    Run RunFor(double lr) => new("xor", TestPaths.RepoRoot, temp.Path, Seed: 1, Epochs: 3, Quiet: true, Quick: false,
        ArgParser.Parse("xor", ["--lr", lr.ToString(CultureInfo.InvariantCulture)], Specs), ["--lr", "x"],
        DateTimeOffset.Now, Stopwatch.GetTimestamp(), CancellationToken.None);

    static EpochMetrics Epoch(int epoch, double loss) => new(epoch, loss, 0.5, loss, 0.5, 0.1);

    JsonNode Metrics() => JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "metrics.json")))!;

    static Series Trained(string name, RunStatus status, params EpochMetrics[] history) => new(name, status, history, []) { TrainSeconds = 0.05 };

    [Fact]
    public void A_diverged_run_records_the_epoch_where_it_diverged_and_exits_3()
    {
        Series[] series =
        [
            Trained("Linear(2, 2)", RunStatus.Completed, Epoch(1, 0.7), Epoch(2, 0.6), Epoch(3, 0.5)),
            Trained("MLP 2-10-6-2", RunStatus.Diverged, Epoch(1, 0.7), Epoch(2, double.NaN)),
        ];

        var code = Runs.Finish(RunFor(1e6), new { }, series);

        code.Should().Be(3);
        var metrics = Metrics();
        metrics["status"]!.GetValue<string>().Should().Be("diverged");
        metrics["diverged_at_epoch"]!.GetValue<int>().Should().Be(2);
        metrics["series"]![1]!["history"]![1]!["train_loss"]!.GetValue<string>().Should().Be("NaN");
        metrics["timings"]!["train_seconds"]!.GetValue<double>().Should().Be(0.1, "the series' seconds add up");
    }

    [Fact]
    public void A_step_that_overflowed_counts_as_divergence_at_its_epoch_though_the_loss_was_finite()
    {
        Runs.Finish(RunFor(1e38), new { }, [Trained("MLP", RunStatus.Diverged, Epoch(1, 0.7))]).Should().Be(3);

        Metrics()["diverged_at_epoch"]!.GetValue<int>().Should().Be(1);
    }

    [Theory]
    [InlineData(RunStatus.Completed, "completed", 0)]
    [InlineData(RunStatus.EarlyStopped, "early_stopped", 0)]
    [InlineData(RunStatus.Interrupted, "interrupted", 130)]
    public void Other_runs_exit_with_their_status_code_and_record_no_divergence(RunStatus status, string written, int exitCode)
    {
        Runs.Finish(RunFor(0.1), new { }, [Trained("MLP", status, Epoch(1, 0.7))]).Should().Be(exitCode);

        var metrics = Metrics().AsObject();
        metrics["status"]!.GetValue<string>().Should().Be(written);
        metrics.ContainsKey("diverged_at_epoch").Should().BeFalse();
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().Equal("metrics.json");
    }

    [Theory]
    [InlineData(new[] { RunStatus.Completed, RunStatus.EarlyStopped }, RunStatus.EarlyStopped)]
    [InlineData(new[] { RunStatus.EarlyStopped, RunStatus.Diverged, RunStatus.Completed }, RunStatus.Diverged)]
    [InlineData(new[] { RunStatus.Diverged, RunStatus.Interrupted }, RunStatus.Interrupted)]
    [InlineData(new RunStatus[0], RunStatus.Completed)]
    public void A_run_ends_as_its_worst_series(RunStatus[] statuses, RunStatus worst)
    {
        RunStatuses.Worst(statuses).Should().Be(worst);

        var record = Runs.Record(RunFor(0.1), new { }, statuses.Select((s, i) => Trained($"model {i}", s)).ToList());
        record.Status.Should().Be(worst);
    }

    // --- helpers

    string Touch(string name)
    {
        var path = Path.Combine(temp.Path, name);
        File.WriteAllText(path, "");
        return path;
    }

    void WriteLock(int pid, DateTime processStartUtc, DateTimeOffset started) =>
        File.WriteAllText(Path.Combine(temp.Path, ".lock"),
            $"{pid}\n{processStartUtc:o}\n{started.ToString("o", CultureInfo.InvariantCulture)}\nxor\n");

    Process StartSleeper()
    {
        var process = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        children.Add(process);
        return process;
    }

    /// <summary>The PID of a process that has ended (and been reaped).</summary>
    static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}

/// <summary>Divergence as the training loop sees it: libtorch overflowing is a diverged run, not a crash.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class DivergenceTests
{
    [Fact]
    public void An_optimizer_step_that_overflows_float_stops_training_as_diverged()
    {
        var data = Data.Xor(count: 100);
        using var train = Data.ToTensors(data.Train);
        manual_seed(1);
        using var model = new MyModule();

        var history = Training.Fit(model, train, null, new TrainConfig(Epochs: 5, BatchSize: 20), new Adam(1e38), new CrossEntropy());

        history.Status.Should().Be(RunStatus.Diverged);
        history.Epochs.Should().ContainSingle();
    }

    [Fact]
    public void Training_stops_in_the_epoch_whose_loss_stops_being_finite()
    {
        var data = Data.Blobs(count: 200);
        using var train = Data.ToTensors(data.Train, labelsAsClasses: false);
        manual_seed(1);
        using var model = Nets.Mlp(new MlpSpec(2, [10], 1, Activation.ReLU));

        var history = Training.Fit(model, train, null, new TrainConfig(Epochs: 50, BatchSize: 20), new Sgd(1e6), new MeanSquaredError());

        history.Status.Should().Be(RunStatus.Diverged);
        history.Epochs.Where(e => !double.IsFinite(e.TrainLoss)).Should().ContainSingle()
            .Which.Should().Be(history.Last, "the loop stops in the first epoch whose loss is not finite");
    }
}
