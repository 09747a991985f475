using System.Text.RegularExpressions;

namespace Ch13.Runner;

/// <summary>A <c>#load</c> or <c>#r</c> line at the top of a source file (line and column are 1-based).</summary>
public sealed record Directive(string Kind, string Argument, string File, int Line, int Column)
{
    public bool IsNuGet => Argument.TrimStart().StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file a #load names, or the dll a #r names, relative to the file holding the directive.</summary>
    public string ResolvedPath => Path.GetFullPath(Argument, Path.GetDirectoryName(File)!);

    public string At => $"{File}({Line},{Column})";
}

/// <summary>One source file of a script as read from disk: the compiler is handed these very bytes.</summary>
public sealed record SourceFile(string Path, byte[] Bytes, IReadOnlyList<Directive> Directives);

/// <summary>
/// A script and everything it #loads. <see cref="Complete"/> is false when a #load target or #r dll is missing:
/// such a script is compiled (the compiler reports the error at the directive) but never cached.
/// </summary>
public sealed record ScriptSources(
    string MainPath,
    IReadOnlyList<SourceFile> Files,
    IReadOnlyList<string> LocalAssemblies,
    IReadOnlyList<string> Errors,
    bool Complete)
{
    public SourceFile? Find(string path) => Files.FirstOrDefault(f => f.Path == path);
}

/// <summary>
/// Reads a script's #load graph as plain text, without the compiler, so a cached build can be found
/// (its key hashes every file) without loading Roslyn. Also turns a #load cycle into an error:
/// Roslyn would silently load each file once, which hides the mistake.
/// </summary>
public static partial class LoadGraph
{
    public static ScriptSources Read(string mainPath)
    {
        var files = new List<SourceFile>();
        var assemblies = new List<string>();
        var errors = new List<string>();
        var complete = true;
        var visited = new HashSet<string>();
        var stack = new List<string>();

        void Visit(string path, Directive? via)
        {
            if (stack.Contains(path))
            {
                var cycle = stack.Skip(stack.IndexOf(path)).Append(path).Select(p => Path.GetFileName(p));
                errors.Add($"{via!.At}: error CSX0001: #load cycle: {string.Join(" -> ", cycle)}; remove one of these #load lines");
                return;
            }
            if (!visited.Add(path)) return;  // a diamond (two files loading one) is fine: it loads once
            if (!File.Exists(path)) { complete = false; return; }

            var bytes = File.ReadAllBytes(path);
            var directives = Directives(path, bytes);
            files.Add(new SourceFile(path, bytes, directives));
            stack.Add(path);
            foreach (var d in directives)
            {
                if (d.Kind == "load") Visit(d.ResolvedPath, d);
                else if (d.IsNuGet) continue;  // covered by the file's own bytes
                else if (File.Exists(d.ResolvedPath)) { if (!assemblies.Contains(d.ResolvedPath)) assemblies.Add(d.ResolvedPath); }
                else complete = false;
            }
            stack.RemoveAt(stack.Count - 1);
        }

        Visit(mainPath, null);
        return new ScriptSources(mainPath, files, assemblies, errors, complete && errors.Count == 0);
    }

    /// <summary>
    /// The #load and #r lines of a file. The compiler accepts them only before the first token, so the scan
    /// stops at the first line that is not blank, a comment or a preprocessor directive.
    /// </summary>
    public static IReadOnlyList<Directive> Directives(string path, byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
        var lines = reader.ReadToEnd().Split('\n');
        var found = new List<Directive>();
        var inComment = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var text = line.TrimStart();
            if (inComment)
            {
                var end = text.IndexOf("*/", StringComparison.Ordinal);
                if (end < 0) continue;
                inComment = false;
                text = text[(end + 2)..].TrimStart();
            }
            if (text.StartsWith("/*", StringComparison.Ordinal))
            {
                var end = text.IndexOf("*/", 2, StringComparison.Ordinal);
                if (end < 0) { inComment = true; continue; }
                text = text[(end + 2)..].TrimStart();
            }
            if (text.Length == 0 || text.StartsWith("//", StringComparison.Ordinal)) continue;
            if (!text.StartsWith('#')) break;
            var match = DirectivePattern().Match(text);
            if (match.Success)
                found.Add(new Directive(match.Groups[1].Value, match.Groups[2].Value, path, i + 1, line.IndexOf('#') + 1));
        }
        return found;
    }

    [GeneratedRegex("""^#\s*(load|r)\s+"([^"]*)"\s*(//.*)?$""")]
    private static partial Regex DirectivePattern();
}
