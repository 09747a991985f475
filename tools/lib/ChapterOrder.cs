#nullable enable

/// <summary>
/// The chapter's manifest (scripts/chapter.json, through <see cref="Chapter.TryLoad"/>) as the tools use it: the
/// scripts' order for batches and comparisons, and each script's section and description for the report.
/// </summary>
public static class ChapterOrder
{
    /// <summary>The manifest of the checkout these tools belong to, or null when it has none; a broken one is one line, exit 1.</summary>
    public static ChapterManifest? Manifest => manifest.Value;

    static readonly Lazy<ChapterManifest?> manifest = new(() => Load(Path.GetFullPath(Path.Combine(ToolsLibDir(), "..", ".."))));

    /// <summary>The manifest under <paramref name="repoRoot"/>, or null; a broken one is a <see cref="Ch13Exception"/> naming it.</summary>
    public static ChapterManifest? Load(string repoRoot)
    {
        try { return Chapter.TryLoad(repoRoot); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { throw new Ch13Exception(e.Message, 1, e); }
    }

    // This file's folder (tools/lib), as a script and as compiled C# alike.
    static string ToolsLibDir([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>Script names in the chapter's order, others after them alphabetically.</summary>
    public static IReadOnlyList<string> Sort(IEnumerable<string> scripts)
    {
        var order = Manifest?.Order ?? [];
        return scripts.OrderBy(n => order.Contains(n) ? order.ToList().IndexOf(n) : order.Count)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
    }
}
