using Deedle;

namespace Ch13.Tests;

public class FeaturesTests
{
    static Frame<int, string> Frame(params (string Name, double[] Values)[] columns) =>
        AutoMpg.FromColumns(columns.Select(c => c.Name).ToArray(), columns.Select(c => c.Values).ToArray());

    [Fact]
    public void Scaler_uses_the_population_std_like_sklearn_StandardScaler()
    {
        var fit = Features.FitScaler(Frame(("a", [1, 2, 3, 4])), ["a"]);
        fit.Means.Should().Equal(2.5);
        fit.Stds[0].Should().BeApproximately(Math.Sqrt(1.25), 1e-15);
        Features.FitScaler(Frame(("a", [1, 2, 3, 4])), ["a"], ddof: 1).Stds[0].Should().BeApproximately(Math.Sqrt(5.0 / 3), 1e-15);
    }

    [Fact]
    public void Scaler_reproduces_the_notebook_z_score_for_four_cylinders()
    {
        // Notebook: train Cylinders mean 5.402556, sample std 1.701506 over 313 rows; 4 cylinders -> -0.825623.
        var populationStd = 1.701506 * Math.Sqrt(312.0 / 313);
        var fit = new ScalerFit(["Cylinders"], [5.402556], [populationStd]);
        var z = Features.Column(Features.Transform(Frame(("Cylinders", [4])), fit), "Cylinders")[0];
        z.Should().BeApproximately(-0.825623, 2e-6);
    }

    [Fact]
    public void Scaler_uses_train_statistics_only()
    {
        var train = Frame(("x", [0, 2, 4]), ("y", [10, 10, 10]));
        var test = Frame(("x", [100, 200]), ("y", [1, 2]));
        var fit = Features.FitScaler(train, ["x"]);

        var scaledTest = Features.Transform(test, fit);

        fit.Means.Should().Equal(2.0);
        Features.Column(scaledTest, "x").Should().Equal((100 - 2) / fit.Stds[0], (200 - 2) / fit.Stds[0]);
        Features.Column(scaledTest, "y").Should().Equal(1.0, 2.0);        // not a fitted column: unchanged
        Features.Column(test, "x").Should().Equal(100.0, 200.0);          // the input frame is not modified
    }

    [Fact]
    public void Transform_keeps_row_keys_and_column_order()
    {
        var frame = Frame(("a", [1, 2, 3]), ("b", [4, 5, 6]), ("c", [7, 8, 9]));
        var shuffled = frame.Rows[new[] { 2, 0 }];
        var result = Features.Transform(shuffled, Features.FitScaler(frame, ["b"]));
        result.RowKeys.Should().Equal(2, 0);
        result.ColumnKeys.Should().Equal("a", "b", "c");
        Features.Column(result, "b").Should().Equal((6 - 5) / Math.Sqrt(2.0 / 3), (4 - 5) / Math.Sqrt(2.0 / 3));
    }

    [Fact]
    public void A_constant_column_is_left_centred_but_unscaled()
    {
        var fit = Features.FitScaler(Frame(("c", [3, 3, 3])), ["c"]);
        fit.Stds.Should().Equal(1.0);
    }

    [Fact]
    public void Bucketize_right_puts_each_model_year_in_its_notebook_bucket()
    {
        double[] years = [70, 72, 73, 75, 76, 78, 79, 82];
        Features.Bucketize(years, [73, 76, 79], right: true).Should().Equal(0, 0, 1, 1, 2, 2, 3, 3);
    }

    [Fact]
    public void Bucketize_left_puts_boundary_values_in_the_lower_bucket_like_torch()
    {
        double[] values = [72, 73, 74, 79, 80];
        Features.Bucketize(values, [73, 76, 79], right: false).Should().Equal(0, 0, 1, 2, 3);
        using var torchResult = torch.bucketize(torch.tensor(values), torch.tensor(new double[] { 73, 76, 79 }), right: false);
        torchResult.data<long>().Select(v => (int)v).Should().Equal(0, 0, 1, 2, 3);
    }

    [Fact]
    public void Bucketize_agrees_with_torch_both_ways()
    {
        double[] values = [-5, 0, 1, 1.5, 2, 2, 3, 10];
        double[] boundaries = [0, 1, 2, 2, 3];
        foreach (var right in new[] { false, true })
        {
            using var expected = torch.bucketize(torch.tensor(values), torch.tensor(boundaries), right: right);
            Features.Bucketize(values, boundaries, right).Should().Equal(expected.data<long>().Select(v => (int)v), $"right={right}");
        }
    }

    [Fact]
    public void Bucketize_rejects_unsorted_boundaries()
    {
        var act = () => Features.Bucketize([1], [3, 1]);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void One_hot_of_origin_mod_3_matches_the_notebook()
    {
        // classes [1 2 3] % 3 = [1 2 0] -> [[0,1,0],[0,0,1],[1,0,0]]
        int[] classes = [1 % 3, 2 % 3, 3 % 3];
        Features.OneHot(classes, 3).Should().BeEquivalentTo(new double[,] { { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 } });
    }

    [Fact]
    public void One_hot_rejects_classes_outside_the_range_like_torch()
    {
        var act = () => Features.OneHot([1, 2, 3], 3);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*smaller than num_classes*");
    }

    [Fact]
    public void Matrix_lays_columns_side_by_side()
    {
        var m = Features.Matrix(Frame(("a", [1, 2]), ("b", [3, 4])), ["b", "a"]);
        m.Should().BeEquivalentTo(new double[,] { { 3, 1 }, { 4, 2 } });
    }

    [Fact]
    public void Pairwise_sum_is_more_accurate_than_a_running_sum()
    {
        var values = Enumerable.Repeat(0.1, 1000).ToArray();
        var running = values.Aggregate(0.0, (a, b) => a + b);
        Math.Abs(Features.PairwiseSum(values) - 100.0).Should().BeLessThan(Math.Abs(running - 100.0));
        Features.PairwiseSum([1, 2, 3]).Should().Be(6);
    }
}
