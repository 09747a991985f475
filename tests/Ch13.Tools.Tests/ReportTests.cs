using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Ch13.Tools.Tests;

/// <summary>The run report (lib/Reports.cs): content on fake runs, and rendering in a real headless browser.</summary>
public sealed class ReportTests : IDisposable
{
    readonly TempDir temp = new();

    // Which of our values a reference names is References' business (tested in ReferenceTests and the runner's
    // reference tests); the report shows whatever rows References gives it.
    static readonly ScriptReference Xor = new("xor", "nn.Module, example 2", null,
    [
        new ReferenceValue("MLP valid loss, epoch 1", FakeRuns.Mlp, "valid_loss", 1, [0.91], "0.9100", 4),
        new ReferenceValue("MLP valid loss, epoch 2", FakeRuns.Mlp, "valid_loss", 2, [0.5], "0.5000", 4),
        new ReferenceValue("NoisyLinear demo", null, "demo", null, [0.1, 0.2], "[0.1, 0.2]", 1),
    ]);

    static readonly IReadOnlyDictionary<string, ScriptReference> XorReference = new Dictionary<string, ScriptReference> { ["xor"] = Xor };

    (string RunDir, BatchSummary Summary) FakeRun(params string[] scripts)
    {
        var runDir = temp.Sub("runs", "report");
        return (runDir, FakeRuns.WriteRun(runDir, scripts));
    }

    [Fact]
    public void A_learning_rate_that_changed_gets_its_own_plot_and_one_that_did_not_gets_none()
    {
        var (runDir, summary) = FakeRun("xor", "mnist");
        // mnist's MLP: ReduceLROnPlateau cut the rate after epoch 2.
        var mnist = FakeRuns.Record("mnist");
        var mlp = mnist.Series[1];
        mnist = mnist with { Series = [mnist.Series[0], mlp with { History = mlp.History.Select(e => e.Epoch > 2 ? e with { LearningRate = 0.0015 } : e).ToList() }] };
        File.WriteAllText(Path.Combine(runDir, "mnist", "metrics.json"), RunRecords.ToJson(mnist));
        summary = summary with { Scripts = [summary.Scripts[0], ScriptResults.Read(runDir, "mnist", 0, 3.0)] }; // the report reads what the batch read

        var html = Reports.RunReport(runDir, summary, XorReference);

        html.Should().Contain("<img class=\"chart\" src=\"mnist.lr.webp\"").And.Contain("learning rate by epoch");
        html.Should().NotContain("xor.lr.webp", "xor's rate never changed");
        File.Exists(Path.Combine(runDir, "mnist.lr.webp")).Should().BeTrue();
        File.Exists(Path.Combine(runDir, "xor.lr.webp")).Should().BeFalse();
        Directory.GetFiles(runDir, ".*").Should().BeEmpty("the temporary PNG is gone");
    }

    [Fact]
    public void The_report_has_a_summary_table_linking_to_a_section_per_script()
    {
        var (runDir, summary) = FakeRun("xor", "sequential");
        var html = Reports.RunReport(runDir, summary, XorReference);

        html.Should().StartWith("<!doctype html>");
        html.Should().Contain("<a href=\"#script-xor\">xor</a>").And.Contain("<a href=\"#script-sequential\">sequential</a>");
        html.Should().Contain("<section id=\"script-xor\">").And.Contain("<section id=\"script-sequential\">");
        html.Should().Contain("xor: what it demonstrates", "the description comes from the run record");
        html.Should().Contain("<a href=\"xor.log\">log</a>");
        html.Should().Contain("torch_threads").And.Contain("0.107.0").And.Contain("Linux test");
        html.Should().Contain("MyModule(\n  (l1): Linear(in_features=2, out_features=10, bias=True)\n)", "multi-line config strings are shown as printed");
    }

    [Fact]
    public void Every_plot_of_every_script_is_referenced_by_a_relative_path_that_exists()
    {
        var (runDir, summary) = FakeRun("xor", "sequential");
        var html = Reports.RunReport(runDir, summary, XorReference);

        var sources = Regex.Matches(html, "<img class=\"chart\" src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        sources.Should().BeEquivalentTo(["xor/decision_regions.png", "xor/history.png", "sequential/decision_regions.png", "sequential/history.png"]);
        foreach (var source in sources) File.Exists(Path.Combine(runDir, source)).Should().BeTrue(source);
    }

    [Fact]
    public void The_notebook_column_shows_printed_values_beside_ours_and_marks_matches()
    {
        IReadOnlyList<FidelityRow> rows =
        [
            new("MLP valid loss, epoch 1", "0.9100", "0.9100", 0, Agreement.Equal),
            new("MLP valid loss, epoch 2", "0.5000", "0.4600", 0.04, Agreement.Differs),
            new("NoisyLinear demo", "[0.1, 0.2]", null, null, null),
        ];
        var html = Fidelity.SectionHtml(Xor, rows, quick: true);

        html.Should().Contain("Of 3 printed values: 1 equal as printed (=), 0 equal to float32 rounding (≈, within 1E-05 relative), 1 differ (≠), 1 not recorded by the script.");
        html.Should().MatchRegex("MLP valid loss, epoch 1</td><td data-label=\"notebook\"><code>0.9100</code></td><td data-label=\"ours\"><code>0.9100</code></td><td class=\"num\" data-label=\"\\|Δ\\|\">[^<]*</td><td data-label=\"agrees\"><span class=\"ok\">=</span>");
        html.Should().MatchRegex("MLP valid loss, epoch 2</td><td data-label=\"notebook\"><code>0.5000</code></td><td data-label=\"ours\"><code>0.4600</code></td>.*<span class=\"bad\">≠</span>");
        html.Should().Contain("NoisyLinear demo</td><td data-label=\"notebook\"><code>[0.1, 0.2]</code></td><td data-label=\"ours\"><span class=\"muted\">not recorded</span>");
        html.Should().Contain(Fidelity.QuickNote, "a quick run is flagged as not comparable with the notebook");
        Fidelity.SectionHtml(Xor, rows, quick: false).Should().NotContain("--quick").And.NotContain(Fidelity.QuickNote);
    }

    [Fact]
    public void A_scripts_section_lists_its_references_models_and_values_by_name_never_by_json_path()
    {
        var (runDir, summary) = FakeRun("xor");
        var html = WebUtility.HtmlDecode(Reports.RunReport(runDir, summary, XorReference));

        html.Should().Contain("<h3>Notebook</h3>").And.Contain("MLP valid loss, epoch 1").And.Contain("<code>[0.1, 0.2]</code>");
        html.Should().Contain("<h3>Models</h3>");
        html.Should().MatchRegex("<tr><td data-label=\"model\">MLP 2-10-6-2</td><td data-label=\"status\"><span class=\"ok\">completed</span></td><td class=\"num\" data-label=\"last epoch\">3</td><td class=\"num\" data-label=\"train \\(s\\)\">1.00</td>"
            + "<td class=\"num\" data-label=\"train_loss\">[0-9.]+</td><td class=\"num\" data-label=\"train_acc\">0.8000</td><td class=\"num\" data-label=\"valid_loss\">[0-9.]+</td><td class=\"num\" data-label=\"valid_acc\">0.9000</td><td class=\"num\" data-label=\"lr\">0.0150</td></tr>");
        html.Should().Contain("<td data-label=\"name\">MLP 2-10-6-2 · test_acc</td><td class=\"num\" data-label=\"value\">0.9500</td>").And.Contain("<td data-label=\"name\">weights</td><td class=\"num\" data-label=\"value\">20 numbers</td>");
        html.Should().Contain("key metric <strong>MLP 2-10-6-2 · valid_acc = 0.9000</strong>");
        html.Should().NotContain("results[").And.NotContain("results.").And.NotContain("history[");
    }

    [Fact]
    public void A_failed_script_shows_the_end_of_its_log_instead_of_results()
    {
        var runDir = temp.Sub("runs", "failed");
        Directory.CreateDirectory(Path.Combine(runDir, "broken"));
        File.WriteAllText(Path.Combine(runDir, "broken.log"), "line 1\nUnhandled exception: boom\n");
        var summary = new BatchSummary("failed", "2026-01-01T00:00:00+00:00", 1, false, "csx", [], [ScriptResults.Read(runDir, "broken", 1, 0.5)]);

        var html = Reports.RunReport(runDir, summary, new Dictionary<string, ScriptReference>());

        html.Should().Contain("<span class=\"bad\">failed</span>").And.Contain("exit code 1").And.Contain("Unhandled exception: boom");
    }

    [Fact]
    public void Headings_and_descriptions_come_from_the_chapter_manifest_when_the_record_has_none()
    {
        var (runDir, summary) = FakeRun("xor");
        ChapterManifest chapter = new("Chapter 13", [new("xor", "Solving an XOR classification problem", "a linear model cannot solve XOR; the MLP can", ["metrics.json"])]);
        var folder = new ScriptFolder("xor", temp.Path, null, []);

        ReportSections.Description(folder, chapter).Should().Be("a linear model cannot solve XOR; the MLP can");
        ReportSections.Description(folder with { Script = "other" }, chapter).Should().BeEmpty();
        ReportSections.Description(folder, null).Should().BeEmpty();
        Reports.RunReport(runDir, summary, XorReference, chapter).Should().Contain("<h2>xor <small>Solving an XOR classification problem</small></h2>");
    }

    [Fact]
    public void The_report_leads_with_fidelity_counted_per_script_and_marks_quick_runs_not_comparable()
    {
        var (runDir, summary) = FakeRun("xor", "sequential");
        var html = Reports.RunReport(runDir, summary, XorReference);

        // The fake xor's MLP valid_loss is 0.9 + 0.01 at epoch 1 (0.9100: identical) and 0.45 + 0.01 at epoch 2 (≠ 0.5000); its demo is [0.1, 0.2].
        html.IndexOf("Against the notebook").Should().BeLessThan(html.IndexOf("<table class=\"cards stack summary\">"), "fidelity comes first");
        html.Should().Contain("2 identical, 0 ≈ float32, 1 differ");
        html.Should().Contain(Fidelity.QuickNote, "FakeRuns records are --quick runs");
        var md = File.ReadAllText(Path.Combine(runDir, "summary.md"));
        md.Should().NotContain("Against the notebook", "FakeRuns wrote it without references");
        BatchSummaries.Write(runDir, summary, XorReference);
        md = File.ReadAllText(Path.Combine(runDir, "summary.md"));
        md.Should().Contain("## Against the notebook").And.Contain("**--quick run: quick settings — not comparable with the notebook.**")
            .And.Contain("| xor | 2 identical, 0 ≈ float32, 1 differ (quick: not comparable) | MLP valid loss, epoch 2 | `0.5000` | `0.4600` |");
    }

    [Fact]
    public void The_headline_value_falls_back_to_the_last_one_the_run_recorded()
    {
        var (runDir, summary) = FakeRun("xor");
        ScriptReference longer = new("xor", "XOR", null,
        [
            new ReferenceValue("MLP valid loss, epoch 1", FakeRuns.Mlp, "valid_loss", 1, [0.91], "0.9100", 4),
            new ReferenceValue("MLP valid loss, epoch 100", FakeRuns.Mlp, "valid_loss", 100, [0.03], "0.0300", 4),
        ]);
        var references = new Dictionary<string, ScriptReference> { ["xor"] = longer };

        var table = TextTables.ToMarkdown(Fidelity.Table(Fidelity.Of(summary.Scripts.Select(s => ScriptResults.FolderOf(runDir, s)).ToList(), summary, references), references));

        table.Should().Contain("| xor | 1 identical, 0 ≈ float32, 0 differ, 1 not recorded (quick: not comparable) | MLP valid loss, epoch 1 | `0.9100` | `0.9100` |",
            "the 3-epoch run never reached epoch 100");
    }

    [Fact]
    public void A_full_run_is_not_marked_quick_and_tiny_numbers_are_not_zero()
    {
        var (runDir, summary) = FakeRun("xor");
        var record = FakeRuns.Record("xor") with { Quick = false, KeyMetric = new KeyMetric("grad_check_max_rel_error", 1.6e-7, Better.Lower, null) };
        FakeRuns.WriteScript(Path.Combine(runDir, "xor"), record);
        summary = summary with { Quick = false, Scripts = [ScriptResults.Read(runDir, "xor", 0, 3.0)] };

        var html = Reports.RunReport(runDir, summary, XorReference);

        html.Should().NotContain(Fidelity.QuickNote);
        html.Should().Contain("<td class=\"num\" data-label=\"ours\">1.6e-7</td>").And.NotContain(">0.0000<");
        Fidelity.NotebookFor(Xor, summary.Scripts[0].KeyMetric, record).Should().BeNull("the notebook printed no grad_check_max_rel_error: never another quantity in its place");
        html.Should().Contain("no grad_check_max_rel_error printed");
    }

    [Fact]
    public void The_first_screen_leads_with_the_outcome_in_large_type_then_the_fidelity_tally()
    {
        var (runDir, summary) = FakeRun("xor", "sequential");
        var record = FakeRuns.Record("xor") with { Quick = false };
        FakeRuns.WriteScript(Path.Combine(runDir, "xor"), record);
        summary = summary with { Quick = false, Scripts = [ScriptResults.Read(runDir, "xor", 0, 3.0), summary.Scripts[1] with { Status = ScriptResults.Failed, ExitCode = 1 }] };

        var html = WebUtility.HtmlDecode(Reports.RunReport(runDir, summary, XorReference));

        html.Should().Contain("<p class=\"outcome\"><span class=\"bad\">1 ok</span> / <span class=\"bad\">1 failed</span></p>");
        // xor: epoch 1 identical, epoch 2 differs (0.4600 against 0.5000), the demo list [0.1, 0.2] identical.
        html.Should().Contain("<p class=\"tally\"><a href=\"#fidelity\">fidelity: 2 match · 0 expected · 1 differ</a></p>");
        html.IndexOf("class=\"outcome\"").Should().BeLessThan(html.IndexOf("class=\"tally\"")).And.BeLessThan(html.IndexOf("Against the notebook"));
        Fidelity.Tally([]).Should().BeNull("no script has notebook figures");
        Reports.RunReport(runDir, summary with { Scripts = [summary.Scripts[0] with { Status = "completed" }] }, XorReference)
            .Should().Contain("<span class=\"ok\">1 ok</span> / <span class=\"muted\">0 failed</span>");
    }

    [Fact]
    public void A_documented_difference_is_expected_with_its_reason_only_within_what_it_states()
    {
        var value = new ReferenceValue("noisy valid loss, epoch 40", FakeRuns.Mlp, "valid_loss", 2, [0.5], "0.5000", 4, "the noise layer's generator", 0.05);
        RunRecord At(double loss) => FakeRuns.Record("xor") with
        {
            Quick = false,
            Series = [new Series(FakeRuns.Mlp, RunStatus.Completed, [new EpochMetrics(1, 1, 0.5, 1, 0.5, 0.01), new EpochMetrics(2, 1, 0.5, loss, 0.5, 0.01)], [])],
        };

        var row = References.Row(value, At(0.46));
        (row.Ours, row.Agreement, row.Reason).Should().Be(("0.4600", Agreement.Expected, "the noise layer's generator"));
        References.Row(value, At(0.40)).Agreement.Should().Be(Agreement.Differs, "0.1 is beyond the documented 0.05");
        References.Row(value, At(0.50)).Agreement.Should().Be(Agreement.Equal);
        References.Row(value with { ExpectedWithin = null }, At(0.46)).Agreement.Should().Be(Agreement.Differs, "a number's difference is expected only within a stated bound");

        var checkpoint = new ReferenceValue("best checkpoint", "MLP", "best_checkpoint", null, [], "epoch=8-step=7739.ckpt", 0, "the step count in the name", ExpectedText: "epoch=8-step=7740.ckpt");
        RunRecord Named(string name) => At(0.5) with { Series = [new Series("MLP", RunStatus.Completed, [], [RunValue.OfText("best_checkpoint", name)])] };
        References.Row(checkpoint, Named("epoch=8-step=7740.ckpt")).Agreement.Should().Be(Agreement.Expected);
        References.Row(checkpoint, Named("epoch=3-step=3440.ckpt")).Agreement.Should().Be(Agreement.Differs, "another epoch is not the documented difference");

        var rows = new[] { References.Row(value, At(0.46)), References.Row(value with { Label = "epoch 1", Epoch = 1 }, At(0.46)) };
        var html = Fidelity.SectionHtml(Xor, rows, quick: false);
        html.Should().Contain("1 differ as documented (expected), 1 differ (≠)").And.Contain("<p>Expected (1 value): the noise layer&#39;s generator.</p>");
        new ScriptFidelity("xor", rows, Quick: false).Counts.Should().Be("0 identical, 0 ≈ float32, 1 expected, 1 differ");
    }

    [Fact]
    public void The_notebooks_documented_differences_are_expected_with_their_reasons()
    {
        var notebook = References.Load(References.DefaultPath(TestPaths.RepoRoot));
        var noisy = notebook["custom_layer"].Values.Where(v => v.Expected is not null).ToList();
        noisy.Select(v => v.Epoch).Should().Equal(40, 79, 118, 157, 196);
        noisy.Should().OnlyContain(v => v.ExpectedWithin == 1e-3 && v.Expected!.Contains("generator"), "docs/notebook.md: the noisy run within ~1e-3");
        notebook["custom_layer"].Values.Single(v => v.Epoch == 1).Expected.Should().BeNull("epoch 1 is identical");
        var checkpoint = notebook["lightning"].Values.Single(v => v.Name == "best_checkpoint");
        (checkpoint.ExpectedText, checkpoint.Expected).Should().Be(("epoch=8-step=7740.ckpt", checkpoint.Expected));
        checkpoint.Expected.Should().Contain("step");
        notebook.Values.SelectMany(r => r.Values).Where(v => v.Expected is not null).Should().HaveCount(6, "nothing else is excused");
    }

    [Fact]
    public void The_notebook_column_compares_like_with_like_or_says_the_notebook_printed_none()
    {
        var (runDir, summary) = FakeRun("xor");
        var record = FakeRuns.Record("xor") with { Quick = false, KeyMetric = new KeyMetric("valid_loss", 0.46, Better.Lower, FakeRuns.Mlp) };
        FakeRuns.WriteScript(Path.Combine(runDir, "xor"), record);
        var xor = ScriptResults.Read(runDir, "xor", 0, 3.0);
        var lastEpoch = new ScriptReference("xor", "XOR", null, [new ReferenceValue("MLP valid loss, epoch 3", FakeRuns.Mlp, "valid_loss", 3, [0.31], "0.3100", 4)]);

        Fidelity.NotebookFor(lastEpoch, xor.KeyMetric, record).Should().Be("0.3100", "the same metric of the same model at the epoch the run ended on");
        Fidelity.NotebookFor(Xor, xor.KeyMetric, record).Should().BeNull("the notebook printed valid loss at epochs 1 and 2, not at 3");
        Fidelity.NotebookFor(lastEpoch, xor.KeyMetric! with { Name = "valid_acc" }, record).Should().BeNull("never another quantity in its place");
        var html = Reports.RunReport(runDir, summary with { Quick = false, Scripts = [xor] }, XorReference);
        html.Should().Contain("<td class=\"num\" data-label=\"notebook\"><span class=\"muted\">no valid_loss printed</span></td>");
    }

    [Fact]
    public void Every_history_metric_shows_its_best_value_and_epoch_beside_its_last()
    {
        // valid_loss falls to 0.30 at epoch 3, then rises (early stopping's patience); valid_acc peaks at epoch 2.
        var history = new[] { (0.9, 0.6), (0.5, 0.9), (0.3, 0.85), (0.4, 0.8), (0.45, 0.8) }
            .Select((m, i) => new EpochMetrics(i + 1, 1.0 / (i + 1), 0.5, m.Item1, m.Item2, 0.01)).ToList();
        var record = FakeRuns.Record("mnist") with { Series = [new Series("MLP", RunStatus.EarlyStopped, history, [])] };

        var table = TextTables.ToMarkdown(ReportSections.SeriesTable(record));

        table.Should().Contain("| MLP | early_stopped | 5 |").And.Contain("| 0.2000 | 0.5000 | 0.4500 · best 0.3000 @ 3 | 0.8000 · best 0.9000 @ 2 | 0.0100 |",
            "train_loss and train_acc were best at the last epoch; the lr has no direction");
        var lightning = record with { Config = System.Text.Json.JsonSerializer.SerializeToElement(new { trainer = new { max_epochs = 5 } }) };
        TextTables.ToMarkdown(ReportSections.SeriesTable(lightning)).Should().Contain("| MLP | early_stopped | 4 |").And.Contain("0.4500 · best 0.3000 @ 2", "a Lightning-style trainer's epochs from 0, like its checkpoint names");
        var fewer = record with { Series = [new Series("MLP", RunStatus.Completed, history.Select(e => e with { TrainAccuracy = null }).ToList(), [])] };
        TextTables.ToMarkdown(ReportSections.SeriesTable(fewer)).Should().NotContain("train_acc", "a metric no model recorded has no column");
    }

    [Fact]
    public void A_seed_sweep_is_one_group_per_script_with_the_key_metrics_spread_and_each_seeds_status()
    {
        var runDir = temp.Sub("runs", "sweep");
        var results = new List<ScriptResult>();
        foreach (var (seed, acc) in new[] { (1, 0.90), (2, 0.80), (3, 0.85) })
        {
            FakeRuns.WriteScript(Path.Combine(runDir, "xor", SeedFolders.Name(seed)), FakeRuns.Record("xor", validAcc: acc) with { Seed = seed }, "history.png");
            results.Add(new ScriptResult("xor", "completed", 0, 2.0, 1.0, new KeyMetric("valid_acc", acc, Better.Higher, FakeRuns.Mlp), $"xor/seed-{seed}.log", $"xor/seed-{seed}/", Seed: seed));
        }
        results.Add(new ScriptResult("sequential", ScriptResults.Failed, 1, 1.0, null, null, "sequential/seed-1.log", "sequential/seed-1/", "exit code 1", Seed: 1));
        var summary = new BatchSummary("sweep", "2026-01-01T00:00:00+00:00", 6, false, "csx", [], results);

        var html = WebUtility.HtmlDecode(Reports.RunReport(runDir, summary, XorReference));

        // mean 0.85, sample sd sqrt(((0.05)² + (0.05)² + 0) / 2) = 0.05
        html.Should().Contain("valid_acc = 0.8500 ± 0.0500 (0.8000–0.9000, n=3)");
        html.Should().Contain("<p class=\"outcome\"><span class=\"bad\">3 ok</span> / <span class=\"bad\">1 failed</span> <small>(4 runs of 2 scripts)</small></p>");
        Regex.Matches(html, "<section id=\"script-xor\">").Should().HaveCount(1, "the seeds are one group");
        html.Should().Contain("<span class=\"ok\">3 ok / 0 failed</span>").And.Contain("<span class=\"bad\">0 ok / 1 failed</span>");
        html.Should().Contain("<a href=\"xor/seed-2/\">xor/seed-2/</a>").And.Contain("<img class=\"chart\" src=\"xor/seed-1/history.png\"");
        html.Should().NotContain("Against the notebook", "a sweep's seeds are not one run with the notebook's settings");
    }

    [Fact]
    public void The_browser_check_catches_a_broken_image()
    {
        var (runDir, summary) = FakeRun("xor");
        var page = Reports.WriteRunReport(runDir, summary, XorReference);
        File.Delete(Path.Combine(runDir, "xor", "history.png"));

        var load = Chromium.Load(page);

        load.ImagesBroken.Should().Be(1);
        load.Dom.Should().Contain("1 image(s) failed to load: xor/history.png");
    }

    // A rendered page has many distinct colours (text, tables, plots), a blank one a single colour.
    static void NotBlank(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        bitmap.Should().NotBeNull();
        bitmap.Pixels.Distinct().Count().Should().BeGreaterThan(20, "the screenshot should show the report, not a blank page");
    }

    public void Dispose() => temp.Dispose();
}

/// <summary>The notebook's printed numbers as data (reference/notebook.json) and how ours are matched against them.</summary>
public sealed class ReferenceTests
{
    static readonly IReadOnlyDictionary<string, ScriptReference> Notebook = References.Load(References.DefaultPath(TestPaths.RepoRoot));

    static RunRecord Record(IReadOnlyList<Series> series, params RunValue[] results) => new(
        RunRecords.SchemaVersion, "test", "", RunStatus.Completed, null, 1, 3, false, null, [],
        JsonSerializer.SerializeToElement(new { }), series, results,
        new RunEnvironment("0.107.0", "2.7.1", 1, "Linux", "X64", "10.0.0", "tests"), new RunTimings("", 0, 0, new Dictionary<string, double>()));

    static Series Trained(string name, IReadOnlyList<EpochMetrics> history, params RunValue[] values) =>
        new(name, RunStatus.Completed, history, values);

    static EpochMetrics Epoch(int epoch, double validLoss) => new(epoch, 0.5, 0.5, validLoss, 0.9, 0.01);

    [Fact]
    public void The_repository_keeps_the_notebooks_printed_numbers_by_script_series_and_value()
    {
        Notebook.Keys.Should().Contain(["sequential", "module", "xor", "custom_layer", "auto_mpg", "mnist", "lightning", "autograd"]);
        Notebook["xor"].Values.Should().Contain(v => v.Series == "MLP 2-10-6-2" && v.Name == "valid_loss" && v.Epoch == 1
                                                    && v.Notebook.Single() == 0.6937592625617981 && v.Label == "MLP valid loss, epoch 1");
        Notebook["sequential"].Values.Select(v => v.Label).Should().Contain("valid loss, epoch 196");
        Notebook["custom_layer"].Values.Should().Contain(v => v.Label == "noisy XOR valid loss, epoch 1" && v.Notebook.Single() == 0.6921265125274658);
        Notebook["custom_layer"].Values.Should().Contain(v => v.Series == null && v.Name == "noisy_linear_training_1"
                                                             && v.NotebookText == "[[-0.0235, 0.0468, 0.0170]]" && v.Decimals == 4);
        Notebook["auto_mpg"].Values.Should().Contain(v => v.Name == "train_loss" && v.Epoch == 21 && v.Label == "train loss, notebook epoch 20");
        Notebook["auto_mpg"].Values.Should().Contain(v => v.Series == "MLP 9-10-6-4-1" && v.Name == "test_mse" && v.NotebookText == "15.7344");
        Notebook["auto_mpg"].Values.Should().Contain(v => v.Name == "test_mae" && v.NotebookText == "2.9747");
        Notebook["mnist"].Values.Single(v => v.Name == "lr_cut_epochs").Notebook.Should().Equal(23, 34);
        Notebook["mnist"].Values.Should().Contain(v => v.Name == "early_stop_epoch" && v.Notebook.Single() == 42);
        Notebook["mnist"].Values.Should().Contain(v => v.Name == "final_valid_acc" && v.NotebookText == "0.8650");
        Notebook["lightning"].Values.Should().Contain(v => v.Name == "best_checkpoint" && v.NotebookText == "epoch=8-step=7739.ckpt" && v.Notebook.Count == 0);
        Notebook["autograd"].Values.Single(v => v.Name == "xavier_normal_seed1").Notebook.Should().Equal(0.4183, 0.1688, 0.0390, 0.3930, -0.2858, -0.1051);
        Notebook.Values.Sum(r => r.Values.Sum(v => v.Notebook.Count)).Should().Be(81, "every number the notebook printed is kept");
    }

    [Theory]
    [InlineData("15.7344", 4)]
    [InlineData("23", 0)]
    [InlineData("0.6937592625617981", 16)]
    [InlineData("1.0000e-04", 8)]
    public void Decimals_are_counted_as_printed(string number, int decimals) =>
        References.Decimals(number).Should().Be(decimals);

    [Fact]
    public void Values_match_when_equal_at_the_printed_precision()
    {
        var value = new ReferenceValue("test MSE", "MLP", "test_mse", null, [15.7344], "15.7344", 4);
        RunRecord With(double mse) => Record([Trained("MLP", [], RunValue.Of("test_mse", mse, Better.Lower))]);

        References.Row(value, With(15.73436)).Agreement.Should().Be(Agreement.Equal);
        var off = References.Row(value, With(15.7349));
        off.Agreement.Should().Be(Agreement.Differs);
        off.Delta.Should().BeApproximately(0.0005, 1e-9);
        off.Ours.Should().Be("15.7349");
        References.Row(value, Record([Trained("MLP", [])])).Ours.Should().BeNull();
        References.Row(value, Record([])).Ours.Should().BeNull();
        References.Row(value, null).Ours.Should().BeNull();
    }

    [Fact]
    public void History_entries_are_read_from_the_series_at_their_epoch()
    {
        var value = new ReferenceValue("valid loss, epoch 2", "MLP", "valid_loss", 2, [0.5], "0.5000", 4);
        var record = Record([Trained("Linear", [Epoch(1, 0.1), Epoch(2, 0.1)]), Trained("MLP", [Epoch(1, 0.9), Epoch(2, 0.50004)])]);

        var row = References.Row(value, record);
        (row.Ours, row.Agreement).Should().Be(("0.5000", Agreement.Equal));
        row.Delta.Should().BeApproximately(0.00004, 1e-12);
        References.Row(value with { Epoch = 3 }, record).Ours.Should().BeNull("the run stopped before epoch 3");
        References.Records(value with { Epoch = 3 }, record).Should().BeTrue("the series records valid_loss");
        References.Records(value with { Name = "no_such_column" }, record).Should().BeFalse();
        References.Records(value with { Series = "CNN" }, record).Should().BeFalse();
    }

    [Fact]
    public void Full_precision_values_that_differ_only_by_float32_rounding_are_close_not_equal()
    {
        var value = new ReferenceValue("valid loss", null, "loss", null, [0.30175235867500305], "0.30175235867500305", 17);
        RunRecord With(double loss) => Record([], RunValue.Of("loss", loss));

        References.Row(value, With(0.30175235867500305)).Agreement.Should().Be(Agreement.Equal);
        References.Row(value, With(0.30175232887268066)).Agreement.Should().Be(Agreement.Close);
        References.Row(value, With(0.3019)).Agreement.Should().Be(Agreement.Differs);
    }

    [Fact]
    public void Tensors_match_element_by_element_and_texts_as_written()
    {
        var tensor = Notebook["custom_layer"].Values.Single(v => v.Name == "noisy_linear_eval");
        var zeros = Record([], RunValue.OfRows("noisy_linear_eval", [[0.0, 0.0, 0.0]]));
        References.Row(tensor, zeros).Should().Be(new FidelityRow(tensor.Label, "[[0.0000, 0.0000, 0.0000]]", "[0.0000, 0.0000, 0.0000]", 0, Agreement.Equal));

        var checkpoint = new ReferenceValue("best checkpoint", "MLP", "best_checkpoint", null, [], "epoch=8-step=7739.ckpt", 0);
        References.Row(checkpoint, Record([Trained("MLP", [], RunValue.OfText("best_checkpoint", "epoch=8-step=7739.ckpt"))])).Agreement.Should().Be(Agreement.Equal);
        References.Row(checkpoint, Record([Trained("MLP", [], RunValue.OfText("best_checkpoint", "epoch=0-step=100.ckpt"))]))
            .Should().Be(new FidelityRow("best checkpoint", "epoch=8-step=7739.ckpt", "epoch=0-step=100.ckpt", null, Agreement.Differs));
    }

    [Fact]
    public void A_key_metric_finds_its_notebook_value_by_series_and_name()
    {
        References.ForKeyMetric(Notebook["auto_mpg"], new KeyMetric("test_mse", 15.9, Better.Lower, "MLP 9-10-6-4-1"))!.NotebookText.Should().Be("15.7344");
        References.ForKeyMetric(Notebook["auto_mpg"], new KeyMetric("test_mse", 15.9, Better.Lower, Series: null)).Should().BeNull();
        References.ForKeyMetric(Notebook["xor"], new KeyMetric("valid_acc", 0.9, Better.Higher, "MLP 2-10-6-2")).Should().BeNull();
        References.ForKeyMetric(null, new KeyMetric("x", 1, null, null)).Should().BeNull();
        References.ForKeyMetric(Notebook["xor"], null).Should().BeNull();
    }
}
