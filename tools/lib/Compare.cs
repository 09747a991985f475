#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScottPlot;

/// <summary>One row of a comparison's metrics table: A's and B's value, B − A and (B − A)/|A|, and the notebook's value when known.</summary>
public sealed record MetricDelta(string Metric, string? A, string? B, double? Delta, double? Relative, string? Notebook, bool Timing = false)
{
    /// <summary>The values differ (a timing row never counts as a change: it differs every run).</summary>
    public bool Changed => !Timing && (Delta is { } d ? d != 0 : A != B);
}

/// <summary>A same-named image in both sides: the composite written for it (relative to the comparison folder) and the difference.</summary>
public sealed record ImagePair(string Image, string Composite, ImageDiff Diff);

/// <summary>An overlay chart of one history column, A against B.</summary>
public sealed record HistoryChart(string History, string Column, string Chart);

/// <summary>Everything compared for one script present on both sides, and what only one side has.</summary>
public sealed record ScriptComparison(
    string Script,
    IReadOnlyList<MetricDelta> Metrics,
    IReadOnlyList<HistoryChart> Charts,
    IReadOnlyList<ImagePair> Images,
    IReadOnlyList<string> ImagesOnlyInA,
    IReadOnlyList<string> ImagesOnlyInB,
    IReadOnlyList<string> HistoriesOnlyInA,
    IReadOnlyList<string> HistoriesOnlyInB)
{
    public int ChangedMetrics => Metrics.Count(m => m.Changed);
    public int ChangedImages => Images.Count(i => !i.Diff.Identical);
}

/// <summary>Two runs (or two script folders) compared: names, paths, the per-script comparisons, and scripts only one side has.</summary>
public sealed record Comparison(string NameA, string NameB, string PathA, string PathB, IReadOnlyList<ScriptComparison> Scripts,
    IReadOnlyList<string> OnlyInA, IReadOnlyList<string> OnlyInB);

/// <summary>
/// <c>tools/compare.csx</c>: compares two run folders (or single script folders): training histories overlaid
/// (any history metrics.json holds), every same-named PNG side by side with a difference score, and a metrics
/// table with deltas and the notebook's values; writes compare.md (images alongside) and a self-contained
/// compare.html (images embedded). A run compared with itself shows zero deltas and identical images.
/// </summary>
public static class Compare
{
    public const string Usage = """
        compare: compares two runs: ./csx tools/compare.csx -- A B [--out DIR]

        A and B are run folders (out/runs/<name>, from ./run-all) or single script folders (out/xor).
        For every script in both: training histories overlaid (one chart per metric), every same-named PNG
        side by side with a difference score (0 = identical), and final metrics with absolute and relative
        deltas next to the notebook's values. Writes compare.md and compare.html (self-contained) into DIR
        (default: out/compare/<A>-vs-<B>). Scripts or files on one side only are listed.
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
        Directory.CreateDirectory(outDir);

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

    /// <summary>A short name for a side: a run folder's name, or <c>run/script</c> for a script folder.</summary>
    public static string Name(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var name = Path.GetFileName(full);
        return RunFolders.IsScriptFolder(full) && Path.GetFileName(Path.GetDirectoryName(full)) is { Length: > 0 } parent ? $"{parent}/{name}" : name;
    }

    static ScriptComparison CompareScript(ScriptFolder a, ScriptFolder b, string nameA, string nameB, string outDir, ScriptReference? reference)
    {
        var scriptDir = Path.Combine(outDir, Safe(a.Script));
        if (Directory.Exists(scriptDir)) Directory.Delete(scriptDir, recursive: true);
        Directory.CreateDirectory(scriptDir);

        var historiesA = RunFolders.Histories(a.Metrics);
        var historiesB = RunFolders.Histories(b.Metrics);
        var charts = new List<HistoryChart>();
        foreach (var ha in historiesA)
        {
            if (historiesB.FirstOrDefault(h => h.Path == ha.Path) is not { } hb) continue;
            foreach (var column in ha.Columns.Keys.Where(hb.Columns.ContainsKey))
            {
                if (Flat(ha, column) && Flat(hb, column) && ha.Columns[column][0] == hb.Columns[column][0]) continue; // e.g. a constant lr: nothing to see
                var file = $"{Safe(a.Script)}/history-{Safe(ha.Path)}-{Safe(column)}.png";
                OverlayChart(Path.Combine(outDir, file), $"{a.Script}: {ha.Path}", column, (nameA, ha), (nameB, hb));
                charts.Add(new HistoryChart(ha.Path, column, file));
            }
        }

        var images = new List<ImagePair>();
        foreach (var image in a.Images.Where(b.Images.Contains))
        {
            var file = $"{Safe(a.Script)}/{Safe(Path.ChangeExtension(image, null))}.a-b.png";
            var diff = Images.SideBySide(Path.Combine(a.Dir, image), Path.Combine(b.Dir, image), $"A: {nameA}", $"B: {nameB}", Path.Combine(outDir, file));
            images.Add(new ImagePair(image, file, diff));
        }

        return new ScriptComparison(a.Script, Metrics(a.Metrics, b.Metrics, reference), charts, images,
            a.Images.Except(b.Images).ToList(), b.Images.Except(a.Images).ToList(),
            historiesA.Select(h => h.Path).Except(historiesB.Select(h => h.Path)).ToList(),
            historiesB.Select(h => h.Path).Except(historiesA.Select(h => h.Path)).ToList());
    }

    static bool Flat(HistoryTable history, string column) => history.Columns[column].Distinct().Count() == 1;

    /// <summary>
    /// The metrics table: status, epochs, key metric, every numeric result (histories aside), then the notebook's
    /// reference values, then the timings. A value missing on one side shows as null.
    /// </summary>
    public static IReadOnlyList<MetricDelta> Metrics(JsonNode? a, JsonNode? b, ScriptReference? reference)
    {
        var rows = new List<MetricDelta>
        {
            Row("status", RunFolders.Select(a, "status"), RunFolders.Select(b, "status"), null),
            Row("epochs", RunFolders.Select(a, "epochs"), RunFolders.Select(b, "epochs"), null),
        };
        var keyName = RunFolders.Text(RunFolders.Select(a, "key_metric.name")) ?? RunFolders.Text(RunFolders.Select(b, "key_metric.name"));
        if (keyName is not null)
            rows.Add(Row($"key metric: {keyName}", RunFolders.Select(a, "key_metric.value"), RunFolders.Select(b, "key_metric.value"),
                References.ForKeyMetric(reference, new KeyMetric(keyName, null, null, null))?.NotebookText));

        var scalarsA = RunFolders.Scalars(RunFolders.Select(a, "results"), "results");
        var scalarsB = RunFolders.Scalars(RunFolders.Select(b, "results"), "results");
        foreach (var path in scalarsA.Select(s => s.Path).Union(scalarsB.Select(s => s.Path)))
            rows.Add(Row(path, RunFolders.Select(a, path), RunFolders.Select(b, path),
                null)); // notebook values are addressed by series and value name now (References.Ours): the tools branch adds them back

        rows.Add(Row("train seconds", RunFolders.Select(a, "timings.train_seconds"), RunFolders.Select(b, "timings.train_seconds"), null) with { Timing = true });
        rows.Add(Row("wall seconds", RunFolders.Select(a, "timings.wall_seconds"), RunFolders.Select(b, "timings.wall_seconds"), null) with { Timing = true });
        return rows;
    }

    static MetricDelta Row(string metric, JsonNode? a, JsonNode? b, string? notebook)
    {
        var (x, y) = (RunFolders.Number(a), RunFolders.Number(b));
        double? delta = x is { } xa && y is { } yb ? yb - xa : null;
        double? relative = delta is { } d && x is { } x0 && x0 != 0 ? d / Math.Abs(x0) : null;
        return new MetricDelta(metric, Show(a), Show(b), delta, relative, notebook);
    }

    static string? Show(JsonNode? node) => node is null ? null : RunFolders.Display(node);

    static void OverlayChart(string path, string title, string column, (string Name, HistoryTable History) a, (string Name, HistoryTable History) b)
    {
        var plot = new Plot();
        var sides = new[] { (a.Name, a.History, Plots.ClassColors[0], LinePattern.Solid, "A"), (b.Name, b.History, Plots.ClassColors[1], LinePattern.Dashed, "B") };
        foreach (var (name, history, color, pattern, side) in sides)
        {
            var points = history.Epochs.Zip(history.Columns[column]).Where(p => p.Second is double v && double.IsFinite(v)).ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.ScatterLine(points.Select(p => p.First).ToArray(), points.Select(p => p.Second!.Value).ToArray(), color);
            line.LegendText = $"{side}: {name}";
            line.LineWidth = 2.5f;
            line.LinePattern = pattern;
            if (points.Length == 1) line.MarkerSize = 8;
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

    static IReadOnlyList<string> Overview(ScriptComparison s) =>
    [
        s.Script,
        s.ChangedMetrics == 0 ? "none" : $"{s.ChangedMetrics} of {s.Metrics.Count(m => !m.Timing)}",
        s.Images.Count == 0 ? "no images" : s.ChangedImages == 0 ? $"all {s.Images.Count} identical" : $"{s.ChangedImages} of {s.Images.Count}",
        s.Images.Count == 0 ? "" : s.Images.Max(i => i.Diff.Score).ToString("F4", CultureInfo.InvariantCulture),
    ];

    static readonly string[] OverviewColumns = ["script", "metrics changed", "images changed", "max image score"];
    static readonly string[] MetricColumns = ["metric", "A", "B", "B − A", "relative", "notebook"];

    static IReadOnlyList<string> MetricCells(MetricDelta m) =>
        [m.Metric, m.A ?? "—", m.B ?? "—", Delta(m.Delta), Percent(m.Relative), m.Notebook ?? ""];

    /// <summary>compare.md: the overview, then per script its metrics, charts and composites (images alongside).</summary>
    public static string Markdown(Comparison c)
    {
        var md = new StringBuilder($"# Comparison: `{c.NameA}` (A) vs `{c.NameB}` (B)\n\nA: `{c.PathA}`  \nB: `{c.PathB}`\n\n");
        md.Append(MarkdownTable(OverviewColumns, c.Scripts.Select(Overview)));
        Sides(c, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(s => $"`{s}`"))}\n"));
        foreach (var s in c.Scripts)
        {
            md.Append($"\n## {s.Script}\n\n");
            md.Append(MarkdownTable(MetricColumns, s.Metrics.Select(MetricCells)));
            if (s.Charts.Count > 0) md.Append("\n### Training histories\n\n");
            foreach (var chart in s.Charts) md.Append($"![{chart.History} {chart.Column}]({Html.Url(chart.Chart)})\n");
            if (s.Images.Count > 0) md.Append("\n### Plots (A | B | difference)\n\n");
            foreach (var image in s.Images) md.Append($"**{image.Image}**: {ImageNote(image.Diff)}\n\n![{image.Image}]({Html.Url(image.Composite)})\n\n");
            OneSided(s, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(x => $"`{x}`"))}\n"));
        }
        return md.ToString();
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
        if (s.HistoriesOnlyInA.Count > 0) write("Histories only in A", s.HistoriesOnlyInA);
        if (s.HistoriesOnlyInB.Count > 0) write("Histories only in B", s.HistoriesOnlyInB);
    }

    static string MarkdownTable(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var md = new StringBuilder("| " + string.Join(" | ", header) + " |\n|" + string.Join("|", header.Select(_ => "---")) + "|\n");
        foreach (var row in rows) md.Append("| " + string.Join(" | ", row.Select(c => c.Length == 0 ? " " : c.Replace("|", "\\|").Replace("\n", " "))) + " |\n");
        return md.ToString();
    }

    /// <summary>compare.html: the same content as compare.md with every image embedded (base64), so the file stands alone.</summary>
    public static string HtmlPage(Comparison c, string outDir)
    {
        string Img(string file, string alt) =>
            $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(outDir, file)))}\" alt=\"{Html.Encode(alt)}\">";

        var body = new StringBuilder($"<h1>Comparison: <code>{Html.Encode(c.NameA)}</code> (A) vs <code>{Html.Encode(c.NameB)}</code> (B)</h1>\n");
        body.Append($"<p class=\"muted\">A: <code>{Html.Encode(c.PathA)}</code><br>B: <code>{Html.Encode(c.PathB)}</code></p>\n");
        body.Append(Html.Table(OverviewColumns, c.Scripts.Select(s =>
        {
            var row = Overview(s).Select(Html.Encode).ToArray();
            row[0] = $"<a href=\"#{Html.Encode(Safe(s.Script))}\">{row[0]}</a>";
            if (s.ChangedMetrics > 0) row[1] = $"<span class=\"bad\">{row[1]}</span>";
            if (s.ChangedImages > 0) row[2] = $"<span class=\"bad\">{row[2]}</span>";
            return (IReadOnlyList<string>)row;
        }), "overview", numeric: [3]));
        Sides(c, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));

        foreach (var s in c.Scripts)
        {
            body.Append($"<section id=\"{Html.Encode(Safe(s.Script))}\"><h2>{Html.Encode(s.Script)}</h2>\n");
            // What changed (and the headline rows) first; the unchanged rest folded away, so a long result list
            // does not bury the few numbers that moved.
            IReadOnlyList<string> Cells(MetricDelta m)
            {
                var row = MetricCells(m).Select(Html.Encode).ToArray();
                if (m.Changed) row[0] = $"<span class=\"bad\">{row[0]}</span>";
                return row;
            }
            bool Headline(MetricDelta m) => m.Changed || m.Timing || m.Notebook is not null || m.Metric is "status" or "epochs" || m.Metric.StartsWith("key metric");
            body.Append(Html.Table(MetricColumns, s.Metrics.Where(Headline).Select(Cells), "metrics", numeric: [1, 2, 3, 4, 5]));
            var unchanged = s.Metrics.Where(m => !Headline(m)).ToList();
            if (unchanged.Count > 0)
                body.Append($"<details><summary>{unchanged.Count} unchanged metrics</summary>\n")
                    .Append(Html.Table(MetricColumns, unchanged.Select(Cells), "metrics", numeric: [1, 2, 3, 4, 5]))
                    .Append("</details>\n");
            if (s.Charts.Count > 0)
            {
                body.Append("<h3>Training histories</h3>\n<div class=\"grid\">\n");
                foreach (var chart in s.Charts) body.Append($"<figure>{Img(chart.Chart, $"{chart.History} {chart.Column}")}</figure>\n");
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
    public static int Main(IList<string> args, string repoRoot)
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

            Out.Write(MarkdownTable(OverviewColumns, comparison.Scripts.Select(Overview)));
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
