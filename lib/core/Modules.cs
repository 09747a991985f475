#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// The chapter's MyModule, its hand-written nn.Module (NoisyLinear and MyNoisyModule are in NoisyLayers.cs).

/// <summary>
/// The chapter's <c>MyModule</c>: the layers of an MLP kept in an <c>nn.ModuleList</c> and applied in a loop,
/// plus <c>Predict</c> for class labels. Same layers (and initial weights, for the same seed) as
/// <see cref="Nets.Mlp"/> of the same spec; printed as <c>MyModule((module_list): ModuleList(…))</c>.
/// </summary>
public sealed class MyModule : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<nn.Module<Tensor, Tensor>> moduleList;

    public MyModule() : this(new MlpSpec(InputSize: 2, HiddenUnits: [10, 6], OutputSize: 2)) { }

    public MyModule(MlpSpec spec) : base(nameof(MyModule))
    {
        moduleList = nn.ModuleList(Nets.MlpLayers(spec).Select(named => named.Layer).ToArray());
        // PyTorch names the attribute module_list; register it under that name so the printout matches.
        register_module("module_list", moduleList);
    }

    public override Tensor forward(Tensor x)
    {
        foreach (var layer in moduleList) x = layer.call(x);
        return x;
    }

    /// <summary>Class labels (argmax of the logits) for float features, without tracking gradients.</summary>
    public Tensor Predict(Tensor x)
    {
        using var _ = no_grad();
        return forward(x).argmax(1);
    }
}
