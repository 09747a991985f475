#nullable enable
using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>What <c>./run-all</c> was asked to do: where the run goes, which scripts, how, and with which extra arguments.</summary>
public sealed record BatchOptions(
    string RunDir,
    string Name,
    bool Quick,
    IReadOnlyList<string> Only,
    ScriptRunner Runner,
    IReadOnlyList<string> ScriptArgs,
    string ScriptsDir,
    bool Help = false)
{
    /// <summary>Arguments for one script only (<c>--args mnist="--full --epochs 3"</c>), after the ones for every script.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PerScriptArgs { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>How many scripts run at once (<c>--jobs</c>); each uses one torch thread.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Where the scripts run (<c>--executor</c>): "local" processes or a "slurm" job array.</summary>
    public string Executor { get; init; } = "local";

    /// <summary>sbatch options for <c>--executor slurm</c> (<c>--slurm-args="--partition gpu --time 30"</c>), passed unchanged.</summary>
    public IReadOnlyList<string> SlurmArgs { get; init; } = [];

    /// <summary>With Slurm: submit and return (<c>--no-wait</c>); <c>--collect</c> finishes the batch later.</summary>
    public bool NoWait { get; init; }

    /// <summary>A run folder whose Slurm job to wait for and summarise (<c>--collect DIR</c>), instead of a new batch.</summary>
    public string? Collect { get; init; }

    /// <summary>When the batch started, when that was before this run-all (a Slurm job collected later); null: now.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>A seed sweep's seeds (<c>--seeds 1,2,3</c> or <c>--seeds 3</c>), ascending; null: one run per script, as always.</summary>
    public IReadOnlyList<int>? Seeds { get; init; }
}

/// <summary>run-all's command line: its option handles, the parser over them, and the --help text generated from them.</summary>
public static class BatchArgs
{
    static readonly FlagOption QuickOption = new("quick", "pass --quick to every script (small settings; the whole batch takes about a minute)");
    static readonly TextOption TagOption = new("tag", null, "name the run folder out/runs/NAME (default: out/runs/<yyyyMMdd-HHmmss>)", Placeholder: "NAME");
    static readonly TextOption OutOption = new("out", null, "write the run into DIR instead", Placeholder: "DIR");
    static readonly ListOption OnlyOption = new("only", "run only these scripts (repeatable; names as in scripts/, without .csx)");
    static readonly ChoiceOption RunnerOption = new("runner", ["csx", "dotnet-script"], "csx", "the bundled ./csx, or dotnet-script (dotnet script <file>)");
    static readonly RepeatedTextOption ArgsOption = new("args", "arguments for script S only (repeatable), e.g. --args mnist=\"--full --epochs 3\"", Placeholder: "S=\"A B\"");
    static readonly IntOption JobsOption = new("jobs", Environment.ProcessorCount, "run N scripts at once, by default one per core (metrics are the same as with 1)", Max: 64);
    static readonly ChoiceOption ExecutorOption = new("executor", ["local", "slurm"], "local", "run the scripts as local processes, or as one Slurm job array (sbatch; the run folder must be on a file system every node shares)");
    static readonly TextOption SlurmArgsOption = new("slurm-args", null, "options for sbatch with --executor slurm, passed unchanged, e.g. --slurm-args=\"--partition main --time 30\" (with '=': the value starts with --)", Placeholder: "\"A B\"");
    static readonly FlagOption NoWaitOption = new("no-wait", "with --executor slurm: submit, print the job id and the command that finishes the batch, and return");
    static readonly TextOption CollectOption = new("collect", null, "wait for the Slurm job of run folder DIR (submitted with --no-wait), then write its summary and report", Placeholder: "DIR");
    static readonly ListOption SeedsOption = new("seeds", $"run every script once per seed: a list (1,2,3) or a count N (seeds 1 to N; at most {MaxSeeds}), into <run>/<script>/seed-<N>/", Placeholder: "a,b|N");
    static readonly TextOption ScriptsOption = new("scripts", null, "run the .csx files of another folder (default: scripts/)", Placeholder: "DIR");
    static readonly FlagOption HelpOption = new("help", "show this help");

    // In the order --help lists them.
    static readonly IReadOnlyList<OptionSpec> All = [QuickOption, TagOption, OutOption, OnlyOption, RunnerOption, ArgsOption, SeedsOption, JobsOption, ExecutorOption, SlurmArgsOption, NoWaitOption, CollectOption, ScriptsOption, HelpOption];

    /// <summary>run-all's --help: what it does, then one line per option (from the handles above), then what it writes.</summary>
    public static string Usage => $"""
        run-all: runs every section script in scripts/, each in its own process, into one run folder.

        Usage: ./run-all [options] [-- arguments for every script]

        Options:
        {ArgParser.OptionLines(All).TrimEnd('\n')}

        Each script writes <run>/<script>/ (metrics.json, PNGs) and its console output to <run>/<script>.log;
        with --seeds, each seed's run writes <run>/<script>/seed-<N>/ and <run>/<script>/seed-<N>.log.
        Arguments a script does not take are reported before anything runs.
        At the end: summary.json, summary.md and report.html in the run folder. Exit code 1 when any script failed.
        Compare two runs with: ./csx tools/compare.csx -- out/runs/A out/runs/B
        """;

    /// <summary>Parses run-all's arguments (everything after a bare <c>--</c> goes to every script). Throws a usage error on bad input.</summary>
    public static BatchOptions Parse(IList<string> args, string repoRoot, DateTimeOffset now)
    {
        var parsed = ArgParser.Parse("run-all", args, All, new ArgSyntax(PassThroughAfterDoubleDash: true));
        var tag = parsed.Get(TagOption) is { } given ? CheckTag(given) : null;
        var outDir = parsed.Get(OutOption);
        var scriptsDir = parsed.Get(ScriptsOption);
        var only = parsed.Get(OnlyOption).Select(Path.GetFileNameWithoutExtension).Select(n => n!).ToList();
        var runner = parsed.Get(RunnerOption) == "dotnet-script" ? ScriptRunner.DotnetScript : ScriptRunner.Csx;
        if (parsed.Get(ExecutorOption) != "slurm" && (parsed.Get(NoWaitOption) || parsed.Get(SlurmArgsOption) is not null))
            throw UsageError("--no-wait and --slurm-args go with --executor slurm");

        string runDir, name;
        if (outDir is not null)
        {
            runDir = Path.GetFullPath(outDir);
            name = tag ?? Path.GetFileName(runDir.TrimEnd(Path.DirectorySeparatorChar));
        }
        else
        {
            var runs = Path.Combine(repoRoot, "out", "runs");
            name = tag ?? now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            runDir = Path.Combine(runs, name);
            for (var n = 2; tag is null && Directory.Exists(runDir); n++) runDir = Path.Combine(runs, name = $"{now:yyyyMMdd-HHmmss}-{n}");
        }
        return new BatchOptions(runDir, name, parsed.Get(QuickOption), only, runner, parsed.PassThrough,
            Path.GetFullPath(scriptsDir ?? Path.Combine(repoRoot, "scripts")), parsed.Get(HelpOption))
        {
            PerScriptArgs = PerScript(parsed.Get(ArgsOption)),
            Jobs = parsed.Get(JobsOption),
            Executor = parsed.Get(ExecutorOption),
            SlurmArgs = parsed.Get(SlurmArgsOption) is { } slurmArgs ? SplitWords(slurmArgs) : [],
            NoWait = parsed.Get(NoWaitOption),
            Collect = parsed.Get(CollectOption) is { } collect ? Path.GetFullPath(collect) : null,
            Seeds = Seeds(parsed.Get(SeedsOption), parsed.PassThrough, PerScript(parsed.Get(ArgsOption))),
        };
    }

    /// <summary>The most seeds one sweep takes: each is a run of every selected script.</summary>
    public const int MaxSeeds = 100;

    // --seeds a,b,c (those seeds) or --seeds N (1 to N); null when not given. The scripts get --seed from the sweep,
    // so a --seed of the user's own (after --, or in --args) would contradict it.
    static IReadOnlyList<int>? Seeds(IReadOnlyList<string> given, IReadOnlyList<string> scriptArgs, IReadOnlyDictionary<string, IReadOnlyList<string>> perScript)
    {
        if (given.Count == 0) return null;
        var numbers = given.Select(g => int.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw UsageError($"--seeds takes positive integers (a list 1,2,3 or a count N), got '{g}'")).ToList();
        var seeds = numbers.Count == 1 ? Enumerable.Range(1, Math.Min(numbers[0], MaxSeeds + 1)).ToList() : numbers;
        if (seeds.Count > MaxSeeds) throw UsageError($"--seeds runs at most {MaxSeeds} seeds, got {(numbers.Count == 1 ? numbers[0] : seeds.Count)}");
        if (seeds.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice) throw UsageError($"--seeds lists seed {twice.Key} twice");
        var own = scriptArgs.Any(IsSeed) ? "after --" : perScript.FirstOrDefault(p => p.Value.Any(IsSeed)).Key is { } script ? $"in --args {script}=…" : null;
        if (own is not null) throw UsageError($"--seeds gives every run its --seed; drop the --seed {own}, or drop --seeds");
        return seeds.Order().ToList();
    }

    static bool IsSeed(string arg) => arg == "--seed" || arg.StartsWith("--seed=", StringComparison.Ordinal);

    // --args S="A B": script S gets A and B (split at spaces; quotes group: --args x="--title 'a b'").
    static IReadOnlyDictionary<string, IReadOnlyList<string>> PerScript(IReadOnlyList<string> given)
    {
        var perScript = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var item in given)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw UsageError($"--args takes SCRIPT=\"ARGUMENTS\", got '{item}'");
            var script = Path.GetFileNameWithoutExtension(item[..eq].Trim());
            perScript[script] = [.. perScript.GetValueOrDefault(script) ?? [], .. SplitWords(item[(eq + 1)..])];
        }
        return perScript;
    }

    /// <summary>Splits at whitespace; single or double quotes group words (no escapes).</summary>
    public static IReadOnlyList<string> SplitWords(string text) =>
        Regex.Matches(text, """ "([^"]*)"|'([^']*)'|(\S+) """.Trim()).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value).ToList();

    static string CheckTag(string tag) =>
        Regex.IsMatch(tag, @"^[A-Za-z0-9][A-Za-z0-9._-]*$") ? tag : throw UsageError($"--tag must be a plain folder name (letters, digits, . _ -), got '{tag}'");

    /// <summary>A run-all usage error (exit 2) ending "Try --help.".</summary>
    public static Ch13Exception UsageError(string problem) => ArgParser.UsageError("run-all", problem);
}
