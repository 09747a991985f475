#nullable enable
using System.Net.Http;
using TorchSharp;
using static TorchSharp.torch;

// Mnist: the four IDX files as tensors, the way the notebook feeds them (pixels as float, labels as int64).

/// <summary>MNIST as tensors: X float32 [n, 28, 28] (0..255, or 0..1 when scaled), Y int64 [n].</summary>
public static class Mnist
{
    public const int TrainSize = 60000;
    public const int TestSize = 10000;

    /// <summary>
    /// The first <paramref name="trainCount"/> training and <paramref name="testCount"/> test images (all when null),
    /// like the notebook's <c>train[:1000]</c> / <c>test[:200]</c> splits. Files come from
    /// <see cref="DataFiles.EnsureAll"/> under <paramref name="root"/> (downloaded if missing).
    /// <paramref name="scale"/> divides pixels by 255. The caller owns (disposes) the tensors.
    /// </summary>
    public static TrainTest<TensorData> Load(string root, int? trainCount = null, int? testCount = null, bool scale = false,
                                             HttpMessageHandler? handler = null)
    {
        CheckCount("train", trainCount, TrainSize);
        CheckCount("test", testCount, TestSize);
        var paths = DataFiles.EnsureAll(root, DataFiles.MnistFiles, handler);
        var train = FromFiles(paths[0], paths[1], trainCount, scale);
        var test = FromFiles(paths[2], paths[3], testCount, scale);
        return new TrainTest<TensorData>(train, test);
    }

    /// <summary>
    /// Every label is a digit 0..9: anything else is a data error naming the file and the byte offset (in the IDX
    /// data, after gunzip; the 8-byte header comes first), instead of a libtorch stack trace from the loss.
    /// </summary>
    public static void CheckLabels(byte[] labels, string labelsPath)
    {
        var bad = Array.FindIndex(labels, label => label > 9);
        if (bad >= 0)
            throw new Ch13Exception($"MNIST label file {labelsPath} holds label {labels[bad]} at byte offset {8 + bad} (item {bad}); labels must be 0 to 9.\n" +
                "Fix: the file is damaged or not MNIST: delete it and run again to download it afresh.");
    }

    /// <summary>Reads one images/labels pair of IDX files (any size) into tensors.</summary>
    public static TensorData FromFiles(string imagesPath, string labelsPath, int? count = null, bool scale = false)
    {
        var images = Idx.ReadImages(imagesPath, count);
        var labels = Idx.ReadLabels(labelsPath, count);
        CheckLabels(labels, labelsPath);
        if (labels.Length != images.Count)
            throw new Ch13Exception($"MNIST files disagree: {imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels " +
                                    "(the counts at byte offset 4 of each header).\n" +
                                    "Fix: delete both so the next run downloads a matching pair.");
        return ToTensors(images, labels, scale);
    }

    /// <summary>
    /// Pixels as float32 [n, rows, cols] and labels as int64 [n]. The conversion happens in torch (uint8 tensor →
    /// float32, then ÷ 255 — bit for bit the notebook's <c>x / 255</c>) so no extra managed float copy of the
    /// whole set is made: that copy was the peak of a full MNIST run's memory.
    /// </summary>
    public static TensorData ToTensors(IdxImages images, byte[] labels, bool scale = false)
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensors.Converted(images.Pixels, new long[] { images.Count, images.Rows, images.Cols }, torch.ScalarType.Float32);
        if (scale) x = x.div_(255f);
        var y = Tensors.Converted(labels, new long[] { labels.Length }, torch.ScalarType.Int64);
        return new TensorData(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    static void CheckCount(string split, int? count, int available)
    {
        if (count is int n && (n < 0 || n > available))
            throw Ch13Exception.Usage($"MNIST {split} count {n} is out of range: choose 0..{available}.");
    }
}
