#nullable enable
using TorchSharp;
using static TorchSharp.torch;

// --weights FILE and --eval-only: a script's model starts from a saved state_dict (PyTorch's .pth from the notebook,
// safetensors, or TorchSharp's) instead of the seed, and may skip training to only evaluate it.

/// <summary>What <c>--weights</c> and <c>--eval-only</c> asked for: <see cref="ModelWeights.From"/> reads them from a run.</summary>
public sealed record WeightsChoice(string? Path, bool EvalOnly)
{
    /// <summary>Loads the file into <paramref name="model"/> when <c>--weights</c> was given (the model keeps its seeded weights otherwise).</summary>
    public void LoadInto(nn.Module model)
    {
        if (Path is not null) Checkpoints.Load(model, Path);
    }

    /// <summary>The line a script prints when it loaded weights (null when it did not).</summary>
    public string? Describe() => Path is null ? null
        : $"Weights from {Path} ({Checkpoints.Describe(Path)})"
          + (EvalOnly ? "; evaluating only, no training" : "; training continues from them");
}

/// <summary>The two options' handles (pass <see cref="Options"/> to <c>Runs.Start</c>) and their reading.</summary>
public static class ModelWeights
{
    public static readonly TextOption File = new("weights", null,
        "initialise the model from this state_dict (PyTorch .pth, .safetensors or TorchSharp's) instead of the seed", "FILE");
    public static readonly FlagOption EvalOnly = new("eval-only", "skip training and evaluate the --weights model (needs --weights)");

    /// <summary>Both options, in --help order.</summary>
    public static IReadOnlyList<OptionSpec> Options => [File, EvalOnly];

    /// <summary>
    /// The run's choice. <c>--eval-only</c> without <c>--weights</c> is a usage error (exit 2): there is nothing but
    /// seeded random weights to evaluate. A missing file is an error (exit 1) naming the path.
    /// </summary>
    public static WeightsChoice From(Run run)
    {
        var path = run.Get(File);
        var evalOnly = run.Get(EvalOnly);
        if (evalOnly && path is null)
            throw ArgParser.UsageError(run.Script, "--eval-only needs --weights FILE (the state_dict to evaluate)");
        if (path is not null && !System.IO.File.Exists(path))
            throw new Ch13Exception($"{run.Script}: --weights {path}: file not found. Fix: give the path of a saved state_dict (e.g. best_model.pth).");
        return new WeightsChoice(path is null ? null : Path.GetFullPath(path), evalOnly);
    }

    /// <summary>
    /// Writes the model's logits for <paramref name="x"/> as CSV, one row per sample, each float32 in its shortest
    /// round-trip form, so another program (PyTorch) can compare them digit for digit.
    /// </summary>
    public static void WriteLogits(string path, nn.Module<Tensor, Tensor> model, Tensor x)
    {
        using var noGrad = no_grad();
        model.eval();
        using var logits = model.call(x);
        var columns = (int)logits.shape[1];
        var values = logits.data<float>().ToArray();
        var text = new System.Text.StringBuilder();
        for (var row = 0; row < values.Length / columns; row++)
            text.AppendJoin(',', values.Skip(row * columns).Take(columns).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
        Files.WriteAllTextAtomic(path, text.ToString());
    }
}
