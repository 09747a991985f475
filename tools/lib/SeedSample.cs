#nullable enable

/// <summary>
/// A value across a group's seeds (one side of a comparison, a script of a sweep): mean, sample standard deviation (n − 1), min, max and n, over the
/// finite values (<see cref="NonFinite"/> counts the NaN/∞ left out: a diverged seed). The one summary of seeds
/// the tools share: run-all's console, the report and compare.
/// </summary>
public sealed record SeedSample(IReadOnlyList<double> Values, int NonFinite)
{
    public int N => Values.Count;
    public double Mean => N == 0 ? double.NaN : Values.Average();
    /// <summary>The sample standard deviation (n − 1 in the denominator); 0 for one value.</summary>
    public double Sd => N < 2 ? 0 : Math.Sqrt(Values.Sum(v => (v - Mean) * (v - Mean)) / (N - 1));
    public double Min => N == 0 ? double.NaN : Values.Min();
    public double Max => N == 0 ? double.NaN : Values.Max();

    /// <summary>The sample of <paramref name="values"/> (missing values are not part of it; non-finite ones are counted apart).</summary>
    public static SeedSample Of(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return new SeedSample(present.Where(double.IsFinite).ToList(), present.Count(v => !double.IsFinite(v)));
    }

    /// <summary>As one table cell: <c>0.9450 ± 0.0120 (0.9300–0.9600, n=5)</c>; one value as itself; all equal as <c>0.9 (n=3, all equal)</c>.</summary>
    public string Text()
    {
        var nonFinite = NonFinite > 0 ? $", {NonFinite} not finite" : "";
        if (N == 0) return NonFinite > 0 ? $"not finite (n={NonFinite})" : "—";
        if (N == 1) return RunFolders.Display(Values[0]) + (NonFinite > 0 ? $" ({NonFinite} not finite)" : "");
        if (Min == Max) return $"{RunFolders.Display(Mean)} (n={N}, all equal{nonFinite})";
        return $"{RunFolders.Display(Mean)} ± {RunFolders.Display(Sd, significant: true)} ({RunFolders.Display(Min)}–{RunFolders.Display(Max)}, n={N}{nonFinite})";
    }
}

