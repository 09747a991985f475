#nullable enable
using ScottPlot;

/// <summary>A comparison's history charts: per history column of a script, every series of every run overlaid on shared axes.</summary>
public static class CompareCharts
{
    /// <summary>
    /// Draws one chart per history column that some run recorded and that is not constant (a fixed lr) into
    /// <c>&lt;outDir&gt;/&lt;script&gt;/&lt;column&gt;.webp</c>; returns them in column order.
    /// </summary>
    public static IReadOnlyList<HistoryChart> Draw(IReadOnlyList<ScriptFolder> folders, IReadOnlyList<string> names, string outDir, string script)
    {
        // Every series name in any run, A's first.
        var seriesNames = folders.SelectMany(f => f.Record?.Series ?? []).Select(s => s.Name).Distinct().ToList();
        var charts = new List<HistoryChart>();
        foreach (var column in HistoryColumns.All)
        {
            var lines = new List<ChartLine>();
            for (var s = 0; s < seriesNames.Count; s++)
                for (var r = 0; r < folders.Count; r++)
                    if (folders[r].Record?.SeriesNamed(seriesNames[s]) is { } series && Points(series, column) is { Count: > 0 } points)
                        lines.Add(new ChartLine(seriesNames[s], s, names[r], r, points));
            // Nothing to see when no run recorded the column, or all held it constant (e.g. a fixed lr).
            if (lines.SelectMany(l => l.Points).Select(p => p.Value).Distinct().Count() <= 1) continue;
            var file = $"{Compare.Safe(script)}/{column.Name}.webp";
            OverlayChart(Path.Combine(outDir, file), script, column, lines, folders.Count);
            charts.Add(new HistoryChart(column.Name, file, lines.Select(l => l.Series).Distinct().ToList()));
        }
        return charts;
    }

    sealed record ChartLine(string Series, int SeriesIndex, string Run, int RunIndex, IReadOnlyList<(double Epoch, double Value)> Points);

    // A history column's finite values by epoch.
    static IReadOnlyList<(double Epoch, double Value)> Points(Series series, EpochColumn column) =>
        series.History.Select(e => (Epoch: (double)e.Epoch, Value: column.Read(e))).Where(p => p.Value is double v && double.IsFinite(v))
            .Select(p => (p.Epoch, p.Value!.Value)).ToList();

    static readonly LinePattern[] RunPatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    // One chart of a column: with one series, a colour per run; with several, a colour per series and a line pattern per run.
    static void OverlayChart(string path, string script, EpochColumn column, IReadOnlyList<ChartLine> lines, int runs)
    {
        var plot = new Plot();
        var oneSeries = lines.Select(l => l.Series).Distinct().Count() == 1;
        foreach (var l in lines)
        {
            var color = Plots.ClassColors[(oneSeries ? l.RunIndex : l.SeriesIndex) % Plots.ClassColors.Length];
            var line = plot.Add.ScatterLine(l.Points.Select(p => p.Epoch).ToArray(), l.Points.Select(p => p.Value).ToArray(), color);
            line.LegendText = oneSeries ? $"{Compare.Letter(l.RunIndex)}: {l.Run}" : runs == 1 ? l.Series : $"{l.Series} · {Compare.Letter(l.RunIndex)}";
            line.LineWidth = 2.5f;
            line.LinePattern = oneSeries ? LinePattern.Solid : RunPatterns[l.RunIndex % RunPatterns.Length];
            line.MarkerSize = l.Points.Count == 1 ? 8 : 0;
        }
        plot.ShowLegend(Edge.Right);
        var direction = column.Better switch { Better.Higher => " (higher is better)", Better.Lower => " (lower is better)", _ => "" };
        var note = oneSeries ? $"{lines[0].Series}" : $"line style: {string.Join(", ", Enumerable.Range(0, runs).Select(r => $"{Compare.Letter(r)} {PatternName(r)}"))}";
        Plots.Label(plot, $"{script} · {column.Name}{direction}", $"Epoch — {note}", column.Name);
        var png = Path.ChangeExtension(path, ".png");
        Plots.Save(plot, png, 760, 360);
        Images.CompactCopy(png, path);
        File.Delete(png);
    }

    static string PatternName(int run) => (run % RunPatterns.Length) switch { 0 => "solid", 1 => "dashed", 2 => "dotted", _ => "densely dashed" };

    /// <summary>A script's plot of training curves (the lib's history plot, a loss curve), which compare draws as overlaid charts instead.</summary>
    public static bool IsHistoryPlot(string image) =>
        Path.GetFileNameWithoutExtension(image) is var stem && (stem == "history" || stem.EndsWith("loss", StringComparison.Ordinal));
}
