#nullable enable
using MathNet.Numerics.Distributions;

/// <summary>Welch's t statistic (B − A over the unequal-variance standard error), its Welch–Satterthwaite degrees of freedom and the two-sided p.</summary>
public sealed record WelchTest(double T, double Df, double P);

/// <summary>
/// What a change from A to B says once the seeds' noise is known (<see cref="SeedStatistics.Judge"/>): better or worse
/// beyond the noise, within it, one seed (cannot tell), unchanged; and, for a script without a key metric that has a
/// direction, changed (something moved that no rule can judge).
/// </summary>
public enum Verdict { Unchanged, Better, Worse, Changed, WithinNoise, CannotTell }

/// <summary>
/// Whether a change between two groups of seed runs is larger than the seeds' noise: Welch's t-test, two-sided, at
/// α = 0.05, with at least two seeds per side. Welch's rather than Student's: a change of settings may change the
/// spread too (a higher lr is noisier), and Welch does not assume equal variances.
/// </summary>
public static class SeedStatistics
{
    public const double Alpha = 0.05;

    /// <summary>The rule, as the pages state it.</summary>
    public const string Rule = "Welch's t-test, two-sided, α = 0.05, n ≥ 2 per side";

    /// <summary>Welch's test of equal means; null when a side has fewer than two values or both have no spread (no standard error).</summary>
    public static WelchTest? Welch(SeedSample a, SeedSample b)
    {
        if (a.N < 2 || b.N < 2) return null;
        var (va, vb) = (a.Sd * a.Sd / a.N, b.Sd * b.Sd / b.N);
        var se2 = va + vb;
        if (!(se2 > 0)) return null;
        var t = (b.Mean - a.Mean) / Math.Sqrt(se2);
        var df = se2 * se2 / (va * va / (a.N - 1) + vb * vb / (b.N - 1));
        var p = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        return new WelchTest(t, df, Math.Min(1, p));
    }

    /// <summary>
    /// B against A for a value that improves in direction <paramref name="better"/>:
    /// <list type="bullet">
    /// <item>the same values on both sides (all seeds, NaN included): unchanged;</item>
    /// <item>fewer than two finite values on a side: one seed, cannot tell;</item>
    /// <item>both sides without spread (every seed gave the same value) and different means: better or worse, because
    ///   the seed does not move the value, so the difference is exact, not noise;</item>
    /// <item>otherwise better or worse when Welch's two-sided p is below α, else within seed noise.</item>
    /// </list>
    /// Non-finite values (a diverged seed) are left out of the test; the cell says how many.
    /// </summary>
    public static Verdict Judge(IReadOnlyList<double?> a, IReadOnlyList<double?> b, Better better)
    {
        if (SameValues(a, b)) return Verdict.Unchanged;
        var (sa, sb) = (SeedSample.Of(a), SeedSample.Of(b));
        if (sa.N < 2 || sb.N < 2) return Verdict.CannotTell;
        var direction = better == Better.Higher ? 1 : -1;
        Verdict Way(double d) => d * direction > 0 ? Verdict.Better : Verdict.Worse;
        if (Welch(sa, sb) is not { } test)
            return sb.Mean == sa.Mean ? Verdict.WithinNoise : Way(sb.Mean - sa.Mean);
        return test.P < Alpha ? Way(test.T) : Verdict.WithinNoise;
    }

    // The same multiset of values (NaN equal to NaN, a missing value to a missing one).
    static bool SameValues(IReadOnlyList<double?> a, IReadOnlyList<double?> b) =>
        a.Count == b.Count && a.Select(Key).Order().SequenceEqual(b.Select(Key).Order());

    static string Key(double? v) => v is not { } x ? "none" : double.IsNaN(x) ? "NaN" : x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
