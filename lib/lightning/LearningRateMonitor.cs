#nullable enable
using TorchSharp;

/// <summary>
/// <c>LearningRateMonitor(logging_interval="epoch")</c>: logs <c>lr-Adam</c> (the optimiser's class name, as PyTorch's:
/// the flat Adam and SGD are Adam and SGD) at each epoch start.
/// </summary>
public sealed class LearningRateMonitor : Callback
{
    public override void OnTrainEpochStart(Trainer trainer)
    {
        if (trainer.Optimizer is { } optimizer) trainer.Log($"lr-{Name(optimizer)}", Optimizers.LearningRate(optimizer));
    }

    static string Name(TorchSharp.torch.optim.Optimizer optimizer) => optimizer switch
    {
        FlatAdam => "Adam",
        FlatSgd => "SGD",
        _ => optimizer.GetType().Name,
    };
}
