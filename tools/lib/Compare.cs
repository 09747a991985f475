#nullable enable
using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;

/// <summary>
/// One row of a comparison's metrics table: A's and B's value as shown, B − A and (B − A)/|A| for numbers, the
/// notebook's value when known, whether the values differ, and which way the value improves (when that means anything).
/// </summary>
public sealed record MetricDelta(string Metric, string? A, string? B, double? Delta, double? Relative, string? Notebook, bool Differs,
    bool Timing = false, Better? Better = null)
{
    /// <summary>The values differ (a timing row never counts as a change: it differs every run).</summary>
    public bool Changed => !Timing && Differs;
}

/// <summary>A same-named image in both sides: the composite written for it (relative to the comparison folder) and the difference.</summary>
public sealed record ImagePair(string Image, string Composite, ImageDiff Diff);

/// <summary>An overlay chart of one history column of one series, A against B.</summary>
public sealed record HistoryChart(string Series, string Column, string Chart);

/// <summary>Everything compared for one script present on both sides, and what only one side has.</summary>
public sealed record ScriptComparison(
    string Script,
    IReadOnlyList<MetricDelta> Metrics,
    IReadOnlyList<HistoryChart> Charts,
    IReadOnlyList<ImagePair> Images,
    IReadOnlyList<string> ImagesOnlyInA,
    IReadOnlyList<string> ImagesOnlyInB,
    IReadOnlyList<string> SeriesOnlyInA,
    IReadOnlyList<string> SeriesOnlyInB)
{
    public int ChangedMetrics => Metrics.Count(m => m.Changed);
    public int ChangedImages => Images.Count(i => !i.Diff.Identical);
}

/// <summary>Two runs (or two script folders) compared: names, paths, the per-script comparisons, and scripts only one side has.</summary>
public sealed record Comparison(string NameA, string NameB, string PathA, string PathB, IReadOnlyList<ScriptComparison> Scripts,
    IReadOnlyList<string> OnlyInA, IReadOnlyList<string> OnlyInB);

/// <summary>
/// <c>tools/compare.csx</c>: compares two run folders (or single script folders) through their run records: each
/// series' training history overlaid (one chart per metric), every same-named PNG side by side with a difference
/// score, and a metrics table (per series its final epoch and its values, the run's values, the notebook's numbers)
/// with deltas; writes compare.md (images alongside) and a self-contained compare.html (images embedded). A run
/// compared with itself shows zero deltas and identical images.
/// </summary>
public static class Compare
{
    public const string Usage = """
        compare: compares two runs: ./csx tools/compare.csx -- A B [--out DIR]

        A and B are run folders (out/runs/<name>, from ./run-all) or single script folders (out/xor).
        For every script in both: each model's training history overlaid (one chart per metric), every same-named
        PNG side by side with a difference score (0 = identical), and final metrics with absolute and relative
        deltas next to the notebook's values. Writes compare.md and compare.html (self-contained) into DIR
        (default: out/compare/<A>-vs-<B>). Scripts, models or files on one side only are listed.
        """;

    /// <summary>Compares <paramref name="pathA"/> with <paramref name="pathB"/>, writing charts, composites, compare.md and compare.html into <paramref name="outDir"/>.</summary>
    public static Comparison Run(string pathA, string pathB, string outDir, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var (nameA, nameB) = (Name(pathA), Name(pathB));
        if (nameA == nameB) (nameA, nameB) = (nameA + " (A)", nameB + " (B)");
        var sideA = RunFolders.Open(pathA);
        var sideB = RunFolders.Open(pathB);
        // Two single script folders are compared with each other whatever their names.
        if (RunFolders.IsScriptFolder(pathA) && RunFolders.IsScriptFolder(pathB)) sideB = [sideB[0] with { Script = sideA[0].Script }];
        ClaimOutputFolder(outDir);
        // Every writer takes its folder's lock: a second compare into the same folder gets "in use by PID …".
        var folderLock = Files.TakeLock(outDir, "compare", DateTimeOffset.Now, Display(outDir));
        try { return Write(pathA, pathB, outDir, references, nameA, nameB, sideA, sideB); }
        finally { Files.ReleaseLock(folderLock); }
    }

    static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }

    static Comparison Write(string pathA, string pathB, string outDir, IReadOnlyDictionary<string, ScriptReference> references,
        string nameA, string nameB, IReadOnlyList<ScriptFolder> sideA, IReadOnlyList<ScriptFolder> sideB)
    {
        var scripts = new List<ScriptComparison>();
        foreach (var a in BatchRuns.InOutlineOrder(sideA.Select(s => s.Script)).Select(name => sideA.First(s => s.Script == name)))
            if (sideB.FirstOrDefault(b => b.Script == a.Script) is { } b)
                scripts.Add(CompareScript(a, b, nameA, nameB, outDir, references.GetValueOrDefault(a.Script)));
        var comparison = new Comparison(nameA, nameB, Path.GetFullPath(pathA), Path.GetFullPath(pathB), scripts,
            sideA.Select(s => s.Script).Except(sideB.Select(s => s.Script)).ToList(),
            sideB.Select(s => s.Script).Except(sideA.Select(s => s.Script)).ToList());
        Files.WriteAllTextAtomic(Path.Combine(outDir, "compare.md"), Markdown(comparison));
        Files.WriteAllTextAtomic(Path.Combine(outDir, "compare.html"), HtmlPage(comparison, outDir));
        return comparison;
    }

    /// <summary>The file that marks a folder as compare's own output (compare replaces files only in such a folder).</summary>
    public const string Marker = ".ch13-compare";

    /// <summary>
    /// Makes <paramref name="outDir"/> compare's own: a new or empty folder gets the marker; one that holds anything
    /// else (a run, a script's results, the out folder itself) is refused, exit 2, so compare never replaces or deletes
    /// what it did not write.
    /// </summary>
    public static void ClaimOutputFolder(string outDir)
    {
        if (File.Exists(outDir))
            throw FileErrors.Writing(outDir, new IOException($"{outDir} is a file"), isFolder: true);
        var earlierComparison = File.Exists(Path.Combine(outDir, Marker)) || File.Exists(Path.Combine(outDir, "compare.html")); // (before the marker)
        if (Directory.Exists(outDir) && !earlierComparison && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw Ch13Exception.Usage($"compare: --out {outDir} already holds other files (it is not an earlier comparison), and compare " +
                "writes only into its own folder; choose a new or empty folder with --out DIR.");
        Files.CreateFolder(outDir); // a file in the path, a read-only file system, no permission: one line, exit 1
        Files.WriteAllTextAtomic(Path.Combine(outDir, Marker), "written by tools/compare.csx: it may replace the files in this folder\n");
    }

    /// <summary>A short name for a side: a run folder's name, or <c>run/script</c> for a script folder.</summary>
    public static string Name(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var name = Path.GetFileName(full);
        return RunFolders.IsScriptFolder(full) && Path.GetFileName(Path.GetDirectoryName(full)) is { Length: > 0 } parent ? $"{parent}/{name}" : name;
    }

    static ScriptComparison CompareScript(ScriptFolder a, ScriptFolder b, string nameA, string nameB, string outDir, ScriptReference? reference)
    {
        // The folder is compare's own (ClaimOutputFolder): its per-script charts from an earlier comparison go.
        var scriptDir = Path.Combine(outDir, Safe(a.Script));
        try { if (Directory.Exists(scriptDir)) Directory.Delete(scriptDir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw FileErrors.Writing(scriptDir, e, isFolder: true); }
        Files.CreateFolder(scriptDir);

        var seriesA = a.Record?.Series ?? [];
        var seriesB = b.Record?.Series ?? [];
        var charts = new List<HistoryChart>();
        for (var i = 0; i < seriesA.Count; i++)
        {
            if (seriesB.FirstOrDefault(s => s.Name == seriesA[i].Name) is not { } sb) continue;
            foreach (var column in RunFolders.HistoryColumns)
            {
                var (pointsA, pointsB) = (Points(seriesA[i], column), Points(sb, column));
                // Nothing to see when neither side recorded the column, or both held one constant (e.g. a fixed lr).
                if (pointsA.Concat(pointsB).Select(p => p.Value).Distinct().Count() <= 1) continue;
                var file = $"{Safe(a.Script)}/history-{i + 1}-{(Safe(seriesA[i].Name) is { Length: > 0 } safe ? safe : "series")}-{column.Name}.png";
                OverlayChart(Path.Combine(outDir, file), $"{a.Script}: {seriesA[i].Name}", column.Name, (nameA, pointsA), (nameB, pointsB));
                charts.Add(new HistoryChart(seriesA[i].Name, column.Name, file));
            }
        }

        var images = new List<ImagePair>();
        foreach (var image in a.Images.Where(b.Images.Contains))
        {
            var file = $"{Safe(a.Script)}/{Safe(Path.ChangeExtension(image, null))}.a-b.png";
            var diff = Images.SideBySide(Path.Combine(a.Dir, image), Path.Combine(b.Dir, image), $"A: {nameA}", $"B: {nameB}", Path.Combine(outDir, file));
            images.Add(new ImagePair(image, file, diff));
        }

        return new ScriptComparison(a.Script, Metrics(a.Record, b.Record, reference), charts, images,
            a.Images.Except(b.Images).ToList(), b.Images.Except(a.Images).ToList(),
            seriesA.Select(s => s.Name).Except(seriesB.Select(s => s.Name)).ToList(),
            seriesB.Select(s => s.Name).Except(seriesA.Select(s => s.Name)).ToList());
    }

    // A history column's finite values by epoch.
    static IReadOnlyList<(double Epoch, double Value)> Points(Series series, HistoryColumn column) =>
        series.History.Select(e => (Epoch: (double)e.Epoch, Value: column.Read(e))).Where(p => p.Value is double v && double.IsFinite(v))
            .Select(p => (p.Epoch, p.Value!.Value)).ToList();

    /// <summary>
    /// The metrics table: status, epochs, key metric; per series its final epoch metrics and values, then the run's
    /// values (<see cref="RunFolders.Results"/>); the notebook's printed values beside both runs' (<see cref="NotebookRows"/>);
    /// then the timings. A value missing on one side shows as null.
    /// </summary>
    public static IReadOnlyList<MetricDelta> Metrics(RunRecord? a, RunRecord? b, ScriptReference? reference)
    {
        RunValue? Status(RunRecord? r) => r is null ? null : RunValue.OfText("status", RunStatuses.Text(r.Status));
        RunValue? Epochs(RunRecord? r) => r is null ? null : RunValue.Of("epochs", r.Epochs);
        var rows = new List<MetricDelta>
        {
            Row("status", Status(a), Status(b), null),
            Row("epochs", Epochs(a), Epochs(b), null),
        };
        if ((a?.KeyMetric ?? b?.KeyMetric) is { } key)
        {
            RunValue? Key(RunRecord? r) => r?.KeyMetric is { } k ? RunValue.Of(k.Name, k.Value, k.Better) : null;
            rows.Add(Row($"key metric: {RunFolders.Label(key)}", Key(a), Key(b), References.ForKeyMetric(reference, key)?.NotebookText));
        }

        var resultsA = a is null ? [] : RunFolders.Results(a);
        var resultsB = b is null ? [] : RunFolders.Results(b);
        foreach (var name in resultsA.Select(v => v.Name).Union(resultsB.Select(v => v.Name)))
            rows.Add(Row(name, resultsA.FirstOrDefault(v => v.Name == name), resultsB.FirstOrDefault(v => v.Name == name), null));

        if (reference is not null)
            rows.AddRange(NotebookRows(References.Rows(reference, a), References.Rows(reference, b)));

        RunValue? Seconds(RunRecord? r, Func<RunTimings, double> read) => r is null ? null : RunValue.Of("seconds", read(r.Timings));
        rows.Add(Row("train seconds", Seconds(a, t => t.TrainSeconds), Seconds(b, t => t.TrainSeconds), null) with { Timing = true });
        rows.Add(Row("wall seconds", Seconds(a, t => t.WallSeconds), Seconds(b, t => t.WallSeconds), null) with { Timing = true });
        return rows;
    }

    /// <summary>The notebook's printed values (one row per reference value, by its label) with A's and B's as References resolved them.</summary>
    public static IReadOnlyList<MetricDelta> NotebookRows(IReadOnlyList<FidelityRow> a, IReadOnlyList<FidelityRow> b) =>
        a.Zip(b, (ra, rb) =>
        {
            double? x = Parse(ra.Ours), y = Parse(rb.Ours);
            var delta = x is { } xa && y is { } yb && double.IsFinite(yb - xa) ? yb - xa : (double?)null;
            double? relative = delta is { } d && x is { } x0 && x0 != 0 ? d / Math.Abs(x0) : null;
            return new MetricDelta(ra.Label, ra.Ours, rb.Ours, delta, relative, ra.Notebook, Differs: ra.Ours != rb.Ours);
        }).ToList();

    static double? Parse(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;

    static MetricDelta Row(string metric, RunValue? a, RunValue? b, string? notebook)
    {
        var (x, y) = (a?.Number, b?.Number);
        var delta = x is { } xa && y is { } yb && double.IsFinite(yb - xa) ? yb - xa : (double?)null;
        double? relative = delta is { } d && x is { } x0 && x0 != 0 ? d / Math.Abs(x0) : null;
        return new MetricDelta(metric, a is null ? null : RunFolders.Display(a), b is null ? null : RunFolders.Display(b), delta, relative, notebook,
            Differs: !RunFolders.Same(a, b),
            Better: a?.Better ?? b?.Better);
    }

    /// <summary>Whether B improved on A (true), got worse (false), or neither is known (no direction, no number, or no change).</summary>
    public static bool? Improved(MetricDelta m) =>
        m.Better is not { } better || m.Delta is not { } d || d == 0 ? null : d > 0 == (better == Better.Higher);

    static void OverlayChart(string path, string title, string column, (string Name, IReadOnlyList<(double Epoch, double Value)> Points) a,
        (string Name, IReadOnlyList<(double Epoch, double Value)> Points) b)
    {
        var plot = new Plot();
        var sides = new[] { (a.Name, a.Points, Plots.ClassColors[0], LinePattern.Solid, "A"), (b.Name, b.Points, Plots.ClassColors[1], LinePattern.Dashed, "B") };
        foreach (var (name, points, color, pattern, side) in sides)
        {
            if (points.Count == 0) continue;
            var line = plot.Add.ScatterLine(points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Value).ToArray(), color);
            line.LegendText = $"{side}: {name}";
            line.LineWidth = 2.5f;
            line.LinePattern = pattern;
            if (points.Count == 1) line.MarkerSize = 8;
        }
        plot.ShowLegend(Edge.Bottom);
        Plots.Label(plot, $"{title} · {column}", "Epoch", column);
        Plots.Save(plot, path, 720, 430);
    }

    /// <summary>A path segment safe for file names: letters, digits, '.', '_' and '-'; anything else becomes '_'.</summary>
    public static string Safe(string text) => Regex.Replace(text, @"[^A-Za-z0-9._-]+", "_").Trim('_');

    static string Delta(double? value) => value is 0 ? "0" : value is { } d ? (d > 0 ? "+" : "") + (Math.Abs(d) < 1e-4 && d != 0 ? d.ToString("G3", CultureInfo.InvariantCulture) : d.ToString("F4", CultureInfo.InvariantCulture)) : "";

    static string Percent(double? value) => value is 0 ? "0%" : value is { } r ? (r > 0 ? "+" : "") + Pct(r) : "";

    static string Pct(double share) => (share * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    static string ImageNote(ImageDiff d) =>
        d.Identical ? "identical"
        : $"score {d.Score.ToString("F4", CultureInfo.InvariantCulture)}, {Pct(d.ChangedPixels)} of pixels changed"
          + (d.SameSize ? "" : $", size {d.WidthA}×{d.HeightA} → {d.WidthB}×{d.HeightB}");

    static readonly TextColumn[] OverviewColumns =
        [new("script"), new("metrics changed"), new("images changed"), TextColumn.Number("max image score")];

    /// <summary>The overview: per script how many metrics and images changed (changes marked bad; the script links to its section).</summary>
    public static TextTable Overview(Comparison c) => TextTable.Of(OverviewColumns, c.Scripts.Select(s => (IReadOnlyList<TextCell>)
    [
        new TextCell(s.Script, Link: "#" + Safe(s.Script)),
        new TextCell(s.ChangedMetrics == 0 ? "none" : $"{s.ChangedMetrics} of {s.Metrics.Count(m => !m.Timing)}", Style: s.ChangedMetrics > 0 ? CellStyle.Bad : CellStyle.Plain),
        new TextCell(s.Images.Count == 0 ? "no images" : s.ChangedImages == 0 ? $"all {s.Images.Count} identical" : $"{s.ChangedImages} of {s.Images.Count}",
            Style: s.ChangedImages > 0 ? CellStyle.Bad : CellStyle.Plain),
        s.Images.Count == 0 ? "" : s.Images.Max(i => i.Diff.Score).ToString("F4", CultureInfo.InvariantCulture),
    ]));

    static readonly TextColumn[] MetricColumns =
        [new("metric"), TextColumn.Number("A"), TextColumn.Number("B"), TextColumn.Number("B − A"), TextColumn.Number("relative"), TextColumn.Number("notebook")];

    /// <summary>Metrics rows: a changed metric's name marked bad; its delta marked ok or bad when the value has a direction to improve in.</summary>
    public static TextTable MetricsTable(IEnumerable<MetricDelta> metrics) => TextTable.Of(MetricColumns, metrics.Select(m =>
    {
        var improved = Improved(m);
        return (IReadOnlyList<TextCell>)
        [
            new TextCell(m.Metric, Style: m.Changed ? CellStyle.Bad : CellStyle.Plain),
            m.A ?? "—",
            m.B ?? "—",
            new TextCell(Delta(m.Delta), Style: improved is true ? CellStyle.Ok : improved is false ? CellStyle.Bad : CellStyle.Plain),
            Percent(m.Relative),
            m.Notebook ?? "",
        ];
    }));

    /// <summary>compare.md: the overview, then per script its metrics, charts and composites (images alongside).</summary>
    public static string Markdown(Comparison c)
    {
        var md = new StringBuilder($"# Comparison: `{c.NameA}` (A) vs `{c.NameB}` (B)\n\nA: `{c.PathA}`  \nB: `{c.PathB}`\n\n");
        md.Append(TextTables.ToMarkdown(PlainOverview(c)));
        Sides(c, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(s => $"`{s}`"))}\n"));
        foreach (var s in c.Scripts)
        {
            md.Append($"\n## {s.Script}\n\n");
            md.Append(TextTables.ToMarkdown(MetricsTable(s.Metrics)));
            if (s.Charts.Count > 0) md.Append("\n### Training histories\n\n");
            foreach (var chart in s.Charts) md.Append($"![{chart.Series} · {chart.Column}]({Html.Url(chart.Chart)})\n");
            if (s.Images.Count > 0) md.Append("\n### Plots (A | B | difference)\n\n");
            foreach (var image in s.Images) md.Append($"**{image.Image}**: {ImageNote(image.Diff)}\n\n![{image.Image}]({Html.Url(image.Composite)})\n\n");
            OneSided(s, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(x => $"`{x}`"))}\n"));
        }
        return md.ToString();
    }

    // The overview without its in-page links (for compare.md and the console, where there are no anchors).
    static TextTable PlainOverview(Comparison c)
    {
        var table = Overview(c);
        return table with { Rows = table.Rows.Select(r => (IReadOnlyList<TextCell>)r.Select(cell => cell with { Link = null }).ToList()).ToList() };
    }

    static void Sides(Comparison c, Action<string, IReadOnlyList<string>> write)
    {
        if (c.OnlyInA.Count > 0) write("Scripts only in A", c.OnlyInA);
        if (c.OnlyInB.Count > 0) write("Scripts only in B", c.OnlyInB);
    }

    static void OneSided(ScriptComparison s, Action<string, IReadOnlyList<string>> write)
    {
        if (s.ImagesOnlyInA.Count > 0) write("Images only in A", s.ImagesOnlyInA);
        if (s.ImagesOnlyInB.Count > 0) write("Images only in B", s.ImagesOnlyInB);
        if (s.SeriesOnlyInA.Count > 0) write("Models only in A", s.SeriesOnlyInA);
        if (s.SeriesOnlyInB.Count > 0) write("Models only in B", s.SeriesOnlyInB);
    }

    /// <summary>compare.html: the same content as compare.md with every image embedded (base64), so the file stands alone.</summary>
    public static string HtmlPage(Comparison c, string outDir)
    {
        string Img(string file, string alt) =>
            $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(outDir, file)))}\" alt=\"{Html.Encode(alt)}\">";

        var body = new StringBuilder($"<h1>Comparison: <code>{Html.Encode(c.NameA)}</code> (A) vs <code>{Html.Encode(c.NameB)}</code> (B)</h1>\n");
        body.Append($"<p class=\"muted\">A: <code>{Html.Encode(c.PathA)}</code><br>B: <code>{Html.Encode(c.PathB)}</code></p>\n");
        body.Append(TextTables.ToHtml(Overview(c), "overview"));
        Sides(c, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));

        foreach (var s in c.Scripts)
        {
            body.Append($"<section id=\"{Html.Encode(Safe(s.Script))}\"><h2>{Html.Encode(s.Script)}</h2>\n");
            // What changed (and the headline rows) first; the unchanged rest folded away, so a long result list
            // does not bury the few numbers that moved.
            bool Headline(MetricDelta m) => m.Changed || m.Timing || m.Notebook is not null || m.Metric is "status" or "epochs" || m.Metric.StartsWith("key metric");
            body.Append(TextTables.ToHtml(MetricsTable(s.Metrics.Where(Headline)), "metrics"));
            var unchanged = s.Metrics.Where(m => !Headline(m)).ToList();
            if (unchanged.Count > 0)
                body.Append($"<details><summary>{unchanged.Count} unchanged metrics</summary>\n")
                    .Append(TextTables.ToHtml(MetricsTable(unchanged), "metrics"))
                    .Append("</details>\n");
            if (s.Charts.Count > 0)
            {
                body.Append("<h3>Training histories</h3>\n<div class=\"grid\">\n");
                foreach (var chart in s.Charts) body.Append($"<figure>{Img(chart.Chart, $"{chart.Series} · {chart.Column}")}</figure>\n");
                body.Append("</div>\n");
            }
            if (s.Images.Count > 0) body.Append("<h3>Plots (A | B | difference)</h3>\n");
            foreach (var image in s.Images)
                body.Append($"<figure>{Img(image.Composite, image.Image)}<figcaption><strong>{Html.Encode(image.Image)}</strong>: "
                    + $"<span class=\"{(image.Diff.Identical ? "ok" : "bad")}\">{Html.Encode(ImageNote(image.Diff))}</span></figcaption></figure>\n");
            OneSided(s, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));
            body.Append("</section>\n");
        }
        return Html.Page($"ch13 comparison {c.NameA} vs {c.NameB}", body.ToString());
    }

    // compare's options besides the folders A and B (its --help is the Usage text above).
    static readonly TextOption OutOption = new("out", null, "write the reports into DIR", Placeholder: "DIR");
    static readonly FlagOption HelpOption = new("help", "show this help");

    /// <summary>The tool: <c>A B [--out DIR]</c>; prints the overview and where the reports are. Exit 0, or 2 on bad usage.</summary>
    // Not named Main: beside a script's global code, dotnet-script warns (CS7022) about a second entry point.
    public static int RunTool(IList<string> args, string repoRoot)
    {
        try
        {
            var parsed = ArgParser.Parse("compare", args, [OutOption, HelpOption], new ArgSyntax(Positionals: true));
            if (parsed.HelpRequested) { Out.WriteLine(Usage); return 0; }
            var paths = parsed.Positionals;
            var outDir = parsed.Get(OutOption);
            if (paths.Count != 2) throw Ch13Exception.Usage($"compare: needs two folders, A and B (got {paths.Count}). Try --help.");
            foreach (var path in paths)
                if (!Directory.Exists(path)) throw Ch13Exception.Usage($"compare: no such folder: {path}");
            outDir = Path.GetFullPath(outDir ?? Path.Combine(repoRoot, "out", "compare", $"{Safe(Name(paths[0]))}-vs-{Safe(Name(paths[1]))}"));
            var comparison = Run(paths[0], paths[1], outDir, References.Load(References.DefaultPath(repoRoot)));

            Out.Write(TextTables.ToMarkdown(PlainOverview(comparison)));
            Sides(comparison, (label, list) => Out.WriteLine($"{label}: {string.Join(", ", list)}"));
            if (comparison.Scripts.Count == 0) Out.WriteLine("No script is present on both sides.");
            Out.WriteLine($"Wrote {Path.Combine(outDir, "compare.html")} and compare.md");
            return 0;
        }
        catch (Ch13Exception e)
        {
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
    }
}
