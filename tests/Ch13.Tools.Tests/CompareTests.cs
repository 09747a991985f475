namespace Ch13.Tools.Tests;

/// <summary>Comparing runs (lib/Compare.cs, Images.cs, RunFolders.cs) on tiny fake run folders.</summary>
public sealed class CompareTests : IDisposable
{
    readonly TempDir temp = new();
    static readonly IReadOnlyDictionary<string, ScriptReference> NoReferences = new Dictionary<string, ScriptReference>();

    [Fact]
    public void Compare_refuses_an_out_folder_holding_other_results_and_leaves_them_untouched()
    {
        var run = temp.Sub("runs", "a");
        FakeRuns.WriteRun(run, "xor");
        var before = Directory.GetFiles(run, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();

        // --out naming the run itself, or a folder above it: compare must not write, let alone delete, there.
        foreach (var outDir in new[] { run, temp.Sub("runs") })
        {
            var refused = () => Compare.Run(run, run, outDir, NoReferences);
            refused.Should().Throw<Ch13Exception>().Where(e => e.ExitCode == 2 && e.Message.Contains("already holds other files"));
        }
        Directory.GetFiles(run, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        File.Exists(Path.Combine(run, Compare.Marker)).Should().BeFalse();
    }

    [Fact]
    public void Compare_writes_again_into_its_own_earlier_output_folder()
    {
        var run = temp.Sub("runs", "a");
        FakeRuns.WriteRun(run, "xor");
        var outDir = temp.Sub("cmp");
        Compare.Run(run, run, outDir, NoReferences);
        File.Exists(Path.Combine(outDir, Compare.Marker)).Should().BeTrue();

        Compare.Run(run, run, outDir, NoReferences).Scripts.Should().ContainSingle();
        File.Exists(Path.Combine(outDir, "compare.html")).Should().BeTrue();
    }

    [Fact]
    public void A_run_compared_with_itself_has_zero_deltas_and_identical_images()
    {
        var run = temp.Sub("runs", "a");
        FakeRuns.WriteRun(run, "xor", "sequential", "zzz_extra");
        var outDir = temp.Sub("cmp");

        var comparison = Compare.Run(run, run, outDir, NoReferences);

        comparison.Scripts.Select(s => s.Script).Should().Equal("sequential", "xor", "zzz_extra"); // the chapter's order, then others
        comparison.OnlyInA.Should().BeEmpty();
        comparison.OnlyInB.Should().BeEmpty();
        foreach (var script in comparison.Scripts)
        {
            script.Metrics.Should().NotBeEmpty();
            script.Metrics.Where(m => m.Delta is not null).Should().OnlyContain(m => m.Delta == 0 && m.Relative == 0);
            script.Metrics.Should().OnlyContain(m => m.A == m.B && !m.Differs);
            script.ChangedMetrics.Should().Be(0);
            // history.png is what the overlaid charts show; only the other plots are compared as images.
            script.Images.Select(i => i.Image).Should().Equal("decision_regions.png");
            script.Images.Should().OnlyContain(i => i.Diff.Identical && i.Diff.Score == 0 && i.Diff.ChangedPixels == 0);
            script.ChangedImages.Should().Be(0);
            script.SeriesOnlyInA.Should().BeEmpty();
            script.SeriesOnlyInB.Should().BeEmpty();
        }
        var md = File.ReadAllText(Path.Combine(outDir, "compare.md"));
        md.Should().Contain("| xor | unchanged | MLP 2-10-6-2 · valid_acc 0.9000 → 0.9000 | none | all 1 identical | 0.00% |");
        md.Should().Contain("- xor: unchanged · MLP 2-10-6-2 · valid_acc 0.9000 → 0.9000").And.Contain("The runs have the same arguments");
        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        html.Should().NotContain("<span class=\"bad\">", "nothing changed, so nothing is marked");
    }

    [Fact]
    public void Metrics_rows_are_named_by_series_and_value_never_by_json_path()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("a"), outDir, NoReferences).Scripts.Single();

        string[] rows =
        [
            "status", "epochs", "key metric: MLP 2-10-6-2 · valid_acc",
            .. SeriesRows(FakeRuns.Linear), .. SeriesRows(FakeRuns.Mlp),
            "demo", "weights", "train seconds", "wall seconds",
        ];
        xor.Metrics.Select(m => m.Metric).Should().Equal(rows);
        xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · valid_acc").A.Should().Be("0.9000");
        xor.Metrics.Single(m => m.Metric == "demo").A.Should().Be("[0.1000, 0.2000]");
        xor.Metrics.Single(m => m.Metric == "weights").A.Should().Be("20 numbers");
        foreach (var page in new[] { "compare.md", "compare.html" })
        {
            var text = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(outDir, page)));
            text.Should().Contain("MLP 2-10-6-2 · valid_acc").And.Contain("Linear(2, 1) · train_loss");
            text.Should().NotContain("results[").And.NotContain("results.").And.NotContain("history[");
        }
    }

    // A series' rows: its last epoch's number, each history metric's last value and, for one with a direction, its best
    // value and the epoch it was reached; then its values.
    static IEnumerable<string> SeriesRows(string series) =>
    [
        $"{series} · epochs",
        .. new[] { "train_loss", "train_acc", "valid_loss", "valid_acc" }.SelectMany(c => new[] { $"{series} · {c}", $"{series} · {c} (best)", $"{series} · {c} (best epoch)" }),
        $"{series} · lr", $"{series} · test_acc",
    ];

    [Fact]
    public void A_changed_metric_shows_its_absolute_and_relative_delta()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor", validAcc: 0.8));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor", validAcc: 0.9));

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        var key = xor.Metrics.Single(m => m.Metric == "key metric: MLP 2-10-6-2 · valid_acc");
        key.A.Should().Be("0.8000");
        key.B.Should().Be("0.9000");
        key.Delta.Should().BeApproximately(0.1, 1e-12);
        key.Relative.Should().BeApproximately(0.125, 1e-12);
        key.Changed.Should().BeTrue();
        xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · valid_acc").Changed.Should().BeTrue();
        xor.Metrics.Single(m => m.Metric == "Linear(2, 1) · valid_acc").Changed.Should().BeFalse();
        xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · valid_acc (best)").Changed.Should().BeTrue();
        xor.ChangedMetrics.Should().Be(3);
        File.ReadAllText(Path.Combine(temp.Sub("cmp"), "compare.md")).Should().Contain("| key metric: MLP 2-10-6-2 · valid_acc | 0.8000 | 0.9000 | +0.1000 | one seed: cannot tell |");
    }

    [Fact]
    public void A_delta_is_marked_better_or_worse_by_the_direction_its_value_improves_in()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor", validAcc: 0.9));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor", validAcc: 0.8, lossShift: -0.05));
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        MetricDeltas.Improved(xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · valid_acc")).Should().BeFalse("accuracy went down");
        MetricDeltas.Improved(xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · valid_loss")).Should().BeTrue("loss went down");
        MetricDeltas.Improved(xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · test_acc")).Should().BeNull("unchanged");
        MetricDeltas.Improved(xor.Metrics.Single(m => m.Metric == "MLP 2-10-6-2 · epochs")).Should().BeNull("epochs have no better direction");
        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        // One seed per side: the direction is known, the noise is not, so no row is green or red.
        html.Should().NotContain("<span class=\"bad\">").And.NotContain("<span class=\"ok\">");
        html.Should().Contain("one seed: cannot tell");
        xor.Verdict.Should().Be(Verdict.CannotTell, "the key metric (valid_acc) went down, from one seed");
        xor.Summary.Should().StartWith("xor: one seed: cannot tell · MLP 2-10-6-2 · valid_acc 0.9000 → 0.8000");
    }

    [Fact]
    public void Timings_are_listed_but_never_count_as_changes()
    {
        var recordB = FakeRuns.Record("xor");
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), recordB with { Timings = recordB.Timings with { WallSeconds = 99 } });

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        xor.Metrics.Single(m => m.Metric == "wall seconds").Delta.Should().Be(96.5);
        xor.ChangedMetrics.Should().Be(0);
    }

    [Fact]
    public void A_changed_image_gets_a_positive_score_and_a_difference_image_beside_both_originals()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"), "samples.png", "decision_regions.png");
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor"), "samples.png");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "decision_regions.png"), marked: true);
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        var changed = xor.Images.Single(i => i.Image == "decision_regions.png");
        changed.Diff.Identical.Should().BeFalse();
        changed.Diff.Score.Should().BeGreaterThan(0);
        changed.Diff.ChangedPixels.Should().BeApproximately(30 * 30 / (200.0 * 120), 1e-9);
        xor.Images.Single(i => i.Image == "samples.png").Diff.Identical.Should().BeTrue();
        xor.ChangedImages.Should().Be(1);
        changed.Sources.Should().Equal("xor/decision_regions.A.webp", "xor/decision_regions.B.webp");
        Images.Difference(Path.Combine(outDir, changed.Sources[1]), Path.Combine(temp.Sub("b", "xor"), "decision_regions.png")).ChangedPixels
            .Should().BeLessThan(0.5, "B's copy shows B's plot (lossy, so not pixel for pixel)");
        var difference = Images.Difference(Path.Combine(outDir, changed.Difference!), Path.Combine(temp.Sub("a", "xor"), "decision_regions.png"));
        (difference.WidthA, difference.HeightA).Should().Be((200, 120), "the difference image is at the plot's own size");
        var same = xor.Images.Single(i => i.Image == "samples.png");
        same.Difference.Should().BeNull("identical plots need no difference image");
        same.Sources.Should().Equal(["xor/samples.A.webp"], "an identical plot is shown once");
        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        html.Should().Contain($"<img src=\"{Html.Url(changed.Sources[1])}\"").And.Contain($"<img src=\"{Html.Url(changed.Difference!)}\"");
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
    public void Scripts_images_and_series_on_one_side_only_are_listed_not_errors()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor", "autograd");
        FakeRuns.WriteRun(temp.Sub("b"), "xor", "mnist");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "extra.png"));
        var recordB = FakeRuns.Record("xor");
        FakeRuns.WriteScript(temp.Sub("b", "xor"), recordB with { Series = recordB.Series.Where(s => s.Name != FakeRuns.Linear).ToList() });

        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences);

        comparison.OnlyInA.Should().Equal("autograd");
        comparison.OnlyInB.Should().Equal("mnist");
        var xor = comparison.Scripts.Single();
        xor.ImagesOnlyInB.Should().Equal("extra.png");
        xor.SeriesOnlyInA.Should().Equal(FakeRuns.Linear);
        xor.Metrics.Single(m => m.Metric == "Linear(2, 1) · valid_acc").B.Should().BeNull();
        xor.Charts.Should().OnlyContain(c => c.Series.SequenceEqual(new[] { FakeRuns.Linear, FakeRuns.Mlp }), "a model of one run is still drawn");
        var md = File.ReadAllText(Path.Combine(temp.Sub("cmp"), "compare.md"));
        md.Should().Contain("Scripts only in A: `autograd`").And.Contain("Scripts only in B: `mnist`").And.Contain("Images only in B: `extra.png`")
            .And.Contain("Models only in A: `Linear(2, 1)`");
    }

    [Fact]
    public void Histories_are_one_chart_per_metric_with_every_series_of_every_run_skipping_constants()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor", lossShift: 0.05));
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        xor.Charts.Select(c => c.Column).Should().Equal(["train_loss", "train_acc", "valid_loss", "valid_acc"], "lr is constant (0.015) in both runs");
        xor.Charts.Should().OnlyContain(c => c.Series.SequenceEqual(new[] { FakeRuns.Linear, FakeRuns.Mlp }));
        foreach (var chart in xor.Charts) File.Exists(Path.Combine(outDir, chart.Chart)).Should().BeTrue();
        File.ReadAllText(Path.Combine(outDir, "compare.md")).Should().Contain("![xor · valid_loss](xor/valid_loss.webp)");
    }

    [Fact]
    public void A_sweep_of_three_runs_overlays_all_three_and_tables_show_each()
    {
        foreach (var (name, accuracy) in new[] { ("lr0.001", 0.6), ("lr0.01", 0.8), ("lr0.1", 0.7) })
        {
            var record = FakeRuns.Record("xor", validAcc: accuracy);
            FakeRuns.WriteScript(temp.Sub(name, "xor"), record with { Arguments = ["--lr", name[2..]] }, "samples.png");
        }
        FakeRuns.Png(Path.Combine(temp.Sub("lr0.1", "xor"), "samples.png"), marked: true);
        var outDir = temp.Sub("cmp");

        var comparison = Compare.Run([temp.Sub("lr0.001"), temp.Sub("lr0.01"), temp.Sub("lr0.1")], outDir, NoReferences);

        comparison.Names.Should().Equal("lr0.001", "lr0.01", "lr0.1");
        comparison.Differences.Should().ContainSingle().Which.Setting.Should().Be("arguments");
        comparison.Differences[0].Values.Should().Equal("--lr 0.001", "--lr 0.01", "--lr 0.1");
        var xor = comparison.Scripts.Single();
        xor.Key!.Values.Should().Equal("0.6000", "0.8000", "0.7000");
        xor.Summary.Should().StartWith("xor: one seed: cannot tell · MLP 2-10-6-2 · valid_acc 0.6000 → 0.8000 → 0.7000");
        xor.Images.Single().Sources.Should().Equal("xor/samples.A.webp", "xor/samples.B.webp", "xor/samples.C.webp");
        var md = File.ReadAllText(Path.Combine(outDir, "compare.md"));
        md.Should().Contain("| value | A | B | C | C − A |").And.Contain("| key metric: MLP 2-10-6-2 · valid_acc | 0.6000 | 0.8000 | 0.7000 | +0.1000 |");
        // One chart per metric holds all three runs.
        var acc = xor.Charts.Single(c => c.Column == "valid_acc");
        using var bitmap = SkiaSharp.SKBitmap.Decode(Path.Combine(outDir, acc.Chart));
        bitmap.Width.Should().Be(600);
    }

    [Fact]
    public void Two_single_script_folders_compare_directly()
    {
        var a = FakeRuns.WriteScript(temp.Sub("one", "xor"), FakeRuns.Record("xor"), "samples.png");
        var b = FakeRuns.WriteScript(temp.Sub("two", "xor"), FakeRuns.Record("xor", validAcc: 0.95), "samples.png");

        var comparison = Compare.Run(a, b, temp.Sub("cmp"), NoReferences);

        comparison.NameA.Should().Be("one/xor");
        comparison.NameB.Should().Be("two/xor");
        comparison.Scripts.Single().ChangedMetrics.Should().Be(3, "the key metric, the MLP's last valid_acc and its best");
    }

    [Fact]
    public void Notebook_rows_show_the_printed_value_beside_both_runs_and_their_delta()
    {
        // The fake MLP's valid_loss at epoch 1 is 0.91 (+ the shift); "missing" names a value no run recorded.
        ScriptReference reference = new("xor", "XOR", null,
        [
            new ReferenceValue("valid loss, epoch 1", FakeRuns.Mlp, "valid_loss", 1, [0.91], "0.9100", 4),
            new ReferenceValue("missing", null, "missing", null, [0.1, 0.2], "[0.1, 0.2]", 1),
        ]);

        var rows = MetricDeltas.NotebookRows(reference, [FakeRuns.Record("xor"), FakeRuns.Record("xor", lossShift: 0.00621)]);

        rows.Select(r => (r.Metric, r.A, r.B, r.Notebook)).Should().Equal(("valid loss, epoch 1", "0.9100", "0.9162", "0.9100"), ("missing", null, null, "[0.1, 0.2]"));
        rows[0].Delta.Should().BeApproximately(0.0062, 1e-12, "compared at the notebook's precision");
        rows[0].Changed.Should().BeTrue();
        rows[1].Changed.Should().BeFalse("neither run recorded it");
    }

    [Fact]
    public void The_notebook_values_of_a_script_are_listed_by_label_in_its_table()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        var references = new Dictionary<string, ScriptReference>
        {
            ["xor"] = new("xor", "XOR", null, [new ReferenceValue("MLP valid loss, epoch 1", "not a series here", "valid_loss", 1, [0.6937592625617981], "0.6937592625617981", 16)]),
        };
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("a"), outDir, references).Scripts.Single();

        var row = xor.Metrics.Single(m => m.Metric == "MLP valid loss, epoch 1");
        row.Notebook.Should().Be("0.6937592625617981");
        row.Changed.Should().BeFalse();
        File.ReadAllText(Path.Combine(outDir, "compare.md")).Should().Contain("| MLP valid loss, epoch 1 | — | — |   |   | 0.6937592625617981 |");
        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        html.IndexOf("MLP valid loss, epoch 1").Should().BeGreaterThan(html.IndexOf("<details>"), "a notebook value no run recorded is folded away");
    }

    [Fact]
    public void Compare_html_keeps_its_images_beside_it_by_relative_paths_loaded_lazily()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        FakeRuns.WriteRun(temp.Sub("b"), "xor");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "samples.png"), marked: true);
        var outDir = temp.Sub("cmp");
        Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences);

        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        var images = System.Text.RegularExpressions.Regex.Matches(html, "<img [^>]*>").Select(m => m.Value).ToList();
        images.Should().NotBeEmpty().And.OnlyContain(i => i.Contains("loading=\"lazy\"") && !i.Contains("data:"));
        var sources = images.Select(i => System.Text.RegularExpressions.Regex.Match(i, "src=\"([^\"]*)\"").Groups[1].Value).ToList();
        sources.Should().OnlyContain(s => File.Exists(Path.Combine(outDir, Uri.UnescapeDataString(s))));
        new FileInfo(Path.Combine(outDir, "compare.html")).Length.Should().BeLessThan(100_000);
        sources.Should().OnlyContain(s => !s.StartsWith(".."), "the comparison folder holds everything it shows, so it opens anywhere");
    }

    [Fact]
    public void Compare_html_renders_at_desktop_and_phone_widths_within_its_budgets()
    {
        FakeRuns.WriteRun(temp.Sub("a"), "xor");
        FakeRuns.WriteRun(temp.Sub("b"), "xor");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "decision_regions.png"), marked: true);
        var recordB = FakeRuns.Record("xor", validAcc: 0.7);
        FakeRuns.WriteScript(temp.Sub("b", "xor"), recordB with { Arguments = ["--quick", "--lr", "0.02", "--a-rather-long-argument-that-would-widen-a-phone-page"] });
        var outDir = temp.Sub("cmp");
        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();
        var page = Path.Combine(outDir, "compare.html");

        foreach (var width in new[] { 1400, 390 })
        {
            var load = Chromium.Load(page, width);
            load.ImagesBroken.Should().Be(0);
            load.ImagesTotal.Should().Be(xor.Charts.Count + 3, "the charts (history.png among them), and the changed plot as A, B and their difference");
            load.Overflowing.Should().Be(0, $"nothing may be wider than {width} px outside a scrolling box ({load.OverflowingFirst})");
            load.ScrollWidth.Should().BeLessThanOrEqualTo(width);
            load.Dom.Should().Contain("What differs").And.Contain("Is it better?").And.Contain("xor: one seed: cannot tell · MLP 2-10-6-2 · valid_acc 0.9000 → 0.7000");
            var shot = Chromium.ArtifactPath($"compare-{width}.png");
            Chromium.Screenshot(page, shot, width, 2000);
            Console.WriteLine($"screenshot: {shot} (page height {load.PageHeight} px)");
        }
        Chromium.PageWeight(page).Should().BeLessThan(2_000_000);

        // Dark mode follows prefers-color-scheme: the page's background turns dark.
        var dark = Chromium.ArtifactPath("compare-dark-1400.png");
        Chromium.Screenshot(page, dark, 1400, 800, dark: true);
        Console.WriteLine($"screenshot: {dark}");
        using var bitmap = SkiaSharp.SKBitmap.Decode(dark);
        var corner = bitmap.GetPixel(bitmap.Width - 5, 5);
        (corner.Red + corner.Green + corner.Blue).Should().BeLessThan(3 * 64, "the dark scheme's background is near black");
        Chromium.Screenshot(page, Chromium.ArtifactPath("compare-light-1400.png"), 1400, 800);
        using var light = SkiaSharp.SKBitmap.Decode(Chromium.ArtifactPath("compare-light-1400.png"));
        var lightCorner = light.GetPixel(light.Width - 5, 5);
        (lightCorner.Red + lightCorner.Green + lightCorner.Blue).Should().BeGreaterThan(3 * 200, "the light scheme's background is white");
    }

    [Fact]
    public void Missing_folders_are_usage_errors()
    {
        Compare.RunTool([temp.Path, Path.Combine(temp.Path, "nope")], temp.Path).Should().Be(2);
        Compare.RunTool([temp.Path], temp.Path).Should().Be(2);
    }

    [Fact]
    public void Run_tags_resolve_to_the_runs_run_all_tagged()
    {
        var outRoot = temp.Sub("out");
        FakeRuns.WriteRun(temp.Sub("out", "runs", "a"), "xor");
        FakeRuns.WriteRun(temp.Sub("out", "runs", "b"), "xor");

        RunSources.Resolve(["a", "b"], outRoot).Should().Equal(Path.Combine(outRoot, "runs", "a"), Path.Combine(outRoot, "runs", "b"));
        var missing = () => RunSources.Resolve(["a", "c"], outRoot);
        missing.Should().Throw<Ch13Exception>().Where(e => e.ExitCode == 2 && e.Message.Contains("no such folder: c") && e.Message.Contains(Path.Combine(outRoot, "runs", "c")));
    }

    [Fact]
    public void A_scripts_name_alone_compares_its_latest_two_runs()
    {
        var outRoot = temp.Sub("out");
        FakeRuns.WriteScript(temp.Sub("out", "xor"), FakeRuns.Record("xor", validAcc: 0.9));
        FakeRuns.WriteScript(temp.Sub("out", ".xor.runs", "20260101-000000"), FakeRuns.Record("xor", validAcc: 0.5));
        FakeRuns.WriteScript(temp.Sub("out", ".xor.runs", "20260102-000000"), FakeRuns.Record("xor", validAcc: 0.7));

        RunSources.LatestRuns(Path.Combine(outRoot, "xor")).Should().Equal(Path.Combine(outRoot, "xor"),
            Path.Combine(outRoot, ".xor.runs", "20260102-000000"), Path.Combine(outRoot, ".xor.runs", "20260101-000000"));
        var paths = RunSources.Resolve(["xor"], outRoot);
        paths.Should().Equal(Path.Combine(outRoot, ".xor.runs", "20260102-000000"), Path.Combine(outRoot, "xor"));
        var xor = Compare.Run(paths, temp.Sub("cmp"), NoReferences).Scripts.Single();
        xor.Summary.Should().StartWith("xor: one seed: cannot tell · MLP 2-10-6-2 · valid_acc 0.7000 → 0.9000");

        Directory.Delete(Path.Combine(outRoot, ".xor.runs"), recursive: true);
        var once = () => RunSources.Resolve(["xor"], outRoot);
        once.Should().Throw<Ch13Exception>().Where(e => e.ExitCode == 2 && e.Message.Contains("has one run"));
    }

    [Fact]
    public void The_first_screen_says_what_differs_between_the_runs_from_their_records()
    {
        var a = FakeRuns.Record("xor");
        var b = a with
        {
            Arguments = ["--out", "/elsewhere/xor", "--lr", "0.02"],
            Quick = false,
            Seed = 7,
            Config = System.Text.Json.JsonSerializer.SerializeToElement(new { model = "MyModule(\n  (l1): Linear(in_features=2, out_features=10, bias=True)\n)", lr = 0.02, optimizer = new { name = "adam", learning_rate = 0.02 } }),
            Environment = a.Environment with { Host = "dotnet-script", Torchsharp = "0.105.0", Allocator = "tcmalloc" }, // a: a record from before the field
        };
        FakeRuns.WriteScript(temp.Sub("a", "xor"), a);
        FakeRuns.WriteScript(temp.Sub("b", "xor"), b);
        var outDir = temp.Sub("cmp");

        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences);

        comparison.Differences.Select(d => $"{d.Setting}: {string.Join(" | ", d.Values)}").Should().Equal(
            "arguments: --quick | --lr 0.02", "settings: quick | full", "seed: 1 | 7", "runner: test | dotnet-script", "TorchSharp: 0.107.0 | 0.105.0",
            "malloc: — | tcmalloc", "xor · lr: 0.015 | 0.02", "xor · optimizer.name: — | adam", "xor · optimizer.learning_rate: — | 0.02");
        SettingDifferences.Settings(["--out", "out/runs/a/xor", "--quick"]).Should().Be("--quick", "where a run writes is not a setting");
        SettingDifferences.Settings(["--seed", "3", "--quick", "--seed=4"]).Should().Be("--quick", "the seed has its own row");
        var md = File.ReadAllText(Path.Combine(outDir, "compare.md"));
        md.IndexOf("## What differs").Should().BeLessThan(md.IndexOf("## xor"));
        md.Should().Contain("| arguments | `--quick` | `--lr 0.02` |");

        Compare.Run(temp.Sub("a"), temp.Sub("a"), temp.Sub("same"), NoReferences).Differences.Should().BeEmpty();
    }

    public void Dispose() => temp.Dispose();
}

/// <summary>Run folders (lib/RunFolders.cs): reading run records and naming and showing their values.</summary>
public sealed class RunFoldersTests : IDisposable
{
    readonly TempDir temp = new();

    [Fact]
    public void Results_are_each_series_final_epoch_and_values_then_the_runs_values_named_for_users()
    {
        var record = FakeRuns.Record("xor");

        RunFolders.Results(record).Select(v => v.Name).Should().Equal(
            "Linear(2, 1) · epochs", "Linear(2, 1) · train_loss", "Linear(2, 1) · train_acc", "Linear(2, 1) · valid_loss", "Linear(2, 1) · valid_acc",
            "Linear(2, 1) · lr", "Linear(2, 1) · test_acc",
            "MLP 2-10-6-2 · epochs", "MLP 2-10-6-2 · train_loss", "MLP 2-10-6-2 · train_acc", "MLP 2-10-6-2 · valid_loss", "MLP 2-10-6-2 · valid_acc",
            "MLP 2-10-6-2 · lr", "MLP 2-10-6-2 · test_acc",
            "demo", "weights");
        RunFolders.Values(record).Select(v => v.Name).Should().Equal("Linear(2, 1) · test_acc", "MLP 2-10-6-2 · test_acc", "demo", "weights");
        var finals = RunFolders.FinalMetrics(record.Series[1]);
        finals.Single(v => v.Name == "valid_acc").Should().Be(RunValue.Of("valid_acc", 0.9, Better.Higher));
        finals.Single(v => v.Name == "valid_loss").Better.Should().Be(Better.Lower);
        finals.Single(v => v.Name == "epochs").Number.Should().Be(3);
        RunFolders.FinalMetrics(record.Series[0] with { History = [] }).Should().BeEmpty();
    }

    [Fact]
    public void A_folder_reads_its_record_and_one_that_is_not_a_record_reads_as_none()
    {
        var good = FakeRuns.WriteScript(temp.Sub("good"), FakeRuns.Record("xor"), "history.png");
        var bad = temp.Sub("bad");
        File.WriteAllText(Path.Combine(bad, "metrics.json"), """{"script": "bad", "status": "completed"}""");
        FakeRuns.Png(Path.Combine(bad, "plot.png"));

        var folder = RunFolders.Read(good, null);
        folder.Script.Should().Be("xor");
        folder.Record!.SeriesNamed(FakeRuns.Mlp)!.History.Should().HaveCount(3);
        folder.Images.Should().Equal("history.png");
        var unreadable = RunFolders.Read(bad, "bad");
        unreadable.Record.Should().BeNull();
        unreadable.Images.Should().Equal("plot.png");
    }

    [Fact]
    public void Display_keeps_integers_and_shows_other_numbers_with_four_decimals_and_long_lists_by_size()
    {
        RunFolders.Display(20).Should().Be("20");
        RunFolders.Display(0.8999999761581421).Should().Be("0.9000");
        RunFolders.Display(1234.5678).Should().Be("1234.6");
        RunFolders.Display(0.00001234).Should().Be("1.234e-5");
        RunFolders.Display(1.6e-7).Should().Be("1.6e-7", "a tiny key metric is never 0.0000");
        RunFolders.Display(double.NaN).Should().Be("NaN");
        RunFolders.Display(RunValue.OfList("lr_cuts", [23, 34])).Should().Be("[23, 34]");
        RunFolders.Display(RunValue.OfMatrix("confusion", new double[10, 10])).Should().Be("100 numbers, 10×10");
        RunFolders.Display(RunValue.OfText("checkpoint", "best.ckpt")).Should().Be("best.ckpt");
        RunFolders.Display(RunValue.Of("never", null)).Should().Be("null");
    }

    [Fact]
    public void Deltas_are_formatted_by_type_and_magnitude()
    {
        CompareTables.Delta(-38, integers: true).Should().Be("−38");
        CompareTables.Delta(1.6e-7).Should().Be("+1.6e-7");
        CompareTables.Delta(-0.759).Should().Be("−0.7590");
        CompareTables.Delta(6.7312).Should().Be("+6.731");
        CompareTables.Delta(120.56).Should().Be("+120.6");
        CompareTables.Delta(0).Should().Be("0");
        CompareTables.Delta(null).Should().Be("");
    }

    [Fact]
    public void Values_are_the_same_when_their_numbers_lists_and_texts_are_equal_nan_included()
    {
        RunFolders.Same(RunValue.Of("a", double.NaN), RunValue.Of("b", double.NaN)).Should().BeTrue();
        RunFolders.Same(RunValue.Of("a", 0.5), RunValue.Of("a", 0.25)).Should().BeFalse();
        RunFolders.Same(RunValue.OfList("l", [1, 2]), RunValue.OfList("l", [1, 2])).Should().BeTrue();
        RunFolders.Same(RunValue.OfList("l", [1, 2]), RunValue.OfList("l", [1, 3])).Should().BeFalse();
        RunFolders.Same(RunValue.OfText("t", "x"), null).Should().BeFalse();
        RunFolders.Same(null, null).Should().BeTrue();
    }

    public void Dispose() => temp.Dispose();
}
