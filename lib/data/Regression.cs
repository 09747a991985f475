#nullable enable
using Deedle;
using TorchSharp;
using static TorchSharp.torch;

// Regression: the Auto MPG project's feature pipeline (split, scale, bucket, one-hot) and its test metrics,
// following the notebook's steps and dtypes: float64 features that become float32 only at the end.

/// <summary>
/// Every stage of the notebook's Auto MPG preparation, train and test side by side: the split frames
/// (<c>df_train</c>, <c>df_test</c>, original row keys kept), the scaler fitted on train, the normalised frames
/// with "Model Year Bucketed" added (<c>df_train_norm</c>…), the Origin values in order of appearance
/// (<c>df_train_norm["Origin"].unique()</c>), and the final float64 feature matrices with MPG as target.
/// </summary>
public sealed record AutoMpgData(
    TrainTest<Frame<int, string>> Frames,
    ScalerFit Scaler,
    TrainTest<Frame<int, string>> Normalized,
    int[] OriginValues,
    IReadOnlyList<string> FeatureNames,
    TrainTest<ArrayData> Arrays);

/// <summary>Test-set numbers of a regression model: MSE, MAE and the predictions themselves (float32 like the model's).</summary>
public sealed record RegressionResult(double Mse, double Mae, IReadOnlyList<float> Predictions, IReadOnlyList<float> Targets);

/// <summary>The Auto MPG feature pipeline and regression metrics.</summary>
public static class Regression
{
    /// <summary>The continuous columns the notebook standardises.</summary>
    public static IReadOnlyList<string> NumericColumns { get; } = ["Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration"];

    /// <summary>The columns pandas reads as int64 (they print without decimals until scaled).</summary>
    public static IReadOnlyList<string> IntegerColumns { get; } = ["Cylinders", "Model Year", "Origin"];

    /// <summary>Model Year cut-offs: buckets (-∞, 73), [73, 76), [76, 79), [79, ∞) with right = true.</summary>
    public static double[] YearBoundaries { get; } = [73, 76, 79];

    public const string BucketColumn = "Model Year Bucketed";
    public const string Target = "MPG";

    /// <summary>
    /// The notebook's preparation of the cleaned frame (<c>dropna().reset_index()</c>, 392 rows) for the given
    /// split: standardise <see cref="NumericColumns"/> with train statistics only (sklearn's StandardScaler,
    /// ddof = 0), bucket Model Year, one-hot Origin % (number of train origins), and lay out the 9 features as
    /// [5 scaled numerics, year bucket, 3 origin indicators]. Pure: nothing touches torch's generator.
    /// </summary>
    public static AutoMpgData PrepareAutoMpg(Frame<int, string> frame, TrainTest<int[]> split)
    {
        var frames = new TrainTest<Frame<int, string>>(frame.Rows[split.Train], frame.Rows[split.Test]);
        var scaler = Features.FitScaler(frames.Train, NumericColumns);
        var normalized = new TrainTest<Frame<int, string>>(WithYearBucket(Features.Transform(frames.Train, scaler)),
                                                           WithYearBucket(Features.Transform(frames.Test, scaler)));

        // total_origin = len(unique()); `% total_origin` maps Origin 1, 2, 3 to one-hot classes 1, 2, 0.
        var originValues = Features.Column(normalized.Train, "Origin").Select(v => (int)v).Distinct().ToArray();
        var numeric = NumericColumns.Append(BucketColumn).ToArray();
        var names = numeric.Concat(Enumerable.Range(0, originValues.Length).Select(c => $"Origin % {originValues.Length} = {c}")).ToArray();
        return new AutoMpgData(frames, scaler, normalized, originValues, names,
            new TrainTest<ArrayData>(Arrays(normalized.Train, numeric, originValues.Length),
                                     Arrays(normalized.Test, numeric, originValues.Length)));
    }

    // df_norm["Model Year Bucketed"] = torch.bucketize(model_year, boundaries, right=True)
    static Frame<int, string> WithYearBucket(Frame<int, string> frame)
    {
        var buckets = Features.Bucketize(Features.Column(frame, "Model Year"), YearBoundaries, right: true);
        var result = frame.Clone();
        result.AddColumn(BucketColumn, new Series<int, double>(frame.RowKeys.ToArray(), buckets.Select(b => (double)b).ToArray()));
        return result;
    }

    // torch.cat([numeric (float64), one_hot(origin % k) (int64)], 1) is float64; MPG is the target.
    static ArrayData Arrays(Frame<int, string> frame, IReadOnlyList<string> numeric, int originClasses)
    {
        var values = Features.Matrix(frame, numeric);
        var oneHot = Features.OneHot(Features.Column(frame, "Origin").Select(v => (int)v % originClasses).ToArray(), originClasses);
        var rows = frame.RowCount;
        var x = new double[rows, numeric.Count + originClasses];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < numeric.Count; j++) x[i, j] = values[i, j];
            for (var j = 0; j < originClasses; j++) x[i, numeric.Count + j] = oneHot[i, j];
        }
        return new ArrayData(x, Features.Column(frame, Target));
    }

    /// <summary>
    /// The notebook's test evaluation: under no_grad, <c>pred = model(x)[:, 0]</c>, then MSELoss and L1Loss
    /// (float32 means, read as doubles like <c>loss.item()</c>).
    /// </summary>
    public static RegressionResult Evaluate(nn.Module<Tensor, Tensor> model, TensorData data)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var pred = model.call(data.X)[.., 0];
        var mse = nn.functional.mse_loss(pred, data.Y).item<float>();
        var mae = nn.functional.l1_loss(pred, data.Y).item<float>();
        return new RegressionResult(mse, mae, pred.data<float>().ToArray(), data.Y.data<float>().ToArray());
    }
}
