#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// A module that describes its own settings the way PyTorch's <c>extra_repr()</c> does,
/// e.g. <c>in_features=2, out_features=3, bias=True</c>; <see cref="Nets.Describe"/> uses it.
/// </summary>
public interface IDescribedModule
{
    string ExtraRepr { get; }
}

/// <summary>Building networks from specs, and printing them like PyTorch does.</summary>
public static class Nets
{
    /// <summary>
    /// An <c>nn.Sequential</c> MLP from a spec, layers numbered 0, 1, 2… as PyTorch numbers them:
    /// [Flatten,] Linear, activation, …, Linear. Draws its initial weights from torch's generator
    /// in layer order, exactly like the notebook's builders.
    /// </summary>
    public static Sequential Mlp(MlpSpec spec) => nn.Sequential(MlpLayers(spec));

    /// <summary>The layers of <see cref="Mlp"/>, named by position, for modules that hold them differently.</summary>
    public static List<(string Name, nn.Module<Tensor, Tensor> Layer)> MlpLayers(MlpSpec spec)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (spec.Flatten) layers.Add((layers.Count.ToString(), nn.Flatten()));
        var inputs = spec.InputSize;
        foreach (var units in spec.HiddenUnits)
        {
            layers.Add((layers.Count.ToString(), nn.Linear(inputs, units)));
            layers.Add((layers.Count.ToString(), ActivationModule(spec.Activation)));
            inputs = units;
        }
        layers.Add((layers.Count.ToString(), nn.Linear(inputs, spec.OutputSize)));
        return layers;
    }

    public static nn.Module<Tensor, Tensor> ActivationModule(Activation activation) => activation switch
    {
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.ReLU => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    /// <summary>
    /// The PyTorch-style printout of a model (what <c>print(model)</c> shows in the notebook):
    /// <c>Sequential(\n  (0): Linear(in_features=2, out_features=10, bias=True)\n  (1): Sigmoid() …)</c>.
    /// TorchSharp's own ToString() gives only the type name.
    /// </summary>
    public static string Describe(nn.Module module)
    {
        var extra = ExtraRepr(module);
        var children = module.named_children()
            .Select(child => $"({child.name}): {Indent(Describe(child.module), 2)}")
            .ToList();
        var text = new StringBuilder(Name(module)).Append('(');
        if (children.Count == 0) text.Append(extra);
        else
        {
            var lines = extra.Length > 0 ? children.Prepend(extra) : children;
            text.Append("\n  ").Append(string.Join("\n  ", lines)).Append('\n');
        }
        return text.Append(')').ToString();
    }

    /// <summary>Describe plus the parameter counts, the way a summary would end.</summary>
    public static string Summary(nn.Module module) =>
        $"{Describe(module)}\nTrainable parameters: {CountParameters(module, trainableOnly: true):N0} (total {CountParameters(module):N0})";

    public static long CountParameters(nn.Module module, bool trainableOnly = false) =>
        module.parameters().Where(p => !trainableOnly || p.requires_grad).Sum(p => p.numel());

    /// <summary>PyTorch's class name: TorchSharp reports some built-ins by their C++ name (torch::nn::SequentialImpl).</summary>
    static string Name(nn.Module module)
    {
        var name = module.GetName();
        if (name.StartsWith("torch::nn::")) name = name["torch::nn::".Length..];
        return name.EndsWith("Impl") ? name[..^"Impl".Length] : name;
    }

    static string ExtraRepr(nn.Module module) => module switch
    {
        IDescribedModule described => described.ExtraRepr,
        Linear linear => $"in_features={linear.in_features}, out_features={linear.out_features}, bias={PyText.Bool(linear.bias is not null)}",
        Flatten flatten => $"start_dim={flatten.start_dim}, end_dim={flatten.end_dim}",
        Dropout dropout => $"p={PyText.Float(dropout.p)}, inplace={PyText.Bool(dropout.inplace)}",
        _ => "",
    };


    static string Indent(string text, int spaces) => text.Replace("\n", "\n" + new string(' ', spaces));
}
