namespace Ch13.Runner.Tests;

/// <summary>Two writers into one run folder: while a run-all runs, a second run-all into the same folder stops with the lock's line.</summary>
public sealed class RunAllLockEndToEndTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    readonly ScratchDir scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void A_second_run_all_into_a_folder_in_use_gets_the_in_use_line_and_leaves_the_first_alone()
    {
        var runDir = scratch.PathFor("busy-run");
        var runAll = Path.Combine(Repo.Root, "tools", "run-all.csx");
        using var first = ScriptProcess.Start(shared.Runner.CacheDir,
            [runAll, "--", "--only", "mnist", "--out", runDir, "--", "--quick", "--batch-size", "1", "--epochs", "1000", "--early-stop", "1000"],
            new Dictionary<string, string> { ["CH13_PROGRESS"] = "plain" });
        first.WaitForOutput("[1/1] mnist: running", Long).Should().BeTrue(first.Describe());

        using var second = ScriptProcess.Start(shared.Runner.CacheDir, [runAll, "--", "--only", "xor", "--quick", "--out", runDir]);
        var refused = second.WaitForExit(Long);

        refused.ExitCode.Should().Be(1, second.Describe());
        refused.Errors.Trim().Should().Contain("is in use by PID").And.Contain("run-all");
        first.HasExited.Should().BeFalse("the first run-all is not disturbed");
        Directory.Exists(Path.Combine(runDir, "xor")).Should().BeFalse("the second one ran nothing");
        first.Signal("INT");
        first.WaitForExit(Long).ExitCode.Should().Be(130, first.Describe());
    }
}
