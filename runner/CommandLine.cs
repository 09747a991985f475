namespace Ch13.Runner;

/// <summary>What the command line asked for. <see cref="ScriptArgs"/> become the script's <c>Args</c>.</summary>
public sealed record RunnerOptions(
    string? ScriptPath,
    IReadOnlyList<string> ScriptArgs,
    bool NoCache = false,
    bool Verbose = false,
    bool Help = false,
    bool Version = false,
    string? Error = null);

/// <summary>Parses <c>ch13-csx [options] script.csx [--] [args…]</c>.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: ch13-csx [options] <script.csx | name> [--] [script arguments...]

        Runs a C# script the way dotnet-script 2.0 does (#r "nuget: …", #load, Args, exit codes),
        with the packages this runner was built with (see runner/Ch13.Runner.csproj).
        Everything after the script path goes to the script's Args; a leading "--" is dropped.
        A name without a folder runs that chapter script: `xor` is scripts/xor.csx of this checkout.
        With no script, lists the chapter's scripts.

        Options (before the script path):
          --no-cache   compile the script even if a cached build exists, and do not cache it
          --verbose    report cache hits/misses and timings on stderr
          --version    print the runner's version
          --help       print this help

        Environment:
          CH13_CSX_CACHE   cache folder (default: ${XDG_CACHE_HOME:-~/.cache}/ch13-csx)
        """;

    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunnerOptions(null, []);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--no-cache": options = options with { NoCache = true }; continue;
                case "--verbose": options = options with { Verbose = true }; continue;
                case "--help" or "-h" or "-?": return options with { Help = true };
                case "--version": return options with { Version = true };
                case "--" when i + 1 < args.Count: return WithScript(options, args, i + 1);
            }
            if (arg.StartsWith('-') && arg != "-")
                return options with { Error = $"ch13-csx: unknown option '{arg}' (options go before the script path; see --help)" };
            return WithScript(options, args, i);
        }
        // No script: Program lists the chapter's scripts.
        return options;
    }

    // Like dotnet-script: the script's arguments are everything after its path, minus one leading "--".
    private static RunnerOptions WithScript(RunnerOptions options, IReadOnlyList<string> args, int scriptIndex)
    {
        var rest = args.Skip(scriptIndex + 1).ToList();
        if (rest.Count > 0 && rest[0] == "--") rest.RemoveAt(0);
        return options with { ScriptPath = args[scriptIndex], ScriptArgs = rest };
    }
}
