using System.Text.Json;

namespace Ch13.Tools.Tests;

/// <summary>Comparing seed sweeps (each side of a script is the group of its seed runs) on fake records with known answers.</summary>
public sealed class CompareSweepTests : IDisposable
{
    readonly TempDir temp = new();
    static readonly IReadOnlyDictionary<string, ScriptReference> NoReferences = new Dictionary<string, ScriptReference>();

    // A sweep of a script: <run>/<script>/seed-<N>/ with the given key metric (the MLP's last valid_acc) per seed.
    void Sweep(string run, string script, params double[] accuracies)
    {
        for (var i = 0; i < accuracies.Length; i++)
            FakeRuns.WriteScript(temp.Sub(run, script, SeedFolders.Name(i + 1)), FakeRuns.Record(script, validAcc: accuracies[i]) with { Seed = i + 1 }, "decision_regions.png");
    }

    [Fact]
    public void A_side_is_its_seeds_mean_spread_and_n_and_a_clear_change_is_better()
    {
        Sweep("a", "xor", 0.90, 0.91, 0.92);
        Sweep("b", "xor", 0.95, 0.96, 0.97);
        var outDir = temp.Sub("cmp");

        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences);

        var xor = comparison.Scripts.Single();
        xor.SeedCounts.Should().Equal(3, 3);
        xor.Key!.A.Should().Be("0.9100 ± 0.0100 (0.9000–0.9200, n=3)");
        xor.Key.B.Should().Be("0.9600 ± 0.0100 (0.9500–0.9700, n=3)");
        xor.Key.Delta.Should().BeApproximately(0.05, 1e-12, "the difference of the means");
        xor.Key.Noise.Should().Be(Verdict.Better);
        xor.Verdict.Should().Be(Verdict.Better);
        xor.Summary.Should().StartWith("xor: better · MLP 2-10-6-2 · valid_acc 0.9100 ± 0.0100");
        comparison.Tally.Should().Be("1 better · 0 worse · 0 within noise");
        comparison.Differences.Should().BeEmpty("the seeds are the same on both sides (1, 2, 3)");

        var md = File.ReadAllText(Path.Combine(outDir, "compare.md"));
        md.Split('\n')[0].Should().Be("**1 better · 0 worse · 0 within noise**", "the page's first line is the tally");
        md.Should().Contain(SeedStatistics.Rule);
        var html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(outDir, "compare.html")));
        html.IndexOf("<p class=\"tally\">1 better · 0 worse · 0 within noise</p>").Should().BeGreaterThan(0).And.BeLessThan(html.IndexOf("<h1>"));
        html.Should().Contain(SeedStatistics.Rule);
    }

    [Fact]
    public void Overlapping_seeds_are_within_noise_and_the_tally_counts_every_verdict()
    {
        Sweep("a", "xor", 0.90, 0.91, 0.92);
        Sweep("b", "xor", 0.95, 0.96, 0.97);
        Sweep("a", "sequential", 0.90, 0.95, 0.92);
        Sweep("b", "sequential", 0.91, 0.94, 0.93);
        Sweep("a", "mnist", 0.90);
        Sweep("b", "mnist", 0.80);
        Sweep("a", "module", 0.90, 0.91);
        Sweep("b", "module", 0.90, 0.91);

        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences);

        comparison.Scripts.ToDictionary(s => s.Script, s => s.Verdict).Should().BeEquivalentTo(new Dictionary<string, Verdict>
        {
            ["xor"] = Verdict.Better,
            ["sequential"] = Verdict.WithinNoise,
            ["mnist"] = Verdict.CannotTell,
            ["module"] = Verdict.Unchanged,
        });
        comparison.Tally.Should().Be("1 better · 0 worse · 1 within noise · 1 cannot tell · 1 unchanged");
        comparison.Scripts.Single(s => s.Script == "mnist").Summary.Should().StartWith("mnist: one seed: cannot tell · ");
        var html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(temp.Sub("cmp"), "compare.html")));
        html.Should().Contain("<li class=\"changed\"><a href=\"#mnist\">mnist: one seed: cannot tell", "one seed is shown as changed, never green or red");
        html.Should().Contain("<li class=\"noise\"><a href=\"#sequential\">sequential: within seed noise");
        html.Should().Contain("<details id=\"module\" class=\"script\">", "a script where nothing changed is folded");
    }

    [Fact]
    public void Charts_show_a_band_per_side_under_one_shared_legend_and_constant_columns_as_a_line()
    {
        Sweep("a", "xor", 0.90, 0.91, 0.92);
        Sweep("b", "xor", 0.95, 0.96, 0.97);
        var outDir = temp.Sub("cmp");

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences).Scripts.Single();

        xor.Charts.Select(c => c.Column).Should().Equal("train_loss", "train_acc", "valid_loss", "valid_acc");
        xor.FlatColumns.Should().Equal("lr stayed 0.0150 in every epoch of every run (not charted)");
        xor.Legend.Select(l => l.Label).Should().Equal(FakeRuns.Linear, FakeRuns.Mlp,
            "A: a (mean of 3 seeds, band: min–max)", "B: b (mean of 3 seeds, band: min–max)");
        var html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(outDir, "compare.html")));
        System.Text.RegularExpressions.Regex.Matches(html, "<p class=\"legend\">").Count.Should().Be(1, "one legend per script, not one per chart");
        html.Should().Contain("<img src=\"xor/valid_acc.webp\" alt=\"xor · valid_acc\" loading=\"lazy\" class=\"chart\"");
        html.Should().Contain("img.chart { filter: invert(1) hue-rotate(180deg);", "charts follow dark mode");
    }

    [Fact]
    public void A_column_constant_within_each_run_is_one_line_naming_each_sides_value()
    {
        Sweep("a", "xor", 0.90, 0.91);
        for (var seed = 1; seed <= 2; seed++)
        {
            var record = FakeRuns.Record("xor", validAcc: 0.95);
            record = record with { Series = record.Series.Select(s => s with { History = s.History.Select(e => e with { LearningRate = 0.02 }).ToList() }).ToList() };
            FakeRuns.WriteScript(temp.Sub("b", "xor", SeedFolders.Name(seed)), record);
        }

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        xor.Charts.Select(c => c.Column).Should().NotContain("lr");
        xor.FlatColumns.Should().Equal("lr stayed constant in every run: A 0.0150, B 0.0200 (not charted)");
    }

    [Fact]
    public void A_five_seed_comparison_of_nine_scripts_fits_its_budget_at_desktop_and_phone_widths()
    {
        // The budget held: ≤ 12,000 px tall at 1280 px and ≤ 2 MB, as for two single runs (seeds are bands in the same
        // charts, and plots are compared for each side's first seed, so seeds add table text, not images).
        string[] scripts = ["autograd", "sequential", "xor", "module", "custom_layer", "init", "auto_mpg", "mnist", "lightning"];
        var random = new Random(13);
        foreach (var run in new[] { "a", "b" })
            foreach (var script in scripts)
                for (var seed = 1; seed <= 5; seed++)
                {
                    var record = FakeRuns.Record(script, validAcc: 0.9 + random.NextDouble() * 0.05, epochs: 100, lossShift: random.NextDouble() * 0.05);
                    FakeRuns.WriteScript(temp.Sub(run, script, SeedFolders.Name(seed)), record with { Seed = seed, Arguments = run == "a" ? [] : ["--lr", "0.02"] }, "decision_regions.png");
                    if (run == "b") FakeRuns.Png(Path.Combine(temp.Sub(run, script, SeedFolders.Name(seed)), "decision_regions.png"), marked: true);
                }
        var outDir = temp.Sub("cmp");
        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, NoReferences);
        comparison.Scripts.Should().HaveCount(9).And.OnlyContain(s => s.SeedCounts.SequenceEqual(new[] { 5, 5 }));
        var page = Path.Combine(outDir, "compare.html");

        foreach (var width in new[] { 1280, 390 })
        {
            var load = Chromium.Load(page, width);
            Console.WriteLine($"5-seed comparison of 9 scripts at {width} px: {load.PageHeight} px tall, {load.ImagesTotal} images");
            load.ImagesBroken.Should().Be(0);
            load.Overflowing.Should().Be(0, $"nothing may be wider than {width} px ({load.OverflowingFirst})");
            load.ScrollWidth.Should().BeLessThanOrEqualTo(width);
            if (width == 1280) load.PageHeight.Should().BeLessThan(12_000);
        }
        var weight = Chromium.PageWeight(page);
        Console.WriteLine($"5-seed comparison of 9 scripts: {weight} bytes");
        weight.Should().BeLessThan(2_000_000);
    }

    [Fact]
    public void Every_directed_history_metric_shows_its_best_value_and_epoch_beside_its_last()
    {
        // valid_acc peaks at epoch 2 (0.95), then falls to 0.80 at epoch 3; loss is lowest at the last epoch.
        var record = FakeRuns.Record("xor", validAcc: 0.80);
        var mlp = record.Series[1];
        var history = mlp.History.Select(e => e.Epoch == 2 ? e with { ValidAccuracy = 0.95 } : e).ToList();
        record = record with { Series = [record.Series[0], mlp with { History = history }] };
        FakeRuns.WriteScript(temp.Sub("a", "xor"), record);

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("a"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        string Value(string name) => xor.Metrics.Single(m => m.Metric == $"{FakeRuns.Mlp} · {name}").A!;
        Value("valid_acc").Should().Be("0.8000");
        Value("valid_acc (best)").Should().Be("0.9500");
        Value("valid_acc (best epoch)").Should().Be("2");
        Value("valid_loss (best epoch)").Should().Be("3");
        xor.Metrics.Should().NotContain(m => m.Metric.EndsWith("lr (best)"), "the learning rate has no better direction");
        // Lightning counts epochs from 0, as its plots and checkpoints do.
        var trained = record with { Config = JsonSerializer.SerializeToElement(new { trainer = new { max_epochs = 3 } }) };
        MetricDeltas.Results(trained).Single(v => v.Name == $"{FakeRuns.Mlp} · valid_acc (best epoch)").Number.Should().Be(1);
    }

    [Fact]
    public void The_best_of_a_group_is_each_seeds_best_then_its_mean_and_spread()
    {
        foreach (var (seed, peak) in new[] { (1, 0.95), (2, 0.97) })
        {
            var record = FakeRuns.Record("xor", validAcc: 0.80);
            var mlp = record.Series[1];
            record = record with { Seed = seed, Series = [record.Series[0], mlp with { History = mlp.History.Select(e => e.Epoch == seed ? e with { ValidAccuracy = peak } : e).ToList() }] };
            FakeRuns.WriteScript(temp.Sub("a", "xor", SeedFolders.Name(seed)), record);
        }

        var xor = Compare.Run(temp.Sub("a"), temp.Sub("a"), temp.Sub("cmp"), NoReferences).Scripts.Single();

        xor.Metrics.Single(m => m.Metric == $"{FakeRuns.Mlp} · valid_acc (best)").A.Should().Be("0.9600 ± 0.0141 (0.9500–0.9700, n=2)");
        xor.Metrics.Single(m => m.Metric == $"{FakeRuns.Mlp} · valid_acc (best epoch)").A.Should().Be("1.5000 ± 0.7071 (1–2, n=2)");
    }

    [Fact]
    public void Runs_as_runs_csx_prints_them_are_accepted_and_the_default_output_folder_is_visible()
    {
        var outRoot = temp.Sub("out");
        FakeRuns.WriteScript(temp.Sub("out", "xor"), FakeRuns.Record("xor", validAcc: 0.9));
        FakeRuns.WriteScript(temp.Sub("out", ".xor.runs", "20260102-000000-42"), FakeRuns.Record("xor", validAcc: 0.7));
        FakeRuns.WriteScript(temp.Sub("out", "runs", "t", "mnist"), FakeRuns.Record("mnist"));
        FakeRuns.WriteScript(temp.Sub("out", "runs", "t", ".mnist.runs", "20260103-000000-7"), FakeRuns.Record("mnist"));

        // runs.csx prints each run as a path from the current directory (absolute here: the test folder is elsewhere),
        // and compare takes it as printed; a kept run named relative to out/ (.xor.runs/<stamp>) and a script's name too.
        var table = RunHistory.Table(RunHistory.Runs(Path.Combine(outRoot, "xor")), Path.Combine(outRoot, "xor"));
        var printed = table.Rows[1][table.Columns.ToList().FindIndex(c => c.Header == "folder")].Text;
        printed.Should().Be(Path.Combine(outRoot, ".xor.runs", "20260102-000000-42"));
        RunSources.Resolve([printed, "xor"], outRoot).Should().Equal(printed, Path.Combine(outRoot, "xor"));
        var kept = Path.Combine(".xor.runs", "20260102-000000-42");
        RunSources.Resolve([kept, "xor"], outRoot).Should().Equal(Path.Combine(outRoot, kept), Path.Combine(outRoot, "xor"));
        RunSources.Resolve([Path.Combine(".mnist.runs", "20260103-000000-7"), Path.Combine(outRoot, "runs", "t", "mnist")], outRoot)[0]
            .Should().Be(Path.Combine(outRoot, "runs", "t", ".mnist.runs", "20260103-000000-7"), "found in the one tagged run that holds it");
        var escaping = () => RunSources.Resolve([Path.Combine("..", "elsewhere"), "xor"], outRoot);
        escaping.Should().Throw<Ch13Exception>().Where(e => e.ExitCode == 2);

        Compare.DefaultFolderName(RunSources.Resolve(["xor"], outRoot)).Should().NotStartWith(".").And.Contain("-vs-");
        Compare.RunTool(["xor"], temp.Path).Should().Be(0);
        Directory.GetDirectories(Path.Combine(outRoot, "compare")).Select(Path.GetFileName).Should().ContainSingle().Which.Should().NotStartWith(".");
    }

    [Fact]
    public void Settings_that_differ_the_same_way_in_several_scripts_are_one_row()
    {
        foreach (var (run, lr) in new[] { ("a", 0.015), ("b", 0.02) })
            foreach (var script in new[] { "xor", "sequential" })
                FakeRuns.WriteScript(temp.Sub(run, script), FakeRuns.Record(script) with { Config = JsonSerializer.SerializeToElement(new { lr }) });

        var comparison = Compare.Run(temp.Sub("a"), temp.Sub("b"), temp.Sub("cmp"), NoReferences);

        comparison.Differences.Select(d => $"{d.Setting}: {string.Join(" | ", d.Values)}").Should().Equal("lr (sequential, xor): 0.015 | 0.02");
    }

    public void Dispose() => temp.Dispose();
}
