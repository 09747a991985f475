namespace Ch13.Tests;

// Expected orders printed by PyTorch for DataLoader(range(10), batch_size=10, shuffle=True) after manual_seed(1).
[Collection(TorchGlobalState.Name)]
public class LoaderTests
{
    [Fact]
    public void Shuffled_epochs_match_pytorch_dataloader_after_manual_seed_1()
    {
        torch.manual_seed(1);
        Loader.EpochOrder(10, shuffle: true).Should().Equal(4L, 2L, 0L, 6L, 8L, 7L, 9L, 1L, 5L, 3L);
        Loader.EpochOrder(10, shuffle: true).Should().Equal(4L, 8L, 1L, 5L, 0L, 2L, 3L, 6L, 9L, 7L);
    }

    [Fact]
    public void Seed_draws_match_pytorch_int64_random()
    {
        torch.manual_seed(1);
        Loader.DrawSeed().Should().Be(7692698082559361259);
        Loader.DrawSeed().Should().Be(4064269471072392264);
    }

    [Fact]
    public void Unshuffled_epoch_is_in_order_and_still_draws_the_base_seed()
    {
        torch.manual_seed(1);
        Loader.EpochOrder(5, shuffle: false).Should().Equal(0L, 1L, 2L, 3L, 4L);
        Loader.DrawSeed().Should().Be(4064269471072392264);
    }

    [Fact]
    public void Same_seed_gives_same_epoch_orders()
    {
        torch.manual_seed(7);
        var a = Loader.EpochOrder(100, shuffle: true);
        torch.manual_seed(7);
        Loader.EpochOrder(100, shuffle: true).Should().Equal(a);
        a.Should().BeEquivalentTo(Enumerable.Range(0, 100).Select(i => (long)i));
    }

    [Fact]
    public void Batches_cover_the_order_with_a_short_last_batch()
    {
        var order = Enumerable.Range(0, 7).Select(i => (long)i).ToArray();
        var batches = Loader.BatchIndices(order, 3).ToList();
        batches.Select(b => b.Length).Should().Equal(3, 3, 1);
        batches.SelectMany(b => b).Should().Equal(order);
        Loader.BatchRanges(7, 3).Should().Equal((0L, 3L), (3L, 3L), (6L, 1L));
    }

    [Fact]
    public void Gather_picks_rows_of_features_and_labels()
    {
        using var data = new TensorData(
            torch.arange(12, dtype: torch.ScalarType.Float32).reshape(6, 2),
            torch.arange(6, dtype: torch.ScalarType.Int64));
        using var scope = torch.NewDisposeScope();
        var (x, y) = Loader.Gather(data, new long[] { 4, 1 });
        x.data<float>().ToArray().Should().Equal(8f, 9f, 2f, 3f);
        y.data<long>().ToArray().Should().Equal(4L, 1L);

        var order = torch.tensor(new long[] { 5, 0, 3 });
        var (x2, y2) = Loader.Gather(data, order, 1, 2);
        x2.data<float>().ToArray().Should().Equal(0f, 1f, 6f, 7f);
        y2.data<long>().ToArray().Should().Equal(0L, 3L);
    }

    [Theory]
    [InlineData(1000)] // 3.1 MB of MNIST-shaped rows: gathered once per epoch, batches are views
    [InlineData(5400)] // 16.9 MB: past EpochBatches.GatherOnceBytes, each batch gathered on its own
    public void Epoch_batches_hold_the_rows_of_the_order_whichever_way_they_are_gathered(int rows)
    {
        var bytes = rows * (784 * sizeof(float) + sizeof(long));
        (bytes > EpochBatches.GatherOnceBytes).Should().Be(rows > 1000, "the two cases straddle the threshold");
        using var data = new TensorData(
            torch.arange(rows * 784L, dtype: torch.ScalarType.Float32).reshape(rows, 784),
            torch.arange(rows, dtype: torch.ScalarType.Int64));
        var order = Enumerable.Range(0, rows).Select(i => (long)((i * 7919L) % rows)).ToArray(); // a permutation (7919 is prime)
        using var batches = new EpochBatches(data, order);
        foreach (var (start, count) in Loader.BatchRanges(rows, 64).Where((_, i) => i % 20 == 0))
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = batches.Batch(start, count);
            x.is_contiguous().Should().BeTrue();
            y.data<long>().ToArray().Should().Equal(order[(int)start..(int)(start + count)]);
            var firstRow = order[start];
            x[0].data<float>().ToArray().Should().Equal(Enumerable.Range(0, 784).Select(j => (float)(firstRow * 784 + j)));
        }
    }

    [Fact]
    public void Bad_batch_size_throws()
    {
        FluentActions.Invoking(() => Loader.BatchIndices(new long[] { 0 }, 0).ToList()).Should().Throw<ArgumentOutOfRangeException>();
    }
}
