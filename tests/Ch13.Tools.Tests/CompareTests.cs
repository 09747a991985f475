using System.Text.Json.Nodes;

namespace Ch13.Tools.Tests;

/// <summary>Comparing runs (lib/Compare.cs, Images.cs, RunFolders.cs) on tiny fake run folders.</summary>
public sealed class CompareTests : IDisposable
{
    readonly TempDir temp = new();
    static readonly IReadOnlyDictionary<string, ScriptReference> NoReferences = new Dictionary<string, ScriptReference>();

    [Fact]
    public void A_run_compared_with_itself_has_zero_deltas_and_identical_images()
    {
        var run = temp.Sub("runs", "a");
        FakeRuns.WriteRun(run, "xor", "sequential", "zzz_extra");

        var comparison = Compare.Run(run, run, temp.Sub("cmp"), NoReferences);

        comparison.Scripts.Select(s => s.Script).Should().Equal("sequential", "xor", "zzz_extra"); // the chapter's order, then others
        comparison.OnlyInA.Should().BeEmpty();
        comparison.OnlyInB.Should().BeEmpty();
        foreach (var script in comparison.Scripts)
        {
            script.Metrics.Should().NotBeEmpty();
            script.Metrics.Where(m => m.Delta is not null).Should().OnlyContain(m => m.Delta == 0 && m.Relative == 0);
            script.ChangedMetrics.Should().Be(0);
            script.Images.Select(i => i.Image).Should().Equal("decision_regions.png", "history.png");
            script.Images.Should().OnlyContain(i => i.Diff.Identical && i.Diff.Score == 0 && i.Diff.ChangedPixels == 0);
            script.ChangedImages.Should().Be(0);
        }
    }

    [Fact]
    public void A_changed_metric_shows_its_absolute_and_relative_delta()
    {
        var a = FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Metrics("xor", validAcc: 0.8));
        var b = FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Metrics("xor", validAcc: 0.9));

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        var key = xor.Metrics.Single(m => m.Metric == "key metric: mlp_valid_acc");
        key.A.Should().Be("0.8000");
        key.B.Should().Be("0.9000");
        key.Delta.Should().BeApproximately(0.1, 1e-12);
        key.Relative.Should().BeApproximately(0.125, 1e-12);
        key.Changed.Should().BeTrue();
        xor.Metrics.Single(m => m.Metric == "results.mlp.final.valid_acc").Changed.Should().BeTrue();
        xor.Metrics.Single(m => m.Metric == "results.linear.final.valid_acc").Changed.Should().BeFalse();
        xor.ChangedMetrics.Should().Be(2);
        File.ReadAllText(Path.Combine(temp.Sub("cmp"), "compare.md")).Should().Contain("| key metric: mlp_valid_acc | 0.8000 | 0.9000 | +0.1000 | +12.50% |");
    }

    [Fact]
    public void Timings_are_listed_but_never_count_as_changes()
    {
        var metricsB = FakeRuns.Metrics("xor");
        metricsB["timings"]!["wall_seconds"] = 99.0;
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Metrics("xor"));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), metricsB);

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        xor.Metrics.Single(m => m.Metric == "wall seconds").Delta.Should().Be(96.5);
        xor.ChangedMetrics.Should().Be(0);
    }

    [Fact]
    public void A_changed_image_gets_a_positive_score_and_a_labelled_composite()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Metrics("xor"), "history.png", "decision_regions.png");
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Metrics("xor"), "history.png");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "decision_regions.png"), marked: true);
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        var changed = xor.Images.Single(i => i.Image == "decision_regions.png");
        changed.Diff.Identical.Should().BeFalse();
        changed.Diff.Score.Should().BeGreaterThan(0);
        changed.Diff.ChangedPixels.Should().BeApproximately(30 * 30 / (200.0 * 120), 1e-9);
        xor.Images.Single(i => i.Image == "history.png").Diff.Identical.Should().BeTrue();
        xor.ChangedImages.Should().Be(1);
        var composite = Images.Difference(Path.Combine(outDir, changed.Composite), Path.Combine(outDir, changed.Composite));
        composite.WidthA.Should().Be(3 * 200 + 2 * 12, "A | B | difference side by side at full size");
    }

    [Fact]
    public void Images_of_different_sizes_are_compared_and_reported_as_resized()
    {
        var a = Path.Combine(temp.Path, "a.png");
        FakeRuns.Png(a);
        var b = Path.Combine(temp.Path, "b.png");
        using (var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(100, 60)))
        {
            surface.Canvas.Clear(SkiaSharp.SKColors.White);
            using var data = surface.Snapshot().Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(b, data.ToArray());
        }
        var diff = Images.Difference(a, b);
        diff.SameSize.Should().BeFalse();
        diff.Identical.Should().BeFalse();
        (diff.WidthB, diff.HeightB).Should().Be((100, 60));
    }

    [Fact]
    public void Scripts_images_and_histories_on_one_side_only_are_listed_not_errors()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor", "autograd");
        FakeRuns.WriteRun(temp.Sub("b"), "xor", "mnist");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "extra.png"));
        var metricsB = FakeRuns.Metrics("xor");
        metricsB["results"]!.AsObject().Remove("linear");
        FakeRuns.WriteScript(temp.Sub("b", "xor"), metricsB);

        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences);

        comparison.OnlyInA.Should().Equal("autograd");
        comparison.OnlyInB.Should().Equal("mnist");
        var xor = comparison.Scripts.Single();
        xor.ImagesOnlyInB.Should().Equal("extra.png");
        xor.HistoriesOnlyInA.Should().Equal("results.linear.history");
        xor.Metrics.Single(m => m.Metric == "results.linear.final.valid_acc").B.Should().BeNull();
        var md = File.ReadAllText(Path.Combine(temp.Sub("cmp"), "compare.md"));
        md.Should().Contain("Scripts only in A: `autograd`").And.Contain("Scripts only in B: `mnist`").And.Contain("Images only in B: `extra.png`");
    }

    [Fact]
    public void Histories_are_overlaid_one_chart_per_metric_skipping_constants()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Metrics("xor"));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Metrics("xor", lossShift: 0.05));
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        xor.Charts.Select(c => $"{c.History}:{c.Column}").Should().Equal(
            "results.linear.history:train_loss", "results.linear.history:train_acc", "results.linear.history:valid_loss", "results.linear.history:valid_acc",
            "results.mlp.history:train_loss", "results.mlp.history:train_acc", "results.mlp.history:valid_loss", "results.mlp.history:valid_acc");
        foreach (var chart in xor.Charts) File.Exists(Path.Combine(outDir, chart.Chart)).Should().BeTrue();
    }

    [Fact]
    public void Two_single_script_folders_compare_directly()
    {
        var a = FakeRuns.WriteScript(temp.Sub("one", "xor"), FakeRuns.Metrics("xor"), "history.png");
        var b = FakeRuns.WriteScript(temp.Sub("two", "xor"), FakeRuns.Metrics("xor", validAcc: 0.95), "history.png");

        var comparison = Compare.Run(a, b, temp.Sub("cmp"), NoReferences);

        comparison.NameA.Should().Be("one/xor");
        comparison.NameB.Should().Be("two/xor");
        comparison.Scripts.Single().ChangedMetrics.Should().Be(2);
    }

    [Fact]
    public void The_notebook_column_shows_reference_values_next_to_both_runs()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        var references = new Dictionary<string, ScriptReference>
        {
            ["xor"] = new("xor", "XOR", null,
            [
                new ReferenceValue("MLP valid loss, epoch 1", "MLP 2-10-6-2", "valid_loss", 1, [0.6937592625617981], "0.6937592625617981", 16),
                new ReferenceValue("final", "MLP 2-10-6-2", "final_valid_acc", null, [0.9], "0.9000", 4),
            ]),
        };
        var xor = Compare.Run(temp.Sub("a"), temp.Sub("a"), temp.Sub("cmp"), references).Scripts.Single();

        xor.Metrics.Single(m => m.Metric == "results.mlp.final.valid_acc").Notebook.Should().Be("0.9000");
        var epoch1 = xor.Metrics.Single(m => m.Metric.StartsWith("MLP valid loss, epoch 1"));
        epoch1.Notebook.Should().Be("0.6937592625617981");
        epoch1.A.Should().Be("0.9100");
    }

    [Fact]
    public void Compare_html_stands_alone_with_every_image_embedded()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        FakeRuns.WriteRun(temp.Sub("b"), "xor");
        var outDir = temp.Sub("cmp");
        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        var sources = System.Text.RegularExpressions.Regex.Matches(html, "<img src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        sources.Should().HaveCount(xor.Charts.Count + xor.Images.Count).And.OnlyContain(s => s.StartsWith("data:image/png;base64,"));
    }

    [Fact]
    public void Compare_html_renders_in_a_browser_with_every_image_loaded()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        FakeRuns.WriteRun(temp.Sub("b"), "xor");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "history.png"), marked: true);
        var outDir = temp.Sub("cmp");
        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();
        var page = Path.Combine(outDir, "compare.html");

        var load = Chromium.Load(page);
        load.ImagesBroken.Should().Be(0);
        load.ImagesTotal.Should().Be(xor.Charts.Count + xor.Images.Count);
        load.Dom.Should().Contain("Comparison:");
        Chromium.Screenshot(page, Chromium.ArtifactPath("compare.png"));
    }

    [Fact]
    public void Missing_folders_are_usage_errors()
    {
        Compare.Main([temp.Path, Path.Combine(temp.Path, "nope")], temp.Path).Should().Be(2);
        Compare.Main([temp.Path], temp.Path).Should().Be(2);
    }

    public void Dispose() => temp.Dispose();
}

/// <summary>Finding histories and numbers in any metrics.json, and the path language references use.</summary>
public sealed class RunFoldersTests
{
    static readonly JsonNode Metrics = FakeRuns.Metrics("xor");

    [Fact]
    public void Histories_are_found_wherever_a_script_put_them()
    {
        var json = JsonNode.Parse("""
            {"results": {"history": [{"epoch": 1, "train_loss": 0.5}, {"epoch": 2, "train_loss": 0.4}],
                         "l1": [{"lambda": 0.1, "history": [{"epoch": 1, "valid_acc": 0.9, "note": "x"}]}],
                         "epochs": [{"epoch": 1, "train_loss": 1.0, "lr": 0.001}],
                         "not_history": [{"step": 1, "loss": 2.0}], "empty": []}}
            """);
        var histories = RunFolders.Histories(json);
        histories.Select(h => h.Path).Should().Equal("results.history", "results.l1[0].history", "results.epochs");
        histories[0].Epochs.Should().Equal(1, 2);
        histories[0].Columns["train_loss"].Should().Equal(0.5, 0.4);
        histories[1].Columns.Keys.Should().Equal("valid_acc");
        histories[2].Columns.Keys.Should().Equal("train_loss", "lr");
    }

    [Fact]
    public void Scalars_list_numeric_results_but_not_histories_or_long_arrays()
    {
        var scalars = RunFolders.Scalars(RunFolders.Select(Metrics, "results"), "results").Select(s => s.Path).ToList();
        scalars.Should().Equal("results.linear.final.epoch", "results.linear.final.valid_acc", "results.mlp.final.epoch", "results.mlp.final.valid_acc");
        RunFolders.Scalars(JsonNode.Parse("""{"demo": [[0.1, 0.2, 0.3]]}"""), "r").Select(s => s.Path).Should().Equal("r.demo[0][0]", "r.demo[0][1]", "r.demo[0][2]");
    }

    [Theory]
    [InlineData("results.mlp.final.valid_acc", "0.9")]
    [InlineData("results.mlp.history[epoch=2].train_acc", "0.7")]
    [InlineData("results.mlp.history[0].epoch", "1")]
    [InlineData("results.mlp.history[-1].epoch", "3")]
    [InlineData("key_metric.name", "\"mlp_valid_acc\"")]
    [InlineData("results.mlp.history[epoch=9].valid_loss", null)]
    [InlineData("results.nothing.here", null)]
    [InlineData("results.mlp.history[7]", null)]
    public void Paths_select_properties_indices_and_matching_elements(string path, string? expected)
    {
        RunFolders.Select(Metrics, path)?.ToJsonString().Should().Be(expected);
        if (expected is null) RunFolders.Select(Metrics, path).Should().BeNull();
    }

    [Fact]
    public void Display_keeps_integers_and_shows_other_numbers_with_four_decimals()
    {
        RunFolders.Display(JsonValue.Create(20)).Should().Be("20");
        RunFolders.Display(JsonValue.Create(0.8999999761581421)).Should().Be("0.9000");
        RunFolders.Display(JsonValue.Create(1234.5678)).Should().Be("1234.6");
        RunFolders.Display(JsonValue.Create(0.00001234)).Should().Be("1.234E-05");
        RunFolders.Display(JsonValue.Create("NaN")).Should().Be("NaN");
    }
}
