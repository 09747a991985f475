#nullable enable
using ScottPlot;

/// <summary>One line of a <see cref="LinePlots"/> panel.</summary>
public sealed record LineSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>A dashed horizontal reference line (a threshold, a target value) with its legend text.</summary>
public sealed record ReferenceLine(double Y, string Label);

/// <summary>One panel of lines; with <paramref name="LogY"/> the y axis is log10 with power-of-ten labels (values ≤ 0 are dropped).</summary>
public sealed record LinePanel(string Title, string XLabel, string YLabel, IReadOnlyList<LineSeries> Series, bool LogY = false, bool Markers = false,
    ReferenceLine? Reference = null);

/// <summary>Panels of plain line charts side by side (statistics per layer, values per epoch, sorted values…).</summary>
public static class LinePlots
{
    public static void Save(string path, IReadOnlyList<LinePanel> panels, int width = 0, int height = 520)
    {
        var (multiplot, plots) = Plots.Panels(panels.Count);
        for (var i = 0; i < panels.Count; i++) Draw(plots[i], panels[i]);
        Plots.Save(path, temp => multiplot.SavePng(temp, width > 0 ? width : 700 * panels.Count, height));
    }

    static void Draw(Plot plot, LinePanel panel)
    {
        for (var i = 0; i < panel.Series.Count; i++)
        {
            var series = panel.Series[i];
            var points = series.X.Zip(series.Y).Where(p => double.IsFinite(p.Second) && (!panel.LogY || p.Second > 0)).ToArray();
            if (points.Length == 0) continue;
            var ys = points.Select(p => panel.LogY ? Math.Log10(p.Second) : p.Second).ToArray();
            var line = plot.Add.ScatterLine(points.Select(p => p.First).ToArray(), ys, Plots.ClassColors[i % Plots.ClassColors.Length]);
            line.LegendText = series.Label;
            line.LineWidth = 2.5f;
            line.MarkerSize = panel.Markers ? 8 : 0;
        }
        if (panel.Reference is { } reference && (!panel.LogY || reference.Y > 0))
        {
            var hline = plot.Add.HorizontalLine(panel.LogY ? Math.Log10(reference.Y) : reference.Y, 1.5f, Colors.Gray, LinePattern.Dashed);
            hline.LegendText = reference.Label;
        }
        if (panel.LogY)
        {
            var ticks = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => $"1e{y:0}",
            };
            plot.Axes.Left.TickGenerator = ticks;
            plot.Grid.MinorLineWidth = 1;
        }
        // Few whole-number x values (layers, epochs of a short run): one tick each, no 2.5.
        var xs = panel.Series.SelectMany(l => l.X).ToArray();
        if (xs.Length > 0 && xs.All(double.IsInteger) && xs.Max() - xs.Min() <= 20)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.ShowLegend(Edge.Bottom);
        Plots.Label(plot, panel.Title, panel.XLabel, panel.YLabel + (panel.LogY ? " (log scale)" : ""));
    }
}
