#nullable enable
using ScottPlot;

/// <summary>
/// A comparison's history charts: per history column of a script, every series of every side on shared axes. A side
/// with several seeds is drawn as its mean line and a min–max band (five lines per side would hide each other); the
/// charts carry no legend of their own: the script's one legend (<see cref="Legend"/>) is shown once, beside them.
/// </summary>
public static class CompareCharts
{
    /// <summary>
    /// Draws one chart per history column that some run recorded and that is not constant (a fixed lr) into
    /// <c>&lt;outDir&gt;/&lt;script&gt;/&lt;column&gt;.webp</c>; returns them in column order, with one line per constant
    /// column (<paramref name="flat"/>) saying what it held.
    /// </summary>
    public static IReadOnlyList<HistoryChart> Draw(IReadOnlyList<IReadOnlyList<ScriptFolder>> sides, string outDir, string script, out IReadOnlyList<string> flat)
    {
        var seriesNames = SeriesNames(sides);
        // Epochs as the run counts them (Lightning's from 0), as the report shows them.
        var offset = sides.SelectMany(side => side).Select(f => f.Record).OfType<RunRecord>().Select(Epochs.Offset).FirstOrDefault();
        var charts = new List<HistoryChart>();
        var flatColumns = new List<string>();
        foreach (var column in HistoryColumns.All)
        {
            var bands = new List<Band>();
            for (var s = 0; s < seriesNames.Count; s++)
                for (var r = 0; r < sides.Count; r++)
                    if (Band.Of(sides[r], seriesNames[s], column, offset) is { } band) bands.Add(band with { SeriesIndex = s, SideIndex = r });
            var values = bands.SelectMany(b => b.Min.Concat(b.Max)).Distinct().ToList();
            if (values.Count == 0) continue;
            // A column every run held constant (a fixed lr) is a line, not a chart: its value, or each side's.
            if (values.Count == 1)
            {
                flatColumns.Add($"{column.Name} stayed {RunFolders.Display(values[0])} in every epoch of every run (not charted)");
                continue;
            }
            var sideValues = Enumerable.Range(0, sides.Count).Select(r => bands.Where(b => b.SideIndex == r).SelectMany(b => b.Min.Concat(b.Max)).Distinct().ToList()).ToList();
            if (sideValues.All(v => v.Count <= 1))
            {
                flatColumns.Add($"{column.Name} stayed constant in every run: {string.Join(", ", sideValues.Select((v, r) => $"{Compare.Letter(r)} {(v.Count == 0 ? "—" : RunFolders.Display(v[0]))}"))} (not charted)");
                continue;
            }
            var file = $"{Compare.Safe(script)}/{column.Name}.webp";
            OverlayChart(Path.Combine(outDir, file), script, column, bands, seriesNames.Count == 1, offset);
            charts.Add(new HistoryChart(column.Name, file, bands.Select(b => seriesNames[b.SeriesIndex]).Distinct().ToList()));
        }
        flat = flatColumns;
        return charts;
    }

    // Every series name in any run, A's first.
    static IReadOnlyList<string> SeriesNames(IReadOnlyList<IReadOnlyList<ScriptFolder>> sides) =>
        sides.SelectMany(side => side).SelectMany(f => f.Record?.Series ?? []).Select(s => s.Name).Distinct().ToList();

    /// <summary>
    /// The legend the charts share: with one series, a colour per side; with several, a colour per series and a line
    /// pattern per side. <paramref name="names"/> are the sides' names, <paramref name="seeds"/> their seed counts.
    /// </summary>
    public static IReadOnlyList<LegendEntry> Legend(IReadOnlyList<IReadOnlyList<ScriptFolder>> sides, IReadOnlyList<string> names)
    {
        var seriesNames = SeriesNames(sides);
        string Seeds(int r) => sides[r].Count > 1 ? $" (mean of {sides[r].Count} seeds, band: min–max)" : "";
        if (seriesNames.Count <= 1)
            return sides.Select((_, r) => new LegendEntry($"{Compare.Letter(r)}: {names[r]}{Seeds(r)}", Hex(Color(r)), "")).ToList();
        var entries = seriesNames.Select((s, i) => new LegendEntry(s, Hex(Color(i)), "")).ToList();
        if (sides.Count > 1)
            entries.AddRange(sides.Select((_, r) => new LegendEntry($"{Compare.Letter(r)}: {names[r]}{Seeds(r)}", "#808080", Dashes[r % Dashes.Length])));
        return entries;
    }

    // One series of one side: per epoch the mean, min and max over the side's seeds (finite values only).
    sealed record Band(double[] Epochs, double[] Mean, double[] Min, double[] Max, int Seeds)
    {
        public int SeriesIndex { get; init; }
        public int SideIndex { get; init; }

        public static Band? Of(IReadOnlyList<ScriptFolder> side, string series, EpochColumn column, int offset)
        {
            var points = side.Select(f => f.Record?.SeriesNamed(series)).OfType<Series>()
                .SelectMany(s => s.History.Select(e => (e.Epoch, Value: column.Read(e))))
                .Where(p => p.Value is double v && double.IsFinite(v))
                .GroupBy(p => p.Epoch).OrderBy(g => g.Key)
                .Select(g => (Epoch: (double)(g.Key + offset), Values: g.Select(p => p.Value!.Value).ToList())).ToList();
            if (points.Count == 0) return null;
            return new Band(points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Values.Average()).ToArray(),
                points.Select(p => p.Values.Min()).ToArray(), points.Select(p => p.Values.Max()).ToArray(),
                side.Count(f => f.Record?.SeriesNamed(series) is not null));
        }
    }

    static readonly LinePattern[] RunPatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    // The same patterns as SVG dash arrays, for the HTML legend.
    static readonly string[] Dashes = ["", "8 4", "2 3", "4 2"];

    static Color Color(int index) => Plots.ClassColors[index % Plots.ClassColors.Length];

    static string Hex(Color color) => $"#{color.R:x2}{color.G:x2}{color.B:x2}";

    // One chart of a column: with one series, a colour per side; with several, a colour per series and a line pattern
    // per side. A group's min–max is a translucent band under its mean line.
    static void OverlayChart(string path, string script, EpochColumn column, IReadOnlyList<Band> bands, bool oneSeries, int offset)
    {
        var plot = new Plot();
        foreach (var b in bands)
        {
            var color = Color(oneSeries ? b.SideIndex : b.SeriesIndex);
            if (b.Seeds > 1 && b.Epochs.Length > 1)
            {
                var fill = plot.Add.FillY(b.Epochs, b.Min, b.Max);
                fill.FillColor = color.WithAlpha(0.18);
                fill.LineColor = Colors.Transparent;
            }
            var line = plot.Add.ScatterLine(b.Epochs, b.Mean, color);
            line.LineWidth = 2.5f;
            line.LinePattern = oneSeries ? LinePattern.Solid : RunPatterns[b.SideIndex % RunPatterns.Length];
            line.MarkerSize = b.Epochs.Length == 1 ? 8 : 0;
        }
        plot.HideLegend();
        var direction = column.Better switch { Better.Higher => " (higher is better)", Better.Lower => " (lower is better)", _ => "" };
        Plots.Label(plot, $"{column.Name}{direction}", offset == 0 ? "Epoch" : "Epoch (from 0, as Lightning counts)", column.Name);
        var png = Path.ChangeExtension(path, ".png");
        Plots.Save(plot, png, 600, 330);
        Images.CompactCopy(png, path);
        File.Delete(png);
    }

    /// <summary>A script's plot of training curves (the lib's history plot, a loss curve), which compare draws as overlaid charts instead.</summary>
    public static bool IsHistoryPlot(string image) =>
        Path.GetFileNameWithoutExtension(image) is var stem && (stem == "history" || stem.EndsWith("loss", StringComparison.Ordinal));
}
