#nullable enable
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

// Specs: the immutable data the modules pass around. Defaults are the chapter's numbers.

/// <summary>How to train: epochs, batch size, shuffling and how often to log.</summary>
public sealed record TrainConfig(int Epochs = 100, int BatchSize = 20, bool Shuffle = true, int LogEvery = 10);

/// <summary>An optimiser choice; <see cref="Optimizers.Flat"/> turns it into a TorchSharp optimiser.</summary>
public abstract record OptimizerSpec(double LearningRate)
{
    /// <summary>PyTorch's name for it (<c>sgd</c>, <c>adam</c>), so a record of the settings says which one it was.</summary>
    public string Name => GetType().Name.ToLowerInvariant();
}
public sealed record Sgd(double LearningRate = 0.01, double Momentum = 0.0, double WeightDecay = 0.0) : OptimizerSpec(LearningRate);
public sealed record Adam(double LearningRate = 0.001, double WeightDecay = 0.0) : OptimizerSpec(LearningRate);

/// <summary>A loss choice; <see cref="Losses.Create"/> turns it into a loss function.</summary>
public abstract record LossSpec;
/// <summary>Cross-entropy on logits and integer class labels (classification).</summary>
public sealed record CrossEntropy : LossSpec;
/// <summary>Mean squared error on a single output column and real targets (regression).</summary>
public sealed record MeanSquaredError : LossSpec;

/// <summary>A multilayer perceptron: Linear layers of the given widths with an activation between them.</summary>
public sealed record MlpSpec(int InputSize, IReadOnlyList<int> HiddenUnits, int OutputSize, Activation Activation = Activation.Sigmoid, bool Flatten = false);
public enum Activation { Sigmoid, ReLU, Tanh }

/// <summary>Features and labels as plain arrays (float64 like NumPy), before they become tensors.</summary>
public sealed record ArrayData(double[,] X, double[] Y)
{
    public int Count => X.GetLength(0);
    public int Features => X.GetLength(1);
}

/// <summary>A train/test (or train/valid) pair of anything.</summary>
public sealed record TrainTest<T>(T Train, T Test);

/// <summary>Features (float32) and targets as tensors. Owns them: dispose when done.</summary>
public sealed record TensorData(Tensor X, Tensor Y) : IDisposable
{
    public long Count => X.shape[0];
    public void Dispose() { X.Dispose(); Y.Dispose(); }
}

/// <summary>One epoch of training: mean train loss over batches, and validation numbers when there is a validation set.</summary>
/// <remarks>Epochs count from 1, as the notebook prints them. JSON keys are <see cref="HistoryColumns"/>' names (Lightning's: <c>train_acc</c>, <c>valid_loss</c>…).</remarks>
public sealed record EpochMetrics(
    int Epoch,
    [property: JsonPropertyName(HistoryColumns.TrainLossName)] double TrainLoss,
    [property: JsonPropertyName(HistoryColumns.TrainAccuracyName)] double? TrainAccuracy,
    [property: JsonPropertyName(HistoryColumns.ValidLossName)] double? ValidLoss,
    [property: JsonPropertyName(HistoryColumns.ValidAccuracyName)] double? ValidAccuracy,
    [property: JsonPropertyName(HistoryColumns.LearningRateName)] double LearningRate)
{
    /// <summary>
    /// Set on an epoch cut short (Ctrl+C, SIGTERM or divergence before its last batch): its means are over the batches
    /// that ran. Absent on a whole epoch, so records of complete runs are unchanged.
    /// </summary>
    [System.ComponentModel.Description("Set when the epoch was cut short (interrupted or diverged): its means cover only the batches that ran.")]
    public EpochCut? Partial { get; init; }
}

/// <summary>How much of a cut epoch ran: <see cref="Batches"/> training batches of <see cref="Of"/> (null when the count was not known).</summary>
public sealed record EpochCut(
    [property: System.ComponentModel.Description("Training batches that ran.")] int Batches,
    [property: System.ComponentModel.Description("Training batches in a whole epoch, when known.")] int? Of)
{
    /// <summary>The console's mark, <c>(partial: 844/938 batches)</c>.</summary>
    [JsonIgnore] public string Mark => Of is int of ? $"(partial: {Batches}/{of} batches)" : $"(partial: {Batches} batches)";

    /// <summary>The cut of an epoch that ran <paramref name="batches"/> of <paramref name="of"/>, or null when it is whole.</summary>
    public static EpochCut? After(int batches, int? of) => of is int whole && batches >= whole ? null : new EpochCut(batches, of);
}

/// <summary>
/// Per-epoch metrics of one training run, in order (deterministic for a seed), how it ended and how long the loop
/// took (the only timing field).
/// </summary>
public sealed record History(IReadOnlyList<EpochMetrics> Epochs, RunStatus Status, double Seconds)
{
    public EpochMetrics? Last => Epochs.Count == 0 ? null : Epochs[^1];
}
