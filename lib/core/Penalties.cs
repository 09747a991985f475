#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Penalty terms added to a loss (the book's <c>l1_penalty = l1_weight * model[2].weight.abs().sum()</c>), and
/// the weight statistics that show what they do. "Weights" are parameters named <c>weight</c>: biases are not penalised.
/// </summary>
public static class Penalties
{
    /// <summary>λ·Σ|w| over every layer's weights, as a tensor in the graph (so backward reaches the weights).</summary>
    public static Tensor L1(nn.Module module, double lambda)
    {
        using var scope = NewDisposeScope();
        var sums = Weights(module).Select(w => w.abs().sum()).ToArray();
        var total = sums.Length == 0 ? torch.zeros(Array.Empty<long>()) : torch.stack(sums).sum();
        return total.mul(lambda).MoveToOuterDisposeScope();
    }

    /// <summary>The weight tensors of every layer (parameters named <c>…weight</c>), in registration order.</summary>
    public static IEnumerable<Tensor> Weights(nn.Module module) =>
        module.named_parameters().Where(p => p.name == "weight" || p.name.EndsWith(".weight")).Select(p => (Tensor)p.parameter);

    /// <summary>Every weight's absolute value, smallest first.</summary>
    public static double[] AbsWeights(nn.Module module)
    {
        var values = new List<double>();
        using (no_grad())
            foreach (var w in Weights(module))
            {
                using var abs = w.detach().abs().to_type(ScalarType.Float64).flatten();
                values.AddRange(abs.data<double>());
            }
        values.Sort();
        return values.ToArray();
    }

    /// <summary>Σ|w| over all weights (the L1 norm the penalty scales).</summary>
    public static double L1Norm(nn.Module module) => AbsWeights(module).Sum();

    /// <summary>Share of weights with |w| below <paramref name="threshold"/>: how sparse the penalty made the model.</summary>
    public static double ShareBelow(nn.Module module, double threshold) => ShareBelow(AbsWeights(module), threshold);

    /// <summary>Share of the given |w| values below <paramref name="threshold"/>.</summary>
    public static double ShareBelow(IReadOnlyCollection<double> absWeights, double threshold) =>
        absWeights.Count == 0 ? 0 : absWeights.Count(v => v < threshold) / (double)absWeights.Count;
}
