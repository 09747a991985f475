#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Loss functions from a <see cref="LossSpec"/>, and whether accuracy means anything for them.</summary>
public static class Losses
{
    public static Func<Tensor, Tensor, Tensor> Create(LossSpec spec) => spec switch
    {
        CrossEntropy => (logits, labels) => nn.functional.cross_entropy(logits, labels),
        // The notebook squeezes the single output column before comparing with the targets (select: the same view
        // as pred[:, 0], one native call instead of an indexer's several).
        MeanSquaredError => (pred, target) => nn.functional.mse_loss(pred.dim() == 2 ? pred.select(1, 0) : pred, target),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown loss spec"),
    };

    public static bool IsClassification(LossSpec spec) => spec is CrossEntropy;
}
