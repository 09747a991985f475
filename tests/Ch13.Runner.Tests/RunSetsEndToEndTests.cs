using System.Diagnostics;

namespace Ch13.Runner.Tests;

/// <summary>
/// A run folder is a consistent set, end to end: a rerun keeps the previous set in the store beside the folder, a
/// SIGKILL mid-training leaves the last complete set in place and no lock in the way, and CH13_KEEP is checked.
/// </summary>
public sealed class RunSetsEndToEndTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    readonly ScratchDir scratch = new();
    readonly List<ScriptProcess> started = [];

    public void Dispose()
    {
        foreach (var process in started) process.Dispose();
        scratch.Dispose();
    }

    ScriptProcess Start(string outDir, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var process = ScriptProcess.Start(shared.Runner.CacheDir,
            [Path.Combine(Repo.Root, "scripts", "xor.csx"), "--", .. args, "--out", outDir], env);
        started.Add(process);
        return process;
    }

    static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    [Fact]
    public void A_rerun_keeps_the_previous_set_and_a_sigkill_mid_training_leaves_the_last_complete_one()
    {
        var outDir = Path.Combine(scratch.PathFor("sets"), "xor");
        var first = Start(outDir, ["--quick", "--quiet"]).WaitForExit(Long);
        first.ExitCode.Should().Be(0, first.Errors);
        var firstSet = Contents(outDir);

        var second = Start(outDir, ["--quick", "--quiet", "--seed", "2"]).WaitForExit(Long);
        second.ExitCode.Should().Be(0, second.Errors);
        PrintedLines.Joined(second.Output).Should().Contain($"Wrote {outDir}/: decision_regions.png, history.png, metrics.json, my_module.pth (", "printed lines name the run folder, not the staging folder");
        var secondSet = Contents(outDir);
        File.ReadAllText(Path.Combine(outDir, "metrics.json")).Should().Contain("\"seed\": 2");
        var kept = RunSets.Kept(outDir).Should().ContainSingle().Subject;
        first.Output.Should().NotContain("Previous results kept in", "the first run moved nothing");
        PrintedLines.Joined(second.Output).Should().Contain($"Previous results kept in {kept}/", "a rerun says where the previous results went");
        Contents(kept).Should().Equal(firstSet, "the store holds the first set byte for byte");

        var killed = Start(outDir, ["--epochs", "100000", "--seed", "3"]);
        killed.WaitForOutput("Epoch [1/100000]", Long).Should().BeTrue(killed.Describe());
        Directory.Exists(RunSets.StagingPath(outDir, killed.Pid)).Should().BeTrue("the run writes into its staging folder");
        killed.Kill();
        killed.WaitForExit(Long);
        Contents(outDir).Should().Equal(secondSet, "a killed run never touches the folder's complete set");
        RunSets.Kept(outDir).Should().Equal(kept);

        File.WriteAllText(Path.Combine(outDir, "stale.png"), "a file no run of this set wrote");
        var next = Start(outDir, ["--quick", "--quiet", "--seed", "4"]).WaitForExit(Long);
        next.ExitCode.Should().Be(0, next.Errors);
        File.ReadAllText(Path.Combine(outDir, "metrics.json")).Should().Contain("\"seed\": 4");
        File.Exists(Path.Combine(outDir, "stale.png")).Should().BeFalse("the folder holds one run's files only");
        RunSets.Kept(outDir).Should().HaveCount(2);
        Contents(RunSets.Kept(outDir)[0]).Where(f => f.Key != "stale.png").ToDictionary(f => f.Key, f => f.Value).Should().Equal(secondSet);
        File.Exists(RunSets.LockPath(outDir)).Should().BeFalse("the dead run's lock was taken over, then released");
        Directory.Exists(RunSets.StagingPath(outDir, killed.Pid)).Should().BeFalse("the dead run's staging folder is removed");
    }

    [Fact]
    public void Ch13_keep_bounds_the_store_and_a_bad_value_is_a_usage_error()
    {
        var outDir = Path.Combine(scratch.PathFor("keep"), "xor");
        var none = new Dictionary<string, string> { ["CH13_KEEP"] = "0" };
        for (var i = 0; i < 2; i++)
        {
            var run = Start(outDir, ["--quick", "--quiet"], none).WaitForExit(Long);
            run.ExitCode.Should().Be(0, run.Errors);
        }
        RunSets.Kept(outDir).Should().BeEmpty("CH13_KEEP=0 keeps no previous run");

        var bad = Start(outDir, ["--quick", "--quiet"], new Dictionary<string, string> { ["CH13_KEEP"] = "lots" }).WaitForExit(Long);
        bad.ExitCode.Should().Be(2, bad.Errors);
        bad.Errors.Trim().Should().Be("CH13_KEEP=lots is not a number of previous runs to keep (0 to 1000); fix or unset it.");
    }

    [Fact]
    public void A_folder_holding_someone_elses_files_is_refused_and_left_alone()
    {
        var outDir = scratch.PathFor("thesis");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "chapter1.tex"), "mine");

        var run = Start(outDir, ["--quick", "--quiet"]).WaitForExit(Long);

        run.ExitCode.Should().Be(2, run.Errors);
        run.Errors.Trim().Should().StartWith($"cannot use {outDir} as the output folder: it holds files but no metrics.json");
        Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Should().Equal("chapter1.tex");
        Directory.GetFileSystemEntries(Path.GetDirectoryName(outDir)!).Select(Path.GetFileName).Should().Equal("thesis");
    }
}
