using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ch13.Runner.Tests;

/// <summary>
/// Every section script in scripts/, run end to end through the bundled runner with few epochs and its output
/// folder in a temp directory: it must exit 0 and leave a complete metrics.json (a run record that follows the
/// published schema and holds every value the notebook's references name) and valid PNGs.
/// </summary>
public sealed class ScriptSmokeTests(SharedRunner shared, FewEpochRuns fewEpochs) : IClassFixture<SharedRunner>, IClassFixture<FewEpochRuns>, IDisposable
{
    // One compile cache for the class: each script compiles once, not once per test.
    readonly RunnerProcess runner = shared.Runner;
    readonly ScratchDir scratch = new();

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(Repo.Root, "scripts"), "*.csx").Order())
            data.Add(Path.GetFileNameWithoutExtension(path));
        return data;
    }

    RunResult RunScript(string name, string outDir, params string[] args) =>
        runner.Run([Path.Combine(Repo.Root, "scripts", name + ".csx"), "--", .. args, "--out", outDir]);

    // Each script's two-epoch run, once for the class (the theories below all read it).
    (RunResult Result, string OutDir) FewEpochRun(string name)
    {
        var (result, outDir) = fewEpochs.Get(name, () =>
        {
            var dir = fewEpochs.Scratch.PathFor(name);
            return (RunScript(name, dir, "--epochs", "2", "--quiet"), dir);
        });
        result.ExitCode.Should().Be(0, $"stdout:\n{result.Output}\nstderr:\n{result.Errors}");
        return (result, outDir);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_runs_with_few_epochs_and_writes_metrics_and_plots(string name)
    {
        var (_, outDir) = FewEpochRun(name);

        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        metrics["script"]!.GetValue<string>().Should().Be(name);
        metrics["status"]!.GetValue<string>().Should().Be("completed");
        metrics["environment"]!["torchsharp"]!.GetValue<string>().Should().Be("0.107.0");
        var pngs = Directory.GetFiles(outDir, "*.png");
        pngs.Should().NotBeEmpty();
        foreach (var png in pngs) Png.Size(png).Width.Should().BeGreaterThan(100, png);
        Directory.GetFiles(outDir, "*.tmp*").Should().BeEmpty("temp files are renamed or removed");
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Metrics_json_follows_the_published_schema_and_round_trips_through_the_run_record(string name)
    {
        var (_, outDir) = FewEpochRun(name);
        var json = File.ReadAllText(Path.Combine(outDir, "metrics.json"));

        Ch13.Tests.RecordSchema.Errors(Repo.Root, json).Should().BeEmpty();
        var record = RunRecords.Parse(json, name);
        RunRecords.ToJson(record).Should().Be(json);
        record.Script.Should().Be(name);
        record.Series.Should().NotBeEmpty().And.OnlyContain(s => s.Status == RunStatus.Completed && s.History.Count == 2);
        record.Series.Select(s => s.Name).Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_notebook_reference_names_a_value_the_script_records(string name)
    {
        var references = References.Load(References.DefaultPath(Repo.Root));
        if (!references.TryGetValue(name, out var reference)) return; // init: the notebook printed nothing to compare
        var (_, outDir) = FewEpochRun(name);
        var record = RunRecordFiles.Read(Path.Combine(outDir, "metrics.json"));

        reference.Values.Where(v => !References.Records(v, record))
            .Select(v => $"{v.Label}: {(v.Series is null ? "results" : $"series '{v.Series}'")} → {(v.IsHistory ? "history column " : "value ")}{v.Name}")
            .Should().BeEmpty($"reference/notebook.json's {name} entries must name what the script records " +
                              $"(series: {string.Join(", ", record.Series.Select(s => $"'{s.Name}'"))})");
    }

    [Fact]
    public void Xor_prints_the_notebooks_log_and_writes_its_three_files()
    {
        var outDir = scratch.PathFor("xor");
        var result = RunScript("xor", outDir, "--epochs", "11");

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Contain("MyModule(\n  (module_list): ModuleList(\n    (0): Linear(in_features=2, out_features=10, bias=True)");
        result.Output.Should().MatchRegex(@"Epoch \[1/11\], Loss: 0\.\d+\n(.*\n)*Epoch \[11/11\], Loss: 0\.\d+");
        result.Output.Should().Contain("Linear model: train acc").And.Contain("MLP (MyModule): train acc");
        Directory.GetFiles(outDir).Select(Path.GetFileName).Should().BeEquivalentTo(["metrics.json", "history.png", "decision_regions.png", "my_module.pth"]);
        Png.Size(Path.Combine(outDir, "history.png")).Should().Be((1400, 500));
        Png.Size(Path.Combine(outDir, "decision_regions.png")).Should().Be((1400, 620));
        var mlp = RunRecordFiles.Read(Path.Combine(outDir, "metrics.json")).SeriesNamed("MLP 2-10-6-2")!;
        mlp.History.Should().HaveCount(11);
        mlp.Final!.ValidAccuracy.Should().BeInRange(0, 1);
    }

    [Fact]
    public void Same_seed_gives_the_same_metrics_apart_from_timings()
    {
        string Metrics(string folder)
        {
            var outDir = scratch.PathFor(folder);
            RunScript("xor", outDir, "--epochs", "3", "--seed", "5", "--quiet").ExitCode.Should().Be(0);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!.AsObject();
            json.Remove("timings");
            json.Remove("arguments"); // differs only by --out
            return json.ToJsonString();
        }
        Metrics("a").Should().Be(Metrics("b"));
    }

    [Theory]
    [InlineData("--epochs", "-3", "--epochs must be an integer from 1 to 1000000, got -3")]
    [InlineData("--lr", "abc", "--lr must be a finite number")]
    [InlineData("--bogus", "1", "unknown option '--bogus'")]
    public void Bad_arguments_exit_with_code_2_and_one_clear_line(string option, string value, string message)
    {
        var outDir = scratch.PathFor("bad");
        var result = RunScript("xor", outDir, option, value);
        result.ExitCode.Should().Be(2);
        result.Errors.Trim().Should().Contain(message).And.NotContain("   at ");
        Directory.Exists(outDir).Should().BeFalse("nothing is written before the arguments are valid");
    }

    [Fact]
    public void Help_lists_the_options_and_exits_0()
    {
        var result = runner.Run(Path.Combine(Repo.Root, "scripts", "xor.csx"), "--help");
        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain("Usage: ./csx scripts/xor.csx [options]")
            .And.Contain("--epochs N").And.Contain("--lr X").And.Contain("--batch-size N");
    }

    public void Dispose() => scratch.Dispose();
}

/// <summary>Runs made once for a test class, by key, with the folder they write in.</summary>
public sealed class FewEpochRuns : IDisposable
{
    readonly Dictionary<string, (RunResult, string)> runs = [];
    public ScratchDir Scratch { get; } = new();

    public (RunResult Result, string OutDir) Get(string name, Func<(RunResult, string)> run)
    {
        lock (runs)
        {
            if (!runs.TryGetValue(name, out var done)) runs[name] = done = run();
            return done;
        }
    }

    public void Dispose() => Scratch.Dispose();
}

/// <summary>A runner whose compile cache lives as long as a test class.</summary>
public sealed class SharedRunner : IDisposable
{
    public RunnerProcess Runner { get; } = new();
    public void Dispose() => Runner.Dispose();
}

/// <summary>Reads a PNG's size from its header, checking the signature.</summary>
public static class Png
{
    public static (int Width, int Height) Size(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes.Length.Should().BeGreaterThan(33);
        bytes[..8].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
        int Int(int at) => (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
        return (Int(16), Int(20));
    }
}
