using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ch13.Tools.Tests;
using Xunit.Abstractions;

namespace Ch13.Runner.Tests;

/// <summary>
/// <c>./run-all --seeds</c> end to end on the real scripts (--quick), and run-all's closing summary in a pseudo-terminal
/// of 80 columns (util-linux <c>script</c>): no line wider than the terminal, no word of a cell split.
/// </summary>
public sealed class SeedSweepTests(SharedRunner shared, ITestOutputHelper output) : IClassFixture<SharedRunner>, IDisposable
{
    readonly ScratchDir scratch = new();
    public void Dispose() => scratch.Dispose();

    static readonly bool HasScript = File.Exists("/usr/bin/script");

    [Fact]
    public void A_three_seed_sweep_in_an_80_column_terminal_runs_every_seed_into_its_folder_and_its_summary_fits()
    {
        if (!HasScript) return; // no pseudo-terminal tool on this machine (util-linux' script)
        var runDir = scratch.PathFor("sweep");
        var clock = Stopwatch.StartNew();
        var raw = OnTerminal(80, ["--quick", "--only", "xor,sequential", "--seeds", "1,2,3", "--out", runDir]);
        output.WriteLine($"6-run sweep (--quick, xor and sequential × seeds 1,2,3): {clock.Elapsed.TotalSeconds:F1} s, compile included");

        foreach (var script in new[] { "xor", "sequential" })
        {
            var series = new List<string>();
            foreach (var seed in new[] { 1, 2, 3 })
            {
                var record = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, script, $"seed-{seed}", "metrics.json")))!;
                record["seed"]!.GetValue<int>().Should().Be(seed, $"{script}'s seed-{seed} run ran with --seed {seed}");
                File.Exists(Path.Combine(runDir, script, $"seed-{seed}.log")).Should().BeTrue();
                series.Add(record["series"]!.ToJsonString());
            }
            series.Distinct().Should().HaveCount(3, $"{script}'s three seeds trained differently (the seed is really passed)");
            File.Exists(Path.Combine(runDir, script, "metrics.json")).Should().BeFalse("a sweep writes only seed folders");
        }
        var summary = ReadSummary(runDir);
        summary.Scripts.Select(s => (s.Script, s.Seed, s.Ok)).Should().Equal(
            ("sequential", 1, true), ("sequential", 2, true), ("sequential", 3, true), ("xor", 1, true), ("xor", 2, true), ("xor", 3, true));

        ClosingSummaryShouldFit(raw, summary, 80);
        raw.Should().MatchRegex(@"xor +ok 3/3 .*valid_acc \d\.\d{4} ± \d\.\d{4} \(n=3\)", "a script's seeds are one line: mean ± sd (n)");
    }

    [Fact]
    public void Seeds_as_a_count_runs_seeds_one_to_n_and_a_bad_value_is_one_line_exit_2()
    {
        var runDir = scratch.PathFor("count");
        var result = Tool("--quick", "--only", "xor", "--seeds", "2", "--out", runDir);
        result.ExitCode.Should().Be(0, result.Errors);
        Directory.GetDirectories(Path.Combine(runDir, "xor")).Select(Path.GetFileName).Order().Should().Equal("seed-1", "seed-2");
        ReadSummary(runDir).Scripts.Select(s => s.Seed).Should().Equal(1, 2);

        var bad = Tool("--seeds", "1,1", "--only", "xor");
        bad.ExitCode.Should().Be(2);
        bad.Errors.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--seeds lists seed 1 twice");
    }

    [Fact]
    public void A_single_run_in_an_80_column_terminal_keeps_its_layout_and_its_summary_fits()
    {
        if (!HasScript) return;
        var runDir = scratch.PathFor("single");
        var raw = OnTerminal(80, ["--quick", "--only", "xor", "--out", runDir]);

        File.Exists(Path.Combine(runDir, "xor", "metrics.json")).Should().BeTrue("a single-seed run keeps <run>/<script>/");
        File.Exists(Path.Combine(runDir, "xor.log")).Should().BeTrue();
        var row = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!["scripts"]![0]!.AsObject();
        row.ContainsKey("seed").Should().BeFalse("a single-seed summary.json keeps its shape");
        ClosingSummaryShouldFit(raw, ReadSummary(runDir), 80);
    }

    static BatchSummary ReadSummary(string runDir) =>
        JsonSerializer.Deserialize<BatchSummary>(File.ReadAllText(Path.Combine(runDir, "summary.json")), BatchSummaries.Json)!;

    // What stays on screen after the live table is gone: from the summary's header line to the end. Every line fits
    // the terminal (none wraps), and the summary's words are whole words of the table's cells.
    void ClosingSummaryShouldFit(string raw, BatchSummary summary, int columns)
    {
        var lines = raw.Replace("\r\n", "\n").Split('\n').Select(Visible).ToList();
        var header = lines.FindLastIndex(l => l.StartsWith("script ", StringComparison.Ordinal) || l.StartsWith("╭", StringComparison.Ordinal));
        header.Should().BeGreaterThanOrEqualTo(0, "the closing summary is on screen:\n" + string.Join('\n', lines));
        var headline = lines.FindIndex(header, l => l.StartsWith("Started ", StringComparison.Ordinal));
        headline.Should().BeGreaterThan(header);
        var closing = lines.Skip(header).Where(l => l.Length > 0).ToList();
        output.WriteLine(string.Join('\n', closing));
        closing.Should().AllSatisfy(l => l.Length.Should().BeLessThanOrEqualTo(columns, $"'{l}' fits {columns} columns"));

        var references = References.Load(References.DefaultPath(Repo.Root));
        var table = string.Join('\n', lines.Skip(header).Take(headline - header).Where(l => l.Length > 0));
        TerminalWords.ShouldFitWithWholeWords(table, columns, summary.Scripts.Select(s => s.Script).Distinct(),
            BatchSummaries.Table(summary, references), BatchSummaries.NarrowTable(summary, references));
    }

    // What a terminal line shows: the text after its last carriage return, escapes removed.
    static string Visible(string segment)
    {
        var text = Regex.Replace(segment, "\u001b(\\[[0-9;?]*[A-Za-z]|\\][^\u0007]*\u0007|[=>])", "");
        return text[(text.LastIndexOf('\r') + 1)..].TrimEnd();
    }

    // run-all in a pipe (a few minutes: the first call compiles the tool and the scripts).
    RunResult Tool(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Repo.RunnerDll, Path.Combine(Repo.Root, "tools", "run-all.csx"), "--" }.Concat(args)) start.ArgumentList.Add(arg);
        start.Environment["CH13_CSX_CACHE"] = shared.Runner.CacheDir;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        return RunnerProcess.Complete(start, TimeSpan.FromMinutes(8), $"run-all {string.Join(' ', args)}");
    }

    // run-all on a pseudo-terminal of the given width: everything it wrote there.
    string OnTerminal(int columns, IReadOnlyList<string> args) =>
        PseudoTerminal.Run(columns, ["dotnet", Repo.RunnerDll, Path.Combine(Repo.Root, "tools", "run-all.csx"), "--", .. args], shared.Runner.CacheDir, TimeSpan.FromMinutes(8));
}
