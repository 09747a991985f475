#nullable enable
using System.Text.RegularExpressions;

/// <summary>
/// <c>tools/compare.csx</c>: compares two or more run folders (or single script folders) through their run records:
/// first what differs between the runs (arguments, config, seed, quick or full, runner, versions) and one line per
/// script saying whether its key metric got better or worse; then per script the values with direction-aware deltas,
/// one chart per history column with every series of every run overlaid, and every same-named PNG of A and B side by
/// side with a difference image. Writes compare.md and compare.html (images beside the page, loaded lazily).
/// A run compared with itself shows zero deltas and identical images.
public static class Compare
{
    /// <summary>compare's --help: what it takes and does, its options generated from their handles.</summary>
    public static string Usage => $"""
        compare: compares runs: ./csx tools/compare.csx -- A B [C …] [--out DIR]   or   -- SCRIPT

        A, B … are run folders (out/runs/<name>, from ./run-all), run tags (a → out/runs/a), single script
        folders (out/xor), or runs as tools/runs.csx prints them. A single script name (xor) compares its two latest
        runs: out/.xor.runs/<newest> with out/xor. A sweep's seeds (<run>/<script>/seed-<N>/) are one group per side.
        First: the tally (better · worse · within noise), what differs between the runs, and one line per script that
        leads with its key metric's verdict: better or worse only when Welch's t-test (two-sided, α = 0.05, n ≥ 2 per
        side) rejects equal means, else within seed noise; one seed: cannot tell. Then per script: values (mean ± sd,
        min–max, n) next to the notebook's, best and last of every history metric, one chart per metric (seeds as a
        band), and each plot of A and B side by side with a difference image. Writes compare.md and compare.html into
        DIR (default: out/compare/<A>-vs-<B>). Scripts, models or files on one side only are listed.

        Options:
        {ArgParser.OptionLines([OutOption, HelpOption]).TrimEnd('\n')}
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
        // A damaged record is refused, naming the file: compared as an empty run it would read as "no differences".
        if (sides.SelectMany(side => side).FirstOrDefault(f => f.Problem is not null) is { } damaged)
            throw new Ch13Exception($"compare: {damaged.Problem}", 1);
        // Single script folders (or one script's seed folders) are compared with each other whatever their names.
        if (paths.All(p => RunFolders.IsScriptFolder(p) || SeedFolders.Of(p).Count > 0) && sides.All(s => s.Count > 0))
            sides = sides.Select(s => (IReadOnlyList<ScriptFolder>)s.Select(f => f with { Script = sides[0][0].Script }).ToList()).ToList();
        ClaimOutputFolder(outDir);
        // Every writer takes its folder's lock: a second compare into the same folder gets "in use by PID …".
        var folderLock = FolderLocks.Take(outDir, "compare", DateTimeOffset.Now, Display(outDir));
        try { return Write(paths, names, sides, outDir, references); }
        finally { FolderLocks.Release(folderLock); }
    }

    static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }

    static Comparison Write(IReadOnlyList<string> paths, IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<ScriptFolder>> sides, string outDir,
        IReadOnlyDictionary<string, ScriptReference> references)
    {
        // Each side of a script is the group of its seed runs (one for a plain run).
        var groups = sides.Select(ScriptGroup.Of).ToList();
        var (sideA, sideB) = (groups[0], groups[^1]);
        var scripts = new List<ScriptComparison>();
        foreach (var a in ChapterOrder.Sort(sideA.Select(s => s.Script)).Select(name => sideA.First(s => s.Script == name)))
            if (groups.Skip(1).All(side => side.Any(b => b.Script == a.Script)))
                scripts.Add(CompareScript(groups.Select(side => side.First(g => g.Script == a.Script).Runs).ToList(), names, outDir, references.GetValueOrDefault(a.Script)));
        var comparison = new Comparison(names[0], names[^1], Path.GetFullPath(paths[0]), Path.GetFullPath(paths[^1]), scripts,
            sideA.Select(s => s.Script).Except(sideB.Select(s => s.Script)).ToList(),
            sideB.Select(s => s.Script).Except(sideA.Select(s => s.Script)).ToList())
        {
            Names = names,
            Paths = paths.Select(Path.GetFullPath).ToList(),
            Differences = SettingDifferences.Of(sides),
        };
        Files.WriteAllTextAtomic(Path.Combine(outDir, "compare.md"), CompareMarkdown.Markdown(comparison));
        Files.WriteAllTextAtomic(Path.Combine(outDir, "compare.html"), CompareHtml.HtmlPage(comparison, outDir));
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
        if (SafeFiles.IsLink(outDir))
            throw Ch13Exception.Usage($"compare: --out {outDir} is a symbolic link, and compare writes only into a real folder it made; give the folder itself or a new one.");
        if (File.Exists(outDir))
            throw FileErrors.Writing(outDir, new IOException($"{outDir} is a file"), isFolder: true);
        var earlierComparison = File.Exists(Path.Combine(outDir, Marker)) || File.Exists(Path.Combine(outDir, "compare.html")); // (before the marker)
        if (Directory.Exists(outDir) && !earlierComparison && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw Ch13Exception.Usage($"compare: --out {outDir} already holds other files (it is not an earlier comparison), and compare " +
                "writes only into its own folder; choose a new or empty folder with --out DIR.");
        Files.CreateFolder(outDir); // a file in the path, a read-only file system, no permission: one line, exit 1
        Files.WriteAllTextAtomic(Path.Combine(outDir, Marker), "written by tools/compare.csx: it may replace the files in this folder\n");
    }

    /// <summary>
    /// The default output folder's name, <c>&lt;A&gt;-vs-&lt;B&gt;</c>: visible (no leading dot, though a kept run lives
    /// in <c>.xor.runs/</c>), one safe segment.
    /// </summary>
    public static string DefaultFolderName(IReadOnlyList<string> paths) =>
        string.Join("-vs-", paths.Select(p => Safe(Name(p)).TrimStart('.', '_', '-') is { Length: > 0 } n ? n : "run"));

    /// <summary>A short name for a side: a run folder's name, or <c>run/script</c> for a script folder.</summary>
    public static string Name(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var name = Path.GetFileName(full);
        return RunFolders.IsScriptFolder(full) && Path.GetFileName(Path.GetDirectoryName(full)) is { Length: > 0 } parent ? $"{parent}/{name}" : name;
    }


    // One script: per side the group of its seed runs (the lowest seed first).
    static ScriptComparison CompareScript(IReadOnlyList<IReadOnlyList<ScriptFolder>> groups, IReadOnlyList<string> names, string outDir, ScriptReference? reference)
    {
        // Plots are compared pixel by pixel between the first seed of each side: a seed's plot is one picture, not a mean.
        var folders = groups.Select(g => g[0]).ToList();
        var (a, b) = (folders[0], folders[^1]);
        // The folder is compare's own (ClaimOutputFolder): its per-script charts from an earlier comparison go.
        var scriptDir = OwnedScriptFolder(outDir, a.Script);
        try { if (SafeFiles.KindOf(scriptDir) != EntryKind.Missing && !SafeFiles.DeleteOwnedFolder(scriptDir, outDir, null)) throw Foreign(scriptDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw FileErrors.Writing(scriptDir, e, isFolder: true); }
        Files.CreateFolder(scriptDir);

        var seriesA = groups[0].SelectMany(f => f.Record?.Series ?? []).Select(s => s.Name).Distinct().ToList();
        var seriesB = groups[^1].SelectMany(f => f.Record?.Series ?? []).Select(s => s.Name).Distinct().ToList();
        var charts = CompareCharts.Draw(groups, outDir, a.Script, out var flat);

        var images = new List<ImagePair>();
        // A history plot (history.png, a loss curve) shows what the overlaid charts above show for every run on one
        // scale: side by side it would only add weight (about 0.75 MB for two full runs).
        foreach (var image in a.Images.Where(i => folders.Skip(1).All(f => f.Images.Contains(i)) && !(charts.Count > 0 && CompareCharts.IsHistoryPlot(i))))
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

        return new ScriptComparison(a.Script, MetricDeltas.OfGroups(groups.Select(g => (IReadOnlyList<RunRecord?>)g.Select(f => f.Record).ToList()).ToList(), reference),
            charts, images,
            a.Images.Except(b.Images).ToList(), b.Images.Except(a.Images).ToList(),
            seriesA.Except(seriesB).ToList(), seriesB.Except(seriesA).ToList())
        {
            Legend = charts.Count > 0 ? CompareCharts.Legend(groups, names) : [],
            FlatColumns = flat,
            SeedCounts = groups.Select(g => g.Count).ToList(),
        };
    }


    // compare's folder for a script's charts: one safe segment inside outDir (which carries the marker), no link on the way.
    static string OwnedScriptFolder(string outDir, string script)
    {
        var segment = Safe(script);
        var dir = Path.Combine(outDir, segment);
        if (!SafePaths.IsSegment(segment) || segment.StartsWith('.') || !SafePaths.IsInside(dir, outDir)
            || SafeFiles.KindOf(Path.Combine(outDir, Marker)) != EntryKind.File)
            throw Foreign(dir);
        return dir;
    }

    static Ch13Exception Foreign(string dir) =>
        new($"compare: will not replace {dir}: it is not a folder compare made inside its --out (a link, or a name that leaves the folder).", 1);

    /// <summary>A path segment safe for file names: letters, digits, '.', '_' and '-'; anything else becomes '_'.</summary>
    public static string Safe(string text) => Regex.Replace(text, @"[^A-Za-z0-9._-]+", "_").Trim('_');


    // compare's options besides the runs (its --help is the Usage text above, which also says what the runs may be).
    static readonly TextOption OutOption = new("out", null, "write the reports into DIR (default: out/compare/<A>-vs-<B>)", Placeholder: "DIR");
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
            outDir = Path.GetFullPath(outDir ?? Path.Combine(repoRoot, "out", "compare", DefaultFolderName(paths)));
            var comparison = Run(paths, outDir, References.Load(References.DefaultPath(repoRoot)));

            Out.WriteLine(comparison.Tally);
            Out.Write(comparison.Differences.Count == 0 ? "The runs have the same arguments, settings, seed, runner and versions.\n" : TextTables.ToMarkdown(CompareTables.DifferencesTable(comparison)));
            foreach (var s in comparison.Scripts) Out.WriteLine(s.Summary);
            CompareMarkdown.Sides(comparison, (label, list) => Out.WriteLine($"{label}: {string.Join(", ", list)}"));
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

