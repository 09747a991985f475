#nullable enable
using System.Globalization;

/// <summary>
/// Where a seed sweep puts its runs: one folder per seed inside the script's, <c>&lt;run&gt;/&lt;script&gt;/seed-&lt;N&gt;/</c>
/// (its console output beside it, <c>&lt;run&gt;/&lt;script&gt;/seed-&lt;N&gt;.log</c>). A single-seed batch keeps the plain
/// layout, <c>&lt;run&gt;/&lt;script&gt;/</c>, so nothing the notebook's fidelity reads changes.
/// </summary>
public static class SeedFolders
{
    const string Prefix = "seed-";

    /// <summary>The folder name of seed <paramref name="seed"/>: <c>seed-3</c>.</summary>
    public static string Name(int seed) => Prefix + seed.ToString(CultureInfo.InvariantCulture);

    /// <summary>The seed a folder name stands for (<c>seed-3</c> → 3), else null (leading zeros, signs and spaces are not seeds).</summary>
    public static int? SeedOf(string folderName) =>
        folderName.StartsWith(Prefix, StringComparison.Ordinal) && folderName.Length > Prefix.Length && folderName.Length <= Prefix.Length + 9
        && folderName.AsSpan(Prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0 && (folderName[Prefix.Length] != '0' || folderName.Length == Prefix.Length + 1)
            ? int.Parse(folderName.AsSpan(Prefix.Length), CultureInfo.InvariantCulture) : null;

    /// <summary>The seed folders of a script folder that hold a run (a metrics.json), by seed; empty for a plain script folder.</summary>
    public static IReadOnlyList<(int Seed, string Dir)> Of(string scriptDir) =>
        !Directory.Exists(scriptDir) || SafeFiles.IsLink(scriptDir) ? [] :
        Directory.GetDirectories(scriptDir)
            .Select(d => (Seed: SeedOf(Path.GetFileName(d)), Dir: d))
            .Where(s => s.Seed is not null && !SafeFiles.IsLink(s.Dir) && RunFolders.IsScriptFolder(s.Dir))
            .Select(s => (s.Seed!.Value, s.Dir))
            .OrderBy(s => s.Item1)
            .ToList();
}

/// <summary>
/// One script's runs on one side of a comparison or in one batch: one per seed of a sweep (each folder's
/// <see cref="ScriptFolder.Seed"/> set), or the single run of a plain batch (seed null).
/// </summary>
public sealed record ScriptGroup(string Script, IReadOnlyList<ScriptFolder> Runs)
{
    /// <summary>Whether the runs come from a seed sweep (seed folders), even a sweep of one seed.</summary>
    public bool IsSweep => Runs.Any(r => r.Seed is not null);

    /// <summary>The script's runs grouped, in the order their scripts first appear (seeds ascending within a script).</summary>
    public static IReadOnlyList<ScriptGroup> Of(IEnumerable<ScriptFolder> folders) =>
        folders.GroupBy(f => f.Script)
            .Select(g => new ScriptGroup(g.Key, g.OrderBy(f => f.Seed ?? int.MinValue).ToList()))
            .ToList();
}
