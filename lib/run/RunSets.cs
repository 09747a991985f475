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

    /// <summary>
    /// Creates this process's fresh staging folder for <paramref name="folder"/>, with the marker; returns its path. The
    /// folder is refused (one line, exit 2) when it is a symbolic link, or holds another script's run (its metrics.json
    /// names another script); the staging folder and marker are created exclusively, so a planted entry is never reused.
    /// </summary>
    public static string CreateStaging(string folder, string owner)
    {
        CheckNotLink(folder, "the output folder");
        if (OtherScript(folder, owner) is { } other)
            throw new Ch13Exception($"cannot use {folder} as {owner}'s output folder: it holds a run of {other} (its metrics.json says so); choose another --out DIR, e.g. {Path.Combine(folder, owner)}.", 2);
        var staging = StagingPath(folder, Environment.ProcessId);
        var parent = Path.GetDirectoryName(staging)!;
        // A staging of a dead run that had this PID: ours only when it is a real marked folder; anything else is refused below.
        SafeFiles.DeleteOwnedFolder(staging, parent, MarkerName);
        SafeFiles.CreateFolderNew(staging);
        SafeFiles.CreateFileNew(Path.Combine(staging, MarkerName), $"{Environment.ProcessId}\n{owner}\n");
        return staging;
    }

    /// <summary>A one-line refusal (exit 2) when <paramref name="path"/> is a symbolic link: a run never writes, moves or deletes through one.</summary>
    public static void CheckNotLink(string path, string what)
    {
        if (SafeFiles.IsLink(path))
            throw new Ch13Exception($"{what} {path} is a symbolic link; runs never write through links they did not make: remove it or give the real folder as --out DIR.", 2);
    }

    /// <summary>The script whose run <paramref name="folder"/> holds when it is not <paramref name="script"/> (by its metrics.json's <c>script</c>), else null.</summary>
    public static string? OtherScript(string folder, string script)
    {
        var record = Path.Combine(folder, "metrics.json");
        if (SafeFiles.KindOf(record) != EntryKind.File) return null;
        try
        {
            using var stream = SafeFiles.OpenRead(record, "run record", RecordCap);
            using var json = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
            var name = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("script", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return name is not null && name != script ? name : null;
        }
        catch (Exception e) when (e is JsonException or IOException or Ch13Exception) { return null; } // not readable: not provably another script's
    }

    /// <summary>The largest metrics.json read here (a record is kilobytes; a bigger file is not one).</summary>
    public const long RecordCap = 16 << 20;

    /// <summary>
    /// Removes <paramref name="staging"/> (a run that ended without swapping: nothing it wrote replaces the previous set).
    /// Only a real folder with our marker is removed, never through a link.
    /// </summary>
    public static void Discard(string staging)
    {
        try { SafeFiles.DeleteOwnedFolder(staging, Path.GetDirectoryName(Path.GetFullPath(staging))!, MarkerName); }
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
            if (!match.Success || match.Groups["name"].Value != name || SafeFiles.KindOf(dir) != EntryKind.Folder || !IsOurs(dir)) continue;
            var pid = int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture);
            if (pid == Environment.ProcessId || Files.IsAlive(pid)) continue;
            dead.Add(dir);
        }
        string? promoted = null;
        if (!SafeFiles.IsLink(folder) && IsMissingOrEmpty(folder))
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
        CheckNotLink(folder, "the output folder");
        CheckNotLink(staging, "the staging folder");
        if (SafeFiles.KindOf(staging) != EntryKind.Folder || !IsOurs(staging))
            throw new Ch13Exception($"the staging folder {staging} is gone or not this run's (no {MarkerName}); nothing was swapped.");
        if (Directory.Exists(folder))
        {
            if (IsMissingOrEmpty(folder)) Directory.Delete(folder);
            else
            {
                var store = StorePath(folder);
                CheckNotLink(store, "the kept-runs store");
                if (SafeFiles.KindOf(store) == EntryKind.Missing) SafeFiles.CreateFolderNew(store);
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
        var store = StorePath(folder);
        foreach (var old in Kept(folder).Skip(Math.Max(keep, 0)))
        {
            try { if (SafeFiles.DeleteOwnedFolder(old, store, marker: null)) removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The kept previous runs of run folder <paramref name="folder"/>, newest first (empty when none).</summary>
    public static IReadOnlyList<string> Kept(string folder)
    {
        var store = StorePath(folder);
        // A store that is a link is not ours to list (nor to prune through); a link inside it is a foreign entry.
        if (SafeFiles.KindOf(store) != EntryKind.Folder) return [];
        return Directory.GetDirectories(store).Where(d => !Path.GetFileName(d).StartsWith('.') && SafeFiles.KindOf(d) == EntryKind.Folder)
            .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// True when <paramref name="folder"/> may be replaced by a new set: it is missing, empty, or a run set (a metrics.json,
    /// or our marker). A folder holding other files is someone else's: a run refuses it.
    /// </summary>
    public static bool IsReplaceable(string folder) =>
        !Directory.Exists(folder) || IsMissingOrEmpty(folder) || IsOurs(folder) || File.Exists(Path.Combine(folder, "metrics.json"))
        || Directory.EnumerateFileSystemEntries(folder).All(e => Path.GetFileName(e) == FolderLocks.LockName || Files.IsTemp(Path.GetFileName(e)));

    /// <summary>Removes <paramref name="folder"/> when it is a real, empty folder (one a failed run created and never filled).</summary>
    public static void RemoveIfEmpty(string folder)
    {
        try { if (SafeFiles.KindOf(folder) == EntryKind.Folder && IsMissingOrEmpty(folder)) Directory.Delete(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

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
