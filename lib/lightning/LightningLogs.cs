#nullable enable
using System.Globalization;

/// <summary>Lightning's <c>lightning_logs/version_N</c> folders: which number the CSV logger takes next.</summary>
public static class LightningLogs
{
    /// <summary>
    /// The CSVLogger's next version under <paramref name="logsDir"/> (a <c>lightning_logs</c> folder, or several — a run
    /// folder's and its kept sets'): one more than the highest <c>version_N</c> in any of them, 0 when there is none.
    /// </summary>
    public static int NextVersion(params string[] logsDirs) =>
        logsDirs.Where(Directory.Exists)
            .SelectMany(dir => Directory.GetDirectories(dir, "version_*"))
            .Select(dir => int.TryParse(Path.GetFileName(dir)["version_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .DefaultIfEmpty(-1).Max() + 1;
}
