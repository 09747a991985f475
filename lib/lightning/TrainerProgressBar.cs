#nullable enable
using TorchSharp;

/// <summary>
/// Lightning's <c>TQDMProgressBar</c> on the one <see cref="ProgressDisplay"/>: on a terminal a bar over each epoch's
/// training batches with the running means (at most <see cref="ProgressDisplay.FramesPerSecond"/> frames a second), and
/// each finished epoch's <see cref="TrainerText.ProgressLine"/> printed for good above it (the only output in a pipe).
/// </summary>
public sealed class TrainerProgressBar : Callback
{
    readonly Stopwatch clock = new();
    ProgressDisplay? display;
    int batches;
    double seconds;

    public override void OnFitStart(Trainer trainer) =>
        display = ProgressDisplay.Start(ProgressModes.For(quiet: false), $"Epoch 0/{trainer.Config.MaxEpochs - 1}", Math.Max(1, trainer.Config.MaxEpochs));

    public override void OnTrainEpochStart(Trainer trainer)
    {
        (batches, seconds) = (0, 0);
        clock.Restart();
    }

    public override void OnTrainBatchEnd(Trainer trainer, StepOutput output, Batch batch, int batchIndex)
    {
        (batches, seconds) = (batchIndex + 1, clock.Elapsed.TotalSeconds);
        if (display is { } shown && shown.WantsFrame(force: batches == trainer.TrainBatches)) shown.Show(State(trainer, trainer.ProgressBarMetrics));
    }

    public override void OnEpochLogged(Trainer trainer, EpochLog log, bool training)
    {
        if (!training) return;
        Out.WriteLine(TrainerText.ProgressLine(log.Epoch, trainer.Config.MaxEpochs, batches, seconds, log.Metrics, log.Partial));
        display?.Show(State(trainer, log.Metrics));
    }

    BarState State(Trainer trainer, IReadOnlyDictionary<string, double> metrics) =>
        new($"Epoch {trainer.CurrentEpoch}/{trainer.Config.MaxEpochs - 1}", batches, trainer.TrainBatches ?? batches, clock.Elapsed,
            [.. metrics.Where(kv => !kv.Key.StartsWith("lr-", StringComparison.Ordinal))
                .OrderBy(kv => kv.Key.Split('_')[0], StringComparer.Ordinal).ThenBy(kv => kv.Key.EndsWith("_loss", StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, Numbers.Short(kv.Value)))]); // train_loss, train_acc, valid_loss, valid_acc

    public override void OnFitEnd(Trainer trainer) => Close();

    public override void OnException(Trainer trainer, Exception exception) => Close();

    void Close()
    {
        display?.Dispose();
        display = null;
    }
}
