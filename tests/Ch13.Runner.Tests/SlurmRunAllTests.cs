using System.Diagnostics;
using System.Text.Json.Nodes;
using Ch13.Tools.Tests;

namespace Ch13.Runner.Tests;

/// <summary>
/// <c>./run-all --executor slurm</c> end to end (issue 22): real scripts through the bundled runner, as one job array on
/// the real single-node cluster that tools/slurm-cluster.sh starts (the tests skip, saying why, where it cannot).
/// </summary>
public sealed class SlurmRunAllTests(ToolsTests.Tools tools) : IClassFixture<ToolsTests.Tools>
{
    static JsonArray Rows(string runDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!["scripts"]!.AsArray();

    [SlurmFact]
    public void A_quick_batch_through_Slurm_writes_the_records_a_local_batch_writes()
    {
        var local = tools.Scratch.PathFor("local");
        var slurm = tools.Scratch.PathFor("slurm");

        var localRun = tools.Tool("run-all", "--quick", "--only", "xor,init", "--out", local);
        var slurmRun = tools.Tool("run-all", "--quick", "--only", "xor,init", "--executor", "slurm", "--out", slurm);

        localRun.ExitCode.Should().Be(0, localRun.Output + localRun.Errors);
        slurmRun.ExitCode.Should().Be(0, slurmRun.Output + slurmRun.Errors);
        slurmRun.Output.Should().MatchRegex(@"run-all: submitted Slurm job \d+ \(2 tasks\)").And.Contain("2 ok, 0 failed");
        foreach (var script in new[] { "xor", "init" })
        {
            var records = new[] { local, slurm }.Select(run =>
                DeterminismEndToEndTests.Comparable(File.ReadAllText(Path.Combine(run, script, "metrics.json")), Path.Combine(run, script))).ToList();
            records[1].Should().Be(records[0], $"{script}'s record is the same from either executor, apart from timings and environment");
        }
        static IEnumerable<string> Comparable(JsonArray rows) => rows.Select(r =>
        {
            var row = r!.AsObject().DeepClone().AsObject();
            row.Remove("wall_seconds");
            row.Remove("train_seconds");
            return row.ToJsonString();
        });
        Comparable(Rows(slurm)).Should().Equal(Comparable(Rows(local)));
        foreach (var file in new[] { "summary.md", "report.html" }) File.Exists(Path.Combine(slurm, file)).Should().BeTrue(file);
    }

    [SlurmFact]
    public void No_wait_prints_the_job_and_the_command_that_collects_it_later()
    {
        var run = tools.Scratch.PathFor("later");

        var submitted = tools.Tool("run-all", "--quick", "--only", "init", "--executor", "slurm", "--no-wait", "--out", run);

        submitted.ExitCode.Should().Be(0, submitted.Output + submitted.Errors);
        submitted.Output.Should().MatchRegex(@"submitted Slurm job \d+").And.Contain($"./run-all --collect {run}");
        File.Exists(Path.Combine(run, "summary.json")).Should().BeFalse("nothing is summarised before --collect");

        var collected = tools.Tool("run-all", "--collect", run);

        collected.ExitCode.Should().Be(0, collected.Output + collected.Errors);
        collected.Output.Should().MatchRegex(@"following Slurm job \d+");
        Rows(run).Select(r => (r!["script"]!.GetValue<string>(), r["status"]!.GetValue<string>())).Should().Equal(("init", "completed"));
    }

    [SlurmFact]
    public async Task SIGTERM_while_waiting_cancels_the_array_and_the_script_still_leaves_a_consistent_record()
    {
        var run = tools.Scratch.PathFor("stopped");
        using var process = Process.Start(RunAll("--quick", "--only", "xor", "--executor", "slurm", "--out", run, "--", "--epochs", "100000"))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var log = Path.Combine(run, "xor.log");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline && !process.HasExited && !(File.Exists(log) && File.ReadAllText(log).Contains("Epoch [1/100000]"))) Thread.Sleep(200);
        process.HasExited.Should().BeFalse("run-all waits while xor trains");

        Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
        process.WaitForExit(TimeSpan.FromMinutes(3)).Should().BeTrue();

        process.ExitCode.Should().Be(130, await output + await errors);
        Rows(run).Single()!["status"]!.GetValue<string>().Should().Be("interrupted");
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "xor", "metrics.json")))!;
        record["status"]!.GetValue<string>().Should().Be("interrupted", "the script stopped as on Ctrl+C and wrote its record");
        var job = JsonNode.Parse(File.ReadAllText(Path.Combine(run, ".slurm", "job.json")))!["job_id"]!.GetValue<string>();
        var queue = Process.Start(new ProcessStartInfo("squeue", ["-h", "-j", job, "-o", "%T"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var states = queue.StandardOutput.ReadToEnd();
        queue.WaitForExit();
        states.Should().NotContain("RUNNING").And.NotContain("PENDING");
    }

    // run-all through the test's runner and compile cache, for a test that needs the process itself.
    ProcessStartInfo RunAll(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Repo.RunnerDll, Path.Combine(Repo.Root, "tools", "run-all.csx"), "--" }.Concat(args)) start.ArgumentList.Add(arg);
        start.Environment["CH13_CSX_CACHE"] = tools.Runner.CacheDir;
        return start;
    }

    [Fact]
    public async Task Without_sbatch_on_PATH_the_executor_says_so_in_one_line_with_exit_1_before_anything_is_written()
    {
        var run = tools.Scratch.PathFor("no-sbatch");
        var start = RunAll("--quick", "--only", "xor", "--executor", "slurm", "--out", run);
        start.FileName = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, "dotnet")).First(File.Exists);
        start.Environment["PATH"] = Path.Combine(tools.Scratch.Path, "no-such-folder"); // no sbatch anywhere
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit(TimeSpan.FromMinutes(5)).Should().BeTrue();

        process.ExitCode.Should().Be(1, await output + errors);
        errors.TrimEnd('\n').Should().StartWith("run-all: --executor slurm needs Slurm's client commands, and sbatch could not be started")
            .And.EndWith("to try Slurm on this machine: sudo tools/slurm-cluster.sh start").And.NotContain("\n");
        Directory.Exists(run).Should().BeFalse();
    }

    [SlurmFact]
    public void A_partition_that_does_not_exist_is_one_line_from_Slurm_exit_1_and_no_run_folder()
    {
        var run = tools.Scratch.PathFor("nowhere");

        var result = tools.Tool("run-all", "--quick", "--only", "xor", "--executor", "slurm", "--slurm-args=--partition no-such-partition", "--out", run);

        result.ExitCode.Should().Be(1, result.Output + result.Errors);
        result.Errors.TrimEnd('\n').Should().StartWith("run-all: Slurm did not take the job: ").And.Contain("invalid partition specified: no-such-partition").And.NotContain("\n");
        Directory.Exists(run).Should().BeFalse();
    }
}
