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
/// End to end: a real sweep of xor (--quick, seeds 1, 2, 3) on each side, side B with --lr 0.02, laid out as
/// ./run-all --seeds lays it out (<c>&lt;run&gt;/xor/seed-N/</c>); the verdict is checked against Welch's test computed
/// here from the records' JSON, independently of compare's code.
/// </summary>
[Collection(ScriptRunsCollection.Name)]
public sealed class CompareRealSweepTests : IDisposable
{
    readonly TempDir temp = new();

    void RunXor(string run, int seed, params string[] extra)
    {
        var repo = Ch13.Tests.TestPaths.RepoRoot;
        var start = new ProcessStartInfo(Path.Combine(repo, "csx")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(repo, "scripts", "xor.csx"), "--", "--quick", "--seed", seed.ToString(), "--out", Path.Combine(temp.Path, run, "xor", SeedFolders.Name(seed)) }.Concat(extra))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(300_000).Should().BeTrue("xor --quick takes seconds");
        process.ExitCode.Should().Be(0, $"xor ran: {output.Result}{error.Result}");
    }

    // The key metric of every seed, read straight from metrics.json.
    double[] KeyMetrics(string run) =>
        Enumerable.Range(1, 3).Select(seed => JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, run, "xor", SeedFolders.Name(seed), "metrics.json")))
            .RootElement.GetProperty("key_metric").GetProperty("value").GetDouble()).ToArray();

    [Fact]
    public void A_real_sweep_of_xor_gets_the_verdict_welchs_test_gives_and_a_single_seed_pair_cannot_tell()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            RunXor("a", seed);
            RunXor("b", seed, "--lr", "0.02");
        }

        var comparison = Compare.Run(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), temp.Sub("cmp"), new Dictionary<string, ScriptReference>());

        // Welch's test by hand on the records' key metrics (valid_acc, higher is better).
        var (a, b) = (KeyMetrics("a"), KeyMetrics("b"));
        double Mean(double[] x) => x.Average();
        double Var(double[] x) => x.Sum(v => (v - Mean(x)) * (v - Mean(x))) / (x.Length - 1);
        double va = Var(a) / 3, vb = Var(b) / 3;
        string expected;
        if (a.Order().SequenceEqual(b.Order())) expected = "unchanged";
        else if (va + vb == 0) expected = Mean(b) > Mean(a) ? "better" : "worse";
        else
        {
            var t = (Mean(b) - Mean(a)) / Math.Sqrt(va + vb);
            var df = (va + vb) * (va + vb) / (va * va / 2 + vb * vb / 2);
            var p = SeedStatisticsTests.TwoSidedP(t, df);
            expected = p < 0.05 ? (t > 0 ? "better" : "worse") : "within seed noise";
            Console.WriteLine($"xor valid_acc A [{string.Join(", ", a)}] B [{string.Join(", ", b)}]: t {t:F3}, df {df:F2}, p {p:F4} → {expected}");
        }
        var xor = comparison.Scripts.Single();
        xor.Summary.Should().StartWith($"xor: {expected} · MLP 2-10-6-2 · valid_acc ");
        xor.SeedCounts.Should().Equal(3, 3);
        var within = expected == "within seed noise" ? 1 : 0;
        comparison.Tally.Should().Be($"{(expected == "better" ? 1 : 0)} better · {(expected == "worse" ? 1 : 0)} worse · {within} within noise"
            + (expected == "unchanged" ? " · 1 unchanged" : ""));
        File.ReadAllText(Path.Combine(temp.Path, "cmp", "compare.md")).Split('\n')[0].Should().Be($"**{comparison.Tally}**");
        comparison.Differences.Should().Contain(d => d.Setting == "xor · learning_rate" || d.Setting.StartsWith("arguments") || d.Setting.Contains("lr"));

        // One seed on each side: the key metric moved, and one seed cannot say whether that is the change or the seed.
        var single = Compare.Run(Path.Combine(temp.Path, "a", "xor", "seed-1"), Path.Combine(temp.Path, "b", "xor", "seed-1"), temp.Sub("cmp1"), new Dictionary<string, ScriptReference>());
        var one = single.Scripts.Single();
        (a[0] == b[0] ? "unchanged" : "one seed: cannot tell").Should().Be(CompareTables.VerdictText(one.Verdict));
        if (a[0] != b[0]) single.Tally.Should().Be("0 better · 0 worse · 0 within noise · 1 cannot tell");
    }

    public void Dispose() => temp.Dispose();
}
