using System.Diagnostics;

namespace Ch13.Tools.Tests;

/// <summary>
/// The array job script (tools/lib/SlurmJobScript.cs). Besides its text, it is run here with bash as Slurm would run one
/// task (SLURM_ARRAY_TASK_ID set), so what a task leaves in the run folder is checked without a cluster.
/// </summary>
public sealed class SlurmJobScriptTests : IDisposable
{
    readonly TempDir temp = new();

    static ScriptTask Bash(string name, string body, params string[] args) => Task(name, "/", "bash", ["-c", body, "task", .. args]);

    static ScriptTask Task(string name, string dir, string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = dir };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return new ScriptTask(0, name, start, "unused");
    }

    [Fact]
    public void Each_task_runs_its_command_word_for_word_from_its_folder()
    {
        var run = temp.Sub("run");
        var text = SlurmJobScript.Text([Task("xor", "/r", "/usr/bin/dotnet", ["/r/ch13-csx.dll", "/r/scripts/xor.csx", "--", "--out", "/o/x y", "--title", "it's"])], run, "ch13-test");
        text.Should().StartWith("#!/usr/bin/env bash\n#SBATCH --job-name='ch13-test'\n");
        text.Should().Contain($"#SBATCH --output='{run}/.slurm/task-%a.out'");
        text.Should().Contain("  0) name='xor'; dir='/r'; cmd=('/usr/bin/dotnet' '/r/ch13-csx.dll' '/r/scripts/xor.csx' '--' '--out' '/o/x y' '--title' 'it'\\''s') ;;");
    }

    [Fact]
    public void A_task_writes_its_output_to_its_log_its_stderr_aside_and_an_exit_file_with_its_code()
    {
        var run = temp.Sub("run");
        var tasks = new[]
        {
            Bash("ok", "pwd; echo \"args: $*\"", "a b", "c'd"),
            Bash("fails", "echo before; echo 'boom: it broke' >&2; echo after; exit 3"),
        };
        File.WriteAllText(Path.Combine(temp.Path, "job.sh"), SlurmJobScript.Text(tasks, run, "t"));
        Directory.CreateDirectory(SlurmJobScript.StateDir(run));

        RunTask(0).Should().Be(0);
        File.ReadAllText(Path.Combine(run, "ok.log")).Should().Be("/\nargs: a b c'd\n");
        SlurmJobScript.ReadEnd(run, "ok")!.ExitCode.Should().Be(0);

        RunTask(1).Should().Be(3);
        File.ReadAllText(Path.Combine(run, "fails.log")).Should().Contain("before\n").And.Contain("boom: it broke\n").And.Contain("after\n");
        SlurmJobScript.FirstError(run, "fails").Should().Be("boom: it broke");
        var end = SlurmJobScript.ReadEnd(run, "fails")!;
        end.ExitCode.Should().Be(3);
        end.WallSeconds.Should().BeInRange(0, 60);
        SlurmJobScript.LastLogLine(run, "fails").Should().BeOneOf("after", "boom: it broke");

        RunTask(7).Should().Be(2, "an index the job does not have");
    }

    [Fact]
    public void A_sweeps_task_logs_into_its_scripts_folder_and_keeps_its_state_files_flat()
    {
        var run = temp.Sub("run");
        var task = Bash("xor", "echo \"seed $1\"; echo 'oops' >&2; exit 4", "3") with { Seed = 3 };
        File.WriteAllText(Path.Combine(temp.Path, "job.sh"), SlurmJobScript.Text([task], run, "t"));
        Directory.CreateDirectory(SlurmJobScript.StateDir(run));

        RunTask(0).Should().Be(4);

        File.ReadAllText(Path.Combine(run, "xor", "seed-3.log")).Should().Contain("seed 3\n").And.Contain("oops\n");
        File.Exists(Path.Combine(SlurmJobScript.StateDir(run), "xor.seed-3.exit")).Should().BeTrue("the state folder has no subfolders");
        SlurmJobScript.ReadEnd(run, "xor/seed-3")!.ExitCode.Should().Be(4);
        SlurmJobScript.FirstError(run, "xor/seed-3").Should().Be("oops");
        SlurmJobScript.LastLogLine(run, "xor/seed-3").Should().BeOneOf("seed 3", "oops");
    }

    [Fact]
    public void A_task_stopped_by_SIGTERM_lets_its_command_finish_and_still_records_its_exit_code()
    {
        var run = temp.Sub("run");
        // The command stops as a script does on SIGTERM: it says so (on stderr, too) and exits 130.
        var task = Bash("stops", "trap 'echo stopping at epoch 2; echo interrupted >&2; exit 130' TERM; echo started; while :; do sleep 0.05; done");
        File.WriteAllText(Path.Combine(temp.Path, "job.sh"), SlurmJobScript.Text([task], run, "t"));
        Directory.CreateDirectory(SlurmJobScript.StateDir(run));
        var start = new ProcessStartInfo("setsid", ["bash", Path.Combine(temp.Path, "job.sh")]) { UseShellExecute = false };
        start.Environment["SLURM_ARRAY_TASK_ID"] = "0";
        using var process = Process.Start(start)!;
        var log = Path.Combine(run, "stops.log");
        for (var i = 0; i < 100 && !(File.Exists(log) && File.ReadAllText(log).Contains("started")); i++) Thread.Sleep(50);
        // As Slurm does: SIGTERM to every process of the task (its process group here).
        Process.Start("kill", ["-TERM", "--", "-" + process.Id])!.WaitForExit();
        process.WaitForExit(10_000).Should().BeTrue();

        process.ExitCode.Should().Be(130);
        SlurmJobScript.ReadEnd(run, "stops")!.ExitCode.Should().Be(130);
        File.ReadAllText(log).Should().Contain("stopping at epoch 2").And.Contain("interrupted");
    }

    int RunTask(int index)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(temp.Path, "job.sh")]) { UseShellExecute = false, RedirectStandardError = true };
        start.Environment["SLURM_ARRAY_TASK_ID"] = index.ToString();
        using var process = Process.Start(start)!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    [Theory]
    [InlineData("0 1700000000.25 1700000002.75\n", 0, 2.5)]
    [InlineData("143 1 2", 143, 1.0)]
    public void An_exit_file_is_the_code_and_the_start_and_end_times(string text, int code, double wall)
    {
        var end = SlurmJobScript.ParseEnd(text)!;
        end.ExitCode.Should().Be(code);
        end.WallSeconds.Should().BeApproximately(wall, 1e-6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0 1")]
    [InlineData("x 1 2")]
    [InlineData("0 1 2 3")]
    public void Anything_else_in_an_exit_file_is_no_exit_file(string text) => SlurmJobScript.ParseEnd(text).Should().BeNull();

    [Fact]
    public void A_task_name_that_is_not_a_plain_folder_name_is_refused()
    {
        FluentActions.Invoking(() => SlurmJobScript.Text([Bash("../x", "true")], temp.Path, "t")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SlurmJobScript.Text([], temp.Path, "t")).Should().Throw<ArgumentException>();
    }

    public void Dispose() => temp.Dispose();
}
