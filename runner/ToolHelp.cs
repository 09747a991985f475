using System.Globalization;

namespace Ch13.Runner;

/// <summary>
/// A tool's <c>--help</c> without compiling the tool: for <c>DIR/NAME.csx</c> given exactly <c>--help</c> (or <c>-h</c>),
/// the text of <c>DIR/help/NAME.txt</c> when that regular file exists (tools/help/, written from the tools' option
/// handles by tools/write-help.csx; a test keeps each equal to the tool's own --help). Its <c>{cores}</c> is this
/// machine's core count, as the tool itself would print it. Anything else compiles and runs the script as usual.
/// </summary>
public static class ToolHelp
{
    public const string CoresToken = "{cores}";

    /// <summary>The help file of <paramref name="scriptPath"/>, whether or not it exists.</summary>
    public static string FileFor(string scriptPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(scriptPath))!, "help", Path.GetFileNameWithoutExtension(scriptPath) + ".txt");

    /// <summary>The help to print instead of running the script, or null (not a lone --help, or no help file).</summary>
    public static string? Text(string scriptPath, IReadOnlyList<string> scriptArgs)
    {
        if (scriptArgs.Count != 1 || scriptArgs[0] is not ("--help" or "-h" or "-?")) return null;
        var file = new FileInfo(FileFor(scriptPath));
        // Only a regular file of this checkout (not a link to somewhere else), and a small one.
        if (!file.Exists || file.LinkTarget is not null || file.Length > 64 * 1024) return null;
        try { return File.ReadAllText(file.FullName).Replace(CoresToken, Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // then the tool answers itself
    }
}
