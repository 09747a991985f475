#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>A fit's results as the chapter's types: its <see cref="History"/>.</summary>
public static class Trainers
{
    /// <summary>
    /// The fit as the chapter's <see cref="History"/> (epochs from 1) for <see cref="Plots.History"/>: train_loss,
    /// train_acc, valid_loss, valid_acc and the first <c>lr-*</c> value the LearningRateMonitor logged.
    /// </summary>
    public static History ToHistory(FitResult fit) => ToHistory(fit, firstEpoch: 1);

    /// <summary>As <see cref="ToHistory(FitResult)"/> with epochs counted from <paramref name="firstEpoch"/> (0: Lightning's numbers, for plots).</summary>
    public static History ToHistory(FitResult fit, int firstEpoch) => new(
        fit.Epochs.Select(e => new EpochMetrics(e.Epoch + firstEpoch,
            Get(e, HistoryColumns.TrainLossName) ?? double.NaN, Get(e, HistoryColumns.TrainAccuracyName),
            Get(e, HistoryColumns.ValidLossName), Get(e, HistoryColumns.ValidAccuracyName),
            e.Metrics.Where(kv => kv.Key.StartsWith("lr-", StringComparison.Ordinal)).Select(kv => (double?)kv.Value).FirstOrDefault() ?? double.NaN))
           .ToList(),
        fit.Status, fit.Seconds);

    /// <summary>
    /// (Kept until scripts/lightning.csx draws the mark itself from <c>ToHistory(fit, firstEpoch: 0)</c> and the
    /// checkpoint: lightning should not know plots.) The fit and its best checkpoint for <see cref="Plots.History"/>, in Lightning's epoch numbers (from 0, as the console,
    /// the checkpoint names and metrics.csv count them): the marker for <c>epoch=8</c> sits at the epoch 8 point.
    /// </summary>
    public static (History History, CurveMark[] Marks) ForPlot(FitResult fit, ModelCheckpoint? checkpoint) =>
        (ToHistory(fit, firstEpoch: 0),
         checkpoint?.BestEpoch is int best
             ? [new CurveMark(best, $"best {checkpoint.Monitor} {checkpoint.BestModelScore:F4}: epoch={best} checkpoint", Plots.ClassColors[2])]
             : []);

    /// <summary><see cref="LightningLogs.NextVersion"/>, where scripts/lightning.csx calls it until it switches.</summary>
    public static int NextVersion(params string[] logsDirs) => LightningLogs.NextVersion(logsDirs);

    static double? Get(EpochLog e, string name) => e.Metrics.TryGetValue(name, out var v) ? v : null;
}
