#nullable enable

/// <summary>
/// One per-epoch column of a <see cref="History"/>: its name as metrics.json and the Lightning logs write it, which way
/// it improves (none for the learning rate), how a person reads it, and where it sits on <see cref="EpochMetrics"/>.
/// </summary>
public sealed record EpochColumn(string Name, Better? Better, string Label, Func<EpochMetrics, double?> Read);

/// <summary>
/// The catalogue of history columns: the loop's records, Lightning's logged names, plots, progress lines and tools
/// name a per-epoch value through it. A new per-epoch metric is one name and one line here, plus its field on
/// <see cref="EpochMetrics"/>.
/// </summary>
public static class HistoryColumns
{
    public const string TrainLossName = "train_loss", TrainAccuracyName = "train_acc", ValidLossName = "valid_loss",
        ValidAccuracyName = "valid_acc", LearningRateName = "lr";

    public static readonly EpochColumn TrainLoss = new(TrainLossName, Better.Lower, "train loss", e => e.TrainLoss);
    public static readonly EpochColumn TrainAccuracy = new(TrainAccuracyName, Better.Higher, "train accuracy", e => e.TrainAccuracy);
    public static readonly EpochColumn ValidLoss = new(ValidLossName, Better.Lower, "valid loss", e => e.ValidLoss);
    public static readonly EpochColumn ValidAccuracy = new(ValidAccuracyName, Better.Higher, "valid accuracy", e => e.ValidAccuracy);
    public static readonly EpochColumn LearningRate = new(LearningRateName, null, "learning rate", e => e.LearningRate);

    /// <summary>Every column, in metrics.json's order.</summary>
    public static IReadOnlyList<EpochColumn> All { get; } = [TrainLoss, TrainAccuracy, ValidLoss, ValidAccuracy, LearningRate];

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public static EpochColumn? Named(string name) => All.FirstOrDefault(c => c.Name == name);
}
