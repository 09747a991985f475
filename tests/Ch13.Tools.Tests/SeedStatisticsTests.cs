namespace Ch13.Tools.Tests;

/// <summary>
/// compare's noise-aware verdict (tools/lib/SeedStatistics.cs) on synthetic samples whose answer is known, and Welch's
/// t, df and p checked against an independent computation (the formulas by hand, p by integrating the t density).
/// </summary>
public sealed class SeedStatisticsTests
{
    static Verdict Judge(double[] a, double[] b, Better better = Better.Higher) =>
        SeedStatistics.Judge(a.Select(v => (double?)v).ToList(), b.Select(v => (double?)v).ToList(), better);

    [Fact]
    public void Two_clearly_separated_samples_are_better_or_worse_by_the_direction()
    {
        double[] low = [0.90, 0.91, 0.92], high = [0.95, 0.96, 0.97];
        Judge(low, high).Should().Be(Verdict.Better);
        Judge(high, low).Should().Be(Verdict.Worse);
        Judge(low, high, Better.Lower).Should().Be(Verdict.Worse, "a loss that went up");
    }

    [Fact]
    public void The_same_values_in_any_order_are_unchanged_and_overlapping_samples_are_within_noise()
    {
        Judge([0.90, 0.91, 0.92], [0.92, 0.90, 0.91]).Should().Be(Verdict.Unchanged);
        // Means 0.9233 and 0.9267, sds ≈ 0.025 and 0.015: t ≈ 0.20, far from significant.
        Judge([0.90, 0.95, 0.92], [0.91, 0.94, 0.93]).Should().Be(Verdict.WithinNoise);
    }

    [Fact]
    public void Fewer_than_two_seeds_on_a_side_cannot_tell_unless_nothing_changed()
    {
        Judge([0.90], [0.95]).Should().Be(Verdict.CannotTell);
        Judge([0.90], [0.90, 0.91]).Should().Be(Verdict.CannotTell);
        Judge([0.90], [0.90]).Should().Be(Verdict.Unchanged);
        CompareTables.VerdictText(Verdict.CannotTell).Should().Be("one seed: cannot tell");
    }

    [Fact]
    public void Sides_without_spread_differ_exactly_and_equal_means_are_within_noise()
    {
        // Every seed gave the same value on each side: the seed does not move it, so the difference is exact.
        Judge([0.9, 0.9, 0.9], [0.8, 0.8, 0.8]).Should().Be(Verdict.Worse);
        Judge([0.9, 0.9], [0.9, 0.9, 0.9]).Should().Be(Verdict.WithinNoise, "same mean, no spread, different n");
        SeedStatistics.Welch(SeedSample.Of([0.9, 0.9]), SeedSample.Of([0.8, 0.8])).Should().BeNull("no standard error");
    }

    [Fact]
    public void Non_finite_values_are_left_out_of_the_test_and_counted()
    {
        Judge([double.NaN, 0.90, 0.91], [0.95, 0.96, 0.97]).Should().Be(Verdict.Better, "two finite seeds remain on A");
        Judge([double.NaN, 0.90], [0.95, 0.96]).Should().Be(Verdict.CannotTell, "one finite seed on A");
        Judge([double.NaN, double.NaN], [double.NaN, double.NaN]).Should().Be(Verdict.Unchanged);
        SeedSample.Of([double.NaN, 0.90, 0.92]).Text().Should().Be("0.9100 ± 0.0141 (0.9000–0.9200, n=2, 1 not finite)");
    }

    [Fact]
    public void A_sample_reads_as_mean_sd_range_and_n()
    {
        var s = SeedSample.Of([0.93, 0.945, 0.96]);
        s.Mean.Should().BeApproximately(0.945, 1e-12);
        s.Sd.Should().BeApproximately(0.015, 1e-12, "the sample sd, n − 1");
        s.Text().Should().Be("0.9450 ± 0.0150 (0.9300–0.9600, n=3)");
        SeedSample.Of([0.9]).Text().Should().Be("0.9000");
        SeedSample.Of([0.9, 0.9, 0.9]).Text().Should().Be("0.9000 (n=3, all equal)");
    }

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, new[] { 2.0, 4, 6, 8, 10 })]
    [InlineData(new[] { 0.9867, 0.94, 0.9567 }, new[] { 0.9767, 0.97, 0.98, 0.99 })]
    [InlineData(new[] { 10.0, 11, 12.5, 9.5 }, new[] { 14.0, 13.5, 15 })]
    public void Welch_t_df_and_p_match_an_independent_computation(double[] a, double[] b)
    {
        double Mean(double[] x) => x.Sum() / x.Length;
        double Var(double[] x) => x.Sum(v => (v - Mean(x)) * (v - Mean(x))) / (x.Length - 1);
        double va = Var(a) / a.Length, vb = Var(b) / b.Length;
        var t = (Mean(b) - Mean(a)) / Math.Sqrt(va + vb);
        var df = (va + vb) * (va + vb) / (va * va / (a.Length - 1) + vb * vb / (b.Length - 1));

        var test = SeedStatistics.Welch(SeedSample.Of(a.Select(v => (double?)v)), SeedSample.Of(b.Select(v => (double?)v)))!;

        test.T.Should().BeApproximately(t, 1e-9);
        test.Df.Should().BeApproximately(df, 1e-9);
        test.P.Should().BeApproximately(TwoSidedP(t, df), 1e-6);
        var expected = test.P < 0.05 ? (t > 0 ? Verdict.Better : Verdict.Worse) : Verdict.WithinNoise;
        Judge(a, b).Should().Be(expected);
    }

    [Fact]
    public void A_textbook_case_gives_its_known_p()
    {
        // a = 1..5, b = 2·a: t = 3/√2.5 = 1.8974, df = 6.25/1.0625 = 5.8824; the two-sided p is
        // I_{df/(df+t²)}(df/2, 1/2) = 0.10753 (the regularised incomplete beta, computed apart by its continued fraction).
        var test = SeedStatistics.Welch(SeedSample.Of([1.0, 2, 3, 4, 5]), SeedSample.Of([2.0, 4, 6, 8, 10]))!;
        test.T.Should().BeApproximately(1.897367, 1e-6);
        test.Df.Should().BeApproximately(5.882353, 1e-6);
        TwoSidedP(test.T, test.Df).Should().BeApproximately(0.10753, 1e-5);
        test.P.Should().BeApproximately(0.10753, 1e-5);
    }

    /// <summary>
    /// The two-sided p of Student's t with <paramref name="df"/> degrees of freedom, independently of MathNet: the
    /// unnormalised density (1 + x²/df)^(−(df+1)/2) integrated by Simpson's rule on x = u/(1 − u) over [|t|, ∞) and
    /// over [0, ∞); their ratio is P(|T| ≥ |t|).
    /// </summary>
    public static double TwoSidedP(double t, double df)
    {
        double Density(double x) => Math.Pow(1 + x * x / df, -(df + 1) / 2);
        double Tail(double from)
        {
            // x = from + u/(1 − u), dx = du/(1 − u)²; u in [0, 1).
            const int n = 200_000;
            double F(double u) => u >= 1 ? 0 : Density(from + u / (1 - u)) / ((1 - u) * (1 - u));
            var h = 1.0 / n;
            var sum = F(0) + F(1);
            for (var i = 1; i < n; i++) sum += F(i * h) * (i % 2 == 1 ? 4 : 2);
            return sum * h / 3;
        }
        return Tail(Math.Abs(t)) / Tail(0);
    }
}
