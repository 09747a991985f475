#nullable enable

/// <summary>
/// run-all's claim on its run folder: it writes report.html, summary.md, summary.json and a log per script there, so it
/// takes only a new or empty folder, or one marked as an earlier run-all's (the rule compare --out follows). Runs under
/// out/runs/ are run-all's own. A symbolic link as the folder is refused: run-all never writes through a link.
/// </summary>
public static class BatchFolders
{
    /// <summary>The file that marks a folder as run-all's own.</summary>
    public const string Marker = ".ch13-run-all";

    /// <summary>Makes <paramref name="runDir"/> run-all's (the marker written), or refuses it in one line, exit 2.</summary>
    public static void Claim(string runDir, string repoRoot)
    {
        var kind = SafeFiles.KindOf(runDir);
        if (kind == EntryKind.Link)
            throw Ch13Exception.Usage($"run-all: --out {runDir} is a symbolic link, and run-all writes only into a real folder; give the folder itself or a new one.");
        if (kind == EntryKind.File) Files.CreateFolder(runDir); // the one-line "a file where a folder belongs", exit 1
        if (kind is not (EntryKind.Missing or EntryKind.Folder))
            throw Ch13Exception.Usage($"run-all: --out {runDir} is not a folder; choose a new or empty folder with --out DIR.");
        var own = SafePaths.IsInside(runDir, Path.Combine(repoRoot, "out", "runs"))
            || SafeFiles.KindOf(Path.Combine(runDir, Marker)) == EntryKind.File;
        // The folder lock's own entry is run-all's protocol, not the user's file (what is wrong with it is the lock's to say).
        if (kind == EntryKind.Folder && !own && Directory.EnumerateFileSystemEntries(runDir).Any(e => Path.GetFileName(e) != FolderLocks.LockName))
            throw Ch13Exception.Usage($"run-all: --out {runDir} already holds other files (it is not an earlier run-all's), and run-all " +
                "writes only into its own folder; choose a new or empty folder with --out DIR.");
        Files.CreateFolder(runDir);
        if (SafeFiles.KindOf(Path.Combine(runDir, Marker)) == EntryKind.Missing)
            Files.WriteAllTextAtomic(Path.Combine(runDir, Marker), "written by ./run-all: it may replace the files in this folder\n");
    }
}
