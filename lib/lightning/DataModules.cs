#nullable enable
using TorchSharp;
using static TorchSharp.torch;

// DataModules: the Lightning-style trainer's data side. A data module hands out a fresh batch sequence per epoch
// (like calling a DataLoader's __iter__), built here from tensors with PyTorch's DataLoader order and random_split.

/// <summary>One mini-batch: features and targets (the trainer moves them to its device).</summary>
public sealed record Batch(Tensor X, Tensor Y)
{
    public long Size => X.shape[0];
}

/// <summary>
/// A <c>LightningDataModule</c>: train/valid/test loaders as functions, each call starting a new pass (epoch).
/// Batches are created lazily while the trainer enumerates, inside its per-batch dispose scope.
/// </summary>
/// <c>TrainBatches</c>: how many batches a training pass has, when known (a progress bar's total).
public sealed record DataModule(Func<IEnumerable<Batch>> TrainLoader, Func<IEnumerable<Batch>> ValidLoader, Func<IEnumerable<Batch>> TestLoader, int? TrainBatches = null);

/// <summary>Data modules from in-memory tensors.</summary>
public static class DataModules
{
    /// <summary>
    /// Index sets like PyTorch's <c>random_split(range(n), lengths, generator=torch.Generator().manual_seed(seed))</c>:
    /// one <c>randperm(n)</c> from a generator of its own (torch's global generator is not touched), cut in order.
    /// </summary>
    public static long[][] RandomSplit(long n, IReadOnlyList<long> lengths, long seed)
    {
        if (lengths.Sum() != n) throw new ArgumentException($"split lengths {string.Join(" + ", lengths)} do not add up to {n}");
        using var generator = new Generator((ulong)seed);
        using var perm = randperm(n, generator: generator);
        var order = perm.data<long>().ToArray();
        var offset = 0L;
        return lengths.Select(length => { var part = order[(int)offset..(int)(offset + length)]; offset += length; return part; }).ToArray();
    }

    /// <summary>Consecutive index ranges: the first <c>lengths[0]</c> rows, the next <c>lengths[1]</c>, … (no shuffling).</summary>
    public static long[][] SequentialSplit(IReadOnlyList<long> lengths)
    {
        var offset = 0L;
        return lengths.Select(length => { var part = Enumerable.Range(0, (int)length).Select(i => offset + i).ToArray(); offset += length; return part; }).ToArray();
    }

    /// <summary>The rows <paramref name="indices"/> of <paramref name="data"/> as new tensors (the caller owns them).</summary>
    public static TensorData Subset(TensorData data, long[] indices)
    {
        using var index = Tensors.Of(indices);
        return new TensorData(data.X.index_select(0, index), data.Y.index_select(0, index));
    }

    /// <summary>
    /// A DataLoader over <paramref name="data"/>: each call to the returned function is one epoch, whose first batch
    /// draws from torch's generator exactly as <c>DataLoader(shuffle=…)</c> starting an iteration does.
    /// </summary>
    public static Func<IEnumerable<Batch>> DataLoader(TensorData data, int batchSize, bool shuffle = false) =>
        () => Iterate(data, batchSize, shuffle);

    static IEnumerable<Batch> Iterate(TensorData data, int batchSize, bool shuffle)
    {
        var order = Loader.EpochOrder(data.Count, shuffle);
        foreach (var indices in Loader.BatchIndices(order, batchSize))
        {
            var (x, y) = Loader.Gather(data, indices);
            yield return new Batch(x, y);
        }
    }

    /// <summary>A data module over three tensor sets, the training one optionally shuffled each epoch.</summary>
    public static DataModule FromTensors(TensorData train, TensorData valid, TensorData test, int batchSize, bool shuffleTrain = false) =>
        new(DataLoader(train, batchSize, shuffleTrain), DataLoader(valid, batchSize), DataLoader(test, batchSize),
            TrainBatches: (int)((train.Count + batchSize - 1) / batchSize));
}
