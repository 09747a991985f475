#nullable enable
using TorchSharp;

/// <summary>Lightning's <c>ModelSummary</c>: prints its table (<see cref="TrainerText.ModelSummaryTable"/>) when fitting starts.</summary>
public sealed class ModelSummary : Callback
{
    public override void OnFitStart(Trainer trainer)
    {
        if (trainer.Model is { } model) Out.WriteLine(TrainerText.ModelSummaryTable(model) + "\n");
    }
}
