#nullable enable
using System.Globalization;

/// <summary>
/// A value over a sweep's seeds: mean, sample standard deviation (n − 1; null for a single value), min, max and n.
/// The one summary of seeds the tools share (run-all's console, the report, compare).
/// </summary>
public sealed record SeedSpread(double Mean, double? Sd, double Min, double Max, int N)
{
    /// <summary>The spread of <paramref name="values"/>; null when there are none.</summary>
    public static SeedSpread? Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return null;
        var mean = list.Average();
        double? sd = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : null;
        return new SeedSpread(mean, sd, list.Min(), list.Max(), list.Count);
    }

    /// <summary><c>0.9000 ± 0.0100 (0.8900–0.9100, n = 3)</c>, or <c>0.9000 (n = 1)</c>.</summary>
    public string Text => N == 1 || Sd is not { } sd
        ? $"{RunFolders.Display(Mean)} (n = 1)"
        : $"{RunFolders.Display(Mean)} ± {RunFolders.Display(sd, significant: true)} ({RunFolders.Display(Min)}–{RunFolders.Display(Max)}, n = {N.ToString(CultureInfo.InvariantCulture)})";
}
