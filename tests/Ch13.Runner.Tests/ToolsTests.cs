using System.Diagnostics;
using System.Text.Json.Nodes;
using Ch13.Tools.Tests;

namespace Ch13.Runner.Tests;

/// <summary>
/// The tools end to end through the bundled runner: <c>tools/run-all.csx</c> (a real --quick run of xor, and a
/// failing script in a scratch scripts folder) and <c>tools/compare.csx</c>; reports are opened in headless Chromium.
/// One runner cache is shared by the class, so each tool compiles once.
/// </summary>
public sealed class ToolsTests : IClassFixture<ToolsTests.Tools>
{
    /// <summary>A compile cache and scratch folder for the class, and the real xor run (made once, on first use).</summary>
    public sealed class Tools : IDisposable
    {
        public RunnerProcess Runner { get; } = new();
        public ScratchDir Scratch { get; } = new();
        readonly Lazy<(RunResult Result, string RunDir)> xorRun;

        public Tools() => xorRun = new(() =>
        {
            var runDir = Scratch.PathFor("xor-run");
            return (Tool("run-all", "--quick", "--only", "xor", "--out", runDir), runDir);
        });

        public (RunResult Result, string RunDir) XorRun => xorRun.Value;

        /// <summary>Runs tools/NAME.csx through the runner (the tools get a few minutes: they compile the lib and run scripts).</summary>
        public RunResult Tool(string name, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Repo.RunnerDll, Path.Combine(Repo.Root, "tools", name + ".csx"), "--" }.Concat(args)) start.ArgumentList.Add(arg);
            start.Environment["CH13_CSX_CACHE"] = Runner.CacheDir;
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
                start.Environment["CH13_DATA"] = Repo.SharedData;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{name} {string.Join(' ', args)} did not finish in 10 minutes");
            }
            return new RunResult(process.ExitCode, output.Result.ReplaceLineEndings("\n"), errors.Result.ReplaceLineEndings("\n"));
        }

        public void Dispose()
        {
            Runner.Dispose();
            Scratch.Dispose();
        }
    }

    readonly Tools tools;

    public ToolsTests(Tools tools) => this.tools = tools;

    [Fact]
    public void Run_all_quick_runs_a_script_into_one_run_folder_with_summaries_and_a_report_that_renders()
    {
        var (result, runDir) = tools.XorRun;

        result.ExitCode.Should().Be(0, $"stdout:\n{result.Output}\nstderr:\n{result.Errors}");
        result.Output.Should().Contain("[1/1] xor: running").And.Contain("[1/1] xor: completed in");
        result.Output.Should().MatchRegex(@"script\s+status\s+wall \(s\)\s+train \(s\)\s+key metric\s+value\s+notebook\nxor\s+completed\s+[\d.]+\s+[\d.]+\s+MLP 2-10-6-2 · valid_acc\s+0\.\d{4}");
        Directory.GetFiles(runDir).Select(Path.GetFileName).Should().BeEquivalentTo(["summary.json", "summary.md", "report.html", "xor.log", BatchFolders.Marker]);

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!;
        summary["quick"]!.GetValue<bool>().Should().BeTrue();
        var xor = summary["scripts"]!.AsArray().Single()!;
        xor["status"]!.GetValue<string>().Should().Be("completed");
        xor["key_metric"]!["name"]!.GetValue<string>().Should().Be("valid_acc");
        xor["key_metric"]!["series"]!.GetValue<string>().Should().Be("MLP 2-10-6-2");
        File.ReadAllText(Path.Combine(runDir, "summary.md")).Should().Contain("| [xor](xor/) | ✅ completed |");
        File.ReadAllText(Path.Combine(runDir, "xor.log")).Should().Contain("Epoch [1/20], Loss: ").And.Contain("MLP (MyModule): train acc");
        JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "xor", "metrics.json")))!["quick"]!.GetValue<bool>().Should().BeTrue();

        var page = Path.Combine(runDir, "report.html");
        var load = Chromium.Load(page);
        load.ImagesTotal.Should().Be(2, "xor writes history.png and decision_regions.png");
        load.ImagesBroken.Should().Be(0);
        load.Dom.Should().Contain("a linear model cannot solve XOR").And.Contain("MLP valid loss, epoch 1");
        Chromium.Screenshot(page, Chromium.ArtifactPath("run-all-report.png"));
    }

    [Fact]
    public void Compare_of_a_run_with_itself_shows_no_changes_and_its_page_renders()
    {
        var (run, runDir) = tools.XorRun;
        run.ExitCode.Should().Be(0, run.Errors);
        var outDir = tools.Scratch.PathFor("compare");

        var result = tools.Tool("compare", runDir, runDir, "--out", outDir);

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Contain("The runs have the same arguments, settings, seed, runner and versions.");
        result.Output.Should().StartWith("0 better · 0 worse · 0 within noise · 1 unchanged\n", "the tally comes first");
        result.Output.Should().MatchRegex(@"xor: unchanged · MLP 2-10-6-2 · valid_acc (0\.\d{4}) → \1\n");
        File.Exists(Path.Combine(outDir, "compare.md")).Should().BeTrue();
        var load = Chromium.Load(Path.Combine(outDir, "compare.html"));
        load.ImagesBroken.Should().Be(0);
        load.ImagesTotal.Should().BeGreaterThan(2, "a chart per history metric and each identical plot once");
    }

    [Fact]
    public void Run_all_with_a_failing_script_exits_non_zero_keeps_its_log_and_only_and_tag_select_the_run()
    {
        var scripts = tools.Scratch.PathFor("scripts");
        Directory.CreateDirectory(scripts);
        // Writes what a section script writes: <out>/metrics.json, a run record with a status and a key metric.
        const string record = """
            {
              "schema_version": 1, "script": "good", "description": "a fake section script", "status": "completed", "seed": 1,
              "epochs": 1, "quick": false, "arguments": [], "config": {}, "series": [], "results": [{"name": "acc", "number": 0.75}],
              "key_metric": {"name": "acc", "value": 0.75, "better": "higher"},
              "environment": {"libtorch": "none", "torch_threads": 1, "os": "test", "architecture": "test", "dotnet": "test", "host": "test"},
              "timings": {"started_at": "2026-01-01T00:00:00+00:00", "train_seconds": 0.1, "wall_seconds": 0.2, "series_train_seconds": {}}
            }
            """;
        File.WriteAllText(Path.Combine(scripts, "good.csx"), string.Join('\n',
            "var outDir = Args[Args.IndexOf(\"--out\") + 1];",
            "Directory.CreateDirectory(outDir);",
            "Console.WriteLine($\"good: quick={Args.Contains(\"--quick\")}\");",
            "File.WriteAllText(Path.Combine(outDir, \"metrics.json\"), \"\"\"",
            record,
            "\"\"\");",
            ""));
        File.WriteAllText(Path.Combine(scripts, "bad.csx"), """
            Console.WriteLine("bad: starting");
            throw new InvalidOperationException("bad: deliberate failure");
            """);
        var tag = $"tools-test-{Guid.NewGuid():N}";
        var runDir = Path.Combine(Repo.Root, "out", "runs", tag);
        try
        {
            var result = tools.Tool("run-all", "--scripts", scripts, "--tag", tag);

            result.ExitCode.Should().Be(1, result.Output + result.Errors);
            result.Output.Should().Contain("bad: failed (exit code 1: System.InvalidOperationException: bad: deliberate failure)")
                .And.Contain($"bad.log");
            File.ReadAllText(Path.Combine(runDir, "bad.log")).Should().Contain("bad: starting").And.Contain("bad: deliberate failure");
            var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!["scripts"]!.AsArray();
            rows.Select(r => (r!["script"]!.GetValue<string>(), r["status"]!.GetValue<string>())).Should().Equal(("bad", "failed"), ("good", "completed"));
            File.ReadAllText(Path.Combine(runDir, "report.html")).Should().Contain("bad: deliberate failure", "the report shows a failed script's log");

            var only = tools.Tool("run-all", "--scripts", scripts, "--tag", tag, "--only", "good", "--quick");

            only.ExitCode.Should().Be(0, only.Output + only.Errors);
            var again = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!["scripts"]!.AsArray();
            again.Select(r => r!["script"]!.GetValue<string>()).Should().Equal("good");
            File.ReadAllText(Path.Combine(runDir, "good.log")).Should().Contain("good: quick=True");
        }
        finally
        {
            if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        }
    }

    [Fact]
    public void Run_all_reports_an_argument_a_script_does_not_take_before_anything_runs_and_args_give_it_to_one_script()
    {
        var refused = tools.Scratch.PathFor("refused-run");

        var result = tools.Tool("run-all", "--only", "xor,mnist", "--out", refused, "--", "--full");

        result.ExitCode.Should().Be(2, result.Output + result.Errors);
        result.Errors.Should().StartWith("run-all: nothing was run").And.Contain("xor: xor: unknown option '--full'")
            .And.NotContain("mnist:");
        Directory.Exists(Path.Combine(refused, "xor")).Should().BeFalse("nothing ran");

        var perScript = tools.Scratch.PathFor("per-script-run");
        var ran = tools.Tool("run-all", "--quick", "--only", "xor,sequential", "--out", perScript, "--args", "xor=--epochs 3");

        ran.ExitCode.Should().Be(0, ran.Output + ran.Errors);
        RunRecordFiles.Read(Path.Combine(perScript, "xor", "metrics.json")).Epochs.Should().Be(3);
        RunRecordFiles.Read(Path.Combine(perScript, "sequential", "metrics.json")).Epochs.Should().NotBe(3);
    }

    [Fact]
    public void Run_all_rejects_bad_options_and_a_missing_dotnet_script_clearly()
    {
        var bad = tools.Tool("run-all", "--only", "no_such_script");
        bad.ExitCode.Should().Be(2);
        bad.Errors.Should().Contain("--only: no script named 'no_such_script'").And.Contain("xor");

        var dotnetScript = tools.Tool("run-all", "--runner", "dotnet-script", "--only", "xor", "--out", tools.Scratch.PathFor("dotnet-script-run"));
        if (dotnetScript.ExitCode == 0) return; // dotnet-script is installed here: nothing to check
        dotnetScript.ExitCode.Should().Be(1);
        dotnetScript.Errors.Should().Contain("dotnet tool install -g dotnet-script");
    }

    [Fact]
    public void Runs_prints_every_run_as_a_folder_that_exists_as_printed()
    {
        var folder = tools.Scratch.PathFor("runs-listing");
        foreach (var seed in new[] { "1", "2" })
        {
            var run = tools.Runner.Run([Path.Combine(Repo.Root, "scripts", "xor.csx"), "--", "--quick", "--quiet", "--seed", seed, "--out", folder]);
            run.ExitCode.Should().Be(0, run.Errors);
        }

        var listing = tools.Tool("runs", folder);

        listing.ExitCode.Should().Be(0, listing.Errors);
        // The markdown table's rows after its header and rule: | run | folder | started | …
        var rows = listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(" | ")).ToList();
        rows.Select(r => r[0].TrimStart('|', ' ')).Should().Equal("latest", "kept");
        rows.Select(r => r[1]).Should().AllSatisfy(path => Directory.Exists(path).Should().BeTrue($"{path} is printed to be given to compare as it is"));
        rows[0][1].Should().Be(folder);
        RunHistory.Shown(Path.Combine(Environment.CurrentDirectory, "out", ".xor.runs", "a"), Environment.CurrentDirectory)
            .Should().Be(Path.Combine("out", ".xor.runs", "a"), "below the current directory, a path from it");
    }
}
