#nullable enable

/// <summary>
/// What compare's arguments name: a folder as given, a run tag (<c>a</c> → <c>out/runs/a</c>, from
/// <c>./run-all --tag a</c>), or one script's name alone (<c>xor</c>), which means its two latest runs: the kept
/// previous run <c>out/.xor.runs/&lt;newest&gt;/</c> (A) and <c>out/xor</c> (B). Every path <c>tools/runs.csx</c> prints
/// is accepted as printed: a script's name (<c>xor</c> → <c>out/xor</c>), and a kept run relative to its script folder's
/// parent (<c>.xor.runs/&lt;stamp&gt;</c>, found in <c>out/</c> or in one tagged run <c>out/runs/&lt;tag&gt;/</c>).
/// </summary>
public static class RunSources
{
    /// <summary>The folders to compare, A first; a usage error (exit 2) saying what was looked for when an argument names none.</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string> args, string outRoot)
    {
        if (args.Count == 0) throw Ch13Exception.Usage("compare: needs two runs, A and B (or one script's name, to compare its latest two runs). Try --help.");
        if (args.Count == 1)
        {
            if (Tag(args[0], outRoot) is null && Path.GetFileName(args[0].TrimEnd('/')) is var script && LatestRuns(Path.Combine(outRoot, script)) is { Count: > 0 } runs)
            {
                if (runs.Count < 2)
                    throw Ch13Exception.Usage($"compare: {script} has one run ({runs[0]}) and no earlier one kept in {KeptRunsDir(Path.Combine(outRoot, script))}; run it again, or name two folders.");
                return [runs[1], runs[0]];
            }
            throw Ch13Exception.Usage($"compare: needs two runs, A and B, or a script with runs in {outRoot} (got only {args[0]}). Try --help.");
        }
        return args.Select(a => Tag(a, outRoot) ?? ScriptOrKept(a, outRoot)
            ?? throw Ch13Exception.Usage($"compare: no such folder: {a} (nor a run tag {Path.Combine(outRoot, "runs", a)}, nor {Path.Combine(outRoot, a)}); " +
                "give a run folder, a script folder, a tag from ./run-all --tag, or a run as tools/runs.csx prints it.")).ToList();
    }

    // The folder an argument names: itself when it exists, else out/runs/<tag>.
    static string? Tag(string arg, string outRoot) =>
        Directory.Exists(arg) ? arg
        : !arg.Contains('/') && !arg.Contains('\\') && Directory.Exists(Path.Combine(outRoot, "runs", arg)) ? Path.Combine(outRoot, "runs", arg)
        : null;

    // A run as runs.csx prints it: a script's name (out/<name>), or a path relative to the script folder's parent:
    // out/ itself, else the one tagged run (out/runs/<tag>/) that holds it. Only relative paths that stay inside out/.
    static string? ScriptOrKept(string arg, string outRoot)
    {
        if (Path.IsPathRooted(arg) || arg.Split('/', '\\').Any(part => part == "..")) return null;
        var inOut = Path.Combine(outRoot, arg);
        if (Directory.Exists(inOut) && !SafeFiles.IsLink(inOut)) return inOut;
        var runsDir = Path.Combine(outRoot, "runs");
        if (!Directory.Exists(runsDir)) return null;
        var tagged = Directory.GetDirectories(runsDir).Select(tag => Path.Combine(tag, arg)).Where(d => Directory.Exists(d) && !SafeFiles.IsLink(d)).ToList();
        return tagged.Count switch
        {
            1 => tagged[0],
            0 => null,
            _ => throw Ch13Exception.Usage($"compare: {arg} is in {tagged.Count} tagged runs ({string.Join(", ", tagged.Select(t => Path.GetRelativePath(outRoot, t)))}); give the folder with its run's path."),
        };
    }

    /// <summary>Where earlier runs of the script folder <paramref name="scriptDir"/> are kept: <c>&lt;parent&gt;/.&lt;name&gt;.runs</c>.</summary>
    public static string KeptRunsDir(string scriptDir) => RunSets.StorePath(Path.GetFullPath(scriptDir));

    /// <summary>
    /// A script folder's runs, newest first: the folder itself (its latest run), then the kept ones
    /// (<see cref="RunSets.Kept"/>). Only folders holding a run record count.
    /// </summary>
    public static IReadOnlyList<string> LatestRuns(string scriptDir)
    {
        var runs = new List<string>();
        if (RunFolders.IsScriptFolder(scriptDir)) runs.Add(Path.GetFullPath(scriptDir));
        runs.AddRange(RunSets.Kept(Path.GetFullPath(scriptDir)).Where(RunFolders.IsScriptFolder));
        return runs;
    }
}
