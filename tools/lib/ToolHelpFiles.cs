#nullable enable

/// <summary>
/// The tools' <c>--help</c> texts as files (tools/help/TOOL.txt), so that the runner answers <c>--help</c> without
/// compiling the tools (runner/ToolHelp.cs). The one source of truth stays the usage generated from each tool's option
/// handles (<see cref="BatchArgs.Usage"/>, <see cref="Compare.Usage"/>, <see cref="RunHistory.Usage"/>): the files are
/// written from it by <c>./csx tools/write-help.csx</c>, and a test fails while one differs from it.
/// </summary>
public static class ToolHelpFiles
{
    /// <summary>
    /// Stands for this machine's core count in a file (run-all's <c>--jobs</c> default); the runner puts the count back
    /// when it prints the file, so a file written on one machine is true on every other.
    /// </summary>
    public const string CoresToken = "{cores}";

    /// <summary>What each tool prints for <c>--help</c> (its usage and a newline, as <c>Out.WriteLine</c> writes it), by tool name.</summary>
    public static IReadOnlyDictionary<string, string> Printed => new Dictionary<string, string>
    {
        ["run-all"] = BatchArgs.Usage + "\n",
        ["compare"] = Compare.Usage + "\n",
        ["runs"] = RunHistory.Usage + "\n",
    };

    /// <summary>tools/help/TOOL.txt under the repository root.</summary>
    public static string PathFor(string repoRoot, string tool) => Path.Combine(repoRoot, "tools", "help", tool + ".txt");

    /// <summary>A printed help as its file holds it: this machine's core count in a default replaced by <see cref="CoresToken"/>.</summary>
    public static string FileText(string printed) =>
        printed.Replace($"(default {Environment.ProcessorCount};", $"(default {CoresToken};", StringComparison.Ordinal);

    /// <summary>A file's text as the runner prints it (the inverse of <see cref="FileText"/>).</summary>
    public static string PrintedText(string fileText) =>
        fileText.Replace(CoresToken, Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Writes every tool's help file (atomically); returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string repoRoot)
    {
        var written = new List<string>();
        foreach (var (tool, printed) in Printed)
        {
            var path = PathFor(repoRoot, tool);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Files.WriteAllTextAtomic(path, FileText(printed));
            written.Add(path);
        }
        return written;
    }
}
