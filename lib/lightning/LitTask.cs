#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>What a step sees: the model, the batch (already on the trainer's device) and its index in the epoch.</summary>
public sealed record StepInput(nn.Module<Tensor, Tensor> Model, Batch Batch, int BatchIndex);

/// <summary>
/// What a step returns: its loss (backpropagated by the trainer in training) and the values it logs, Lightning's
/// <c>self.log(name, value)</c>. Every logged value is averaged over the epoch, weighted by batch size.
/// </summary>
public sealed record StepOutput(Tensor Loss, IReadOnlyDictionary<string, double> Logged);

/// <summary>
/// The user's part, a <c>LightningModule</c> as a record of functions: <c>Build</c> (<c>__init__</c>),
/// <c>TrainingStep</c>, <c>ValidationStep</c>, <c>TestStep</c> and <c>ConfigureOptimizers</c>; <c>Hparams</c> are what
/// <c>self.save_hyperparameters()</c> would record (numbers, text, lists of numbers), written to hparams.yaml.
/// </summary>
public sealed record LitTask(
    Func<nn.Module<Tensor, Tensor>> Build,
    Func<StepInput, StepOutput> TrainingStep,
    Func<StepInput, StepOutput> ValidationStep,
    Func<StepInput, StepOutput> TestStep,
    Func<nn.Module<Tensor, Tensor>, optim.Optimizer> ConfigureOptimizers,
    IReadOnlyDictionary<string, object>? Hparams = null);
