namespace Ch13.Tests;

// Expected values printed by NumPy 1.x / scikit-learn 1.2 for the notebook's data.
public class DataTests
{
    [Fact]
    public void Xor_points_match_numpy_uniform_after_seed_1()
    {
        var d = Data.MakeXor();
        d.X[0, 0].Should().Be(-0.165955990594852);
        d.X[0, 1].Should().Be(0.4406489868843162);
        d.X[1, 0].Should().Be(-0.9997712503653102);
        d.X[1, 1].Should().Be(-0.39533485473632046);
        d.Y[0].Should().Be(0);
        d.Y[1].Should().Be(1);
    }

    [Fact]
    public void Xor_split_is_700_300_and_starts_like_scikit_learn()
    {
        var split = Data.Xor();
        split.Train.Count.Should().Be(700);
        split.Test.Count.Should().Be(300);
        split.Train.Features.Should().Be(2);
        split.Train.X[0, 0].Should().Be(0.9682530877698337);
        split.Train.X[0, 1].Should().Be(-0.980254049282163);
        split.Train.Y[0].Should().Be(0);
    }

    [Fact]
    public void Xor_labels_are_roughly_balanced()
    {
        Data.MakeXor().Y.Average().Should().BeInRange(0.45, 0.55);
    }

    [Fact]
    public void Blobs_points_match_make_blobs_with_random_state_42()
    {
        var d = Data.MakeBlobs();
        d.X[0, 0].Should().BeApproximately(-0.4199673428898958, 1e-12);
        d.X[0, 1].Should().BeApproximately(6.190018991554276, 1e-12);
        d.X[1, 0].Should().BeApproximately(8.834130871419204, 1e-12);
        d.X[1, 1].Should().BeApproximately(0.5891990796707456, 1e-12);
        d.Y.Take(5).Should().Equal(0, 1, 1, 1, 1);
    }

    [Fact]
    public void Blobs_split_is_670_330_and_starts_like_scikit_learn()
    {
        var split = Data.Blobs();
        split.Train.Count.Should().Be(670);
        split.Test.Count.Should().Be(330);
        split.Train.X[0, 0].Should().BeApproximately(9.39285555061062, 1e-12);
        split.Train.X[0, 1].Should().BeApproximately(1.82151764940418, 1e-12);
    }

    [Fact]
    public void Blobs_have_500_points_per_class()
    {
        var y = Data.MakeBlobs().Y;
        y.Count(v => v == 0).Should().Be(500);
        y.Count(v => v == 1).Should().Be(500);
    }

    [Fact]
    public void Same_seed_gives_identical_data()
    {
        Flatten(Data.MakeBlobs(seed: 3)).Should().Equal(Flatten(Data.MakeBlobs(seed: 3)));
        Flatten(Data.MakeXor(seed: 3)).Should().Equal(Flatten(Data.MakeXor(seed: 3)));
        Flatten(Data.MakeXor(seed: 3)).Should().NotEqual(Flatten(Data.MakeXor(seed: 4)));
    }

    [Fact]
    public void Auto_mpg_split_indices_match_scikit_learn()
    {
        var split = Data.TrainTestSplitIndices(392, trainSize: 0.8, randomState: 1);
        split.Train.Should().HaveCount(313);
        split.Test.Should().HaveCount(79);
        split.Train.Take(8).Should().Equal(334, 258, 139, 310, 349, 95, 358, 327);
        split.Test.Take(8).Should().Equal(81, 165, 351, 119, 379, 236, 78, 92);
    }

    [Fact]
    public void Split_indices_are_a_partition_when_sizes_fill_the_set()
    {
        var split = Data.TrainTestSplitIndices(100, testSize: 0.25, randomState: 5);
        split.Train.Concat(split.Test).Should().BeEquivalentTo(Enumerable.Range(0, 100));
        split.Test.Should().HaveCount(25);
    }

    [Fact]
    public void Split_without_sizes_holds_out_a_quarter()
    {
        Data.TrainTestSplitIndices(10).Test.Should().HaveCount(3);
    }

    [Theory]
    [InlineData(10, 0.0, null)]
    [InlineData(10, 1.0, null)]
    [InlineData(10, null, 1.5)]
    [InlineData(10, 0.6, 0.6)]
    [InlineData(0, 0.3, null)]
    [InlineData(2, 0.9, null)]
    public void Bad_split_arguments_throw(int n, double? testSize, double? trainSize)
    {
        FluentActions.Invoking(() => Data.TrainTestSplitIndices(n, testSize, trainSize))
            .Should().Throw<ArgumentException>().Which.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void To_tensors_gives_float_features_and_class_or_float_labels()
    {
        var d = Data.MakeXor(count: 10);
        using (var t = Data.ToTensors(d))
        {
            t.X.shape.Should().Equal(10L, 2L);
            t.X.dtype.Should().Be(torch.ScalarType.Float32);
            t.Y.dtype.Should().Be(torch.ScalarType.Int64);
            t.X[1, 0].item<float>().Should().Be((float)d.X[1, 0]);
            t.Y.data<long>().ToArray().Should().Equal(d.Y.Select(v => (long)v));
        }
        using (var t = Data.ToTensors(d, labelsAsClasses: false))
        {
            t.Y.dtype.Should().Be(torch.ScalarType.Float32);
            t.Y.shape.Should().Equal(10L);
        }
    }

    static double[] Flatten(ArrayData d) => d.X.Cast<double>().Concat(d.Y).ToArray();
}
