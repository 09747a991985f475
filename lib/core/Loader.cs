#nullable enable
using TorchSharp;
using static TorchSharp.torch;

// Loader: PyTorch's DataLoader(ds, batch_size, shuffle) batch order, reproduced draw for draw from
// torch's default generator, so a seeded run visits the samples in the notebook's order.

/// <summary>
/// Mini-batches in PyTorch <c>DataLoader</c> order (num_workers=0, drop_last=False). Call
/// <see cref="EpochOrder"/> once per epoch, exactly where PyTorch would start iterating the loader.
/// </summary>
public static class Loader
{
    // 2^62 (exact as a double): random_(from: -2^62, to: 2^62) + 2^62 is PyTorch's argument-less int64 random_().
    const double TwoTo62 = 4611686018427387904.0;

    /// <summary>
    /// The sample order of one epoch, consuming torch's default generator like one PyTorch epoch:
    /// the iterator's base seed (drawn even without shuffling), then, when shuffling, the RandomSampler's
    /// seed, which seeds a fresh Generator for <c>randperm(n)</c>. Without shuffling: 0..n-1.
    /// </summary>
    public static long[] EpochOrder(long n, bool shuffle)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be non-negative.");
        DrawSeed(); // _BaseDataLoaderIter.__init__: _base_seed (unused with num_workers=0, but it advances the RNG)
        if (!shuffle)
        {
            var order = new long[n];
            for (long i = 0; i < n; i++) order[i] = i;
            return order;
        }
        // RandomSampler.__iter__ on the first next(): a seed from the default generator for its own Generator.
        using var generator = new Generator((ulong)DrawSeed());
        using var perm = torch.randperm(n, generator: generator);
        return perm.data<long>().ToArray();
    }

    /// <summary>
    /// One int64 draw like PyTorch's <c>torch.empty((), dtype=torch.int64).random_()</c>: a value in [0, 2^63)
    /// from the default generator.
    /// </summary>
    public static long DrawSeed()
    {
        using var t = torch.empty(Array.Empty<long>(), dtype: ScalarType.Int64);
        t.random_(-TwoTo62, TwoTo62);
        return t.item<long>() + (1L << 62);
    }

    /// <summary>Consecutive slices of <paramref name="order"/>, <paramref name="batchSize"/> long; the last one may be shorter.</summary>
    public static IEnumerable<long[]> BatchIndices(long[] order, int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        for (int start = 0; start < order.Length; start += batchSize)
            yield return order[start..Math.Min(start + batchSize, order.Length)];
    }

    /// <summary>(start, count) of each batch over n samples: the cheap form of <see cref="BatchIndices"/>.</summary>
    public static IEnumerable<(long Start, long Count)> BatchRanges(long n, int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        for (long start = 0; start < n; start += batchSize)
            yield return (start, Math.Min(batchSize, n - start));
    }

    /// <summary>
    /// The rows <paramref name="batchIndices"/> of X and Y (index_select). The results land in the caller's
    /// dispose scope; the caller owns them.
    /// </summary>
    public static (Tensor X, Tensor Y) Gather(TensorData data, long[] batchIndices)
    {
        using var index = Tensors.Of(batchIndices, device: data.X.device);
        return (data.X.index_select(0, index), data.Y.index_select(0, index));
    }

    /// <summary>
    /// The hot-path form: rows <c>order[start .. start+count)</c> of X and Y, where <paramref name="order"/> is an
    /// int64 index tensor built once per epoch (e.g. <c>Tensors.Of(EpochOrder(n, true))</c>); slicing it is a view.
    /// </summary>
    public static (Tensor X, Tensor Y) Gather(TensorData data, Tensor order, long start, long count)
    {
        using var index = order.narrow(0, start, count);
        return (data.X.index_select(0, index), data.Y.index_select(0, index));
    }
}

/// <summary>
/// One epoch's batches in its sample order. A set of at most <see cref="GatherOnceBytes"/> is gathered once, in that
/// order (one index_select per tensor), and a batch is a narrow view of it; a larger set (all of MNIST) gathers each
/// batch's rows (<see cref="Loader.Gather(TensorData, Tensor, long, long)"/>), so no second copy of it is ever held.
/// Either way a batch holds the same rows with the same values, contiguous.
/// </summary>
public sealed class EpochBatches : IDisposable
{
    /// <summary>
    /// The largest set (X and Y together) gathered whole per epoch: Auto MPG, XOR, blobs and the notebook's MNIST subset
    /// (3.1 MB: one copy per epoch instead of three tensor ops per batch), not all of MNIST (188 MB).
    /// </summary>
    public const long GatherOnceBytes = 16 << 20;

    readonly TensorData data;
    readonly Tensor order;
    readonly Tensor? x, y;

    /// <summary>The epoch whose order is <paramref name="order"/> (<see cref="Loader.EpochOrder"/>) over <paramref name="data"/>.</summary>
    public EpochBatches(TensorData data, long[] order)
    {
        this.data = data;
        this.order = Tensors.Of(order, device: data.X.device);
        if (data.X.numel() * data.X.ElementSize + data.Y.numel() * data.Y.ElementSize > GatherOnceBytes) return;
        x = data.X.index_select(0, this.order).DetachFromDisposeScope();
        y = data.Y.index_select(0, this.order).DetachFromDisposeScope();
    }

    /// <summary>Rows <c>order[start .. start+count)</c> of X and Y, in the caller's dispose scope.</summary>
    public (Tensor X, Tensor Y) Batch(long start, long count) =>
        x is null ? Loader.Gather(data, order, start, count) : (x.narrow(0, start, count), y!.narrow(0, start, count));

    public void Dispose()
    {
        order.Dispose();
        x?.Dispose();
        y?.Dispose();
    }
}
