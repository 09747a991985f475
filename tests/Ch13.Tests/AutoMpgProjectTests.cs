using Deedle;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class AutoMpgProjectTests
{
    static readonly Lazy<Frame<int, string>> Clean = new(() => AutoMpg.DropMissing(AutoMpg.Load(TestData.AutoMpgPath)));
    static readonly Lazy<AutoMpgData> Prepared = new(() =>
        Regression.PrepareAutoMpg(Clean.Value, Data.TrainTestSplitIndices(392, trainSize: 0.8, randomState: 1)));

    static double[] ColumnOf(double[,] x, int j) => Enumerable.Range(0, x.GetLength(0)).Select(i => x[i, j]).ToArray();

    static double PopulationStd(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    // The notebook's run up to the model: manual_seed before the DataLoader and again before the model.
    static History Train(AutoMpgData data, int epochs, int seed = 1)
    {
        using var train = Data.ToTensors(data.Arrays.Train, labelsAsClasses: false);
        torch.manual_seed(seed);
        torch.manual_seed(seed);
        using var model = Nets.Mlp(new MlpSpec(9, [10, 6, 4], 1, Activation.ReLU));
        return Training.Fit(model, train, null, new TrainConfig(epochs, BatchSize: 8), new Sgd(0.001), new MeanSquaredError());
    }

    [Fact]
    public void Split_matches_sklearn_train_test_split_with_random_state_1()
    {
        var split = Data.TrainTestSplitIndices(392, trainSize: 0.8, randomState: 1);
        split.Train[..8].Should().Equal(334, 258, 139, 310, 349, 95, 358, 327);
        split.Test[..8].Should().Equal(81, 165, 351, 119, 379, 236, 78, 92);
        Prepared.Value.Frames.Train.RowKeys.Should().Equal(split.Train);   // df_train keeps the original row labels
    }

    [Fact]
    public void Prepared_features_have_9_columns_and_313_train_79_test_rows()
    {
        var arrays = Prepared.Value.Arrays;
        (arrays.Train.Count, arrays.Train.Features).Should().Be((313, 9));
        (arrays.Test.Count, arrays.Test.Features).Should().Be((79, 9));
        arrays.Train.Y.Should().HaveCount(313);
        Prepared.Value.FeatureNames.Should().HaveCount(9);
    }

    [Fact]
    public void Train_statistics_match_the_notebook_describe_table()
    {
        var stats = AutoMpg.Describe(Prepared.Value.Frames.Train);
        stats["MPG"].Mean.Should().BeApproximately(23.404153, 1e-6);
        stats["Weight"].Std.Should().BeApproximately(848.602146, 1e-6);
        stats["Model Year"].Median.Should().Be(76.0);
    }

    [Fact]
    public void Normalised_train_tail_matches_the_notebook()
    {
        // df_train_norm.tail(): last row 37 has Cylinders 1.529001, Displacement 1.565553, Acceleration -1.361417.
        var norm = Prepared.Value.Normalized.Train;
        norm.RowKeys.Last().Should().Be(37);
        Features.Column(norm, "Cylinders")[^1].Should().BeApproximately(1.529001, 1e-6);
        Features.Column(norm, "Displacement")[^1].Should().BeApproximately(1.565553, 1e-6);
        Features.Column(norm, "Acceleration")[^1].Should().BeApproximately(-1.361417, 1e-6);
        // Printed before bucketing, so without the bucket column; scaled Cylinders now print as floats.
        Tables.Tail(norm.Columns[AutoMpg.Columns.ToArray()], 5, Regression.IntegerColumns).Split('\n')[^1]
            .Should().MatchRegex(@"^37\s+14\.0\s+1\.529001\s+1\.565553\s+1\.639537\s+1\.472775\s+-1\.361417\s+71\s+1$");
    }

    [Fact]
    public void Origin_one_hot_rows_sum_to_1()
    {
        Prepared.Value.OriginValues.Should().Equal(1, 2, 3);   // unique() in order of appearance, as printed
        foreach (var data in new[] { Prepared.Value.Arrays.Train, Prepared.Value.Arrays.Test })
            for (var i = 0; i < data.Count; i++)
            {
                var oneHot = Enumerable.Range(6, 3).Select(j => data.X[i, j]).ToArray();
                oneHot.Should().OnlyContain(v => v == 0 || v == 1);
                oneHot.Sum().Should().Be(1);
            }
    }

    [Fact]
    public void Origin_3_is_class_0_after_mod_3()
    {
        var frame = Prepared.Value.Normalized.Train;
        var origin = Features.Column(frame, "Origin");
        var x = Prepared.Value.Arrays.Train.X;
        for (var i = 0; i < origin.Length; i++) x[i, 6 + (int)origin[i] % 3].Should().Be(1);
    }

    [Fact]
    public void Year_buckets_are_0_to_3_and_follow_the_boundaries()
    {
        var frame = Prepared.Value.Normalized.Train;
        var years = Features.Column(frame, "Model Year");
        var buckets = ColumnOf(Prepared.Value.Arrays.Train.X, 5);
        buckets.Should().OnlyContain(b => b == 0 || b == 1 || b == 2 || b == 3);
        buckets.Distinct().Should().HaveCount(4);
        for (var i = 0; i < years.Length; i++)
            buckets[i].Should().Be(years[i] < 73 ? 0 : years[i] < 76 ? 1 : years[i] < 79 ? 2 : 3);
    }

    [Fact]
    public void Scaled_train_columns_have_mean_0_and_std_1_but_test_columns_do_not_exactly()
    {
        for (var j = 0; j < 5; j++)
        {
            var train = ColumnOf(Prepared.Value.Arrays.Train.X, j);
            var test = ColumnOf(Prepared.Value.Arrays.Test.X, j);
            train.Average().Should().BeApproximately(0, 1e-12);
            PopulationStd(train).Should().BeApproximately(1, 1e-12);
            Math.Abs(test.Average()).Should().BeGreaterThan(1e-3, "the test set is scaled with the train statistics");
            Math.Abs(PopulationStd(test) - 1).Should().BeGreaterThan(1e-3);
        }
    }

    [Fact]
    public void Scaler_is_fitted_on_the_train_rows_only()
    {
        var fit = Prepared.Value.Scaler;
        fit.Columns.Should().Equal(Regression.NumericColumns);
        fit.Means[0].Should().BeApproximately(5.402556, 1e-6);                           // train Cylinders mean
        fit.Stds[0].Should().BeApproximately(1.701506 * Math.Sqrt(312.0 / 313), 1e-6);   // ddof = 0
    }

    [Fact]
    public void A_short_training_run_reduces_the_loss()
    {
        var history = Train(Prepared.Value, epochs: 5);
        history.Epochs.Should().HaveCount(5);
        history.Status.Should().Be(RunStatus.Completed);
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss / 5);
        history.Epochs.Should().OnlyContain(e => e.ValidLoss == null && e.TrainAccuracy == null);
    }

    [Fact]
    public void The_same_seed_gives_the_same_history()
    {
        var first = Train(Prepared.Value, epochs: 3).Epochs.Select(e => e.TrainLoss);
        var second = Train(Prepared.Value, epochs: 3).Epochs.Select(e => e.TrainLoss);
        var other = Train(Prepared.Value, epochs: 3, seed: 2).Epochs.Select(e => e.TrainLoss);
        second.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void Evaluate_reports_mse_and_mae_of_the_first_output_column()
    {
        using var data = new TensorData(torch.tensor(new float[] { 1, 2, 3 }, 3, 1), torch.tensor(new float[] { 2, 2, 5 }));
        using var identity = torch.nn.Identity();
        var result = Regression.Evaluate(identity, data);
        result.Mse.Should().BeApproximately((1 + 0 + 4) / 3.0, 1e-6);
        result.Mae.Should().BeApproximately((1 + 0 + 2) / 3.0, 1e-6);
        result.Predictions.Should().Equal(1, 2, 3);
        result.Targets.Should().Equal(2, 2, 5);
    }

    [Fact]
    public void The_first_21_epochs_reproduce_the_notebook_losses()
    {
        // Notebook: "Epoch 0  Loss 504.8686", "Epoch 20  Loss 8.2171". Ours is 504.86865005 (prints 504.8687):
        // a hair above the rounding midpoint, so a last-bit float32 difference in any batch flips the 4th decimal.
        var history = Train(Prepared.Value, epochs: 21);
        history.Epochs[0].TrainLoss.Should().BeApproximately(504.8686, 1e-4);
        history.Epochs[20].TrainLoss.Should().BeApproximately(8.2171, 5e-5);
    }
}
