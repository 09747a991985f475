#nullable enable
using System.Globalization;

// Command-line options: typed handles a script or tool declares, one parser (ArgParser) and the --help text.
// A handle is both the declaration and the key its value is read with (run.Get(lr) is a double), so a misspelt
// option name is a compile error, not a KeyNotFoundException at run time. Pure: no process-level effects here.

/// <summary>An option's declaration: its name (without the dashes) and help line. See <see cref="OptionSpec{T}"/>.</summary>
public abstract record OptionSpec(string Name, string Help)
{
    /// <summary>The value when the option is not given.</summary>
    public abstract object? DefaultValue { get; }

    /// <summary>False for a flag (<c>--quiet</c>), true for an option followed by its value.</summary>
    public virtual bool TakesValue => true;

    /// <summary>The left column of --help: <c>--epochs N</c>.</summary>
    public virtual string Synopsis => $"--{Name} VALUE";

    /// <summary>What a valid value looks like, for error messages ("an integer ≥ 1"); null when any text will do.</summary>
    public virtual string? Expected => null;

    /// <summary>" (default 100)" in --help, or nothing.</summary>
    public virtual string DefaultText => "";

    /// <summary>
    /// The value of <c>--name value</c>; <paramref name="previous"/> is the value so far (for options that
    /// accumulate). Throws the usage error <paramref name="usage"/> makes from a problem description.
    /// </summary>
    public abstract object? Parse(string value, object? previous, Func<string, Ch13Exception> usage);
}

/// <summary>An option whose parsed value is a <typeparamref name="T"/>: read it with <see cref="ParsedArgs.Get{T}"/> or <c>run.Get</c>.</summary>
public abstract record OptionSpec<T>(string Name, string Help) : OptionSpec(Name, Help);

/// <summary>An integer from <paramref name="Min"/> to <paramref name="Max"/>: <c>--epochs 5</c>.</summary>
public sealed record IntOption(string Name, int Default, string Help, int Min = 1, int Max = int.MaxValue) : OptionSpec<int>(Name, Help)
{
    public override object? DefaultValue => Default;
    public override string Synopsis => $"--{Name} N";
    public override string? Expected => Max == int.MaxValue ? $"an integer ≥ {Min}" : $"an integer from {Min} to {Max}";
    public override string DefaultText => Max == int.MaxValue ? $" (default {Default})" : $" (default {Default}; {Min} to {Max})";

    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw usage($"--{Name} must be an integer ({Expected}), got '{value}'");
        if (n < Min || n > Max) throw usage($"--{Name} must be {Expected}, got {n}");
        return n;
    }
}

/// <summary>A finite number above <paramref name="Min"/> (or at it, unless <paramref name="MinExclusive"/>) and at most <paramref name="Max"/>: <c>--lr 0.01</c>.</summary>
public sealed record DoubleOption(string Name, double Default, string Help, double Min = 0, double Max = double.MaxValue, bool MinExclusive = true)
    : OptionSpec<double>(Name, Help)
{
    public override object? DefaultValue => Default;
    public override string Synopsis => $"--{Name} X";
    public override string DefaultText => $" (default {Invariant(Default)})";

    public override string? Expected => Max == double.MaxValue
        ? $"a number {(MinExclusive ? ">" : "≥")} {Invariant(Min)}"
        : $"a number {(MinExclusive ? ">" : "≥")} {Invariant(Min)} and ≤ {Invariant(Max)}";

    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x))
            throw usage($"--{Name} must be a finite number ({Expected}), got '{value}'");
        if ((MinExclusive ? x <= Min : x < Min) || x > Max) throw usage($"--{Name} must be {Expected}, got {value}");
        return x;
    }

    static string Invariant(double x) => x.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A switch without a value: <c>--quiet</c> (false unless given).</summary>
public sealed record FlagOption(string Name, string Help) : OptionSpec<bool>(Name, Help)
{
    public override object? DefaultValue => false;
    public override bool TakesValue => false;
    public override string Synopsis => $"--{Name}";
    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage) => true;
}

/// <summary>
/// A switch that sets other options' defaults when given (mnist's <c>--full</c>: batch 64, 5 epochs): each of
/// <see cref="Defaults"/> applies unless that option is on the command line too, and <c>Runs.Start</c> takes
/// <paramref name="Epochs"/> and <paramref name="QuickEpochs"/> as the epoch defaults. The script reads the flag itself.
/// </summary>
public sealed record ProfileFlag(string Name, string Help, int? Epochs = null, int? QuickEpochs = null) : OptionSpec<bool>(Name, Help)
{
    /// <summary>The options whose default the flag replaces, each with its value under the profile.</summary>
    public IReadOnlyList<(OptionSpec Option, object Value)> Defaults { get; init; } = [];

    public override object? DefaultValue => false;
    public override bool TakesValue => false;
    public override string Synopsis => $"--{Name}";
    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage) => true;

    /// <summary>Every default this profile sets, by option name (the epochs too, when it has them).</summary>
    public IEnumerable<(string Name, object Value)> DefaultsByName =>
        Defaults.Select(d => (d.Option.Name, d.Value)).Concat(Epochs is int n ? [("epochs", (object)n)] : []);
}

/// <summary>Any non-empty text: <c>--out DIR</c> (<paramref name="Default"/> when not given, which may be null).</summary>
public sealed record TextOption(string Name, string? Default, string Help, string Placeholder = "VALUE") : OptionSpec<string?>(Name, Help)
{
    public override object? DefaultValue => Default;
    public override string Synopsis => $"--{Name} {Placeholder}";

    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage) =>
        value.Length > 0 ? value : throw usage($"--{Name} needs a non-empty value");
}

/// <summary>One of a fixed set of words: <c>--split random|first</c>; anything else is a usage error naming the choices.</summary>
public sealed record ChoiceOption(string Name, IReadOnlyList<string> Choices, string Default, string Help) : OptionSpec<string>(Name, Help)
{
    public override object? DefaultValue => Default;
    public override string Synopsis => $"--{Name} {string.Join('|', Choices)}";
    public override string? Expected => Choices.Count == 1 ? Choices[0] : $"{string.Join(", ", Choices.SkipLast(1))} or {Choices[^1]}";
    public override string DefaultText => $" (default {Default})";

    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage) =>
        Choices.Contains(value) ? value : throw usage($"--{Name} must be {Expected}, got '{value}'");

}

/// <summary>Comma-separated words, repeatable (<c>--only a,b --only c</c> is a, b, c); empty when not given.</summary>
public sealed record ListOption(string Name, string Help, string Placeholder = "a,b") : OptionSpec<IReadOnlyList<string>>(Name, Help)
{
    public override object? DefaultValue => Array.Empty<string>();
    public override string Synopsis => $"--{Name} {Placeholder}";

    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage) =>
        ((IReadOnlyList<string>)previous!).Concat(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}

/// <summary>A text option that may be given more than once; each value is kept whole (no splitting at commas).</summary>
public sealed record RepeatedTextOption(string Name, string Help, string Placeholder = "VALUE") : OptionSpec<IReadOnlyList<string>>(Name, Help)
{
    public override object? DefaultValue => Array.Empty<string>();
    public override string Synopsis => $"--{Name} {Placeholder}";

    public override object? Parse(string value, object? previous, Func<string, Ch13Exception> usage) =>
        ((IReadOnlyList<string>)previous!).Append(value).ToArray();
}

/// <summary>The options every section script takes (their handles; <see cref="Run"/> also exposes their values).</summary>
public static class CommonOptions
{
    public static readonly IntOption Seed = new("seed", 1, "torch.manual_seed for weights and shuffling", Min: 0);
    public static readonly IntOption Threads = new("threads", 1, "torch CPU threads (1 is fastest for the chapter's small models)", Min: 1, Max: 256);
    public static readonly TextOption Out = new("out", null, "output folder (default: out/<script> in the repo)", "DIR");
    public static readonly FlagOption Quiet = new("quiet", "print only the final results");
    public static readonly FlagOption Quick = new("quick", "small, fast settings (few epochs, small data) for smoke runs and ./run-all --quick");
    public static readonly FlagOption Help = new("help", "show this help");

    /// <summary>The most epochs any script accepts: a million epochs of the chapter's smallest model is days of CPU.</summary>
    public const int MaxEpochs = 1_000_000;

    /// <summary>The largest mini-batch any script accepts (more than any of the chapter's data sets holds).</summary>
    public const int MaxBatchSize = 1_000_000;

    /// <summary>--epochs, with the script's default (1 to <see cref="MaxEpochs"/>).</summary>
    public static IntOption Epochs(int epochs) => new("epochs", epochs, "number of training epochs", Max: MaxEpochs);

    /// <summary>--batch-size, with the script's default (1 to <see cref="MaxBatchSize"/>).</summary>
    public static IntOption BatchSize(int size, string help = "mini-batch size") => new("batch-size", size, help, Max: MaxBatchSize);

    /// <summary>All of them, in --help order, with the script's default epoch count.</summary>
    public static IReadOnlyList<OptionSpec> All(int epochs) => [Epochs(epochs), Seed, Threads, Out, Quiet, Quick, Help];
}

/// <summary>
/// What the parser accepts besides the declared options: words that are not options (a tool's folders), and
/// what a bare <c>--</c> means (dotnet-script passes one before the script's arguments, so by default it is skipped;
/// run-all hands everything after it to every script).
/// </summary>
public sealed record ArgSyntax(bool Positionals = false, bool PassThroughAfterDoubleDash = false)
{
    public static readonly ArgSyntax Script = new();
}

/// <summary>Parsed option values (by name, for generic readers such as metrics.json), positionals and pass-through words.</summary>
public sealed record ParsedArgs(IReadOnlyDictionary<string, object?> Values, bool HelpRequested)
{
    /// <summary>Options given on the command line (not defaulted), by name.</summary>
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>();

    /// <summary>The words that are not options, in order (only with <see cref="ArgSyntax.Positionals"/>).</summary>
    public IReadOnlyList<string> Positionals { get; init; } = [];

    /// <summary>Everything after a bare <c>--</c> (only with <see cref="ArgSyntax.PassThroughAfterDoubleDash"/>).</summary>
    public IReadOnlyList<string> PassThrough { get; init; } = [];

    /// <summary>The option's value. Throws when the option was not declared to the parser (a programming error).</summary>
    public T Get<T>(OptionSpec<T> option) =>
        Values.TryGetValue(option.Name, out var value) ? (T)value!
        : throw new InvalidOperationException($"--{option.Name} was not declared to the parser (pass it in options: [...])");

    /// <summary>True when the option was on the command line (a default does not count).</summary>
    public bool WasGiven(OptionSpec option) => Given.Contains(option.Name);
}

/// <summary>The one argument parser of the scripts and tools.</summary>
public static class ArgParser
{
    /// <summary>
    /// Parses <paramref name="args"/> against <paramref name="specs"/>; pure. <c>--name value</c> and <c>--name=value</c>;
    /// <c>-h</c>/<c>-?</c> mean <c>--help</c> (declare a "help" flag to accept them). Throws <see cref="Ch13Exception"/>
    /// (exit code 2) on bad input, as one line: <c>program: problem. Try --help.</c>
    /// </summary>
    public static ParsedArgs Parse(string program, IList<string> args, IReadOnlyList<OptionSpec> specs, ArgSyntax? syntax = null)
    {
        syntax ??= ArgSyntax.Script;
        var values = specs.ToDictionary(s => s.Name, s => s.DefaultValue);
        var given = new HashSet<string>();
        var byName = specs.ToDictionary(s => "--" + s.Name);
        List<string> positionals = [], passThrough = [];
        Ch13Exception Usage(string problem) => UsageError(program, problem);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                if (!syntax.PassThroughAfterDoubleDash) continue;
                passThrough.AddRange(args.Skip(i + 1));
                break;
            }
            string? inlineValue = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--") && eq > 2) (arg, inlineValue) = (arg[..eq], arg[(eq + 1)..]);
            if (arg is "-h" or "-?") arg = "--help";
            if (!byName.TryGetValue(arg, out var spec))
            {
                if (syntax.Positionals && !arg.StartsWith('-')) { positionals.Add(args[i]); continue; }
                var suggestion = Closest(arg, byName.Keys) is { } name ? $" (did you mean {name}?)" : null;
                throw Usage(arg.StartsWith('-')
                    ? $"unknown option '{arg}'{suggestion ?? (syntax.PassThroughAfterDoubleDash ? " (arguments for the scripts go after a bare --)" : "")}"
                    : $"unexpected argument '{arg}'{suggestion}");
            }
            given.Add(spec.Name);
            if (!spec.TakesValue)
            {
                if (inlineValue is not null) throw Usage($"{arg} takes no value");
                values[spec.Name] = spec.Parse("", values[spec.Name], Usage);
                continue;
            }
            // "--epochs --quiet": the next word is an option, not the missing value ("-1" still is a value).
            var value = inlineValue ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--") ? args[++i]
                : throw Usage($"{arg} needs a value{(spec.Expected is { } expected ? $" ({expected})" : "")}"));
            values[spec.Name] = spec.Parse(value, values[spec.Name], Usage);
        }
        foreach (var profile in specs.OfType<ProfileFlag>().Where(p => values[p.Name] is true))
            foreach (var (name, value) in profile.DefaultsByName.Where(d => values.ContainsKey(d.Name) && !given.Contains(d.Name)))
                values[name] = value;
        var help = values.TryGetValue("help", out var h) && h is true;
        return new ParsedArgs(values, help) { Given = given, Positionals = positionals, PassThrough = passThrough };
    }

    /// <summary>A usage error as every tool prints it: <c>program: problem. Try --help.</c> (exit code 2).</summary>
    /// <remarks>Under dotnet-script the hint is <c>Try -- --help.</c>: there a bare --help is dotnet-script's own.</remarks>
    public static Ch13Exception UsageError(string program, string problem) => Ch13Exception.Usage($"{program}: {problem}. {HelpHint(ScriptRunners.Current)}");

    /// <summary>How to ask for the help under <paramref name="runner"/>.</summary>
    public static string HelpHint(ScriptRunner runner) => runner == ScriptRunner.DotnetScript ? "Try -- --help." : "Try --help.";

    /// <summary>The options block of --help: one line per option, its synopsis, help and default.</summary>
    public static string OptionLines(IReadOnlyList<OptionSpec> specs) =>
        string.Concat(specs.Select(spec => $"  {spec.Synopsis,-20} {spec.Help}{spec.DefaultText}\n"));

    static string? Closest(string arg, IEnumerable<string> names) =>
        names.Where(n => n.Contains(arg.TrimStart('-'), StringComparison.OrdinalIgnoreCase) || arg.TrimStart('-').Contains(n.TrimStart('-')))
             .FirstOrDefault();
}

/// <summary>Which program runs the scripts: the bundled <c>./csx</c>, or dotnet-script (<c>dotnet script</c>).</summary>
public enum ScriptRunner { Csx, DotnetScript }

public static class ScriptRunners
{
    /// <summary>The runner of this process, told by its entry assembly (dotnet-script's is "dotnet-script").</summary>
    public static ScriptRunner Current => Of(System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name);

    /// <summary>The runner whose entry assembly is named <paramref name="entryAssembly"/> (the bundled one for anything else).</summary>
    public static ScriptRunner Of(string? entryAssembly) => entryAssembly == "dotnet-script" ? ScriptRunner.DotnetScript : ScriptRunner.Csx;
}
