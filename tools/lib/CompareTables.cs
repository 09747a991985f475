#nullable enable

/// <summary>A comparison as tables and words: what differs, the overview, the metrics with their deltas, and how numbers and verdicts read.</summary>
public static class CompareTables
{
    /// <summary>A delta as tables show it: integers as integers (+38), tiny ones in scientific notation (+1.6e-7), others to about 4 significant digits.</summary>
    public static string Delta(double? value, bool integers = false) =>
        value is not { } d ? "" : d == 0 ? "0" : (d > 0 ? "+" : "−") + (integers && d == Math.Round(d) ? Numbers.Fixed(Math.Abs(d), "F0") : RunFolders.Display(Math.Abs(d), significant: true));

    static string Pct(double share) => share * 100 is var p && p != 0 && p < 0.01 ? RunFolders.Display(p, significant: true) + "%" : Numbers.Fixed(share * 100, "F2") + "%";

    public static string ImageNote(ImageDiff d) =>
        d.Identical ? "identical"
        : $"{Pct(d.ChangedPixels)} of pixels changed (score {RunFolders.Display(d.Score, significant: true)})"
          + (d.SameSize ? "" : $", size {d.WidthA}×{d.HeightA} → {d.WidthB}×{d.HeightB}");

    /// <summary>A script's verdict in words: better, worse, within seed noise, one seed: cannot tell, unchanged, changed.</summary>
    public static string VerdictText(Verdict v) => v switch
    {
        Verdict.Better => "better",
        Verdict.Worse => "worse",
        Verdict.WithinNoise => "within seed noise",
        Verdict.CannotTell => "one seed: cannot tell",
        Verdict.Unchanged => "unchanged",
        _ => "changed",
    };

    /// <summary>The CSS class of a verdict: only a change beyond the noise is green or red; one seed reads as "changed".</summary>
    public static string VerdictClass(Verdict v) => v switch
    {
        Verdict.Better => "better",
        Verdict.Worse => "worse",
        Verdict.WithinNoise => "noise",
        Verdict.Unchanged => "unchanged",
        _ => "changed",
    };

    static CellStyle VerdictStyle(Verdict v) => v switch
    {
        Verdict.Better => CellStyle.Ok,
        Verdict.Worse => CellStyle.Bad,
        Verdict.Unchanged or Verdict.WithinNoise => CellStyle.Muted,
        _ => CellStyle.Highlight,
    };

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

    /// <summary>
    /// Metrics rows, one column per side (a group as mean ± sd (min–max, n)), the last side's change against A's
    /// (of the means), and the verdict: for a value with a direction, <see cref="MetricDelta.Noise"/> (green or red only
    /// beyond the seeds' noise); for one without, "changed" when it moved; unchanged rows muted.
    /// </summary>
    public static TextTable MetricsTable(IEnumerable<MetricDelta> metrics, IReadOnlyList<string>? names = null)
    {
        var list = metrics.ToList();
        var runs = names?.Count ?? list.FirstOrDefault()?.Values.Count ?? 2;
        var last = Compare.Letter(runs - 1);
        var columns = new List<TextColumn> { new("value") };
        columns.AddRange(Enumerable.Range(0, runs).Select(i => TextColumn.Number(Compare.Letter(i))));
        columns.AddRange([TextColumn.Number($"{last} − A"), new("verdict"), TextColumn.Number("notebook")]);
        return TextTable.Of(columns, list.Select(m =>
        {
            var (word, style) = RowVerdict(m);
            var cells = new List<TextCell> { new(m.Metric, Style: m.Changed ? CellStyle.Strong : CellStyle.Plain) };
            cells.AddRange(m.Values.Select(v => (TextCell)(v ?? "—")));
            cells.Add(new TextCell(Delta(m.Delta, m.Integers), Style: style));
            cells.Add(new TextCell(word, Style: style));
            cells.Add(m.Notebook ?? "");
            return (IReadOnlyList<TextCell>)cells;
        }));
    }

    /// <summary>A row's verdict word and style: the noise-aware verdict for a value with a direction, else "changed" when it moved.</summary>
    public static (string Word, CellStyle Style) RowVerdict(MetricDelta m) =>
        m.Noise is { } noise ? (noise == Verdict.Unchanged ? "" : VerdictText(noise), VerdictStyle(noise))
        : m.Timing ? ("", CellStyle.Muted)
        : m.Changed ? ("changed", CellStyle.Highlight) : ("", CellStyle.Muted);

    /// <summary>
    /// The rows a section shows first: status and epochs, the key metric, the values that got better or worse beyond
    /// the noise, and, between single runs, the notebook's that some run recorded. The rest (within the noise, from one
    /// seed, unchanged, without a direction, timings; the notebook's beside seed groups, which only its one seed can
    /// match) is folded away: with one seed per side every moved value "cannot tell", and forty such rows would bury
    /// the few that can.
    /// </summary>
    public static bool Headline(MetricDelta m) =>
        m.Metric is "status" or "epochs" || m.Metric.StartsWith("key metric", StringComparison.Ordinal)
        || m.Noise is Verdict.Better or Verdict.Worse
        || (m.Notebook is not null && m.Seeds == 1 && m.Values.Any(v => v is not null));

    /// <summary>The overview without its in-page links (for compare.md and the console, where there are no anchors).</summary>
    // The overview without its in-page links (for compare.md and the console, where there are no anchors).
    public static TextTable PlainOverview(Comparison c)
    {
        var table = Overview(c);
        return table with { Rows = table.Rows.Select(r => (IReadOnlyList<TextCell>)r.Select(cell => cell with { Link = null }).ToList()).ToList() };
    }
}
