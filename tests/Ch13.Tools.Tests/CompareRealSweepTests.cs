using System.Diagnostics;
using System.Text.Json;

namespace Ch13.Tools.Tests;

/// <summary>Tests that run real scripts through ./csx, one at a time (each takes both cores for a few seconds).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScriptRunsCollection
{
    public const string Name = "script runs";
}

/// <summary>
/// End to end: a real sweep, <c>./run-all --quick --only xor,sequential --seeds 1,2,3</c>, twice, the second with
/// <c>-- --lr 0.02</c>; each script's verdict is checked against Welch's test computed here from the records' JSON,
/// independently of compare's code, and so is the tally; one seed a side cannot tell.
/// </summary>
[Collection(ScriptRunsCollection.Name)]
public sealed class CompareRealSweepTests : IDisposable
{
    static readonly string[] Scripts = ["sequential", "xor"];
    readonly TempDir temp = new();

    void RunAll(string run, params string[] scriptArgs)
    {
        var repo = Ch13.Tests.TestPaths.RepoRoot;
        var start = new ProcessStartInfo(Path.Combine(repo, "run-all")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = ["--quick", "--only", string.Join(',', Scripts), "--seeds", "1,2,3", "--out", Path.Combine(temp.Path, run)];
        foreach (var arg in scriptArgs.Length == 0 ? args : [.. args, "--", .. scriptArgs]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(600_000).Should().BeTrue("six --quick runs take a minute or two");
        process.ExitCode.Should().Be(0, $"run-all ran: {output.Result}{error.Result}");
    }

    // A script's key metric of every seed, and whether higher is better, read straight from metrics.json.
    (double[] Values, bool Higher) KeyMetrics(string run, string script)
    {
        var keys = Enumerable.Range(1, 3).Select(seed => JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, run, script, SeedFolders.Name(seed), "metrics.json")))
            .RootElement.GetProperty("key_metric")).ToList();
        return (keys.Select(k => k.GetProperty("value").GetDouble()).ToArray(), keys[0].GetProperty("better").GetString() == "higher");
    }

    // Welch's two-sided test at α = 0.05, by hand (p from SeedStatisticsTests' own integration of the t density).
    string Expected(string script)
    {
        var ((a, higher), (b, _)) = (KeyMetrics("a", script), KeyMetrics("b", script));
        double Mean(double[] x) => x.Average();
        double Var(double[] x) => x.Sum(v => (v - Mean(x)) * (v - Mean(x))) / (x.Length - 1);
        double va = Var(a) / 3, vb = Var(b) / 3;
        var up = Mean(b) > Mean(a) == higher;
        if (a.Order().SequenceEqual(b.Order())) return "unchanged";
        if (va + vb == 0) return up ? "better" : "worse";
        var t = (Mean(b) - Mean(a)) / Math.Sqrt(va + vb);
        var df = (va + vb) * (va + vb) / (va * va / 2 + vb * vb / 2);
        var p = SeedStatisticsTests.TwoSidedP(t, df);
        Console.WriteLine($"{script} A [{string.Join(", ", a)}] B [{string.Join(", ", b)}]: t {t:F3}, df {df:F2}, p {p:F4}");
        return p < 0.05 ? (up ? "better" : "worse") : "within seed noise";
    }

    [Fact]
    public void A_real_sweep_gets_the_verdicts_welchs_test_gives_and_a_single_seed_pair_cannot_tell()
    {
        RunAll("a");
        RunAll("b", "--lr", "0.02");

        var comparison = Compare.Run(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), temp.Sub("cmp"), new Dictionary<string, ScriptReference>());

        comparison.Scripts.Select(s => s.Script).Order().Should().Equal(Scripts);
        var expected = Scripts.ToDictionary(s => s, Expected);
        foreach (var script in comparison.Scripts)
        {
            script.Summary.Should().StartWith($"{script.Script}: {expected[script.Script]} · ");
            script.SeedCounts.Should().Equal(3, 3);
        }
        int Count(string verdict) => expected.Values.Count(v => v == verdict);
        comparison.Tally.Should().Be($"{Count("better")} better · {Count("worse")} worse · {Count("within seed noise")} within noise"
            + (Count("unchanged") > 0 ? $" · {Count("unchanged")} unchanged" : ""));
        File.ReadAllText(Path.Combine(temp.Path, "cmp", "compare.md")).Split('\n')[0].Should().Be($"**{comparison.Tally}**");
        comparison.Differences.Should().Contain(d => d.Setting == "arguments" && d.Values.SequenceEqual(new[] { "--quick", "--quick --lr 0.02" }));
        comparison.Differences.Should().Contain(d => d.Setting.EndsWith("learning_rate") && d.Values.Last() == "0.02", "side B ran with --lr 0.02");

        // One seed on each side: the key metric moved, and one seed cannot say whether that is the change or the seed.
        var single = Compare.Run(Path.Combine(temp.Path, "a", "xor", "seed-1"), Path.Combine(temp.Path, "b", "xor", "seed-1"), temp.Sub("cmp1"), new Dictionary<string, ScriptReference>());
        var one = single.Scripts.Single();
        var (a1, b1) = (KeyMetrics("a", "xor").Values[0], KeyMetrics("b", "xor").Values[0]);
        (a1 == b1 ? "unchanged" : "one seed: cannot tell").Should().Be(CompareTables.VerdictText(one.Verdict));
        if (a1 != b1) single.Tally.Should().Be("0 better · 0 worse · 0 within noise · 1 cannot tell");
    }

    public void Dispose() => temp.Dispose();
}
