#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>How to initialise the Linear layers of a network (a closed choice; <see cref="Init.Apply"/> carries it out).</summary>
public enum InitKind
{
    /// <summary>PyTorch's own <c>nn.Linear</c> init: weights kaiming_uniform_(a=√5), i.e. U(±1/√fan_in); biases U(±1/√fan_in).</summary>
    Default,
    /// <summary>Glorot & Bengio (2010), normal: N(0, 2/(fan_in + fan_out)); biases zero.</summary>
    XavierNormal,
    /// <summary>Glorot & Bengio (2010), uniform: U(±√(6/(fan_in + fan_out))); biases zero.</summary>
    XavierUniform,
    /// <summary>The naive choice: N(0, 1) whatever the layer size; biases zero.</summary>
    StandardNormal,
}

/// <summary>What one Linear layer sees at initialisation, over a batch: its output after the activation, and the gradients flowing back.</summary>
/// <param name="Layer">1-based position among the Linear layers (the last one is the output layer).</param>
/// <param name="ActivationStd">Std of the layer's output after its activation (the logits for the output layer).</param>
/// <param name="SaturatedShare">Share of activations in a flat part of the activation: |tanh| &gt; 0.99 or sigmoid outside [0.01, 0.99] (0 for other layers).</param>
/// <param name="GradientStd">Std of ∂L/∂s, the back-propagated gradient at the layer's pre-activation s = W·x + b.</param>
/// <param name="WeightGradientStd">Std of ∂L/∂W, what the optimiser gets for this layer.</param>
public sealed record LayerStats(int Layer, double ActivationMean, double ActivationStd, double SaturatedShare, double GradientStd, double WeightGradientStd);

/// <summary>Weight initialisation schemes, and per-layer statistics that show whether signals and gradients survive the depth.</summary>
public static class Init
{
    /// <summary>The book's name for each kind, as <c>nn.init</c> spells it.</summary>
    public static string Name(InitKind kind) => kind switch
    {
        InitKind.Default => "default (kaiming_uniform_, a=√5)",
        InitKind.XavierNormal => "xavier_normal_",
        InitKind.XavierUniform => "xavier_uniform_",
        InitKind.StandardNormal => "normal_(0, 1)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown init kind"),
    };

    /// <summary>
    /// Re-draws the weights and biases of every <c>Linear</c> layer in <paramref name="module"/> by <paramref name="kind"/>,
    /// from torch's generator in layer order (seed first for reproducible weights).
    /// </summary>
    public static void Apply(nn.Module module, InitKind kind)
    {
        using var noGrad = no_grad();
        foreach (var linear in LinearLayers(module))
        {
            var bound = 1 / Math.Sqrt(linear.in_features);
            _ = kind switch
            {
                InitKind.Default => nn.init.kaiming_uniform_(linear.weight, a: Math.Sqrt(5)),
                InitKind.XavierNormal => XavierNormal(linear.weight),
                InitKind.XavierUniform => nn.init.xavier_uniform_(linear.weight),
                InitKind.StandardNormal => nn.init.normal_(linear.weight, 0, 1),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown init kind"),
            };
            if (linear.bias is null) continue;
            if (kind == InitKind.Default) nn.init.uniform_(linear.bias, -bound, bound);
            else nn.init.zeros_(linear.bias);
        }
    }

    /// <summary>
    /// PyTorch's <c>nn.init.xavier_normal_</c>: N(0, gain²·2/(fan_in + fan_out)), drawn like PyTorch (one
    /// <c>normal_</c>), so a seeded call gives the book's numbers. Needed because TorchSharp 0.107's
    /// <c>nn.init.xavier_normal_</c> calls the uniform version (THSInit_xavier_uniform_).
    /// </summary>
    public static Tensor XavierNormal(Tensor weight, double gain = 1.0)
    {
        var (fanIn, fanOut) = nn.init.CalculateFanInAndFanOut(weight);
        using var noGrad = no_grad();
        return weight.normal_(0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>The weight std a kind aims for in a layer with these fan-in/fan-out (uniform U(±a) has std a/√3).</summary>
    public static double ExpectedStd(InitKind kind, long fanIn, long fanOut) => kind switch
    {
        InitKind.Default => 1 / Math.Sqrt(3.0 * fanIn),
        InitKind.XavierNormal or InitKind.XavierUniform => Math.Sqrt(2.0 / (fanIn + fanOut)),
        InitKind.StandardNormal => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown init kind"),
    };

    /// <summary>The <c>Linear</c> layers of a module, in registration order.</summary>
    public static IReadOnlyList<Linear> LinearLayers(nn.Module module) =>
        module.modules().OfType<Linear>().ToList();

    /// <summary>
    /// One forward and backward pass of <paramref name="x"/> through a <c>Sequential</c> of Linear and activation layers,
    /// layer by layer, keeping each Linear layer's pre-activation (with <c>retain_grad</c>) and post-activation output:
    /// their spreads show whether the signal and the gradient survive the depth. Leaves the weights untouched and
    /// the gradients zeroed.
    /// </summary>
    public static IReadOnlyList<LayerStats> LayerStats(Sequential model, Tensor x, Tensor y, Func<Tensor, Tensor, Tensor> lossFn)
    {
        using var scope = NewDisposeScope();
        var layers = model.children().Cast<nn.Module<Tensor, Tensor>>().ToList();
        var preActivations = new List<Tensor>();
        var outputs = new List<(Tensor Output, nn.Module? Activation)>();
        var weights = new List<Tensor>();
        model.zero_grad();
        var h = x;
        for (var i = 0; i < layers.Count; i++)
        {
            h = layers[i].call(h);
            if (layers[i] is not Linear linear) continue;
            h.retain_grad();
            preActivations.Add(h);
            weights.Add(linear.weight);
            var activation = i + 1 < layers.Count && layers[i + 1] is not Linear ? layers[i + 1] : null;
            if (activation is not null) { h = activation.call(h); i++; }
            outputs.Add((h, activation));
        }
        lossFn(h, y).backward();

        var stats = new List<LayerStats>();
        for (var k = 0; k < preActivations.Count; k++)
        {
            var (output, activation) = outputs[k];
            var a = output.detach();
            var saturated = activation switch
            {
                Tanh => a.abs().gt(0.99),
                Sigmoid => a.lt(0.01).logical_or(a.gt(0.99)),
                _ => torch.zeros_like(a, dtype: ScalarType.Bool),
            };
            stats.Add(new LayerStats(k + 1,
                a.mean().item<float>(), a.std().item<float>(),
                saturated.to_type(ScalarType.Float32).mean().item<float>(),
                preActivations[k].grad!.std().item<float>(),
                weights[k].grad!.std().item<float>()));
        }
        model.zero_grad();
        return stats;
    }
}
