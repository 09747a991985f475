using System.Globalization;

namespace Ch13.Bench;

/// <summary>A figure both sides report: its id in bench.json, what it is, its unit and the ratio it must stay under (null: none).</summary>
public sealed record Figure(string Id, string Metric, string Unit, double? Target);

/// <summary>One workload measured on both sides; each side's run yields a value per figure (null when it did not report one).</summary>
public sealed record Contest(string Id, string Workload, IReadOnlyList<Figure> Figures);

/// <summary>Which side a measurement was taken on.</summary>
public enum Side { Pack, Peer }

/// <summary>
/// One row of the ratio table: both sides' medians over the rounds, every round's value, pack ÷ peer of the medians
/// (the verdict), and the median of each round's own pack ÷ peer (<paramref name="PairedRatio"/>: a check that
/// cancels load that drifts from round to round).
/// </summary>
public sealed record RatioRow(string Id, string Workload, string Metric, string Unit, double? Pack, double? Peer, double? Ratio,
    double? Target, IReadOnlyList<double?> PackRuns, IReadOnlyList<double?> PeerRuns, double? PairedRatio = null)
{
    public bool? Met => Ratio is { } r && Target is { } t ? r <= t : null;
}

/// <summary>The side-by-side part of bench.json: whether the peer ran, the rounds, the order things ran in, the rows.</summary>
public sealed record PeerReport(bool Present, string? Absent, string? PeerTorch, int Rounds, IReadOnlyList<string> Order,
    IReadOnlyList<string> LoadAverages, IReadOnlyList<RatioRow> Rows, IReadOnlyList<string> Failures);

/// <summary>
/// Runs contests on both sides in alternating rounds (round 0 pack first, round 1 peer first, …; every contest of a
/// round before the next round), so that both sides see the same drift in machine load, and reports the ratio of the
/// medians. Without a peer the pack's figures are reported alone.
/// </summary>
public static class SideBySide
{
    /// <summary>Whether the pack runs before the peer in <paramref name="round"/> (0-based).</summary>
    public static bool PackFirst(int round) => round % 2 == 0;

    /// <summary>The median of the values, or null when any is missing (a side that failed once has no figure).</summary>
    public static double? Median(IReadOnlyList<double?> values) =>
        values.Count == 0 || values.Any(v => v is null) ? null : Stats.Median(values.Select(v => v!.Value));

    /// <summary>Pack ÷ peer of the medians; null unless both are known and the peer's is positive.</summary>
    public static double? Ratio(double? pack, double? peer) => pack is { } a && peer is { } b && b > 0 ? a / b : null;

    /// <summary>The median of the rounds' own ratios (rounds where both sides have the figure); null when none has.</summary>
    public static double? PairedRatio(IReadOnlyList<double?> pack, IReadOnlyList<double?> peer)
    {
        var ratios = pack.Zip(peer, Ratio).Where(r => r is not null).Select(r => r!.Value).ToList();
        return ratios.Count == 0 ? null : Stats.Median(ratios);
    }

    public static PeerReport Compare(IReadOnlyList<Contest> contests, int rounds,
        Func<Contest, IReadOnlyDictionary<string, double?>> pack,
        Func<Contest, IReadOnlyDictionary<string, double?>>? peer, string? absent, string? peerTorch,
        Func<string>? loadAverage = null, TextWriter? log = null)
    {
        var (order, failures) = (new List<string>(), new List<string>());
        var loads = new List<string>();
        var samples = new Dictionary<(string Contest, Side Side), List<IReadOnlyDictionary<string, double?>>>();
        for (var round = 0; round < rounds; round++)
        {
            if (loadAverage is not null) loads.Add(loadAverage());
            foreach (var contest in contests)
            {
                Side[] sides = peer is null ? [Side.Pack] : PackFirst(round) ? [Side.Pack, Side.Peer] : [Side.Peer, Side.Pack];
                foreach (var side in sides)
                {
                    order.Add($"{round}:{contest.Id}:{side.ToString().ToLowerInvariant()}");
                    IReadOnlyDictionary<string, double?> sample;
                    try { sample = side == Side.Pack ? pack(contest) : peer!(contest); }
                    catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
                    {
                        failures.Add($"round {round + 1} {contest.Id} {side.ToString().ToLowerInvariant()}: {e.Message}");
                        sample = new Dictionary<string, double?>(); // no figures: this contest's median on that side is unknown
                    }
                    if (!samples.TryGetValue((contest.Id, side), out var list)) samples[(contest.Id, side)] = list = [];
                    list.Add(sample);
                    log?.WriteLine($"  round {round + 1} {contest.Id} {side.ToString().ToLowerInvariant()}: " +
                                   string.Join(", ", contest.Figures.Select(f => $"{f.Id} {Fmt(sample.GetValueOrDefault(f.Id))} {f.Unit}")));
                }
            }
        }
        if (loadAverage is not null) loads.Add(loadAverage());

        IReadOnlyList<double?> Runs(Contest contest, Side side, Figure figure) =>
            samples.TryGetValue((contest.Id, side), out var list) ? list.Select(s => s.GetValueOrDefault(figure.Id)).ToList() : [];
        var rows = contests.SelectMany(c => c.Figures.Select(f =>
        {
            var packRuns = Runs(c, Side.Pack, f);
            var peerRuns = Runs(c, Side.Peer, f);
            var (a, b) = (Median(packRuns), peer is null ? null : Median(peerRuns));
            return new RatioRow(f.Id, c.Workload, f.Metric, f.Unit, a, b, Ratio(a, b), f.Target, packRuns, peerRuns, PairedRatio(packRuns, peerRuns));
        })).ToList();
        return new PeerReport(peer is not null, absent, peerTorch, rounds, order, loads, rows, failures);
    }

    /// <summary>The ratio table as Markdown (the absolute figures beside the ratios).</summary>
    public static string Format(PeerReport report)
    {
        var text = new System.Text.StringBuilder();
        if (!report.Present) text.AppendLine($"PyTorch peer absent ({report.Absent}): the pack's figures alone.");
        text.AppendLine($"| workload | figure | ch13 | PyTorch {report.PeerTorch ?? "—"} | ratio | target | met | per-round ratios (median) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in report.Rows)
            text.AppendLine($"| {row.Workload} | {row.Metric} | {Fmt(row.Pack)} {row.Unit} | {(row.Peer is null ? "—" : $"{Fmt(row.Peer)} {row.Unit}")} | " +
                            $"{(row.Ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) : "—")} | " +
                            $"{(row.Target is { } t ? $"≤ {t.ToString("F1", CultureInfo.InvariantCulture)}" : "—")} | " +
                            $"{row.Met switch { true => "yes", false => "**no**", null => "—" }} | " +
                            $"{string.Join(" ", row.PackRuns.Zip(row.PeerRuns, Ratio).Select(r => r is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "—"))}" +
                            $"{(row.PairedRatio is { } m ? $" ({m.ToString("F2", CultureInfo.InvariantCulture)})" : "")} |");
        text.Append($"(medians of {report.Rounds} alternating round{(report.Rounds == 1 ? "" : "s")}; load average by round: " +
                    $"{string.Join(" | ", report.LoadAverages)})");
        return text.ToString();
    }

    internal static string Fmt(double? value) => value switch
    {
        null => "—",
        double v when Math.Abs(v) >= 100 => v.ToString("F0", CultureInfo.InvariantCulture),
        double v when Math.Abs(v) >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        double v => v.ToString("F2", CultureInfo.InvariantCulture),
    };
}
