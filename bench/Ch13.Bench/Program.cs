using BenchmarkDotNet.Running;

namespace Ch13.Bench;

/// <summary>
/// <c>ch13-bench [--smoke] [--only ids] [--repeat N] [--out FILE] [--no-scripts]</c>: the whole-workload benchmark
/// (bench.json + table). <c>ch13-bench micro [BenchmarkDotNet args]</c>: the micro benchmarks. See bench/README.md.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        TorchSharp.torch.set_num_threads(1); // the scripts' default (Runs.Start), and the reference figures'
        if (args.Length > 0 && args[0] == "micro")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..], Micro.Config());
            return 0;
        }
        BenchOptions options;
        try { options = BenchOptions.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"ch13-bench: {e.Message}\n\n{BenchOptions.Usage}");
            return 2;
        }
        if (options.Help) { Console.WriteLine(BenchOptions.Usage); return 0; }
        var report = Workloads.Run(options, Console.Out);
        return report.Failures.Count == 0 ? 0 : 1;
    }
}

/// <summary>Command-line options of the workload benchmark.</summary>
public sealed record BenchOptions(bool Smoke, IReadOnlySet<string>? Only, int Repeat, string? OutFile, bool Scripts, string? Repo, bool Help,
    string? Baseline = null, string? Data = null, bool Peer = false, string PeerRoot = Ch13.Bench.Peer.DefaultRoot, int Rounds = 3,
    bool Where = false, IReadOnlySet<string>? Contests = null)
{
    public const string Usage = """
        ch13-bench [options]          the whole-workload benchmark: writes out/bench/bench.json and prints the table
          --smoke                     tiny settings (few steps, --quick scripts, short loops): proves it works, times mean nothing
          --only ID[,ID...]           only these parts: steps, loops, auto_mpg, mnist_subset, mnist_full, xor, startup
          --repeat N                  timed runs of each script (default 3; 1 with --smoke)
          --no-scripts                skip the ./csx script runs (in-process parts only)
          --out FILE                  where to write the JSON (default <repo>/out/bench/bench.json)
          --repo DIR                  the ch13 checkout (default: found above the current folder)
          --data DIR                  the data sets (default: CH13_DATA, else <repo>/data)
          --baseline FILE             an earlier bench.json whose measured values fill the table's "before" column
          --peer                      issue 21's workloads beside PyTorch 2.6 (the peer), alternating, with ratios; only
                                      that part unless --only names others (peer absent: the pack's figures alone)
          --peer-root DIR             the peer's chroot (default /tmp/trixie; ../shared/tools/peer/make-peer.sh builds it)
          --contests ID[,ID...]       with --peer: only these contests (auto_mpg, mnist_subset, mnist_full, seq_blobs, xor,
                                      noisy_xor, steps)
          --rounds N                  alternating rounds of the side-by-side comparison (default 3; 1 with --smoke)
          --where                     where the time goes: per-call costs, step and loop phases, whole-process phases
                                      (only that part unless --only names others; --peer --where runs both)
        ch13-bench micro [BenchmarkDotNet options]   micro benchmarks, e.g. micro --filter '*Step*'
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions(false, null, 3, null, true, null, false);
        var (repeatGiven, roundsGiven) = (false, false);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--smoke" => options with { Smoke = true },
                "--only" => options with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() },
                "--repeat" => int.TryParse(Value(), out var n) && n >= 1 ? (repeatGiven = true, options with { Repeat = n }).Item2
                    : throw new ArgumentException("--repeat needs an integer ≥ 1"),
                "--no-scripts" => options with { Scripts = false },
                "--out" => options with { OutFile = Value() },
                "--repo" => options with { Repo = Value() },
                "--baseline" => options with { Baseline = Value() },
                "--data" => options with { Data = Value() },
                "--peer" => options with { Peer = true },
                "--where" => options with { Where = true },
                "--peer-root" => options with { PeerRoot = Value() },
                "--contests" => options with { Contests = Value().Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() },
                "--rounds" => int.TryParse(Value(), out var r) && r >= 1 ? (roundsGiven = true, options with { Rounds = r }).Item2
                    : throw new ArgumentException("--rounds needs an integer ≥ 1"),
                "--help" or "-h" => options with { Help = true },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }
        if (options.Contests?.FirstOrDefault(id => PeerContests.All.All(c => c.Id != id)) is { } unknown)
            throw new ArgumentException($"--contests: unknown contest '{unknown}'");
        if (options.Smoke && !repeatGiven) options = options with { Repeat = 1 };
        return options.Smoke && !roundsGiven ? options with { Rounds = 1 } : options;
    }

    /// <summary>Whether to run <paramref name="part"/>: named by --only, or, without it, every part unless --peer or --where asked for theirs alone.</summary>
    public bool Wants(string part) => Only?.Contains(part) ?? !(Peer || Where);
}
