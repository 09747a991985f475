#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

/// <summary>
/// A run folder is one run's complete set of files, replaced whole or not at all. For a run folder D
/// (<c>out/xor/</c>) everything lives beside it, in D's parent: the lock <c>.xor.lock</c>; the staging folder
/// <c>.xor.staging-&lt;pid&gt;/</c> a run writes into (marked ours by <see cref="MarkerName"/>); and the kept store
/// <c>.xor.runs/&lt;start time&gt;-&lt;pid&gt;/</c> of the previous sets. At the end of a run (<see cref="Swap"/>) D moves
/// into the store and staging becomes D: two renames on one file system, so a crash at any moment leaves the previous
/// set in D, or the new one in staging (promoted by <see cref="Recover"/> at the next start). The store keeps the
/// newest <see cref="Keep"/> sets (<c>CH13_KEEP</c>, default 5).
/// </summary>
public static class RunSets
{
    /// <summary>The environment variable naming how many previous runs a run folder keeps.</summary>
    public const string KeepVariable = "CH13_KEEP";
    public const int DefaultKeep = 5;

    /// <summary>The file that marks a staging folder as made here (removed from the run folder once swapped in).</summary>
    public const string MarkerName = ".ch13-run";

    static readonly Regex StagingName = new(@"^\.(?<name>.+)\.staging-(?<pid>\d+)$", RegexOptions.CultureInvariant);

    static (string Parent, string Name) Split(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var name = Path.GetFileName(full);
        var parent = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(name) || parent is null)
            throw new Ch13Exception($"cannot use {folder} as an output folder: it has no parent folder to keep its runs beside it; choose another --out DIR.", 2);
        return (parent, name);
    }

    /// <summary>The lock of run folder <paramref name="folder"/>: <c>&lt;parent&gt;/.&lt;name&gt;.lock</c> (beside it: the folder itself gets swapped).</summary>
    public static string LockPath(string folder)
    {
        var (parent, name) = Split(folder);
        return Path.Combine(parent, $".{name}.lock");
    }

    /// <summary>The kept store of <paramref name="folder"/>'s previous runs: <c>&lt;parent&gt;/.&lt;name&gt;.runs</c>.</summary>
    public static string StorePath(string folder)
    {
        var (parent, name) = Split(folder);
        return Path.Combine(parent, $".{name}.runs");
    }

    /// <summary>The staging folder process <paramref name="pid"/> writes <paramref name="folder"/>'s next set into.</summary>
    public static string StagingPath(string folder, int pid)
    {
        var (parent, name) = Split(folder);
        return Path.Combine(parent, $".{name}.staging-{pid.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>How many previous runs to keep: <c>CH13_KEEP</c> (a whole number ≥ 0) or <see cref="DefaultKeep"/>; anything else is a usage error (exit 2).</summary>
    public static int Keep(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return DefaultKeep;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var keep) && keep <= 1000) return keep;
        throw new Ch13Exception($"{KeepVariable}={text} is not a number of previous runs to keep (0 to 1000); fix or unset it.", 2);
    }

    /// <summary><see cref="Keep(string?)"/> of the environment's <c>CH13_KEEP</c>.</summary>
    public static int Keep() => Keep(Environment.GetEnvironmentVariable(KeepVariable));

    /// <summary>True when <paramref name="folder"/> holds this project's marker (only such folders are ever removed or promoted).</summary>
    public static bool IsOurs(string folder) => File.Exists(Path.Combine(folder, MarkerName));

    /// <summary>Creates this process's fresh staging folder for <paramref name="folder"/>, with the marker; returns its path.</summary>
    public static string CreateStaging(string folder, string owner)
    {
        var staging = StagingPath(folder, Environment.ProcessId);
        if (Directory.Exists(staging) && IsOurs(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, MarkerName), $"{Environment.ProcessId}\n{owner}\n");
        return staging;
    }

    /// <summary>
    /// Removes <paramref name="staging"/> (a run that ended without swapping: nothing it wrote replaces the previous set).
    /// Only a folder with our marker is removed.
    /// </summary>
    public static void Discard(string staging)
    {
        try { if (Directory.Exists(staging) && IsOurs(staging)) Directory.Delete(staging, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// What is left beside <paramref name="folder"/> by runs that died (call under its lock): when the folder is missing
    /// or empty, the newest dead staging that holds a metrics.json (its run died between the two renames of a swap) becomes
    /// the folder; every other dead staging with our marker is removed. Returns the promoted staging, or null.
    /// </summary>
    public static string? Recover(string folder)
    {
        var (parent, name) = Split(folder);
        if (!Directory.Exists(parent)) return null;
        var dead = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(parent, $".{name}.staging-*"))
        {
            var match = StagingName.Match(Path.GetFileName(dir));
            if (!match.Success || match.Groups["name"].Value != name || !IsOurs(dir)) continue;
            var pid = int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture);
            if (pid == Environment.ProcessId || Files.IsAlive(pid)) continue;
            dead.Add(dir);
        }
        string? promoted = null;
        if (IsMissingOrEmpty(folder))
        {
            promoted = dead.Where(d => File.Exists(Path.Combine(d, "metrics.json")))
                .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, "metrics.json"))).FirstOrDefault();
            if (promoted is not null)
            {
                if (Directory.Exists(folder)) Directory.Delete(folder);
                Directory.Move(promoted, folder);
            }
        }
        foreach (var dir in dead.Where(d => d != promoted)) Discard(dir);
        return promoted;
    }

    /// <summary>
    /// Makes <paramref name="staging"/> the run folder <paramref name="folder"/>: the previous set (if any) moves into the
    /// store under its start time, then staging is renamed to the folder; then the store is pruned to <paramref name="keep"/>.
    /// Returns where the previous set went (null when there was none).
    /// </summary>
    public static string? Swap(string folder, string staging, int keep)
    {
        string? kept = null;
        if (Directory.Exists(folder))
        {
            if (IsMissingOrEmpty(folder)) Directory.Delete(folder);
            else
            {
                var store = StorePath(folder);
                Directory.CreateDirectory(store);
                kept = FreeName(store, KeptName(folder));
                Directory.Move(folder, kept);
            }
        }
        Directory.Move(staging, folder);
        // The marker told staging folders apart; the run folder is the set alone (a crash before this line leaves it, harmless).
        try { File.Delete(Path.Combine(folder, MarkerName)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        Prune(folder, keep);
        return kept;
    }

    /// <summary>Removes all but the newest <paramref name="keep"/> kept sets of <paramref name="folder"/> (only inside its store); returns how many went.</summary>
    public static int Prune(string folder, int keep)
    {
        var removed = 0;
        foreach (var old in Kept(folder).Skip(Math.Max(keep, 0)))
        {
            try { Directory.Delete(old, recursive: true); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The kept previous runs of run folder <paramref name="folder"/>, newest first (empty when none).</summary>
    public static IReadOnlyList<string> Kept(string folder)
    {
        var store = StorePath(folder);
        if (!Directory.Exists(store)) return [];
        return Directory.GetDirectories(store).Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// True when <paramref name="folder"/> may be replaced by a new set: it is missing, empty, or a run set (a metrics.json,
    /// or our marker). A folder holding other files is someone else's: a run refuses it.
    /// </summary>
    public static bool IsReplaceable(string folder) =>
        !Directory.Exists(folder) || IsMissingOrEmpty(folder) || IsOurs(folder) || File.Exists(Path.Combine(folder, "metrics.json"))
        || Directory.EnumerateFileSystemEntries(folder).All(e => Path.GetFileName(e) == FolderLocks.LockName || Files.IsTemp(Path.GetFileName(e)));

    static bool IsMissingOrEmpty(string folder) => !Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any();

    // "<start time, UTC, sortable>-<pid>": the start time from the folder's record (its write time when it has none).
    static string KeptName(string folder)
    {
        var record = Path.Combine(folder, "metrics.json");
        DateTimeOffset when = Directory.GetLastWriteTimeUtc(folder);
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(record));
            if (json.RootElement.TryGetProperty("timings", out var timings) && timings.TryGetProperty("started_at", out var started)
                && DateTimeOffset.TryParse(started.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
                when = at;
            else when = File.GetLastWriteTimeUtc(record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException) { }
        // The PID of the run that replaced it: with the time, unique even for two sets started in the same millisecond.
        return when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    }

    static string FreeName(string store, string name)
    {
        var path = Path.Combine(store, name);
        for (var i = 2; Directory.Exists(path) || File.Exists(path); i++) path = Path.Combine(store, $"{name}.{i}");
        return path;
    }
}
