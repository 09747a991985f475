#nullable enable
using System.Globalization;

/// <summary>One run of a script folder as <c>tools/runs.csx</c> lists it; <see cref="Problem"/> names a damaged metrics.json.</summary>
public sealed record PastRun(string Dir, bool Latest, RunRecord? Record, string? Problem = null)
{
    /// <summary>When it started, from its record (null without one).</summary>
    public DateTimeOffset? StartedAt =>
        Record is not null && DateTimeOffset.TryParse(Record.Timings.StartedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at : null;
}

/// <summary>
/// <c>tools/runs.csx</c>: a script folder's latest run and the previous runs kept beside it (<see cref="RunSets"/>),
/// newest first, with time, status, arguments and key metric.
/// </summary>
public static class RunHistory
{
    public const string Usage = """
        runs: lists a script's latest run and its kept previous runs: ./csx tools/runs.csx -- SCRIPT|FOLDER

        SCRIPT is a section script's name (its folder is out/SCRIPT); FOLDER is any script folder (out/runs/a/xor).
        Newest first: its folder (a path from here, to give compare.csx as printed), when it started, its status,
        its arguments and its key metric. Previous runs are kept in .SCRIPT.runs/ beside the folder (the newest
        CH13_KEEP, default 5).
        """;

    /// <summary>
    /// The kept previous run folders of script folder <paramref name="folder"/>, newest first (the latest run, in
    /// <paramref name="folder"/> itself, not included).
    /// </summary>
    public static IReadOnlyList<string> KeptRuns(string folder) => RunSets.Kept(folder);

    /// <summary>The latest run then the kept ones, newest first; empty when the folder never held a run.</summary>
    public static IReadOnlyList<PastRun> Runs(string folder)
    {
        var runs = new List<PastRun>();
        // A damaged record marks its own row (the others are still listed): see Problem.
        PastRun Of(string dir, bool latest)
        {
            var (record, problem) = RunRecordFiles.TryReadSaying(RunFolders.MetricsPath(dir));
            return new PastRun(Path.GetFullPath(dir), latest, record, problem);
        }
        if (Directory.Exists(folder)) runs.Add(Of(folder, true));
        runs.AddRange(KeptRuns(folder).Select(d => Of(d, false)));
        return runs;
    }

    /// <summary>The folder an argument names: an existing folder as given, else a script name's <c>out/SCRIPT</c>.</summary>
    public static string Resolve(string argument, string repoRoot) =>
        Directory.Exists(argument) || argument.Contains('/') || argument.Contains(Path.DirectorySeparatorChar)
            ? Path.GetFullPath(argument)
            : Path.Combine(repoRoot, "out", argument);

    /// <summary>
    /// The listing: one row per run, newest first. Its folder column is a path to give <c>compare.csx</c> as printed:
    /// <see cref="Shown"/> from the current directory.
    /// </summary>
    public static TextTable Table(IReadOnlyList<PastRun> runs, string folder) => TextTable.Of(
        [new("run"), new("folder"), new("started"), new("status"), new("arguments"), new("key metric")],
        runs.Select(r => (IReadOnlyList<TextCell>)[
            r.Latest ? "latest" : "kept",
            Shown(r.Dir, Environment.CurrentDirectory),
            r.StartedAt?.LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "?",
            r.Problem is not null ? "damaged record (below)" : r.Record is null ? "no record" : r.Record.Status.ToString().ToLowerInvariant(),
            r.Record is null ? "" : string.Join(' ', r.Record.Arguments),
            KeyMetricText(r.Record?.KeyMetric)]));

    /// <summary>
    /// A run folder as a path that works from <paramref name="currentDir"/>: relative when it lies below it
    /// (<c>out/.xor.runs/20261207T…</c>), else absolute. Never a path relative to anything else, so it can be pasted
    /// into <c>./csx tools/compare.csx -- A B</c> as printed.
    /// </summary>
    public static string Shown(string dir, string currentDir)
    {
        var full = Path.GetFullPath(dir);
        var relative = Path.GetRelativePath(Path.GetFullPath(currentDir), full);
        return relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    static string KeyMetricText(KeyMetric? metric) =>
        metric is null ? "" : $"{(metric.Series is { } s ? s + " · " : "")}{metric.Name} {(metric.Value is double v ? v.ToString("G6", CultureInfo.InvariantCulture) : "n/a")}";

    static readonly FlagOption HelpOption = new("help", "show this help");

    /// <summary>The tool: <c>SCRIPT|FOLDER</c>; prints the listing. Exit 0, 2 on bad usage or a folder that never held a run.</summary>
    public static int RunTool(IList<string> args, string repoRoot)
    {
        try
        {
            var parsed = ArgParser.Parse("runs", args, [HelpOption], new ArgSyntax(Positionals: true));
            if (parsed.HelpRequested) { Out.WriteLine(Usage); return 0; }
            if (parsed.Positionals.Count != 1)
                throw Ch13Exception.Usage($"runs: needs one script name or script folder (got {parsed.Positionals.Count}). Try --help.");
            var folder = Resolve(parsed.Positionals[0], repoRoot);
            var runs = Runs(folder);
            if (runs.Count == 0)
                throw Ch13Exception.Usage($"runs: no runs in {folder} (nothing there yet); run the script first, or name a script folder.");
            Out.Write(TextTables.ToMarkdown(Table(runs, folder)));
            foreach (var problem in runs.Select(r => r.Problem).OfType<string>()) Out.WriteLine($"damaged record: {problem}");
            return 0;
        }
        catch (Ch13Exception e)
        {
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
    }
}
