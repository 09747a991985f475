namespace Ch13.Bench;

/// <summary>
/// Checks of the side-by-side harness's logic over stub sides (no process, no timing), run by every <c>--smoke</c>
/// run and so by <c>PerformanceTests</c>: the alternation, the ratio of medians, a missing figure, and the absent peer.
/// Each broken expectation is one line in the report's failures.
/// </summary>
public static class SideBySideCheck
{
    public static IReadOnlyList<string> Run()
    {
        var failures = new List<string>();
        void Expect(bool ok, string what) { if (!ok) failures.Add(what); }

        Contest[] contests =
        [
            new("a", "A", [new("a_loop", "loop", "s", 0.5), new("a_whole", "whole", "s", 0.4)]),
            new("b", "B", [new("b_step", "step", "µs", null)]),
        ];
        // Stub sides: each call returns the next scripted value, so a value's round is known.
        var pack = new Dictionary<string, Queue<double?>> { ["a_loop"] = new([1.0, 3.0, 2.0]), ["a_whole"] = new([4.0, 4.0, 5.0]), ["b_step"] = new([10.0, null, 10.0]) };
        var peer = new Dictionary<string, Queue<double?>> { ["a_loop"] = new([4.0, 5.0, 8.0]), ["a_whole"] = new([10.0, 9.0, 11.0]), ["b_step"] = new([20.0, 20.0, 20.0]) };
        Func<Contest, IReadOnlyDictionary<string, double?>> Side(Dictionary<string, Queue<double?>> values) =>
            c => c.Figures.ToDictionary(f => f.Id, f => values[f.Id].Dequeue());

        var report = SideBySide.Compare(contests, 3, Side(pack), Side(peer), null, "2.6", () => "0.00 0.00 0.00");
        Expect(report.Order.SequenceEqual([
            "0:a:pack", "0:a:peer", "0:b:pack", "0:b:peer",
            "1:a:peer", "1:a:pack", "1:b:peer", "1:b:pack",
            "2:a:pack", "2:a:peer", "2:b:pack", "2:b:peer"]), $"rounds do not alternate who goes first: {string.Join(' ', report.Order)}");
        Expect(report.LoadAverages.Count == 4, $"expected a load average before each of 3 rounds and after, got {report.LoadAverages.Count}");
        var loop = report.Rows.Single(r => r.Id == "a_loop");
        Expect(loop is { Pack: 2.0, Peer: 5.0, Ratio: 0.4, Met: true }, $"loop row should be median 2 ÷ median 5 = 0.4, met: {loop}");
        Expect(loop.PackRuns.SequenceEqual([1.0, 3.0, 2.0]), "the pack's runs are not kept in round order");
        Expect(loop.PairedRatio == 0.25, $"per-round ratios 1/4, 3/5, 2/8 have the median 0.25: {loop.PairedRatio}");
        var whole = report.Rows.Single(r => r.Id == "a_whole");
        Expect(whole.Ratio is { } w && Math.Abs(w - 0.4) < 1e-12 && whole.Met == true, $"whole row should be 4 ÷ 10 = 0.4 (≤ 0.4 is met): {whole}");
        var step = report.Rows.Single(r => r.Id == "b_step");
        Expect(step is { Pack: null, Ratio: null, Met: null } && step.Peer == 20.0, $"a side missing a figure once has no median or ratio: {step}");
        var failing = SideBySide.Compare(contests[1..], 1, _ => throw new InvalidOperationException("exited 1"),
            _ => new Dictionary<string, double?> { ["b_step"] = 20.0 }, null, null);
        Expect(failing.Failures.SequenceEqual(["round 1 b pack: exited 1"]) && failing.Rows[0] is { Pack: null, Peer: 20.0 },
            $"a side that fails is one failure line and no figure, and the other side still runs: {string.Join("; ", failing.Failures)}");
        Expect(SideBySide.Ratio(1, 0) is null && SideBySide.Ratio(3, 2) == 1.5, "ratio of a zero peer figure must be unknown, 3 ÷ 2 = 1.5");
        Expect(new RatioRow("x", "X", "loop", "s", 0.6, 1, 0.6, 0.5, [], []).Met == false, "0.6 over a 0.5 target must not be met");

        var missing = Path.Combine(Path.GetTempPath(), $"ch13-no-peer-{Guid.NewGuid():N}");
        Expect(Peer.Find(missing, out var absent) is null && absent.Contains(missing), $"an absent peer must be reported with its path: '{absent}'");
        var calls = 0;
        var alone = SideBySide.Compare(contests[..1], 2, c => { calls++; return new Dictionary<string, double?> { ["a_loop"] = 1, ["a_whole"] = 2 }; },
            null, absent, null);
        Expect(!alone.Present && calls == 2 && alone.Order.All(o => o.EndsWith(":pack")), $"without a peer only the pack runs: {string.Join(' ', alone.Order)}");
        Expect(alone.Rows.All(r => r.Peer is null && r.Ratio is null && r.Pack is not null), "without a peer the rows keep the pack's figures and no ratio");
        Expect(SideBySide.Format(alone).StartsWith($"PyTorch peer absent ({absent})"), "the table of a run without the peer must say so first");

        var json = Peer.LastJsonLine("Epoch 1\n{\"train_seconds\": 1.5}\n{not json\nbye\n");
        Expect(json?["train_seconds"]?.GetValue<double>() == 1.5, "the peer's result is its last JSON line");
        Expect(Peer.LastJsonLine("Traceback (most recent call last):\n") is null, "output without a JSON line has no result");
        return failures;
    }
}
