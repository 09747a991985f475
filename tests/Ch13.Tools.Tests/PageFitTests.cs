using Xunit.Abstractions;

namespace Ch13.Tools.Tests;

/// <summary>
/// report.html and compare.html in headless Chromium at a desktop (1280 px) and a phone (390 px) width, light and dark:
/// no element reaches past the viewport and no table is wider than its scroll box (the pages' own check, Html.ImageCheck),
/// every image loads, and each page's height is written to the test output.
/// </summary>
public sealed class PageFitTests(ITestOutputHelper output) : IDisposable
{
    readonly TempDir temp = new();

    static readonly int[] Widths = [1280, 390];

    // Long unbroken values are what widened the tables: an argument, a checkpoint name, a notebook tensor.
    static readonly string[] LongArguments = ["--quick", "--lr", "0.02", "--weights", "out/runs/a-rather-long-run-name/xor/my_module-with-a-long-name.pth"];

    static readonly IReadOnlyDictionary<string, ScriptReference> References = new Dictionary<string, ScriptReference>
    {
        ["xor"] = new("xor", "nn.Module, example 2", "A note the section shows under its numbers.",
        [
            new ReferenceValue("MLP valid loss, epoch 1", FakeRuns.Mlp, "valid_loss", 1, [0.91], "0.9100", 4),
            new ReferenceValue("MLP valid loss, epoch 2", FakeRuns.Mlp, "valid_loss", 2, [0.4], "0.4000", 4, "a documented difference, in one line", 0.1),
            new ReferenceValue("weights as the notebook printed them", null, "demo", null, [0.1, 0.2], "[[0.1000, 0.2000], [0.1000, 0.2000], [0.1000, 0.2000]]", 4),
        ]),
    };

    [Fact]
    public void The_report_fits_desktop_and_phone_widths_in_light_and_dark()
    {
        var runDir = temp.Sub("runs", "report");
        var summary = FakeRuns.WriteRun(runDir, "xor", "sequential", "a_script_with_a_long_name_for_a_narrow_screen");
        var record = FakeRuns.Record("xor") with { Arguments = LongArguments };
        FakeRuns.WriteScript(Path.Combine(runDir, "xor"), record, "history.png", "decision_regions.png");
        summary = summary with { Scripts = [ScriptResults.Read(runDir, "xor", 0, 3.0), .. summary.Scripts.Skip(1)] };
        var page = Reports.WriteRunReport(runDir, summary, References);

        foreach (var load in Fits(page, "report", images: 6))
            load.Dom.Should().Contain("class=\"outcome\"").And.Contain("id=\"script-sequential\"");
        Chromium.PageWeight(page).Should().BeLessThan(2_000_000);
    }

    [Fact]
    public void The_report_of_a_seed_sweep_fits_too()
    {
        var runDir = temp.Sub("runs", "sweep");
        var results = new List<ScriptResult>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var dir = Path.Combine(runDir, "xor", SeedFolders.Name(seed));
            FakeRuns.WriteScript(dir, FakeRuns.Record("xor", validAcc: 0.8 + 0.05 * seed) with { Seed = seed, Arguments = LongArguments }, "history.png");
            results.Add(new ScriptResult("xor", "completed", 0, 2.0, 1.0, new KeyMetric("valid_acc", 0.8 + 0.05 * seed, Better.Higher, FakeRuns.Mlp),
                $"xor/{SeedFolders.Name(seed)}.log", $"xor/{SeedFolders.Name(seed)}/", Seed: seed));
        }
        var page = Reports.WriteRunReport(runDir, new BatchSummary("sweep", "2026-01-01T00:00:00+00:00", 6, true, "csx", [], results), References);

        Fits(page, "report-sweep", images: 1);
    }

    [Fact]
    public void Compare_html_fits_desktop_and_phone_widths_in_light_and_dark()
    {
        // compare.html's markup is the compare tool's; the page frame, CSS and check are the ones report.html uses.
        FakeRuns.WriteRun(temp.Sub("a"), "xor", "sequential");
        FakeRuns.WriteRun(temp.Sub("b"), "xor", "sequential");
        FakeRuns.Png(Path.Combine(temp.Sub("b", "xor"), "decision_regions.png"), marked: true);
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor", validAcc: 0.7) with { Arguments = LongArguments });
        var outDir = temp.Sub("cmp");
        Compare.Run(temp.Sub("a"), temp.Sub("b"), outDir, References);

        Fits(Path.Combine(outDir, "compare.html"), "compare", images: null);
    }

    [Fact]
    public void A_table_wider_than_its_scroll_box_counts_as_overflow()
    {
        // The scroll box keeps the page itself narrow; the check must still see the table inside it.
        var wide = Html.Table(TextTable.Of([new("a"), new("b")], [[new string('x', 120), new TextCell("y", Code: true)]]));
        var page = Path.Combine(temp.Path, "wide.html");
        File.WriteAllText(page, Html.Page("wide", $"<h1>wide</h1>\n<style>td {{ white-space: nowrap; }}</style>{wide}"));

        var load = Chromium.Load(page, 390);

        load.ScrollWidth.Should().BeLessThanOrEqualTo(390, "the scroll box keeps the page's own width");
        load.Overflowing.Should().BeGreaterThan(0, "a table scrolling sideways inside its box is overflow too");
        load.OverflowingFirst.Should().Contain("div.scroll");
    }

    // Each width in light and dark: the page saw the scheme asked for, every image loaded, nothing overflowed; the heights go to the output.
    List<PageLoad> Fits(string page, string name, int? images)
    {
        var loads = new List<PageLoad>();
        foreach (var dark in new[] { false, true })
            foreach (var width in Widths)
            {
                var load = Chromium.Load(page, width, dark);
                var label = $"{name} at {width} px, {(dark ? "dark" : "light")}";
                output.WriteLine($"{label}: page height {load.PageHeight} px, {load.Overflowing} overflowing, {load.ImagesTotal} images, {new FileInfo(page).Length} bytes");
                load.Dark.Should().Be(dark, $"{label}: the page sees the colour scheme asked for");
                load.ImagesBroken.Should().Be(0, label);
                if (images is int count) load.ImagesTotal.Should().Be(count, label);
                load.Overflowing.Should().Be(0, $"{label}: no element may reach past the viewport or scroll sideways in its box ({load.OverflowingFirst})");
                load.ScrollWidth.Should().BeLessThanOrEqualTo(width, label);
                loads.Add(load);
            }
        Chromium.Screenshot(page, Chromium.ArtifactPath($"{name}-390-dark.png"), 390, 1600, dark: true);
        Chromium.Screenshot(page, Chromium.ArtifactPath($"{name}-1280.png"), 1280, 1200);
        return loads;
    }

    public void Dispose() => temp.Dispose();
}
