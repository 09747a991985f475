namespace Ch13.Runner;

/// <summary>A script of the checkout, with the one line the chapter manifest describes it by (empty when it is not listed).</summary>
public sealed record ListedScript(string Name, string Path, string Description);

/// <summary>
/// Finds the script a user means: a path as given, else a chapter script by name (<c>xor</c> or <c>xor.csx</c> is
/// <c>scripts/xor.csx</c> of this checkout); lists the chapter's scripts, and suggests the nearest name for a typo.
/// </summary>
public static class ScriptFinder
{
    /// <summary>The checkout this runner belongs to: the nearest folder above its build output holding lib/ch13.csx.</summary>
    public static string? RepoRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "lib", "ch13.csx"))) return dir.FullName;
        return null;
    }

    /// <summary>The full path of the script <paramref name="given"/> names, or null when there is none.</summary>
    public static string? Resolve(string given, string? repoRoot)
    {
        var path = System.IO.Path.GetFullPath(given);
        if (File.Exists(path)) return path;
        if (repoRoot is null || given.Contains('/') || given.Contains('\\')) return null;
        var name = given.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) ? given[..^4] : given;
        var script = System.IO.Path.Combine(repoRoot, "scripts", name + ".csx");
        return File.Exists(script) ? script : null;
    }

    /// <summary>The one-line message for a script that is not there, with the nearest chapter script if one is close.</summary>
    public static string NotFound(string given, string? repoRoot)
    {
        var message = $"ch13-csx: script not found: {System.IO.Path.GetFullPath(given)}";
        if (repoRoot is null) return message;
        var stem = System.IO.Path.GetFileNameWithoutExtension(given);
        IReadOnlyList<ListedScript> scripts;
        try { scripts = List(repoRoot); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { scripts = []; } // no suggestion then
        var nearest = scripts
            .Select(script => (script, distance: Distance(stem.ToLowerInvariant(), script.Name.ToLowerInvariant())))
            .Where(c => c.distance <= Math.Max(1, c.script.Name.Length / 3))
            .OrderBy(c => c.distance).ThenBy(c => c.script.Name, StringComparer.Ordinal)
            .Select(c => c.script).FirstOrDefault();
        return nearest is null
            ? $"{message}; `./csx` alone lists the chapter's scripts"
            : $"{message}; did you mean {Relative(repoRoot, nearest.Path)}?";
    }

    /// <summary>
    /// The scripts in scripts/, in the chapter manifest's order (scripts/chapter.json, read by the lib's own reader) with
    /// its descriptions, then any it does not list by name. A manifest that cannot be read is an error naming it.
    /// </summary>
    public static IReadOnlyList<ListedScript> List(string repoRoot)
    {
        var scriptsDir = System.IO.Path.Combine(repoRoot, "scripts");
        if (!Directory.Exists(scriptsDir)) return [];
        var manifest = Chapter.TryLoad(repoRoot);
        var order = manifest?.Order.ToList() ?? [];
        return Directory.GetFiles(scriptsDir, "*.csx")
            .Select(System.IO.Path.GetFileNameWithoutExtension)
            .Select(name => new ListedScript(name!, System.IO.Path.Combine(scriptsDir, name + ".csx"), manifest?.Find(name!)?.Description ?? ""))
            .OrderBy(s => order.IndexOf(s.Name) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>What <c>./csx</c> alone prints: the scripts, each with its line, and how to run one.</summary>
    public static string Listing(string repoRoot)
    {
        var scripts = List(repoRoot);
        var width = scripts.Count == 0 ? 0 : scripts.Max(s => s.Name.Length);
        var lines = new List<string> { "The chapter's scripts, in the chapter's order:" };
        lines.AddRange(scripts.Select(s => $"  {s.Name.PadRight(width)}  {s.Description}"));
        lines.Add("");
        lines.Add("Run one:  ./csx xor  (or ./csx scripts/xor.csx -- --quick; a script's --help lists its options)");
        lines.Add("Run all:  ./run-all --quick");
        lines.Add("Runner options: ./csx --help");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Relative(string repoRoot, string path)
    {
        var relative = System.IO.Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? System.IO.Path.GetRelativePath(repoRoot, path) : relative;
    }

    // Edit distance with adjacent transpositions (optimal string alignment): "xorr" is 1 from "xor", "minst" 1 from "mnist".
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
