#nullable enable
using ScottPlot;

/// <summary>A moment worth marking on training curves: an epoch and what happened there (e.g. "lr → 1e-4").</summary>
public sealed record CurveMark(int Epoch, string Label, Color Color);

/// <summary>The figures the scripts write: training curves and decision regions, saved as PNG atomically.</summary>
public static class Plots
{
    /// <summary>Class colours (blue, orange, green, …), the matplotlib defaults the book's figures use.</summary>
    public static readonly Color[] ClassColors =
        [Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
         Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
         Color.FromHex("#bcbd22"), Color.FromHex("#17becf")];

    static readonly MarkerShape[] ClassMarkers =
        [MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledCircle, MarkerShape.FilledDiamond, MarkerShape.Cross];

    /// <summary>
    /// The chapter's history figure, for every script: loss (and accuracy, when any run has it) per epoch, one panel
    /// each, train solid and validation dashed (one run: blue and orange; several: one colour per run, named in the
    /// legend), with a labelled dotted vertical line in each panel at every mark (learning-rate cuts, the best epoch).
    /// </summary>
    public static void History(string path, IReadOnlyList<(string Label, History History)> runs, string title,
        IReadOnlyList<CurveMark>? marks = null, int width = 1400, int height = 500)
    {
        var hasAccuracy = runs.Any(r => r.History.Epochs.Any(e => e.TrainAccuracy is not null || e.ValidAccuracy is not null));
        var (multiplot, plots) = Panels(hasAccuracy ? 2 : 1);
        LossPanel(plots[0], runs, title);
        if (hasAccuracy) AccuracyPanel(plots[1], runs, title);
        foreach (var plot in plots) AddMarks(plot, marks ?? []);
        Save(path, temp => multiplot.SavePng(temp, hasAccuracy ? width : width / 2 + 100, height));
    }

    /// <summary>A labelled dotted vertical line at each mark's epoch (in the legend the panel already shows).</summary>
    static void AddMarks(Plot plot, IReadOnlyList<CurveMark> marks)
    {
        foreach (var mark in marks)
        {
            var line = plot.Add.VerticalLine(mark.Epoch, 1.5f, mark.Color, LinePattern.Dotted);
            line.LegendText = mark.Label;
        }
    }

    /// <summary>The loss panel of <see cref="History"/>, drawn on <paramref name="plot"/> (for composite figures).</summary>
    public static void LossPanel(Plot plot, IReadOnlyList<(string Label, History History)> runs, string title)
    {
        AddCurves(plot, runs, e => e.TrainLoss, e => e.ValidLoss);
        Label(plot, $"{title}: loss", "Epoch", "Loss");
    }

    /// <summary>The accuracy panel of <see cref="History"/>, drawn on <paramref name="plot"/> (for composite figures).</summary>
    public static void AccuracyPanel(Plot plot, IReadOnlyList<(string Label, History History)> runs, string title)
    {
        AddCurves(plot, runs, e => e.TrainAccuracy, e => e.ValidAccuracy);
        Label(plot, $"{title}: accuracy", "Epoch", "Accuracy");
    }

    static void AddCurves(Plot plot, IReadOnlyList<(string Label, History History)> runs,
        Func<EpochMetrics, double?> train, Func<EpochMetrics, double?> valid)
    {
        for (var i = 0; i < runs.Count; i++)
        {
            var (label, history) = runs[i];
            var several = runs.Count > 1;
            var prefix = several ? label + ": " : "";
            // One run: the notebook's blue train / orange validation; several: a colour per run, the pattern tells train from validation.
            var (trainColor, validColor) = several ? (ClassColors[i % ClassColors.Length], ClassColors[i % ClassColors.Length]) : (ClassColors[0], ClassColors[1]);
            AddLine(plot, history, train, $"{prefix}train", trainColor, LinePattern.Solid);
            AddLine(plot, history, valid, $"{prefix}validation", validColor, LinePattern.Dashed);
        }
        AddCutMarkers(plot, runs, train, valid);
        plot.ShowLegend(Edge.Bottom);
    }

    /// <summary>
    /// A hollow circle on every point of an epoch cut short (Ctrl+C, divergence): its means cover only the batches that
    /// ran, so it is not read as a whole epoch. One legend entry per panel.
    /// </summary>
    static void AddCutMarkers(Plot plot, IReadOnlyList<(string Label, History History)> runs,
        Func<EpochMetrics, double?> train, Func<EpochMetrics, double?> valid)
    {
        var points = runs.SelectMany(r => r.History.Epochs.Where(e => e.Partial is not null))
            .SelectMany(e => new[] { train(e), valid(e) }.Where(v => v is double d && double.IsFinite(d)).Select(v => (X: (double)e.Epoch, Y: v!.Value)))
            .ToArray();
        if (points.Length == 0) return;
        var markers = plot.Add.Markers(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), MarkerShape.OpenCircle, 14, Colors.Black);
        markers.LegendText = "partial epoch (cut short)";
    }

    /// <summary>One metric of a history as a line over epochs (non-finite values left out).</summary>
    public static void AddLine(Plot plot, History history, Func<EpochMetrics, double?> select, string label, Color color, LinePattern pattern)
    {
        var points = history.Epochs.Where(e => select(e) is double v && double.IsFinite(v)).ToArray();
        if (points.Length == 0) return;
        var line = plot.Add.ScatterLine(points.Select(e => (double)e.Epoch).ToArray(), points.Select(e => select(e)!.Value).ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2.5f;
        line.LinePattern = pattern;
        line.MarkerSize = points.Length == 1 ? 8 : 0; // a single epoch is a point, not a line
    }

    /// <summary>
    /// Decision regions side by side, like mlxtend's <c>plot_decision_regions</c>: each panel colours a grid
    /// over the points by the class its classifier predicts, then draws the points coloured and shaped by
    /// their true class.
    /// </summary>
    public static void DecisionRegions(string path, IReadOnlyList<(string Title, Func<float[,], long[]> Predict)> panels,
        ArrayData points, int gridSize = 200, int width = 1400, int height = 620)
    {
        var (multiplot, plots) = Panels(panels.Count);
        foreach (var ((title, predict), plot) in panels.Zip(plots)) DecisionRegionsPanel(plot, title, predict, points, gridSize);
        Save(path, temp => multiplot.SavePng(temp, panels.Count > 1 ? width : width / 2 + 100, height));
    }

    /// <summary>One panel of <see cref="DecisionRegions"/>, drawn on <paramref name="plot"/> (for composite figures).</summary>
    public static void DecisionRegionsPanel(Plot plot, string title, Func<float[,], long[]> predict, ArrayData points, int gridSize = 200)
    {
        var (xMin, xMax, yMin, yMax) = Bounds(points, margin: 0.5);
        var grid = new float[gridSize * gridSize, 2];
        for (var row = 0; row < gridSize; row++)
            for (var col = 0; col < gridSize; col++)
            {
                grid[row * gridSize + col, 0] = (float)(xMin + (xMax - xMin) * (col + 0.5) / gridSize);
                grid[row * gridSize + col, 1] = (float)(yMax - (yMax - yMin) * (row + 0.5) / gridSize); // row 0 at the top
            }
        var classes = points.Y.Select(y => (int)y).Distinct().Order().ToArray();
        var predicted = predict(grid);
        var cells = new double[gridSize, gridSize];
        for (var i = 0; i < predicted.Length; i++) cells[i / gridSize, i % gridSize] = predicted[i];
        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.CustomPalette(ClassColors.Take(Math.Max(2, classes.Max() + 1)).ToArray());
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(1, classes.Max()));
        heatmap.Extent = new CoordinateRect(xMin, xMax, yMin, yMax);
        heatmap.Opacity = 0.3;
        foreach (var c in classes)
        {
            var rows = Enumerable.Range(0, points.Count).Where(i => (int)points.Y[i] == c).ToArray();
            var markers = plot.Add.Markers(rows.Select(i => points.X[i, 0]).ToArray(), rows.Select(i => points.X[i, 1]).ToArray(),
                ClassMarkers[c % ClassMarkers.Length], 7, ClassColors[c % ClassColors.Length]);
            markers.LegendText = $"class {c}";
        }
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.ShowLegend(Edge.Bottom);
        Label(plot, title, "x₁", "x₂");
    }

    static (double XMin, double XMax, double YMin, double YMax) Bounds(ArrayData points, double margin)
    {
        var xs = Enumerable.Range(0, points.Count).Select(i => points.X[i, 0]).ToArray();
        var ys = Enumerable.Range(0, points.Count).Select(i => points.X[i, 1]).ToArray();
        return (xs.Min() - margin, xs.Max() + margin, ys.Min() - margin, ys.Max() + margin);
    }

    /// <summary>A figure of <paramref name="count"/> plots side by side (a new Multiplot already holds one).</summary>
    public static (Multiplot Figure, Plot[] Plots) Panels(int count)
    {
        var multiplot = PlotWarmUp.NewMultiplot();
        while (multiplot.Count() < count) multiplot.AddPlot();
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        return (multiplot, multiplot.GetPlots());
    }

    /// <summary>Title and axis labels, sized to read at a glance.</summary>
    public static void Label(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title, size: 18);
        plot.XLabel(xLabel, size: 15);
        // Epochs are whole numbers: no 1.5 on a two-epoch axis.
        if (xLabel.StartsWith("Epoch")) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(yLabel, size: 15);
    }

    /// <summary>Saves through a temp file in the same folder, so a kill never leaves a half-written PNG.</summary>
    public static void Save(string path, Action<string> savePng) => Files.WriteAtomic(path, savePng);

    /// <summary>Saves one plot as a PNG of the given size.</summary>
    public static void Save(Plot plot, string path, int width, int height) => Save(path, temp => plot.SavePng(temp, width, height));
}
