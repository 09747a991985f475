using System.Diagnostics;
using System.Globalization;

namespace Ch13.Tools.Tests;

/// <summary>tools/runs.csx: a script folder's latest and kept runs, newest first; and compare taking its folder's lock.</summary>
[Collection("Console")]
public sealed class RunHistoryTests : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    // Three runs of xor swapped in one after another (what Runs.Finish does), the store keeping the previous two.
    string ThreeRuns()
    {
        var folder = Path.Combine(temp.Path, "xor");
        for (var i = 1; i <= 3; i++)
        {
            var record = FakeRuns.Record("xor", validAcc: 0.9 + i / 100.0) with
            {
                Arguments = ["--seed", i.ToString(CultureInfo.InvariantCulture)],
                Timings = FakeRuns.Record("xor").Timings with { StartedAt = $"2026-01-0{i}T10:00:00+00:00" },
            };
            var staging = RunSets.CreateStaging(folder, "xor");
            FakeRuns.WriteScript(staging, record);
            RunSets.Swap(folder, staging, keep: 5);
        }
        return folder;
    }

    [Fact]
    public void The_kept_runs_of_a_script_folder_come_newest_first()
    {
        var folder = ThreeRuns();

        RunHistory.KeptRuns(folder).Select(d => RunRecordFiles.Read(Path.Combine(d, "metrics.json")).Arguments[1]).Should().Equal("2", "1");
        RunHistory.Runs(folder).Select(r => (r.Latest, r.Record!.Arguments[1])).Should().Equal((true, "3"), (false, "2"), (false, "1"));
    }

    [Fact]
    public void The_listing_shows_time_status_arguments_and_key_metric_newest_first()
    {
        var folder = ThreeRuns();

        var text = TextTables.ToMarkdown(RunHistory.Table(RunHistory.Runs(folder), folder));

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(5);
        lines[0].Should().Contain("run").And.Contain("started").And.Contain("status").And.Contain("arguments").And.Contain("key metric");
        lines[2].Should().Contain("latest").And.Contain("completed").And.Contain("--seed 3").And.Contain("MLP 2-10-6-2 · valid_acc 0.93")
            .And.Contain(new DateTimeOffset(2026, 1, 3, 10, 0, 0, TimeSpan.Zero).LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        lines[3].Should().Contain(".xor.runs/20260102T100000.000Z-").And.Contain("--seed 2").And.Contain("valid_acc 0.92");
        lines[4].Should().Contain("--seed 1").And.Contain("valid_acc 0.91");
    }

    [Fact]
    public void A_script_name_means_its_folder_under_out_and_a_folder_without_runs_is_a_usage_error()
    {
        RunHistory.Resolve("xor", "/repo").Should().Be(Path.Combine("/repo", "out", "xor"));
        RunHistory.Resolve("out/runs/a/xor", "/repo").Should().Be(Path.GetFullPath("out/runs/a/xor"));

        var missing = Path.Combine(temp.Path, "never");
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        try { RunHistory.RunTool([missing], temp.Path).Should().Be(2); }
        finally { Console.SetError(before); }
        error.ToString().Trim().Should().Be($"runs: no runs in {missing} (nothing there yet); run the script first, or name a script folder.");
    }

    [Fact]
    public void Compare_refuses_a_folder_another_live_compare_holds()
    {
        if (OperatingSystem.IsWindows()) return; // the holder is `sleep`
        var run = FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        var outDir = temp.Sub("cmp");
        File.WriteAllText(Path.Combine(outDir, Compare.Marker), "");
        using var holder = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            File.WriteAllText(Path.Combine(outDir, FolderLocks.LockName),
                $"{holder.Id}\n{holder.StartTime.ToUniversalTime():o}\n{DateTimeOffset.Now:o}\ncompare\n");

            var refused = () => Compare.Run(run, run, outDir, new Dictionary<string, ScriptReference>());

            refused.Should().Throw<Ch13Exception>().WithMessage($"*is in use by PID {holder.Id} (compare, started *");
            File.Exists(Path.Combine(outDir, "compare.md")).Should().BeFalse();
        }
        finally { holder.Kill(); }
    }
}
