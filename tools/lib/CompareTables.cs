#nullable enable

/// <summary>A comparison as tables and words: what differs, the overview, the metrics with their deltas, and how numbers and verdicts read.</summary>
public static class CompareTables
{
    /// <summary>A delta as tables show it: integers as integers (+38), tiny ones in scientific notation (+1.6e-7), others to about 4 significant digits.</summary>
    public static string Delta(double? value, bool integers = false) =>
        value is not { } d ? "" : d == 0 ? "0" : (d > 0 ? "+" : "−") + (integers && d == Math.Round(d) ? Numbers.Fixed(Math.Abs(d), "F0") : RunFolders.Display(Math.Abs(d), significant: true));

    static string Percent(double? value) => value is 0 ? "0%" : value is { } r ? (r > 0 ? "+" : "−") + Pct(Math.Abs(r)) : "";

    static string Pct(double share) => share * 100 is var p && p != 0 && p < 0.01 ? RunFolders.Display(p, significant: true) + "%" : Numbers.Fixed(share * 100, "F2") + "%";

    public static string ImageNote(ImageDiff d) =>
        d.Identical ? "identical"
        : $"{Pct(d.ChangedPixels)} of pixels changed (score {RunFolders.Display(d.Score, significant: true)})"
          + (d.SameSize ? "" : $", size {d.WidthA}×{d.HeightA} → {d.WidthB}×{d.HeightB}");

    public static string VerdictText(Verdict v) => v switch { Verdict.Better => "better", Verdict.Worse => "worse", Verdict.Unchanged => "unchanged", _ => "changed" };

    static CellStyle VerdictStyle(Verdict v) => v switch { Verdict.Better => CellStyle.Ok, Verdict.Worse => CellStyle.Bad, Verdict.Unchanged => CellStyle.Muted, _ => CellStyle.Highlight };

    /// <summary>The settings the runs differ in, one column per run.</summary>
    public static TextTable DifferencesTable(Comparison c) => TextTable.Of(
        [new("setting"), .. c.Names.Select((n, i) => new TextColumn($"{Compare.Letter(i)}: {n}"))],
        c.Differences.Select(d => (IReadOnlyList<TextCell>)[d.Setting, .. d.Values.Select(v => new TextCell(v, Code: true))]));

    static readonly TextColumn[] OverviewColumns =
        [new("script"), new("verdict"), new("key metric"), new("values changed"), new("plots changed"), TextColumn.Number("pixels changed (max)")];

    /// <summary>The overview: per script its verdict, key metric, and how many values and plots changed (the script links to its section).</summary>
    public static TextTable Overview(Comparison c) => TextTable.Of(OverviewColumns, c.Scripts.Select(s => (IReadOnlyList<TextCell>)
    [
        new TextCell(s.Script, Link: "#" + Compare.Safe(s.Script)),
        new TextCell(VerdictText(s.Verdict), Style: VerdictStyle(s.Verdict)),
        s.Key is { } k ? $"{k.Metric["key metric: ".Length..]} {string.Join(" → ", k.Values.Select(v => v ?? "—"))}" : "",
        s.ChangedMetrics == 0 ? "none" : $"{s.ChangedMetrics} of {s.Metrics.Count(m => !m.Timing)}",
        s.Images.Count == 0 ? "no plots" : s.ChangedImages == 0 ? $"all {s.Images.Count} identical" : $"{s.ChangedImages} of {s.Images.Count}",
        s.Images.Count == 0 ? "" : Pct(s.Images.Max(i => i.Diff.ChangedPixels)),
    ]));

    /// <summary>Metrics rows, one column per run: a delta marked better (ok) or worse (bad) by the direction its value improves in; unchanged rows muted.</summary>
    public static TextTable MetricsTable(IEnumerable<MetricDelta> metrics, IReadOnlyList<string>? names = null)
    {
        var list = metrics.ToList();
        var runs = names?.Count ?? list.FirstOrDefault()?.Values.Count ?? 2;
        var last = Compare.Letter(runs - 1);
        var columns = new List<TextColumn> { new("value") };
        columns.AddRange(Enumerable.Range(0, runs).Select(i => TextColumn.Number(Compare.Letter(i))));
        columns.AddRange([TextColumn.Number($"{last} − A"), TextColumn.Number("relative"), new(""), TextColumn.Number("notebook")]);
        return TextTable.Of(columns, list.Select(m =>
        {
            var improved = MetricDeltas.Improved(m);
            var style = improved is true ? CellStyle.Ok : improved is false ? CellStyle.Bad : m.Changed ? CellStyle.Highlight : CellStyle.Muted;
            var cells = new List<TextCell> { new(m.Metric, Style: m.Changed ? CellStyle.Strong : CellStyle.Plain) };
            cells.AddRange(m.Values.Select(v => (TextCell)(v ?? "—")));
            cells.Add(new TextCell(Delta(m.Delta, m.Integers), Style: style));
            cells.Add(new TextCell(Percent(m.Relative), Style: style));
            cells.Add(new TextCell(improved is true ? "better" : improved is false ? "worse" : m.Timing ? "" : m.Changed ? "changed" : "", Style: style));
            cells.Add(m.Notebook ?? "");
            return (IReadOnlyList<TextCell>)cells;
        }));
    }

    /// <summary>The rows a section shows first: what changed, the headline rows, the notebook's that some run recorded.</summary>
    // The rows a section shows first: what changed, the headline rows, the notebook's that some run recorded; the
    // unchanged rest (and notebook values no run reached, e.g. epochs a quick run never got to) is folded away.
    public static bool Headline(MetricDelta m) => m.Changed || m.Timing || (m.Notebook is not null && m.Values.Any(v => v is not null))
        || m.Metric is "status" or "epochs" || m.Metric.StartsWith("key metric", StringComparison.Ordinal);

    /// <summary>The overview without its in-page links (for compare.md and the console, where there are no anchors).</summary>
    // The overview without its in-page links (for compare.md and the console, where there are no anchors).
    public static TextTable PlainOverview(Comparison c)
    {
        var table = Overview(c);
        return table with { Rows = table.Rows.Select(r => (IReadOnlyList<TextCell>)r.Select(cell => cell with { Link = null }).ToList()).ToList() };
    }
}
