#nullable enable
using Deedle;

// Features: the Auto MPG feature engineering as pure functions (fit on train, transform any frame).

/// <summary>A fitted standard scaler: per-column mean and scale, learnt from the training frame only.</summary>
public sealed record ScalerFit(IReadOnlyList<string> Columns, IReadOnlyList<double> Means, IReadOnlyList<double> Stds);

/// <summary>Standardising, bucketing and one-hot encoding, plus frame-to-array helpers.</summary>
public static class Features
{
    /// <summary>
    /// Means and stds of <paramref name="columns"/> of <paramref name="frame"/> (missing values skipped).
    /// The notebook uses sklearn's <c>StandardScaler</c>, whose std is the population std (ddof = 0): its printed
    /// z-scores (-0.825623 for 4 cylinders) only come out with ddof = 0. Pass <paramref name="ddof"/> = 1 for
    /// pandas' <c>(x - mean) / x.std()</c> instead. A (near) zero std becomes 1, as in sklearn.
    /// </summary>
    public static ScalerFit FitScaler(Frame<int, string> frame, IReadOnlyList<string> columns, int ddof = 0)
    {
        var means = new double[columns.Count];
        var stds = new double[columns.Count];
        for (var j = 0; j < columns.Count; j++)
        {
            var values = Column(frame, columns[j]).Where(v => !double.IsNaN(v)).ToArray();
            if (values.Length - ddof <= 0)
                throw new ArgumentException($"Column '{columns[j]}' has {values.Length} values: too few to fit a scaler with ddof={ddof}.");
            means[j] = PairwiseSum(values) / values.Length;
            var mean = means[j];
            var variance = PairwiseSum(values.Select(v => (v - mean) * (v - mean)).ToArray()) / (values.Length - ddof);
            stds[j] = Math.Sqrt(variance) < 10 * 2.220446049250313e-16 ? 1.0 : Math.Sqrt(variance);
        }
        return new ScalerFit(columns.ToArray(), means, stds);
    }

    /// <summary>A new frame: the fitted columns as (x - mean) / std, every other column and the row keys unchanged.</summary>
    public static Frame<int, string> Transform(Frame<int, string> frame, ScalerFit fit)
    {
        var result = frame.Clone();
        for (var j = 0; j < fit.Columns.Count; j++)
        {
            var (mean, std) = (fit.Means[j], fit.Stds[j]);
            var scaled = Column(frame, fit.Columns[j]).Select(v => (v - mean) / std).ToArray();
            result.ReplaceColumn(fit.Columns[j], new Series<int, double>(frame.RowKeys.ToArray(), scaled));
        }
        return result.Columns[frame.ColumnKeys.ToArray()];   // ReplaceColumn moves the column to the end
    }

    /// <summary>
    /// torch.bucketize: for each value the index i of its bucket among sorted <paramref name="boundaries"/>.
    /// right = false: boundaries[i-1] &lt; v &lt;= boundaries[i]; right = true (the notebook's choice):
    /// boundaries[i-1] &lt;= v &lt; boundaries[i]. Results run 0..boundaries.Length.
    /// </summary>
    public static int[] Bucketize(double[] values, double[] boundaries, bool right = false)
    {
        for (var i = 1; i < boundaries.Length; i++)
            if (!(boundaries[i - 1] <= boundaries[i]))
                throw new ArgumentException($"Bucket boundaries must be sorted ascending; got [{string.Join(", ", boundaries)}].");
        var result = new int[values.Length];
        for (var k = 0; k < values.Length; k++)
        {
            var v = values[k];
            if (double.IsNaN(v)) throw new ArgumentException($"Cannot bucketize a missing value (index {k}); drop missing rows first.");
            // Binary search for the first boundary above v (right) or at-or-above v (left).
            int lo = 0, hi = boundaries.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (right ? boundaries[mid] <= v : boundaries[mid] < v) lo = mid + 1;
                else hi = mid;
            }
            result[k] = lo;
        }
        return result;
    }

    /// <summary>
    /// F.one_hot: row i has a 1 in column classes[i]. Doubles, because the notebook joins it to the float
    /// features. Classes must lie in 0..numClasses-1 (the notebook maps Origin 1, 2, 3 there with <c>% 3</c>).
    /// </summary>
    public static double[,] OneHot(int[] classes, int numClasses)
    {
        var result = new double[classes.Length, numClasses];
        for (var i = 0; i < classes.Length; i++)
        {
            if (classes[i] < 0 || classes[i] >= numClasses)
                throw new ArgumentOutOfRangeException(nameof(classes),
                    $"Class values must be smaller than num_classes ({numClasses}) and not negative; got {classes[i]} at index {i}.");
            result[i, classes[i]] = 1.0;
        }
        return result;
    }

    /// <summary>One column as doubles in row order, NaN where a value is missing.</summary>
    public static double[] Column(Frame<int, string> frame, string column)
    {
        if (!frame.ColumnKeys.Contains(column))
            throw new ArgumentException($"The frame has no column '{column}' (it has: {string.Join(", ", frame.ColumnKeys)}).");
        return SeriesExtensions.GetAllValues(frame.GetColumn<double>(column))
            .Select(v => v.HasValue ? v.Value : double.NaN).ToArray();
    }

    /// <summary>The given columns side by side as a [rows, columns] matrix, e.g. for <see cref="ArrayData"/>.</summary>
    public static double[,] Matrix(Frame<int, string> frame, IReadOnlyList<string> columns)
    {
        var result = new double[frame.RowCount, columns.Count];
        for (var j = 0; j < columns.Count; j++)
        {
            var values = Column(frame, columns[j]);
            for (var i = 0; i < values.Length; i++) result[i, j] = values[i];
        }
        return result;
    }

    /// <summary>numpy's pairwise summation (8-way unrolled blocks of up to 128), so sums match numpy's bit for bit.</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        if (a.Length < 8)
        {
            var sum = 0.0;
            foreach (var v in a) sum += v;
            return sum;
        }
        if (a.Length <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < a.Length - a.Length % 8; i += 8)
                for (var j = 0; j < 8; j++) r[j] += a[i + j];
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < a.Length; i++) res += a[i];
            return res;
        }
        var half = a.Length / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }
}
