#nullable enable

// NotebookLog: the notebook's printed training log as one epoch callback. Scripts differ only in the line's format
// (EpochLines); which epochs get a line is TrainConfig.LogEvery's (the first, then every N: NotebookLog.IsLogEpoch).

/// <summary>
/// Prints the notebook's epoch line on the epochs it logs (the first, then every <c>config.LogEvery</c>), and on an epoch
/// cut short (marked as such), unless the run is quiet. No line for an epoch a callback before it stops training after:
/// the notebook breaks out first.
/// </summary>
public sealed class NotebookLog(Run run, TrainConfig config, Func<EpochMetrics, int, string> line) : EpochCallback
{
    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        if (epoch.Metrics.Partial is not null || (!epoch.Stopping && IsLogEpoch(epoch.Metrics, config.LogEvery))) Print.Notebook(run, line(epoch.Metrics, config.Epochs));
        return EpochDecision.Continue;
    }

    /// <summary>True on the epochs the notebook logs: the first, then every <paramref name="every"/>.</summary>
    public static bool IsLogEpoch(EpochMetrics m, int every) => every > 0 && (m.Epoch - 1) % every == 0;
}

/// <summary>
/// The notebook's epoch-line formats, given an epoch's metrics and the number of epochs. An epoch cut short says so
/// after its number (<c>Epoch [2/5] (partial: 844/938 batches), …</c>); whole epochs print exactly as the notebook.
/// </summary>
public static class EpochLines
{
    static string Cut(EpochMetrics m) => m.Partial is { } cut ? " " + cut.Mark : "";

    /// <summary>The classifier sections' line: <c>Epoch [1/100], Loss: 0.6937592625617981</c> (the validation loss as Python prints it).</summary>
    public static string Loss(EpochMetrics m, int epochs) => $"Epoch [{m.Epoch}/{epochs}]{Cut(m)}, Loss: {PyText.Float(m.ValidLoss ?? m.TrainLoss)}";

    /// <summary>Auto MPG's line: the epoch counted from 0 and the mean train loss, <c>Epoch 0  Loss 504.8686</c>.</summary>
    public static string ZeroBasedTrainLoss(EpochMetrics m, int epochs) =>
        FormattableString.Invariant($"Epoch {m.Epoch - 1}{Cut(m)}  Loss {m.TrainLoss:F4}");

    /// <summary>
    /// MNIST's line with the four numbers:
    /// <c>Epoch [11/200], Train Loss: 0.1234, Train Acc: 0.9650, Valid Loss: 0.4567, Valid Acc: 0.8700</c>.
    /// </summary>
    public static string TrainAndValid(EpochMetrics m, int epochs) =>
        $"Epoch [{m.Epoch}/{epochs}]{Cut(m)}, Train Loss: {m.TrainLoss:F4}, Train Acc: {m.TrainAccuracy:F4}, " +
        $"Valid Loss: {m.ValidLoss:F4}, Valid Acc: {m.ValidAccuracy:F4}";
}
