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
            e.Metrics.Where(kv => kv.Key.StartsWith("lr-", StringComparison.Ordinal)).Select(kv => (double?)kv.Value).FirstOrDefault() ?? double.NaN)
        { Partial = e.Partial })
           .ToList(),
        fit.Status, fit.Seconds);

    static double? Get(EpochLog e, string name) => e.Metrics.TryGetValue(name, out var v) ? v : null;
}
