#nullable enable
using TorchSharp;

// Callbacks: Lightning's hooks as no-op virtual methods (override what you need), the three callbacks the chapter
// uses, and the two the Trainer adds from its config (progress bar, lightning_logs/version_N/ metrics.csv). They observe the Trainer and decide
// (save, stop, log, show); they never run the loop.

/// <summary>Lightning's <c>Callback</c>: every hook a no-op, named as in Lightning (<c>on_train_epoch_end</c> → <c>OnTrainEpochEnd</c>).</summary>
public abstract class Callback
{
    public virtual void OnFitStart(Trainer trainer) { }
    public virtual void OnFitEnd(Trainer trainer) { }
    public virtual void OnTrainStart(Trainer trainer) { }
    public virtual void OnTrainEnd(Trainer trainer) { }
    public virtual void OnTrainEpochStart(Trainer trainer) { }
    public virtual void OnTrainEpochEnd(Trainer trainer) { }
    public virtual void OnTrainBatchStart(Trainer trainer, Batch batch, int batchIndex) { }
    public virtual void OnTrainBatchEnd(Trainer trainer, StepOutput output, Batch batch, int batchIndex) { }
    public virtual void OnValidationStart(Trainer trainer) { }
    public virtual void OnValidationEnd(Trainer trainer) { }
    public virtual void OnValidationEpochStart(Trainer trainer) { }
    public virtual void OnValidationEpochEnd(Trainer trainer) { }
    public virtual void OnValidationBatchStart(Trainer trainer, Batch batch, int batchIndex) { }
    public virtual void OnValidationBatchEnd(Trainer trainer, StepOutput output, Batch batch, int batchIndex) { }
    public virtual void OnTestStart(Trainer trainer) { }
    public virtual void OnTestEnd(Trainer trainer) { }
    public virtual void OnTestEpochStart(Trainer trainer) { }
    public virtual void OnTestEpochEnd(Trainer trainer) { }
    public virtual void OnTestBatchStart(Trainer trainer, Batch batch, int batchIndex) { }
    public virtual void OnTestBatchEnd(Trainer trainer, StepOutput output, Batch batch, int batchIndex) { }
    /// <summary>Lightning's <c>on_exception</c>: the fit threw <paramref name="exception"/> (which goes on up).</summary>
    public virtual void OnException(Trainer trainer, Exception exception) { }
    /// <summary>
    /// After an epoch's metrics are reduced into <paramref name="log"/> (what Lightning hands its loggers): every training
    /// epoch, also a diverged or interrupted last one (<paramref name="training"/>: it is in <see cref="Trainer.Epochs"/>),
    /// and the test pass.
    /// </summary>
    public virtual void OnEpochLogged(Trainer trainer, EpochLog log, bool training) { }
}

/// <summary>
/// <c>ModelCheckpoint(dirpath, monitor, mode, save_top_k=1)</c>: after each validation, when the monitored metric is
/// strictly better than the best so far, saves the weights as <c>epoch={e}-step={s}.ckpt</c> (Lightning's file name;
/// TorchSharp's format, weights only), the same weights beside it as <c>epoch={e}-step={s}.pth</c> (PyTorch's state_dict
/// format, which <c>torch.load</c> reads) and deletes the previous best (both files). The only callback that writes files.
/// Checkpoints an earlier run left in the folder are removed only once this fit has saved its own, so a rerun
/// killed or interrupted before its first save leaves the earlier run's checkpoint (the one its metrics.json names).
/// </summary>
public sealed class ModelCheckpoint(string dirPath, string monitor = "valid_acc", MonitorMode mode = MonitorMode.Max) : Callback
{
    public string DirPath { get; } = dirPath;
    public string Monitor { get; } = monitor;
    public MonitorMode Mode { get; } = mode;
    public string? BestModelPath { get; private set; }
    public double? BestModelScore { get; private set; }
    /// <summary>The epoch (from 0) whose weights <see cref="BestModelPath"/> holds.</summary>
    public int? BestEpoch { get; private set; }

    // Checkpoints found at fit start: an earlier run's, replaced by this fit's first save (not before).
    IReadOnlyList<string> earlier = [];

    /// <summary>Notes the checkpoints a previous run left in <see cref="DirPath"/>; they go when this fit saves its first.</summary>
    public override void OnFitStart(Trainer trainer) =>
        earlier = Directory.Exists(DirPath) ? [.. Directory.GetFiles(DirPath, "epoch=*-step=*.ckpt"), .. Directory.GetFiles(DirPath, "epoch=*-step=*.pth")] : [];

    public override void OnValidationEnd(Trainer trainer)
    {
        if (!trainer.CallbackMetrics.TryGetValue(Monitor, out var current) || double.IsNaN(current)) return;
        var better = BestModelScore is not double best || (Mode == MonitorMode.Max ? current > best : current < best);
        if (!better) return;
        var path = Path.Combine(DirPath, $"epoch={trainer.CurrentEpoch}-step={trainer.GlobalStep}.ckpt");
        var pthPath = Path.ChangeExtension(path, ".pth");
        Checkpoints.Save(trainer.Model!, path);
        Checkpoints.Save(trainer.Model!, pthPath);
        if (BestModelPath is not null && BestModelPath != path)
            foreach (var old in new[] { BestModelPath, Path.ChangeExtension(BestModelPath, ".pth") })
                if (File.Exists(old)) File.Delete(old);
        foreach (var stale in earlier)
            if (stale != path && stale != pthPath && File.Exists(stale)) File.Delete(stale);
        earlier = [];
        (BestModelPath, BestModelScore, BestEpoch) = (path, current, trainer.CurrentEpoch);
    }
}

/// <summary>
/// <c>EarlyStopping(monitor, patience, mode, min_delta)</c>: after each validation, asks <see cref="Schedules.StepEarlyStop"/>
/// and sets <see cref="Trainer.ShouldStop"/> when the metric has not improved for <c>patience</c> checks.
/// </summary>
public sealed class EarlyStopping : Callback
{
    readonly EarlyStopSpec spec;

    public EarlyStopping(string monitor = "valid_loss", int patience = 3, MonitorMode mode = MonitorMode.Min, double minDelta = 0)
    {
        Monitor = monitor;
        spec = new EarlyStopSpec(patience, mode, minDelta);
        State = Schedules.StartEarlyStop(spec);
    }

    public string Monitor { get; }
    public EarlyStopState State { get; private set; }
    /// <summary>The epoch (from 0) after which training stopped, if it did.</summary>
    public int? StoppedEpoch { get; private set; }

    public override void OnValidationEnd(Trainer trainer)
    {
        if (!trainer.CallbackMetrics.TryGetValue(Monitor, out var current)) return;
        State = Schedules.StepEarlyStop(spec, State, current);
        if (!State.ShouldStop) return;
        trainer.ShouldStop = true;
        StoppedEpoch = trainer.CurrentEpoch;
    }
}

/// <summary><c>LearningRateMonitor(logging_interval="epoch")</c>: logs <c>lr-Adam</c> (the optimiser's class name) at each epoch start.</summary>
public sealed class LearningRateMonitor : Callback
{
    public override void OnTrainEpochStart(Trainer trainer)
    {
        if (trainer.Optimizer is { } optimizer) trainer.Log($"lr-{optimizer.GetType().Name}", Optimizers.LearningRate(optimizer));
    }
}

/// <summary>Lightning's <c>ModelSummary</c>: prints its table (<see cref="Trainers.ModelSummaryTable"/>) when fitting starts.</summary>
public sealed class ModelSummary : Callback
{
    public override void OnFitStart(Trainer trainer)
    {
        if (trainer.Model is { } model) Out.WriteLine(Trainers.ModelSummaryTable(model) + "\n");
    }
}

/// <summary>
/// Lightning's <c>CSVLogger(save_dir, name="lightning_logs", version)</c>: its <see cref="VersionDir"/> is
/// <c>save_dir/lightning_logs/version_N/</c> (N = <paramref name="version"/>, or the next free number there when null).
/// At fit or test start it writes hparams.yaml (the task's <see cref="LitTask.Hparams"/>, <see cref="Trainers.HparamsYaml"/>);
/// after every epoch's log it rewrites metrics.csv (<see cref="Trainers.WriteCsv"/>), the training epochs so far plus,
/// after a test pass, its row.
/// </summary>
public sealed class CsvLogger(string saveDir, int? version = null) : Callback
{
    public string SaveDir { get; } = saveDir;
    /// <summary>N of <c>version_N</c>.</summary>
    public int Version { get; } = version ?? Trainers.NextVersion(Path.Combine(saveDir, "lightning_logs"));
    /// <summary>Where metrics.csv and hparams.yaml go: <c>save_dir/lightning_logs/version_N</c>.</summary>
    public string VersionDir => Path.Combine(SaveDir, "lightning_logs", $"version_{Version}");

    public override void OnFitStart(Trainer trainer) => WriteHparams(trainer);

    public override void OnTestStart(Trainer trainer) => WriteHparams(trainer);

    void WriteHparams(Trainer trainer)
    {
        Directory.CreateDirectory(VersionDir);
        Files.WriteAllTextAtomic(Path.Combine(VersionDir, "hparams.yaml"), Trainers.HparamsYaml(trainer.Task?.Hparams));
    }

    public override void OnEpochLogged(Trainer trainer, EpochLog log, bool training)
    {
        Directory.CreateDirectory(VersionDir);
        Trainers.WriteCsv(Path.Combine(VersionDir, "metrics.csv"), training ? trainer.Epochs : [.. trainer.Epochs, log]);
    }
}

/// <summary>
/// Lightning's <c>TQDMProgressBar</c> on the one <see cref="ProgressDisplay"/>: on a terminal a bar over each epoch's
/// training batches with the running means (at most <see cref="ProgressDisplay.FramesPerSecond"/> frames a second), and
/// each finished epoch's <see cref="Trainers.ProgressLine"/> printed for good above it (the only output in a pipe).
/// </summary>
public sealed class TrainerProgressBar : Callback
{
    readonly Stopwatch clock = new();
    ProgressDisplay? display;
    int batches;
    double seconds;

    public override void OnFitStart(Trainer trainer) =>
        display = ProgressDisplay.Start(Progress.ModeFor(quiet: false), $"Epoch 0/{trainer.Config.MaxEpochs - 1}", Math.Max(1, trainer.Config.MaxEpochs));

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
        Out.WriteLine(Trainers.ProgressLine(log.Epoch, trainer.Config.MaxEpochs, batches, seconds, log.Metrics));
        display?.Show(State(trainer, log.Metrics));
    }

    BarState State(Trainer trainer, IReadOnlyDictionary<string, double> metrics) =>
        new($"Epoch {trainer.CurrentEpoch}/{trainer.Config.MaxEpochs - 1}", batches, trainer.TrainBatches ?? batches, clock.Elapsed,
            [.. metrics.Where(kv => !kv.Key.StartsWith("lr-", StringComparison.Ordinal))
                .OrderBy(kv => kv.Key.Split('_')[0], StringComparer.Ordinal).ThenBy(kv => kv.Key.EndsWith("_loss", StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => (kv.Key, ProgressBars.Number(kv.Value)))]); // train_loss, train_acc, valid_loss, valid_acc

    public override void OnFitEnd(Trainer trainer) => Close();

    public override void OnException(Trainer trainer, Exception exception) => Close();

    void Close()
    {
        display?.Dispose();
        display = null;
    }
}
