#nullable enable

/// <summary>
/// Training.Fit's progress bar: on a terminal a tqdm-style bar, redrawn at most <see cref="ProgressDisplay.FramesPerSecond"/>
/// times a second; in plain mode the epoch-level heartbeat described by <see cref="Describe"/>. Short epochs are counted as
/// <c>tqdm(range(epochs))</c> would (<c>MLP  28% ███▌  Epoch 28/100 [00:01&lt;00:02, 35 epoch/s, train_loss=0.210, …]</c>);
/// once an epoch runs longer than <paramref name="longEpoch"/> (0.5 s by default) the bar counts that epoch's batches
/// (<c>MLP · Epoch 3/5  45% ████▌  390/860 [00:02&lt;00:03, 160 it/s, train_loss=0.210, val_loss=0.190, val_acc=0.940]</c>).
/// </summary>
/// <remarks><paramref name="start"/> makes the display (tests draw on a fake terminal); by default <see cref="ProgressDisplay.Start"/> in <paramref name="mode"/>.</remarks>
public sealed class EpochProgressBar(ProgressMode mode, string label, int epochs, Func<string, double, ProgressDisplay>? start = null, TimeSpan? longEpoch = null) : EpochCallback
{
    readonly TimeSpan perBatchAfter = longEpoch ?? TimeSpan.FromSeconds(0.5);
    readonly Stopwatch fitClock = new();
    readonly Stopwatch epochClock = new();
    bool perBatch;
    ProgressDisplay? display;
    EpochMetrics? last;
    BatchEnd? lastBatch;

    /// <summary>The bar's text and the plain progress line: <c>MLP · epoch 37/100 · loss 0.1234/0.1100 · acc 0.956/0.960</c> (train/valid).</summary>
    public static string Describe(string label, EpochMetrics m, int epochs)
    {
        var text = new StringBuilder($"{label} · epoch {m.Epoch}/{epochs} · loss {Numbers.Fixed(m.TrainLoss)}");
        if (m.ValidLoss is { } validLoss) text.Append('/').Append(Numbers.Fixed(validLoss));
        if (m.TrainAccuracy is not null || m.ValidAccuracy is not null)
            text.Append(" · acc ").Append(m.TrainAccuracy is { } a ? Numbers.Fixed(a, "F3") : "-").Append('/').Append(m.ValidAccuracy is { } v ? Numbers.Fixed(v, "F3") : "-");
        return text.ToString();
    }

    public override void OnFitStart()
    {
        var description = $"{label} · epoch 0/{epochs}";
        display = start is null ? ProgressDisplay.Start(mode, description, epochs) : start(description, epochs);
        fitClock.Restart();
        epochClock.Restart();
    }

    public override void OnBatchEnd(BatchEnd batch)
    {
        lastBatch = batch;
        perBatch |= epochClock.Elapsed >= perBatchAfter;
        if (perBatch && display is { } shown && shown.WantsFrame(force: batch.Batch == 1 || batch.Batch == batch.Batches)) shown.Show(State(batch, last));
    }

    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        last = epoch.Metrics;
        if (display is { } shown)
        {
            if (perBatch && lastBatch is { } b) shown.Show(State(b, last));
            else if (!perBatch && shown.WantsFrame(force: epoch.Metrics.Epoch == 1 || epoch.Metrics.Epoch >= epochs)) shown.Show(EpochState(epoch.Metrics));
            if (mode != ProgressMode.Live) shown.Update(epoch.Metrics.Epoch, Describe(label, epoch.Metrics, epochs));
        }
        epochClock.Restart();
        return EpochDecision.Continue;
    }

    public override void OnFitEnd()
    {
        // The frame left on screen is the fit's last epoch, even one the frame rate skipped.
        if (!perBatch && last is { } m && display is { } shown) shown.Show(EpochState(m));
        display?.Dispose();
        display = null;
    }

    // The bar for a batch: its epoch's running train means, and the last finished epoch's validation numbers
    // (this epoch's once it has finished).
    BarState State(BatchEnd b, EpochMetrics? epoch)
    {
        var fields = new List<(string, string)> { (HistoryColumns.TrainLossName, Numbers.Short(b.TrainLoss)) };
        if (b.TrainAccuracy is { } acc) fields.Add((HistoryColumns.TrainAccuracyName, Numbers.Short(acc)));
        if (epoch?.ValidLoss is { } vl) fields.Add(("val_loss", Numbers.Short(vl)));
        if (epoch?.ValidAccuracy is { } va) fields.Add(("val_acc", Numbers.Short(va)));
        return new BarState($"{label} · Epoch {b.Epoch}/{epochs}", b.Batch, b.Batches, epochClock.Elapsed, fields);
    }

    // The bar over the fit's epochs after one finished: overall percent, the fit's time, and that epoch's numbers.
    BarState EpochState(EpochMetrics m)
    {
        var fields = new List<(string, string)> { (HistoryColumns.TrainLossName, Numbers.Short(m.TrainLoss)) };
        if (m.TrainAccuracy is { } acc) fields.Add((HistoryColumns.TrainAccuracyName, Numbers.Short(acc)));
        if (m.ValidLoss is { } vl) fields.Add(("val_loss", Numbers.Short(vl)));
        if (m.ValidAccuracy is { } va) fields.Add(("val_acc", Numbers.Short(va)));
        return new BarState(label, m.Epoch, epochs, fitClock.Elapsed, fields, "epoch", "Epoch");
    }
}
