#nullable enable
using TorchSharp;
using static TorchSharp.torch;

// Metrics: what a trained classifier gets right and wrong, as plain arrays for printing and plotting.

/// <summary>Predictions over a whole data set and the classic classification summaries.</summary>
public static class Metrics
{
    /// <summary>
    /// Predicted classes (argmax of the logits) for every row of <paramref name="x"/>, in eval mode without gradients,
    /// <paramref name="batchSize"/> rows at a time so a large test set never needs one huge activation tensor.
    /// </summary>
    public static long[] PredictClasses(nn.Module<Tensor, Tensor> model, Tensor x, int batchSize = 1000)
    {
        using var noGrad = no_grad();
        model.eval();
        var predictions = new long[x.shape[0]];
        foreach (var (start, count) in Loader.BatchRanges(x.shape[0], batchSize))
        {
            using var scope = NewDisposeScope();
            model.call(x.narrow(0, start, count)).argmax(1).data<long>().ToArray().CopyTo(predictions, start);
        }
        return predictions;
    }

    /// <summary>Predicted classes for rows of float features (a decision-region grid), in one batch.</summary>
    public static long[] PredictClasses(nn.Module<Tensor, Tensor> model, float[,] points)
    {
        using var x = Tensors.Of(points);
        return PredictClasses(model, x, batchSize: Math.Max(1, points.GetLength(0)));
    }

    /// <summary>Share of rows whose argmax matches the label.</summary>
    public static double AccuracyOfLogits(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return logits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
    }

    /// <summary>Share of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
    public static double Accuracy(IReadOnlyList<long> actual, IReadOnlyList<long> predicted)
    {
        CheckLengths(actual, predicted);
        return actual.Count == 0 ? double.NaN : actual.Where((y, i) => y == predicted[i]).Count() / (double)actual.Count;
    }

    /// <summary>
    /// What the book's Lightning test reports as <c>test_acc</c>: it logs torchmetrics' <c>Accuracy.compute()</c>, the
    /// accuracy accumulated so far, at every step, and Lightning averages those step values weighted by batch size.
    /// Early batches count as much as late ones, so this differs from the plain accuracy.
    /// </summary>
    public static double RunningAccuracyMean(IReadOnlyList<long> actual, IReadOnlyList<long> predicted, int batchSize)
    {
        CheckLengths(actual, predicted);
        double correct = 0, weighted = 0;
        foreach (var (start, count) in Loader.BatchRanges(actual.Count, batchSize))
        {
            for (var i = start; i < start + count; i++) if (actual[(int)i] == predicted[(int)i]) correct++;
            weighted += correct / (start + count) * count;
        }
        return actual.Count == 0 ? double.NaN : weighted / actual.Count;
    }

    /// <summary>
    /// Counts[true class, predicted class], as scikit-learn's <c>confusion_matrix</c> lays it out (rows are the truth,
    /// the diagonal is what is right).
    /// </summary>
    public static int[,] ConfusionMatrix(IReadOnlyList<long> actual, IReadOnlyList<long> predicted, int classes)
    {
        CheckLengths(actual, predicted);
        var counts = new int[classes, classes];
        for (var i = 0; i < actual.Count; i++)
        {
            if (actual[i] < 0 || actual[i] >= classes || predicted[i] < 0 || predicted[i] >= classes)
                throw new ArgumentOutOfRangeException(nameof(actual), $"row {i}: class {actual[i]} → {predicted[i]} is outside 0..{classes - 1}");
            counts[actual[i], predicted[i]]++;
        }
        return counts;
    }

    /// <summary>Per-class recall (diagonal over row sums); NaN for a class that never occurs.</summary>
    public static double[] Recall(int[,] confusion) =>
        Enumerable.Range(0, confusion.GetLength(0))
                  .Select(c => Enumerable.Range(0, confusion.GetLength(1)).Sum(p => confusion[c, p]) is var total && total > 0
                      ? confusion[c, c] / (double)total : double.NaN)
                  .ToArray();

    static void CheckLengths(IReadOnlyList<long> actual, IReadOnlyList<long> predicted)
    {
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"{actual.Count} labels but {predicted.Count} predictions");
    }
}
