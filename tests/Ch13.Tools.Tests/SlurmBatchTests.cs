using System.Diagnostics;

namespace Ch13.Tools.Tests;

/// <summary>
/// run-all's Slurm options and a batch through <see cref="SlurmExecutor"/> (tools/lib/SlurmBatches.cs,
/// SlurmExecutor.cs): fake bash "scripts" on the real single-node cluster, compared with the same batch run locally.
/// tests/Ch13.Runner.Tests/SlurmRunAllTests.cs runs the real tool on real scripts.
/// </summary>
public sealed class SlurmBatchTests : IDisposable
{
    static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    readonly TempDir temp = new();

    BatchOptions Parse(params string[] args) => BatchArgs.Parse(args, temp.Path, Now);

    [Fact]
    public void Executor_slurm_takes_sbatch_options_as_one_argument_and_no_wait()
    {
        var options = Parse("--executor", "slurm", "--slurm-args=--partition main --time 5 --comment 'a b'", "--no-wait");
        options.Executor.Should().Be("slurm");
        options.SlurmArgs.Should().Equal("--partition", "main", "--time", "5", "--comment", "a b");
        options.NoWait.Should().BeTrue();
        Parse().Executor.Should().Be("local");
        Parse("--collect", "out/runs/x").Collect.Should().Be(Path.GetFullPath("out/runs/x"));
        BatchArgs.Usage.Should().Contain("--executor").And.Contain("--slurm-args").And.Contain("--no-wait").And.Contain("--collect DIR");
    }

    [Theory]
    [InlineData("--no-wait")]
    [InlineData("--slurm-args=--time 5")]
    public void Slurm_options_without_executor_slurm_are_usage_errors(string option)
    {
        var error = FluentActions.Invoking(() => Parse(option)).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Contain("go with --executor slurm");
    }

    [Fact]
    public void Collect_of_a_folder_without_a_Slurm_batch_is_a_usage_error()
    {
        var error = FluentActions.Invoking(() => SlurmBatches.Resume(temp.Sub("plain"), Parse())).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Contain("holds no Slurm batch").And.Contain("--no-wait");
    }

    // A fake section script: writes <out>/metrics.json (a real run record, key metric acc) and prints a line, or fails.
    string Scripts()
    {
        var dir = temp.Sub("scripts");
        var record = RunRecords.ToJson(FakeRuns.Record("xor") with { Results = [RunValue.Of("acc", 0.9, Better.Higher)], KeyMetric = new KeyMetric("acc", 0.9, Better.Higher, null) });
        File.WriteAllText(Path.Combine(dir, "xor.csx"), $"out=$2; mkdir -p \"$out\"; echo training; cat > \"$out/metrics.json\" <<'JSON'\n{record}JSON\n");
        File.WriteAllText(Path.Combine(dir, "broken.csx"), "echo starting; echo 'boom: it broke' >&2; exit 1\n");
        return dir;
    }

    static ProcessStartInfo Bash(string path, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = "/" };
        foreach (var arg in new[] { path }.Concat(args)) start.ArgumentList.Add(arg);
        return start;
    }

    (BatchSummary Summary, List<BatchEvent> Events) RunBatch(string tag, Func<BatchOptions, IReadOnlyList<ScriptTask>, IScriptExecutor> executor)
    {
        var options = Parse("--scripts", Scripts(), "--tag", tag, "--jobs", "1");
        var tasks = BatchRuns.Tasks(options, BatchRuns.Discover(options.ScriptsDir), Bash);
        var events = new List<BatchEvent>();
        return (BatchRuns.Run(options, tasks, executor(options, tasks), events.Add), events);
    }

    [SlurmFact]
    public void A_batch_through_Slurm_gives_the_results_a_local_batch_gives_apart_from_wall_times()
    {
        var (local, _) = RunBatch("local", (options, _) => new LocalExecutor(options.Jobs));
        // --exclusive: one task at a time on the node, so the second one is seen waiting in the queue.
        var (slurm, events) = RunBatch("slurm", (options, _) => new SlurmExecutor(options.RunDir, "ch13-test", ["--exclusive"]) { Poll = TimeSpan.FromMilliseconds(300) });

        static object Comparable(ScriptResult r) => r with { WallSeconds = 0, Folder = null };
        slurm.Scripts.Select(Comparable).Should().Equal(local.Scripts.Select(Comparable));
        slurm.Scripts.Select(s => (s.Script, s.Status, s.Note)).Should().Equal(("xor", "completed", null), ("broken", "failed", "exit code 1: boom: it broke"));
        events.OfType<ScriptWaiting>().Should().Contain(w => w.Script == "broken" && w.State.StartsWith("PENDING"));
        events.OfType<ScriptStarted>().Select(e => e.Script).Should().Equal("xor", "broken");
        events.OfType<ScriptFinished>().Select(e => e.Script).Should().Equal("xor", "broken");
    }

    [SlurmFact]
    public void A_sweep_through_Slurm_runs_every_seed_into_its_folder_as_a_local_sweep_does()
    {
        (BatchSummary, string) Sweep(string tag, Func<BatchOptions, IScriptExecutor> executor)
        {
            var options = Parse("--scripts", Scripts(), "--tag", tag, "--jobs", "1", "--seeds", "2");
            var tasks = BatchRuns.Tasks(options, ["xor"], Bash);
            return (BatchRuns.Run(options, tasks, executor(options), _ => { }), options.RunDir);
        }
        var (local, _) = Sweep("local-sweep", options => new LocalExecutor(options.Jobs));
        var (slurm, runDir) = Sweep("slurm-sweep", options => new SlurmExecutor(options.RunDir, "ch13-test", []) { Poll = TimeSpan.FromMilliseconds(300) });

        static object Comparable(ScriptResult r) => r with { WallSeconds = 0, Folder = null };
        slurm.Scripts.Select(Comparable).Should().Equal(local.Scripts.Select(Comparable));
        slurm.Scripts.Select(s => (s.Script, s.Seed, s.Status, s.Out)).Should().Equal(("xor", 1, "completed", "xor/seed-1/"), ("xor", 2, "completed", "xor/seed-2/"));
        File.ReadAllText(Path.Combine(runDir, "xor", "seed-2.log")).Should().Contain("training");
        SlurmJob.Read(runDir)!.Tasks.Should().Equal("xor/seed-1", "xor/seed-2");
        File.ReadAllText(Path.Combine(runDir, ".slurm", "job.sh")).Should().Contain("'--seed' '2'", "the array's task carries its seed");

        new SlurmBatch("slurm-sweep", false, "csx", []).Save(runDir); // what --no-wait keeps for --collect
        var (resumed, tasks, _) = SlurmBatches.Resume(runDir, Parse());
        tasks.Select(t => (t.Script, t.Seed)).Should().Equal(("xor", (int?)1), ("xor", (int?)2));
        resumed.RunDir.Should().Be(runDir);
    }

    [SlurmFact]
    public void A_batch_submitted_without_waiting_is_collected_later_from_its_run_folder()
    {
        var options = Parse("--scripts", Scripts(), "--tag", "later", "--executor", "slurm", "--no-wait");
        var tasks = BatchRuns.Tasks(options, BatchRuns.Discover(options.ScriptsDir), Bash);

        SlurmBatches.Submit(options, tasks, SlurmBatches.Prepare(options, tasks)).Should().BeTrue("--no-wait leaves the batch to Slurm");

        var (resumed, resumedTasks, executor) = SlurmBatches.Resume(options.RunDir, Parse());
        resumed.Should().Match<BatchOptions>(o => o.RunDir == options.RunDir && o.Name == "later" && o.StartedAt != null);
        resumedTasks.Select(t => t.Script).Should().Equal("xor", "broken");
        var summary = BatchRuns.Run(resumed, resumedTasks, executor, _ => { });
        summary.Scripts.Select(s => (s.Script, s.Status)).Should().Equal(("xor", "completed"), ("broken", "failed"));
    }

    public void Dispose() => temp.Dispose();
}
