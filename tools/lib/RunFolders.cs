#nullable enable
using System.Globalization;

/// <summary>
/// One script's output folder: its name, where it is, its run record (null when metrics.json is missing or is not a
/// ch13 run record: a failed run leaves none), its PNGs (paths relative to the folder, with '/') and, when its
/// metrics.json is there but damaged (or names a script that cannot be a folder name), the line that says so.
/// <see cref="Seed"/> is the sweep's seed when the folder is one seed's run of a sweep (<see cref="SeedFolders"/>).
/// </summary>
public sealed record ScriptFolder(string Script, string Dir, RunRecord? Record, IReadOnlyList<string> Images, string? Problem = null)
{
    public int? Seed { get; init; }
}

/// <summary>
/// Reading run outputs: script folders, their run records (<see cref="RunRecords"/>) and PNGs, and the values a record
/// holds under the names users see: a series' name and the value's ("MLP 2-10-6-2 · valid_acc"), or a run value's own name.
/// </summary>
public static class RunFolders
{
    /// <summary>Lists longer than this (weights, confusion matrices) are shown by their size, not number by number.</summary>
    public const int MaxListedArray = 8;

    public static string MetricsPath(string dir) => Path.Combine(dir, "metrics.json");

    /// <summary>True when <paramref name="dir"/> holds a metrics.json (whatever it is: a damaged one is reported, not skipped).</summary>
    public static bool IsScriptFolder(string dir) => SafeFiles.KindOf(MetricsPath(dir)) is not (EntryKind.Missing or EntryKind.Folder);

    /// <summary>
    /// The script folders of <paramref name="dir"/>: the folder itself when it holds a metrics.json, otherwise every
    /// subfolder holding a metrics.json or a PNG (a failed script may have left plots but no metrics). A subfolder that
    /// holds seed folders (a sweep's <c>xor/seed-3/</c>) gives one folder per seed, each named for the script with its
    /// <see cref="ScriptFolder.Seed"/>; <see cref="Groups"/> puts them back together.
    /// </summary>
    public static IReadOnlyList<ScriptFolder> Open(string dir)
    {
        if (!Directory.Exists(dir)) throw new Ch13Exception($"no such folder: {dir}", 2);
        if (IsScriptFolder(dir)) return [Read(dir, null)];
        if (SeedFolders.Of(dir) is { Count: > 0 } ownSeeds) return Seeds(dir, null, ownSeeds);
        return Directory.GetDirectories(dir)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .SelectMany(d => IsScriptFolder(d) ? [Read(d, Path.GetFileName(d))]
                : SeedFolders.Of(d) is { Count: > 0 } seeds ? Seeds(d, Path.GetFileName(d), seeds)
                : Directory.EnumerateFiles(d, "*.png", SearchOption.AllDirectories).Any() ? [Read(d, Path.GetFileName(d))]
                : (IReadOnlyList<ScriptFolder>)[])
            .ToList();
    }

    /// <summary><see cref="Open"/>'s folders, one group per script (its seeds together).</summary>
    public static IReadOnlyList<ScriptGroup> Groups(string dir) => ScriptGroup.Of(Open(dir));

    // A sweep's script folder: one run per seed, all named for the script (its folder's name, else the first record's).
    static IReadOnlyList<ScriptFolder> Seeds(string scriptDir, string? name, IReadOnlyList<(int Seed, string Dir)> seeds)
    {
        var runs = seeds.Select(s => Read(s.Dir, name) with { Seed = s.Seed }).ToList();
        var script = name ?? runs[0].Script;
        return runs.Select(r => r with { Script = script }).ToList();
    }

    /// <summary>Reads one script folder; its name is <paramref name="name"/>, else the record's script, else the folder's name.</summary>
    public static ScriptFolder Read(string dir, string? name)
    {
        var (record, problem) = RunRecordFiles.TryReadSaying(MetricsPath(dir));
        // The record's script names output folders (compare's per-script folder): only as one safe path segment.
        var recorded = record?.Script;
        if (name is null && record is not null && SafePaths.SegmentProblem(recorded) is { } bad)
            (problem, recorded) = ($"{MetricsPath(dir)}: its script '{Printable(recorded)}' cannot name a folder: {bad}", null);
        var script = name ?? recorded ?? Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));
        return new ScriptFolder(script, Path.GetFullPath(dir), record, Images(dir), problem);
    }

    static string Printable(string? text) =>
        text is null ? "(none)" : string.Concat(text.Take(80).Select(c => char.IsControl(c) ? '?' : c));

    /// <summary>Every PNG under <paramref name="dir"/> (not hidden temp files; regular files only: a FIFO named x.png would block its reader), relative, sorted.</summary>
    public static IReadOnlyList<string> Images(string dir) =>
        !Directory.Exists(dir) ? [] :
        Directory.EnumerateFiles(dir, "*.png", SearchOption.AllDirectories)
            .Where(f => SafeFiles.KindOf(f) == EntryKind.File)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A value's name as users see it: <c>series · name</c>, or just the name for a run value.</summary>
    public static string Label(string? series, string name) => series is null ? name : $"{series} · {name}";

    /// <summary>The key metric's name as users see it (with its series when it has one).</summary>
    public static string Label(KeyMetric key) => Label(key.Series, key.Name);

    /// <summary>
    /// A series' last epoch as values: <c>epochs</c> (the last epoch's number, which early stopping changes) and every
    /// metric column it recorded, each with the direction it improves in. Empty when no epoch finished.
    /// </summary>
    public static IReadOnlyList<RunValue> FinalMetrics(Series series)
    {
        if (series.Final is not { } final) return [];
        var values = new List<RunValue> { RunValue.Of("epochs", final.Epoch) };
        foreach (var column in HistoryColumns.All)
            if (column.Read(final) is { } x) values.Add(RunValue.Of(column.Name, x, column.Better));
        return values;
    }

    /// <summary>The values a record measured (each series' values, then the run's), named for users.</summary>
    public static IReadOnlyList<RunValue> Values(RunRecord record) =>
        record.Series.SelectMany(s => s.Values.Select(v => v with { Name = Label(s.Name, v.Name) }))
            .Concat(record.Results)
            .ToList();

    /// <summary>Everything a comparison lines up: per series its final epoch metrics and its values, then the run's values; named for users.</summary>
    public static IReadOnlyList<RunValue> Results(RunRecord record) =>
        record.Series.SelectMany(s => FinalMetrics(s).Concat(s.Values).Select(v => v with { Name = Label(s.Name, v.Name) }))
            .Concat(record.Results)
            .ToList();

    /// <summary>
    /// A value as tables show it: its number (<see cref="Display(double)"/>), its list (in full up to
    /// <see cref="MaxListedArray"/> numbers, else its size and shape), or its text; <c>null</c> when it holds nothing.
    /// </summary>
    public static string Display(RunValue value)
    {
        if (value.Number is { } x) return Display(x);
        if (value.Numbers is { } numbers)
        {
            if (numbers.Count <= MaxListedArray) return "[" + string.Join(", ", numbers.Select(n => Display(n))) + "]";
            var shape = value.Shape is { Count: > 1 } s ? $", {string.Join("×", s)}" : "";
            return $"{numbers.Count} numbers{shape}";
        }
        return value.Text ?? "null";
    }

    /// <summary>
    /// A number as tables show it: integers as integers, tiny ones in scientific notation (<c>1.6e-7</c>, never
    /// <c>0.0000</c>), others with 4 decimals (1 when large). With <paramref name="significant"/> (deltas, shares), about
    /// 4 significant digits whatever the magnitude, integers included.
    /// </summary>
    public static string Display(double x, bool significant = false)
    {
        if (!double.IsFinite(x)) return x.ToString(CultureInfo.InvariantCulture);
        if (x == 0) return "0";
        if (!significant && x == Math.Round(x) && Math.Abs(x) < 1e15) return Numbers.Fixed(x, "F0");
        if (Math.Abs(x) < 1e-3 || Math.Abs(x) >= 1e15) return x.ToString("0.###e-0", CultureInfo.InvariantCulture);
        if (significant) return Numbers.Fixed(x, "F" + Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 4));
        return Numbers.Fixed(x, Math.Abs(x) >= 1000 ? "F1" : "F4");
    }

    /// <summary>Whether two values hold the same number, list (and shape) and text: NaN equals NaN, a missing value only a missing one.</summary>
    public static bool Same(RunValue? a, RunValue? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return Nullable.Equals(a.Number, b.Number)
            && SameList(a.Numbers, b.Numbers)
            && SameList(a.Shape, b.Shape)
            && a.Text == b.Text;
    }

    static bool SameList<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        a is null || b is null ? a is null && b is null : a.SequenceEqual(b);
}
