namespace Ch13.Tests;

public class PlotsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("ch13-plots-").FullName;

    static History FakeHistory(bool withAccuracy) => new(
        Enumerable.Range(1, 10).Select(e => new EpochMetrics(e, 1.0 / e, withAccuracy ? 0.5 + e / 40.0 : null, 1.1 / e, withAccuracy ? 0.5 + e / 50.0 : null, 0.01)).ToList(),
        RunStatus.Completed, 0.1);

    static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[..8].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
        int Int(int at) => (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
        return (Int(16), Int(20));
    }

    [Fact]
    public void History_writes_a_png_of_the_requested_size()
    {
        var path = Path.Combine(folder, "history.png");
        Plots.History(path, [("a", FakeHistory(true)), ("b", FakeHistory(true))], "test", width: 900, height: 300);
        PngSize(path).Should().Be((900, 300));
    }

    [Fact]
    public void History_without_accuracy_has_one_panel_and_a_narrower_figure()
    {
        var path = Path.Combine(folder, "loss.png");
        Plots.History(path, [("a", FakeHistory(false))], "test", width: 1400, height: 500);
        PngSize(path).Should().Be((800, 500));
    }

    [Fact]
    public void A_cut_epoch_gets_a_hollow_marker_on_its_points_and_whole_epochs_none()
    {
        var whole = FakeHistory(true);
        var cut = new History([.. whole.Epochs.Take(9), whole.Epochs[9] with { Partial = new EpochCut(3, 7) }], RunStatus.Interrupted, 0.1);

        var plot = new ScottPlot.Plot();
        Plots.LossPanel(plot, [("a", cut)], "test");
        var markers = plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>().Should().ContainSingle().Subject;
        markers.MarkerShape.Should().Be(ScottPlot.MarkerShape.OpenCircle);
        markers.Data.GetScatterPoints().Select(p => (p.X, p.Y)).Should().Equal((10, 1.0 / 10), (10, 1.1 / 10));

        var plain = new ScottPlot.Plot();
        Plots.LossPanel(plain, [("a", whole)], "test");
        plain.GetPlottables().OfType<ScottPlot.Plottables.Markers>().Should().BeEmpty();
    }

    [Fact]
    public void Decision_regions_ask_each_classifier_about_a_grid_and_write_a_png()
    {
        var points = new ArrayData(new double[,] { { -1, -1 }, { 1, 1 }, { -1, 1 }, { 1, -1 } }, [1, 1, 0, 0]);
        var asked = 0;
        long[] Quadrants(float[,] grid)
        {
            asked = grid.GetLength(0);
            return Enumerable.Range(0, grid.GetLength(0)).Select(i => grid[i, 0] * grid[i, 1] >= 0 ? 1L : 0L).ToArray();
        }
        var path = Path.Combine(folder, "regions.png");
        Plots.DecisionRegions(path, [("xor", Quadrants), ("same", Quadrants)], points, gridSize: 50, width: 800, height: 400);
        asked.Should().Be(50 * 50);
        PngSize(path).Should().Be((800, 400));
        Directory.GetFiles(folder).Should().ContainSingle("the temp file was renamed into place");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
