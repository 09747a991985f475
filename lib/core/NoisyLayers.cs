#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// The chapter's custom layer and the XOR model built around it.

/// <summary>
/// The chapter's <c>NoisyLinear</c>: <c>w·(x + ε) + b</c> with ε ~ N(0, noiseStddev²) drawn afresh on every call,
/// but only in training mode (<c>model.train()</c>); in eval mode it is a plain linear layer. Weights start
/// <c>xavier_uniform_</c>, the bias at zero, so after <c>manual_seed</c> it draws the notebook's numbers.
/// Parameters are named <c>w</c> and <c>b</c> as in the notebook.
/// </summary>
public sealed class NoisyLinear : nn.Module<Tensor, Tensor>, IDescribedModule
{
    readonly Parameter w;
    readonly Parameter b;

    public NoisyLinear(long inFeatures, long outFeatures, double noiseStddev = 0.1) : base(nameof(NoisyLinear))
    {
        if (noiseStddev < 0) throw new ArgumentOutOfRangeException(nameof(noiseStddev), noiseStddev, "noiseStddev must be non-negative.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        NoiseStddev = noiseStddev;
        w = new Parameter(empty(outFeatures, inFeatures));
        nn.init.xavier_uniform_(w);
        b = new Parameter(zeros(outFeatures));
        RegisterComponents();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public double NoiseStddev { get; }
    /// <summary>The notebook's <c>self.w</c> [out, in] and <c>self.b</c> [out].</summary>
    public Parameter Weight => w;
    public Parameter Bias => b;

    /// <summary>PyTorch's printout keeps nn.Linear's wording: <c>in_features=2, out_features=3, bias=True</c>.</summary>
    public string ExtraRepr => $"in_features={InFeatures}, out_features={OutFeatures}, bias=True";

    public override Tensor forward(Tensor x)
    {
        if (!training) return mm(x, w.t()).add(b);
        // torch.normal(0, std, x.shape) = empty(shape).normal_(0, std): the same generator draws as the notebook.
        using var noise = empty(x.shape, dtype: x.dtype, device: x.device).normal_(0.0, NoiseStddev);
        using var noisy = x.add(noise);
        return mm(noisy, w.t()).add(b);
    }
}

/// <summary>
/// The chapter's <c>MyNoisyModule</c>: NoisyLinear(2, 10, 0.07) → sigmoid → Linear(10, 6) → sigmoid → Linear(6, 2),
/// layers named <c>l1, a1, l2, a2, l3</c> as in the notebook (and built, so initialised, in that order).
/// The noise is on while the module is in training mode.
/// </summary>
public sealed class MyNoisyModule : nn.Module<Tensor, Tensor>
{
    readonly NoisyLinear l1;
    readonly nn.Module<Tensor, Tensor> a1;
    readonly Linear l2;
    readonly nn.Module<Tensor, Tensor> a2;
    readonly Linear l3;

    public MyNoisyModule() : base(nameof(MyNoisyModule))
    {
        l1 = new NoisyLinear(2, 10, 0.07);
        a1 = nn.Sigmoid();
        l2 = nn.Linear(10, 6);
        a2 = nn.Sigmoid();
        l3 = nn.Linear(6, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return l3.call(a2.call(l2.call(a1.call(l1.call(x))))).MoveToOuterDisposeScope();
    }

    /// <summary>Class labels (argmax of the logits), in eval mode without tracking gradients.</summary>
    public Tensor Predict(Tensor x)
    {
        using var _ = no_grad();
        eval();
        return forward(x).argmax(1);
    }
}
