using System.Diagnostics;
using System.Globalization;

namespace Ch13.Tests;

/// <summary>
/// A run folder is a consistent set (RunSets): staging beside it, the swap that keeps the previous set in the store,
/// pruning to N, recovery after a crash, and never touching a folder without our marker.
/// </summary>
public sealed class RunSetsTests : IDisposable
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

    string Folder => Path.Combine(temp.Path, "xor");

    static string Record(string started, string marker = "a") =>
        $$$"""{"script": "xor", "status": "completed", "marker": "{{{marker}}}", "timings": {"started_at": "{{{started}}}"}}""";

    static void WriteSet(string folder, string record, bool marked = true)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), record);
        File.WriteAllBytes(Path.Combine(folder, "history.png"), [1, 2, 3, (byte)record.Length]);
        if (marked) File.WriteAllText(Path.Combine(folder, RunSets.MarkerName), "1\nxor\n");
    }

    static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    [Fact]
    public void Everything_lives_beside_the_run_folder()
    {
        RunSets.LockPath(Folder).Should().Be(Path.Combine(temp.Path, ".xor.lock"));
        RunSets.StorePath(Folder + "/").Should().Be(Path.Combine(temp.Path, ".xor.runs"));
        RunSets.StagingPath(Folder, 42).Should().Be(Path.Combine(temp.Path, ".xor.staging-42"));
    }

    [Fact]
    public void The_swap_puts_the_new_set_in_place_and_keeps_the_previous_one_byte_for_byte_in_the_store()
    {
        WriteSet(Folder, Record("2026-03-04T05:06:07.1230000+01:00", "first"));
        var before = Contents(Folder);
        var staging = RunSets.CreateStaging(Folder, "xor");
        WriteSet(staging, Record("2026-03-04T06:00:00.0000000+01:00", "second"), marked: false);

        var kept = RunSets.Swap(Folder, staging, keep: 5);

        Directory.Exists(staging).Should().BeFalse();
        File.Exists(Path.Combine(Folder, RunSets.MarkerName)).Should().BeFalse("the run folder holds the set alone");
        File.ReadAllText(Path.Combine(Folder, "metrics.json")).Should().Contain("second");
        kept.Should().Be(Path.Combine(RunSets.StorePath(Folder), $"20260304T040607.123Z-{Environment.ProcessId}"));
        Contents(kept!).Should().Equal(before);
        RunSets.Kept(Folder).Should().Equal(kept);
    }

    [Fact]
    public void A_first_run_swaps_into_a_missing_or_empty_folder_and_keeps_nothing()
    {
        Directory.CreateDirectory(Folder);
        var staging = RunSets.CreateStaging(Folder, "xor");
        WriteSet(staging, Record("2026-03-04T06:00:00Z"));

        RunSets.Swap(Folder, staging, keep: 5).Should().BeNull();

        File.Exists(Path.Combine(Folder, "metrics.json")).Should().BeTrue();
        RunSets.Kept(Folder).Should().BeEmpty();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public void The_store_is_pruned_to_the_newest_n_and_nothing_outside_it_is_touched(int keep)
    {
        for (var hour = 10; hour < 17; hour++)
        {
            WriteSet(Folder, Record($"2026-03-04T{hour}:00:00Z"));
            var staging = RunSets.CreateStaging(Folder, "xor");
            WriteSet(staging, Record($"2026-03-04T{hour + 1}:00:00Z"));
            RunSets.Swap(Folder, staging, keep: 100);
        }
        var neighbour = Path.Combine(temp.Path, "mnist");
        WriteSet(neighbour, Record("2020-01-01T00:00:00Z"));
        RunSets.Kept(Folder).Should().HaveCount(7);

        RunSets.Prune(Folder, keep).Should().Be(7 - keep);

        RunSets.Kept(Folder).Select(Path.GetFileName).Should().Equal(
            new[] { "20260304T160000.000Z", "20260304T150000.000Z", "20260304T140000.000Z" }.Take(keep).Select(t => $"{t}-{Environment.ProcessId}"));
        File.Exists(Path.Combine(Folder, "metrics.json")).Should().BeTrue();
        File.Exists(Path.Combine(neighbour, "metrics.json")).Should().BeTrue();
    }

    [Fact]
    public void Recovery_promotes_a_complete_dead_staging_when_the_folder_is_missing_and_removes_an_incomplete_one()
    {
        if (OperatingSystem.IsWindows()) return; // the helper processes are `true` and `sleep`
        var complete = RunSets.StagingPath(Folder, DeadPid());
        WriteSet(complete, Record("2026-03-04T06:00:00Z", "crashed between the renames"));
        var incomplete = RunSets.StagingPath(Folder, DeadPid());
        Directory.CreateDirectory(incomplete);
        File.WriteAllText(Path.Combine(incomplete, RunSets.MarkerName), "1\nxor\n");
        File.WriteAllText(Path.Combine(incomplete, "history.png"), "half");

        RunSets.Recover(Folder).Should().Be(complete);

        File.ReadAllText(Path.Combine(Folder, "metrics.json")).Should().Contain("crashed between the renames");
        Directory.Exists(complete).Should().BeFalse();
        Directory.Exists(incomplete).Should().BeFalse();
    }

    [Fact]
    public void Recovery_keeps_the_folder_when_it_holds_a_set_and_removes_the_dead_staging_even_when_complete()
    {
        if (OperatingSystem.IsWindows()) return;
        WriteSet(Folder, Record("2026-03-04T05:00:00Z", "previous"));
        var dead = RunSets.StagingPath(Folder, DeadPid());
        WriteSet(dead, Record("2026-03-04T06:00:00Z", "killed before its swap"));

        RunSets.Recover(Folder).Should().BeNull();

        File.ReadAllText(Path.Combine(Folder, "metrics.json")).Should().Contain("previous");
        Directory.Exists(dead).Should().BeFalse();
    }

    [Fact]
    public void Recovery_never_touches_a_live_runs_staging_or_a_folder_without_our_marker()
    {
        if (OperatingSystem.IsWindows()) return;
        var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        children.Add(sleeper);
        var live = RunSets.StagingPath(Folder, sleeper.Id);
        WriteSet(live, Record("2026-03-04T06:00:00Z"));
        var foreign = RunSets.StagingPath(Folder, DeadPid());
        WriteSet(foreign, Record("2026-03-04T07:00:00Z"), marked: false);

        RunSets.Recover(Folder).Should().BeNull();

        Directory.Exists(live).Should().BeTrue();
        Directory.Exists(foreign).Should().BeTrue("a folder without our marker is never ours to remove or promote");
        Directory.Exists(Folder).Should().BeFalse();
        RunSets.Discard(foreign);
        Directory.Exists(foreign).Should().BeTrue();
    }

    [Fact]
    public void A_folder_holding_other_files_is_not_replaceable_while_a_run_set_or_an_empty_folder_is()
    {
        RunSets.IsReplaceable(Folder).Should().BeTrue("missing");
        Directory.CreateDirectory(Folder);
        RunSets.IsReplaceable(Folder).Should().BeTrue("empty");
        File.WriteAllText(Path.Combine(Folder, "thesis.tex"), "mine");
        RunSets.IsReplaceable(Folder).Should().BeFalse();
        File.WriteAllText(Path.Combine(Folder, "metrics.json"), "{}");
        RunSets.IsReplaceable(Folder).Should().BeTrue("an older run's set");
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData("", 5)]
    [InlineData("0", 0)]
    [InlineData("3", 3)]
    [InlineData(" 12 ", 12)]
    public void Ch13_keep_is_a_count_of_previous_runs(string? text, int expected) => RunSets.Keep(text).Should().Be(expected);

    [Theory]
    [InlineData("-1")]
    [InlineData("five")]
    [InlineData("2.5")]
    [InlineData("1e3")]
    [InlineData("99999")]
    public void A_bad_ch13_keep_is_a_one_line_usage_error(string text)
    {
        var error = FluentActions.Invoking(() => RunSets.Keep(text)).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Be($"CH13_KEEP={text} is not a number of previous runs to keep (0 to 1000); fix or unset it.");
    }

    static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
