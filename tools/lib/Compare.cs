#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScottPlot;

/// <summary>
/// One row of a comparison's metrics table: A's and B's value as shown (A the first run, B the last), B − A and
/// (B − A)/|A| for numbers, the notebook's value when known, whether the values differ, and which way the value
/// improves (when that means anything). <see cref="Values"/> holds every run's value when more than two are compared.
/// </summary>
public sealed record MetricDelta(string Metric, string? A, string? B, double? Delta, double? Relative, string? Notebook, bool Differs,
    bool Timing = false, Better? Better = null, bool Integers = false)
{
    /// <summary>The values differ (a timing row never counts as a change: it differs every run).</summary>
    public bool Changed => !Timing && Differs;

    /// <summary>Every run's value as shown, in run order (A … B).</summary>
    public IReadOnlyList<string?> Values { get; init; } = [A, B];
}

/// <summary>A same-named image in the runs: compact copies beside the page (relative to the comparison folder; one when every run's file is the same, else one per run), the image of where A and B differ (null when identical) and the difference.</summary>
public sealed record ImagePair(string Image, IReadOnlyList<string> Sources, string? Difference, ImageDiff Diff);

/// <summary>One chart per history column of a script: every series of every run overlaid on shared axes.</summary>
public sealed record HistoryChart(string Column, string Chart, IReadOnlyList<string> Series);

/// <summary>A setting in which the runs differ (arguments, seed, quick or full, runner, versions, a script's config): its value in each run.</summary>
public sealed record SettingDifference(string Setting, IReadOnlyList<string> Values);

/// <summary>How B's key metric compares with A's.</summary>
public enum Verdict { Unchanged, Better, Worse, Changed }

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

    /// <summary>The key metric's row, when the script has one.</summary>
    public MetricDelta? Key => Metrics.FirstOrDefault(m => m.Metric.StartsWith("key metric: ", StringComparison.Ordinal));

    /// <summary>Better, worse or unchanged by the key metric's direction (Changed: it moved and has no direction, or other values moved).</summary>
    public Verdict Verdict => Key is { } key && Compare.Improved(key) is { } improved ? (improved ? Verdict.Better : Verdict.Worse)
        : ChangedMetrics > 0 || ChangedImages > 0 ? Verdict.Changed : Verdict.Unchanged;

    /// <summary>One line: <c>mnist: test_acc 0.8800 → 0.1210, worse</c>.</summary>
    public string Summary
    {
        get
        {
            // The word is the key metric's when there is one (its value unchanged while others moved is "unchanged").
            var verdict = Key is { Changed: false } ? "unchanged"
                : Verdict switch { Verdict.Better => "better", Verdict.Worse => "worse", Verdict.Unchanged => "unchanged", _ => "changed" };
            var key = Key is { } k ? $"{k.Metric["key metric: ".Length..]} {string.Join(" → ", k.Values.Select(v => v ?? "—"))}, " : "";
            var rest = ChangedMetrics - (Key?.Changed == true ? 1 : 0);
            var others = rest > 0 ? $" ({rest} other value{(rest == 1 ? "" : "s")} changed)" : "";
            var images = ChangedImages > 0 ? $", {ChangedImages} of {Images.Count} plots differ" : "";
            return $"{Script}: {key}{verdict}{others}{images}";
        }
    }
}

/// <summary>
/// Runs (or script folders) compared: A the first, B the last (<see cref="Names"/>/<see cref="Paths"/> hold all of them
/// in order), the settings they differ in, the per-script comparisons, and scripts only one side has.
/// </summary>
public sealed record Comparison(string NameA, string NameB, string PathA, string PathB, IReadOnlyList<ScriptComparison> Scripts,
    IReadOnlyList<string> OnlyInA, IReadOnlyList<string> OnlyInB)
{
    public IReadOnlyList<string> Names { get; init; } = [NameA, NameB];
    public IReadOnlyList<string> Paths { get; init; } = [PathA, PathB];
    public IReadOnlyList<SettingDifference> Differences { get; init; } = [];
}

/// <summary>
/// <c>tools/compare.csx</c>: compares two or more run folders (or single script folders) through their run records:
/// first what differs between the runs (arguments, config, seed, quick or full, runner, versions) and one line per
/// script saying whether its key metric got better or worse; then per script the values with direction-aware deltas,
/// one chart per history column with every series of every run overlaid, and every same-named PNG of A and B side by
/// side with a difference image. Writes compare.md and compare.html (images beside the page, loaded lazily).
/// A run compared with itself shows zero deltas and identical images.
/// </summary>
public static class Compare
{
    public const string Usage = """
        compare: compares runs: ./csx tools/compare.csx -- A B [C …] [--out DIR]   or   -- SCRIPT

        A, B … are run folders (out/runs/<name>, from ./run-all), run tags (a → out/runs/a), or single script
        folders (out/xor). A single script name (xor) compares its two latest runs: out/.xor.runs/<newest> with out/xor.
        First: what differs between the runs (arguments, config, seed, quick or full, runner, versions) and one line
        per script (its key metric, better or worse). Then per script: values with deltas next to the notebook's,
        one chart per metric with every model of every run overlaid, and each plot of A and B side by side with a
        difference image. Writes compare.md and compare.html into DIR (default: out/compare/<A>-vs-<B>).
        Scripts, models or files on one side only are listed.
        """;

    /// <summary>Compares <paramref name="pathA"/> with <paramref name="pathB"/>, writing charts, difference images, compare.md and compare.html into <paramref name="outDir"/>.</summary>
    public static Comparison Run(string pathA, string pathB, string outDir, IReadOnlyDictionary<string, ScriptReference> references) =>
        Run([pathA, pathB], outDir, references);

    /// <summary>Compares the runs at <paramref name="paths"/> (A first, B last; two or more), writing into <paramref name="outDir"/>.</summary>
    public static Comparison Run(IReadOnlyList<string> paths, string outDir, IReadOnlyDictionary<string, ScriptReference> references)
    {
        if (paths.Count < 2) throw Ch13Exception.Usage($"compare: needs at least two runs (got {paths.Count}). Try --help.");
        var plain = paths.Select(Name).ToList();
        var names = plain.Select((n, i) => plain.Count(m => m == n) > 1 ? $"{n} ({Letter(i)})" : n).ToList();
        var sides = paths.Select(RunFolders.Open).ToList();
        // Single script folders are compared with each other whatever their names.
        if (paths.All(RunFolders.IsScriptFolder)) sides = sides.Select(s => (IReadOnlyList<ScriptFolder>)[s[0] with { Script = sides[0][0].Script }]).ToList();
        ClaimOutputFolder(outDir);
        // Every writer takes its folder's lock: a second compare into the same folder gets "in use by PID …".
        var folderLock = Files.TakeLock(outDir, "compare", DateTimeOffset.Now, Display(outDir));
        try { return Write(paths, names, sides, outDir, references); }
        finally { Files.ReleaseLock(folderLock); }
    }

    static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }

    static Comparison Write(IReadOnlyList<string> paths, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<ScriptFolder>> sides, string outDir,
        IReadOnlyDictionary<string, ScriptReference> references)
    {
        var (sideA, sideB) = (sides[0], sides[^1]);
        var scripts = new List<ScriptComparison>();
        foreach (var a in ChapterOrder.Sort(sideA.Select(s => s.Script)).Select(name => sideA.First(s => s.Script == name)))
            if (sides.Skip(1).All(side => side.Any(b => b.Script == a.Script)))
                scripts.Add(CompareScript(sides.Select(side => side.First(f => f.Script == a.Script)).ToList(), names, outDir, references.GetValueOrDefault(a.Script)));
        var comparison = new Comparison(names[0], names[^1], Path.GetFullPath(paths[0]), Path.GetFullPath(paths[^1]), scripts,
            sideA.Select(s => s.Script).Except(sideB.Select(s => s.Script)).ToList(),
            sideB.Select(s => s.Script).Except(sideA.Select(s => s.Script)).ToList())
        {
            Names = names,
            Paths = paths.Select(Path.GetFullPath).ToList(),
            Differences = Differences(sides),
        };
        Files.WriteAllTextAtomic(Path.Combine(outDir, "compare.md"), Markdown(comparison));
        Files.WriteAllTextAtomic(Path.Combine(outDir, "compare.html"), HtmlPage(comparison, outDir));
        return comparison;
    }

    /// <summary>A, B, C … for the runs in order.</summary>
    public static string Letter(int index) => index < 26 ? ((char)('A' + index)).ToString() : $"R{index + 1}";

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

    /// <summary>
    /// The settings the runs differ in, from their run records: arguments, seed, epochs, quick or full, runner and
    /// versions (one row for the run when every script agrees within it, else one per script), and each script's
    /// config settings (top-level entries, as written) that differ.
    /// </summary>
    public static IReadOnlyList<SettingDifference> Differences(IReadOnlyList<IReadOnlyList<ScriptFolder>> sides)
    {
        var rows = new List<SettingDifference>();
        var records = sides.Select(side => side.Where(f => f.Record is not null).ToDictionary(f => f.Script, f => f.Record!)).ToList();
        foreach (var (setting, read) in RunSettings)
        {
            var values = records.Select(run => run.Values.Select(read).Distinct().ToList()).ToList();
            if (values.All(v => v.Count <= 1))
            {
                var single = values.Select(v => v.Count == 0 ? "—" : v[0]).ToList();
                if (single.Distinct().Count() > 1) rows.Add(new SettingDifference(setting, single));
                continue;
            }
            foreach (var script in records.SelectMany(r => r.Keys).Distinct())
            {
                var perScript = records.Select(r => r.TryGetValue(script, out var record) ? read(record) : "—").ToList();
                if (perScript.Distinct().Count() > 1) rows.Add(new SettingDifference($"{script} · {setting}", perScript));
            }
        }
        foreach (var script in records.SelectMany(r => r.Keys).Distinct())
        {
            // A setting that names the run's own folder (Lightning's log_dir) differs in every comparison: it is compared
            // as "<run folder>/…", so only a real difference shows.
            var configs = sides.Select(side => side.FirstOrDefault(f => f.Script == script && f.Record is not null) is { } folder
                ? ConfigSettings(folder.Record!.Config).ToDictionary(kv => kv.Key, kv => OwnFolder(kv.Value, folder.Dir))
                : []).ToList();
            foreach (var key in configs.SelectMany(c => c.Keys).Distinct())
            {
                var values = configs.Select(c => c.TryGetValue(key, out var v) ? v : (Shown: "—", Full: "")).ToList();
                if (values.Select(v => v.Full).Distinct().Count() > 1) rows.Add(new SettingDifference($"{script} · {key}", values.Select(v => v.Shown).ToList()));
            }
        }
        return rows;
    }

    static (string Shown, string Full) OwnFolder((string Shown, string Full) value, string dir)
    {
        var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        return value.Full == full || value.Full.StartsWith(full + Path.DirectorySeparatorChar)
            ? ("<run folder>" + value.Full[full.Length..], "<run folder>" + value.Full[full.Length..])
            : value;
    }

    static readonly (string Setting, Func<RunRecord, string> Read)[] RunSettings =
    [
        ("arguments", r => Settings(r.Arguments) is { Length: > 0 } args ? args : "(none)"),
        ("settings", r => r.Quick ? "quick" : "full"),
        ("seed", r => r.Seed.ToString(CultureInfo.InvariantCulture)),
        ("epochs", r => r.Epochs.ToString(CultureInfo.InvariantCulture)),
        ("runner", r => r.Environment.Host),
        ("TorchSharp", r => r.Environment.Torchsharp ?? "—"),
        ("libtorch", r => r.Environment.Libtorch),
        ("torch threads", r => r.Environment.TorchThreads.ToString(CultureInfo.InvariantCulture)),
        (".NET", r => r.Environment.Dotnet),
        ("OS", r => $"{r.Environment.Os} {r.Environment.Architecture}"),
    ];

    /// <summary>A run's arguments as settings: without <c>--out DIR</c> (where a run writes is not how it ran; ./run-all gives each its own).</summary>
    public static string Settings(IReadOnlyList<string> arguments)
    {
        var kept = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--out") { i++; continue; }
            if (arguments[i].StartsWith("--out=", StringComparison.Ordinal)) continue;
            kept.Add(arguments[i]);
        }
        return string.Join(' ', kept);
    }

    // A script's config as settings: each entry by its dotted name (optimizer.learning_rate), texts as they are and
    // lists as compact JSON, shown shortened (a multi-line text by its first line), compared in full. The config is
    // free-form by design (RunRecord.Config), so this is the one place that reads it entry by entry.
    static Dictionary<string, (string Shown, string Full)> ConfigSettings(JsonElement config)
    {
        var settings = new Dictionary<string, (string, string)>();
        void Add(string name, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in value.EnumerateObject()) Add(name.Length == 0 ? entry.Name : $"{name}.{entry.Name}", entry.Value);
                return;
            }
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : Regex.Replace(value.GetRawText(), @"\s+", " ");
            var lines = text.Split('\n');
            var shown = lines.Length > 1 ? $"{lines[0]} … ({lines.Length} lines)" : text;
            settings[name] = (shown.Length > 80 ? shown[..77] + "…" : shown, text);
        }
        if (config.ValueKind == JsonValueKind.Object) Add("", config);
        return settings;
    }

    static ScriptComparison CompareScript(IReadOnlyList<ScriptFolder> folders, IReadOnlyList<string> names, string outDir, ScriptReference? reference)
    {
        var (a, b) = (folders[0], folders[^1]);
        // The folder is compare's own (ClaimOutputFolder): its per-script charts from an earlier comparison go.
        var scriptDir = Path.Combine(outDir, Safe(a.Script));
        try { if (Directory.Exists(scriptDir)) Directory.Delete(scriptDir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw FileErrors.Writing(scriptDir, e, isFolder: true); }
        Files.CreateFolder(scriptDir);

        var seriesA = a.Record?.Series ?? [];
        var seriesB = b.Record?.Series ?? [];
        // Every series name in any run, A's first.
        var seriesNames = folders.SelectMany(f => f.Record?.Series ?? []).Select(s => s.Name).Distinct().ToList();
        var charts = new List<HistoryChart>();
        foreach (var column in RunFolders.HistoryColumns)
        {
            var lines = new List<ChartLine>();
            for (var s = 0; s < seriesNames.Count; s++)
                for (var r = 0; r < folders.Count; r++)
                    if (folders[r].Record?.SeriesNamed(seriesNames[s]) is { } series && Points(series, column) is { Count: > 0 } points)
                        lines.Add(new ChartLine(seriesNames[s], s, names[r], r, points));
            // Nothing to see when no run recorded the column, or all held it constant (e.g. a fixed lr).
            if (lines.SelectMany(l => l.Points).Select(p => p.Value).Distinct().Count() <= 1) continue;
            var file = $"{Safe(a.Script)}/{column.Name}.webp";
            OverlayChart(Path.Combine(outDir, file), a.Script, column, lines, folders.Count);
            charts.Add(new HistoryChart(column.Name, file, lines.Select(l => l.Series).Distinct().ToList()));
        }

        var images = new List<ImagePair>();
        // A history plot (history.png, a loss curve) shows what the overlaid charts above show for every run on one
        // scale: side by side it would only add weight (about 0.75 MB for two full runs).
        foreach (var image in a.Images.Where(i => folders.Skip(1).All(f => f.Images.Contains(i)) && !(charts.Count > 0 && IsHistoryPlot(i))))
        {
            var stem = Safe(Path.ChangeExtension(image, null));
            var file = $"{Safe(a.Script)}/{stem}.difference.webp";
            var diff = Images.DifferenceImage(Path.Combine(a.Dir, image), Path.Combine(b.Dir, image), Path.Combine(outDir, file));
            // Compact copies beside the page (one when every run's is the same), so the comparison stands alone and stays light.
            var identical = diff.Identical && folders.Skip(1).All(f => File.ReadAllBytes(Path.Combine(f.Dir, image)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(a.Dir, image))));
            var sources = new List<string>();
            for (var r = 0; r < (identical ? 1 : folders.Count); r++)
            {
                var copy = $"{Safe(a.Script)}/{stem}.{Letter(r)}.webp";
                Images.CompactCopy(Path.Combine(folders[r].Dir, image), Path.Combine(outDir, copy));
                sources.Add(copy);
            }
            images.Add(new ImagePair(image, sources, diff.Identical ? null : file, diff));
        }

        return new ScriptComparison(a.Script, Metrics(folders.Select(f => f.Record).ToList(), reference), charts, images,
            a.Images.Except(b.Images).ToList(), b.Images.Except(a.Images).ToList(),
            seriesA.Select(s => s.Name).Except(seriesB.Select(s => s.Name)).ToList(),
            seriesB.Select(s => s.Name).Except(seriesA.Select(s => s.Name)).ToList());
    }

    sealed record ChartLine(string Series, int SeriesIndex, string Run, int RunIndex, IReadOnlyList<(double Epoch, double Value)> Points);

    // A history column's finite values by epoch.
    static IReadOnlyList<(double Epoch, double Value)> Points(Series series, HistoryColumn column) =>
        series.History.Select(e => (Epoch: (double)e.Epoch, Value: column.Read(e))).Where(p => p.Value is double v && double.IsFinite(v))
            .Select(p => (p.Epoch, p.Value!.Value)).ToList();

    /// <summary>The metrics table of A against B (see <see cref="Metrics(IReadOnlyList{RunRecord?}, ScriptReference?)"/>).</summary>
    public static IReadOnlyList<MetricDelta> Metrics(RunRecord? a, RunRecord? b, ScriptReference? reference) => Metrics([a, b], reference);

    /// <summary>
    /// The metrics table: status, epochs, key metric; per series its final epoch metrics and values, then the run's
    /// values (<see cref="RunFolders.Results"/>); the notebook's printed values beside the runs' (<see cref="NotebookRows"/>);
    /// then the timings. Deltas are the last run's against the first's; a value missing in a run shows as null.
    /// </summary>
    public static IReadOnlyList<MetricDelta> Metrics(IReadOnlyList<RunRecord?> records, ScriptReference? reference)
    {
        RunValue? Status(RunRecord? r) => r is null ? null : RunValue.OfText("status", RunStatuses.Text(r.Status));
        RunValue? Epochs(RunRecord? r) => r is null ? null : RunValue.Of("epochs", r.Epochs);
        var rows = new List<MetricDelta>
        {
            Row("status", records.Select(Status).ToList(), null),
            Row("epochs", records.Select(Epochs).ToList(), null),
        };
        if (records.Select(r => r?.KeyMetric).FirstOrDefault(k => k is not null) is { } key)
        {
            RunValue? Key(RunRecord? r) => r?.KeyMetric is { } k ? RunValue.Of(k.Name, k.Value, k.Better) : null;
            rows.Add(Row($"key metric: {RunFolders.Label(key)}", records.Select(Key).ToList(), References.ForKeyMetric(reference, key)?.NotebookText));
        }

        var results = records.Select(r => r is null ? [] : RunFolders.Results(r)).ToList();
        foreach (var name in results.SelectMany(v => v.Select(x => x.Name)).Distinct())
            rows.Add(Row(name, results.Select(v => v.FirstOrDefault(x => x.Name == name)).ToList(), null));

        if (reference is not null)
            rows.AddRange(NotebookRows(records.Select(r => References.Rows(reference, r)).ToList()));

        RunValue? Seconds(RunRecord? r, Func<RunTimings, double> read) => r is null ? null : RunValue.Of("seconds", read(r.Timings));
        rows.Add(Row("train seconds", records.Select(r => Seconds(r, t => t.TrainSeconds)).ToList(), null) with { Timing = true });
        rows.Add(Row("wall seconds", records.Select(r => Seconds(r, t => t.WallSeconds)).ToList(), null) with { Timing = true });
        return rows;
    }

    /// <summary>The notebook's printed values (one row per reference value, by its label) with A's and B's as References resolved them.</summary>
    public static IReadOnlyList<MetricDelta> NotebookRows(IReadOnlyList<FidelityRow> a, IReadOnlyList<FidelityRow> b) => NotebookRows([a, b]);

    /// <summary>The notebook's printed values with every run's as References resolved them; the delta is the last run's against the first's.</summary>
    public static IReadOnlyList<MetricDelta> NotebookRows(IReadOnlyList<IReadOnlyList<FidelityRow>> runs) =>
        runs[0].Select((first, i) =>
        {
            var values = runs.Select(r => r[i].Ours).ToList();
            double? x = Parse(values[0]), y = Parse(values[^1]);
            var delta = x is { } xa && y is { } yb && double.IsFinite(yb - xa) ? yb - xa : (double?)null;
            double? relative = delta is { } d && x is { } x0 && x0 != 0 ? d / Math.Abs(x0) : null;
            return new MetricDelta(first.Label, values[0], values[^1], delta, relative, first.Notebook, Differs: values.Distinct().Count() > 1) { Values = values };
        }).ToList();

    static double? Parse(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;

    static MetricDelta Row(string metric, IReadOnlyList<RunValue?> values, string? notebook)
    {
        var (a, b) = (values[0], values[^1]);
        var (x, y) = (a?.Number, b?.Number);
        var delta = x is { } xa && y is { } yb && double.IsFinite(yb - xa) ? yb - xa : (double?)null;
        double? relative = delta is { } d && x is { } x0 && x0 != 0 ? d / Math.Abs(x0) : null;
        var shown = values.Select(v => v is null ? null : RunFolders.Display(v)).ToList();
        return new MetricDelta(metric, shown[0], shown[^1], delta, relative, notebook,
            Differs: values.Skip(1).Any(v => !RunFolders.Same(a, v)),
            Better: a?.Better ?? b?.Better,
            Integers: x is { } i && y is { } j && i == Math.Round(i) && j == Math.Round(j)) { Values = shown };
    }

    /// <summary>Whether B improved on A (true), got worse (false), or neither is known (no direction, no number, or no change).</summary>
    public static bool? Improved(MetricDelta m) =>
        m.Better is not { } better || m.Delta is not { } d || d == 0 ? null : d > 0 == (better == Better.Higher);

    static readonly LinePattern[] RunPatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    // One chart of a column: with one series, a colour per run; with several, a colour per series and a line pattern per run.
    static void OverlayChart(string path, string script, HistoryColumn column, IReadOnlyList<ChartLine> lines, int runs)
    {
        var plot = new Plot();
        var oneSeries = lines.Select(l => l.Series).Distinct().Count() == 1;
        foreach (var l in lines)
        {
            var color = Plots.ClassColors[(oneSeries ? l.RunIndex : l.SeriesIndex) % Plots.ClassColors.Length];
            var line = plot.Add.ScatterLine(l.Points.Select(p => p.Epoch).ToArray(), l.Points.Select(p => p.Value).ToArray(), color);
            line.LegendText = oneSeries ? $"{Letter(l.RunIndex)}: {l.Run}" : runs == 1 ? l.Series : $"{l.Series} · {Letter(l.RunIndex)}";
            line.LineWidth = 2.5f;
            line.LinePattern = oneSeries ? LinePattern.Solid : RunPatterns[l.RunIndex % RunPatterns.Length];
            line.MarkerSize = l.Points.Count == 1 ? 8 : 0;
        }
        plot.ShowLegend(Edge.Right);
        var direction = column.Better switch { Better.Higher => " (higher is better)", Better.Lower => " (lower is better)", _ => "" };
        var note = oneSeries ? $"{lines[0].Series}" : $"line style: {string.Join(", ", Enumerable.Range(0, runs).Select(r => $"{Letter(r)} {PatternName(r)}"))}";
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

    /// <summary>A path segment safe for file names: letters, digits, '.', '_' and '-'; anything else becomes '_'.</summary>
    public static string Safe(string text) => Regex.Replace(text, @"[^A-Za-z0-9._-]+", "_").Trim('_');

    /// <summary>A delta as tables show it: integers as integers (+38), tiny ones in scientific notation (+1.6e-7), others to about 4 significant digits.</summary>
    public static string Delta(double? value, bool integers = false) =>
        value is not { } d ? "" : d == 0 ? "0" : (d > 0 ? "+" : "−") + (integers && d == Math.Round(d) ? Math.Abs(d).ToString("F0", CultureInfo.InvariantCulture) : RunFolders.Display(Math.Abs(d), significant: true));

    static string Percent(double? value) => value is 0 ? "0%" : value is { } r ? (r > 0 ? "+" : "−") + Pct(Math.Abs(r)) : "";

    static string Pct(double share) => share * 100 is var p && p != 0 && p < 0.01 ? RunFolders.Display(p, significant: true) + "%" : (share * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    static string ImageNote(ImageDiff d) =>
        d.Identical ? "identical"
        : $"{Pct(d.ChangedPixels)} of pixels changed (score {RunFolders.Display(d.Score, significant: true)})"
          + (d.SameSize ? "" : $", size {d.WidthA}×{d.HeightA} → {d.WidthB}×{d.HeightB}");

    static string VerdictText(Verdict v) => v switch { Verdict.Better => "better", Verdict.Worse => "worse", Verdict.Unchanged => "unchanged", _ => "changed" };

    static CellStyle VerdictStyle(Verdict v) => v switch { Verdict.Better => CellStyle.Ok, Verdict.Worse => CellStyle.Bad, Verdict.Unchanged => CellStyle.Muted, _ => CellStyle.Highlight };

    /// <summary>The settings the runs differ in, one column per run.</summary>
    public static TextTable DifferencesTable(Comparison c) => TextTable.Of(
        [new("setting"), .. c.Names.Select((n, i) => new TextColumn($"{Letter(i)}: {n}"))],
        c.Differences.Select(d => (IReadOnlyList<TextCell>)[d.Setting, .. d.Values.Select(v => new TextCell(v, Code: true))]));

    static readonly TextColumn[] OverviewColumns =
        [new("script"), new("verdict"), new("key metric"), new("values changed"), new("plots changed"), TextColumn.Number("pixels changed (max)")];

    /// <summary>The overview: per script its verdict, key metric, and how many values and plots changed (the script links to its section).</summary>
    public static TextTable Overview(Comparison c) => TextTable.Of(OverviewColumns, c.Scripts.Select(s => (IReadOnlyList<TextCell>)
    [
        new TextCell(s.Script, Link: "#" + Safe(s.Script)),
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
        var last = Letter(runs - 1);
        var columns = new List<TextColumn> { new("value") };
        columns.AddRange(Enumerable.Range(0, runs).Select(i => TextColumn.Number(Letter(i))));
        columns.AddRange([TextColumn.Number($"{last} − A"), TextColumn.Number("relative"), new(""), TextColumn.Number("notebook")]);
        return TextTable.Of(columns, list.Select(m =>
        {
            var improved = Improved(m);
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

    // The rows a section shows first: what changed, the headline rows, the notebook's that some run recorded; the
    // unchanged rest (and notebook values no run reached, e.g. epochs a quick run never got to) is folded away.
    static bool Headline(MetricDelta m) => m.Changed || m.Timing || (m.Notebook is not null && m.Values.Any(v => v is not null))
        || m.Metric is "status" or "epochs" || m.Metric.StartsWith("key metric", StringComparison.Ordinal);

    static string RunsLine(Comparison c, Func<string, string> code) =>
        string.Join(", ", c.Names.Select((n, i) => $"{Letter(i)} = {code(n)}"));

    /// <summary>compare.md: what differs, a line per script, the overview, then per script its values, charts and plots (images alongside).</summary>
    public static string Markdown(Comparison c)
    {
        var md = new StringBuilder($"# Comparison: {RunsLine(c, n => $"`{n}`")}\n\n");
        md.Append(string.Join("  \n", c.Paths.Select((p, i) => $"{Letter(i)}: `{p}`"))).Append("\n\n## What differs\n\n");
        md.Append(c.Differences.Count == 0 ? "The runs have the same arguments, settings, seed, runner and versions.\n" : TextTables.ToMarkdown(DifferencesTable(c)));
        md.Append("\n## Is it better?\n\n");
        foreach (var s in c.Scripts) md.Append($"- {s.Summary}\n");
        if (c.Scripts.Count == 0) md.Append("No script is present in every run.\n");
        md.Append('\n').Append(TextTables.ToMarkdown(PlainOverview(c)));
        Sides(c, (label, list) => md.Append($"\n{label}: {string.Join(", ", list.Select(s => $"`{s}`"))}\n"));
        foreach (var s in c.Scripts)
        {
            md.Append($"\n## {s.Script}\n\n{s.Summary}\n\n");
            md.Append(TextTables.ToMarkdown(MetricsTable(s.Metrics, c.Names)));
            if (s.Charts.Count > 0) md.Append("\n### Training histories\n\n");
            foreach (var chart in s.Charts) md.Append($"![{s.Script} · {chart.Column}]({Html.Url(chart.Chart)})\n");
            if (s.Images.Count > 0) md.Append($"\n### Plots ({string.Join(" | ", c.Names.Select((_, i) => Letter(i)))} | where A and {Letter(c.Names.Count - 1)} differ)\n\n");
            foreach (var image in s.Images)
            {
                md.Append($"**{image.Image}**: {ImageNote(image.Diff)}\n\n");
                var shown = image.Difference is null ? image.Sources : image.Sources.Append(image.Difference).ToList();
                md.Append(string.Join(' ', shown.Select(src => $"![{image.Image}]({Html.Url(src)})"))).Append("\n\n");
            }
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
        if (c.OnlyInB.Count > 0) write($"Scripts only in {Letter(c.Names.Count - 1)}", c.OnlyInB);
    }

    static void OneSided(ScriptComparison s, Action<string, IReadOnlyList<string>> write)
    {
        if (s.ImagesOnlyInA.Count > 0) write("Images only in A", s.ImagesOnlyInA);
        if (s.ImagesOnlyInB.Count > 0) write("Images only in B", s.ImagesOnlyInB);
        if (s.SeriesOnlyInA.Count > 0) write("Models only in A", s.SeriesOnlyInA);
        if (s.SeriesOnlyInB.Count > 0) write("Models only in B", s.SeriesOnlyInB);
    }

    /// <summary>
    /// compare.html: the same content as compare.md. Images stay beside the page (the charts and difference images
    /// in the comparison folder, each run's plots where the run keeps them), referenced by relative paths and loaded lazily.
    /// </summary>
    public static string HtmlPage(Comparison c, string outDir)
    {
        string Img(string file, string alt) =>
            $"<img src=\"{Html.Url(file)}\" alt=\"{Html.Encode(alt)}\" loading=\"lazy\"{Size(Path.Combine(outDir, file))}>";

        var body = new StringBuilder($"<h1>Comparison: {RunsLine(c, n => $"<code>{Html.Encode(n)}</code>")}</h1>\n");
        body.Append($"<p class=\"muted\">{string.Join("<br>", c.Paths.Select((p, i) => $"{Letter(i)}: <code>{Html.Encode(p)}</code>"))}</p>\n");
        body.Append("<h2 id=\"differs\">What differs</h2>\n");
        body.Append(c.Differences.Count == 0 ? "<p>The runs have the same arguments, settings, seed, runner and versions.</p>\n" : Html.Table(DifferencesTable(c), "differences"));
        body.Append("<h2 id=\"verdicts\">Is it better?</h2>\n<ul class=\"verdicts\">\n");
        foreach (var s in c.Scripts)
            body.Append($"<li class=\"{VerdictText(s.Verdict)}\"><a href=\"#{Html.Encode(Safe(s.Script))}\">{Html.Encode(s.Summary)}</a></li>\n");
        body.Append("</ul>\n");
        if (c.Scripts.Count == 0) body.Append("<p>No script is present in every run.</p>\n");
        body.Append(Html.Table(Overview(c), "overview"));
        Sides(c, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));

        foreach (var s in c.Scripts)
        {
            body.Append($"<section id=\"{Html.Encode(Safe(s.Script))}\"><h2>{Html.Encode(s.Script)}</h2>\n");
            body.Append($"<p class=\"what {VerdictText(s.Verdict)}\">{Html.Encode(s.Summary)}</p>\n");
            body.Append(Html.Table(MetricsTable(s.Metrics.Where(Headline), c.Names), "metrics"));
            var unchanged = s.Metrics.Where(m => !Headline(m)).ToList();
            if (unchanged.Count > 0)
                body.Append($"<details><summary>{unchanged.Count} unchanged values (and notebook values no run recorded)</summary>\n")
                    .Append(Html.Table(MetricsTable(unchanged, c.Names), "metrics"))
                    .Append("</details>\n");
            if (s.Charts.Count > 0)
            {
                body.Append("<h3>Training histories</h3>\n<div class=\"charts\">\n");
                foreach (var chart in s.Charts) body.Append($"<figure>{Img(chart.Chart, $"{s.Script} · {chart.Column}")}</figure>\n");
                body.Append("</div>\n");
            }
            if (s.Images.Count > 0) body.Append("<h3>Plots</h3>\n");
            foreach (var image in s.Images)
            {
                body.Append($"<h4>{Html.Encode(image.Image)}: <span class=\"{(image.Diff.Identical ? "unchanged" : "changed")}\">{Html.Encode(ImageNote(image.Diff))}</span></h4>\n");
                if (image.Sources.Count == 1)
                {
                    body.Append($"<div class=\"pair\"><figure>{Img(image.Sources[0], image.Image)}<figcaption>identical in every run</figcaption></figure></div>\n");
                    continue;
                }
                body.Append("<div class=\"pair\">");
                for (var i = 0; i < image.Sources.Count; i++)
                    body.Append($"<figure>{Img(image.Sources[i], $"{Letter(i)}: {image.Image}")}<figcaption>{Letter(i)}: {Html.Encode(c.Names[i])}</figcaption></figure>");
                if (image.Difference is not null) body.Append($"<figure>{Img(image.Difference, $"where A and {Letter(c.Names.Count - 1)} differ: {image.Image}")}<figcaption>where A and {Letter(c.Names.Count - 1)} differ (red)</figcaption></figure>");
                body.Append("</div>\n");
            }
            OneSided(s, (label, list) => body.Append($"<p><strong>{Html.Encode(label)}:</strong> {Html.Encode(string.Join(", ", list))}</p>\n"));
            body.Append("</section>\n");
        }
        return Html.Page($"ch13 comparison {string.Join(" vs ", c.Names)}", body.ToString());
    }

    // width/height attributes from the image's header, so lazy images keep their place before they load.
    static string Size(string path)
    {
        try
        {
            using var codec = SkiaSharp.SKCodec.Create(path);
            return codec is null ? "" : $" width=\"{codec.Info.Width}\" height=\"{codec.Info.Height}\"";
        }
        catch (IOException) { return ""; }
    }

    // compare's options besides the runs (its --help is the Usage text above).
    static readonly TextOption OutOption = new("out", null, "write the reports into DIR", Placeholder: "DIR");
    static readonly FlagOption HelpOption = new("help", "show this help");

    /// <summary>The tool: <c>A B [C …] [--out DIR]</c> or <c>SCRIPT</c>; prints what differs, a line per script, and where the reports are. Exit 0, or 2 on bad usage.</summary>
    // Not named Main: beside a script's global code, dotnet-script warns (CS7022) about a second entry point.
    public static int RunTool(IList<string> args, string repoRoot)
    {
        try
        {
            var parsed = ArgParser.Parse("compare", args, [OutOption, HelpOption], new ArgSyntax(Positionals: true));
            if (parsed.HelpRequested) { Out.WriteLine(Usage); return 0; }
            var paths = RunSources.Resolve(parsed.Positionals, Path.Combine(repoRoot, "out"));
            var outDir = parsed.Get(OutOption);
            outDir = Path.GetFullPath(outDir ?? Path.Combine(repoRoot, "out", "compare", string.Join("-vs-", paths.Select(p => Safe(Name(p))))));
            var comparison = Run(paths, outDir, References.Load(References.DefaultPath(repoRoot)));

            Out.Write(comparison.Differences.Count == 0 ? "The runs have the same arguments, settings, seed, runner and versions.\n" : TextTables.ToMarkdown(DifferencesTable(comparison)));
            foreach (var s in comparison.Scripts) Out.WriteLine(s.Summary);
            Sides(comparison, (label, list) => Out.WriteLine($"{label}: {string.Join(", ", list)}"));
            if (comparison.Scripts.Count == 0) Out.WriteLine("No script is present in every run.");
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
