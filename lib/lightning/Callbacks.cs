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

    /// <summary>Lightning's <c>state_key</c>: under this name a checkpoint's <c>callbacks</c> holds <see cref="StateDict"/>.</summary>
    public virtual string StateKey => GetType().Name;
    /// <summary>Lightning's <c>state_dict</c>: what this callback needs to go on after a resume (numbers and text), or null for nothing.</summary>
    public virtual IDictionary<object, object?>? StateDict() => null;
    /// <summary>
    /// Lightning's <c>load_state_dict</c>: takes back a <see cref="StateDict"/> read from the checkpoint at
    /// <paramref name="checkpointPath"/> (before the resumed fit starts).
    /// </summary>
    public virtual void LoadStateDict(System.Collections.IDictionary state, string checkpointPath) { }
}

/// <summary>
/// <c>ModelCheckpoint(dirpath, monitor, mode, save_top_k=1, save_last)</c>: when an epoch's monitored metric is strictly
/// better than the best so far, saves the trainer's checkpoint as <c>epoch={e}-step={s}.ckpt</c> (Lightning's name and
/// layout, <see cref="LightningCheckpoints"/>: weights, optimiser, counters, callbacks), the weights beside it as
/// <c>epoch={e}-step={s}.pth</c> (PyTorch's state_dict, which <c>torch.load</c> reads) and deletes the previous best
/// (both files); with <c>saveLast</c> also <c>last.ckpt</c> after every epoch (what <c>--ckpt-path</c> resumes from).
/// Saves happen once the epoch's log is complete, so a checkpoint holds the whole epoch. The only callback that writes files.
/// Checkpoints an earlier run left in the folder are removed only once this fit has saved its own, so a rerun
/// killed or interrupted before its first save leaves the earlier run's checkpoint (the one its metrics.json names).
/// </summary>
public sealed class ModelCheckpoint(string dirPath, string monitor = "valid_acc", MonitorMode mode = MonitorMode.Max, bool saveLast = false) : Callback
{
    /// <summary>Lightning's name for the checkpoint <c>save_last</c> writes.</summary>
    public const string LastName = "last.ckpt";

    public string DirPath { get; } = dirPath;
    public string Monitor { get; } = monitor;
    public MonitorMode Mode { get; } = mode;
    public bool SaveLast { get; } = saveLast;
    public string? BestModelPath { get; private set; }
    public double? BestModelScore { get; private set; }
    /// <summary>The epoch (from 0) whose weights <see cref="BestModelPath"/> holds.</summary>
    public int? BestEpoch { get; private set; }
    /// <summary>The latest <see cref="LastName"/> this fit saved.</summary>
    public string? LastModelPath { get; private set; }

    // Checkpoints found at fit start: an earlier run's, replaced by this fit's first save (not before).
    IReadOnlyList<string> earlier = [];
    // The epoch whose validation ran, and its score when it beat the best (saved once the epoch is logged).
    int? validatedEpoch;
    double? pendingBest;

    /// <summary>Notes the checkpoints a previous run left in <see cref="DirPath"/>; they go when this fit saves its first.</summary>
    public override void OnFitStart(Trainer trainer) =>
        earlier = Directory.Exists(DirPath)
            ? Directory.GetFiles(DirPath, "epoch=*-step=*.ckpt").Concat(Directory.GetFiles(DirPath, "epoch=*-step=*.pth"))
                .Where(f => f != BestModelPath && f != Path.ChangeExtension(BestModelPath, ".pth")).ToList()
            : [];

    public override void OnValidationEnd(Trainer trainer)
    {
        validatedEpoch = trainer.CurrentEpoch;
        pendingBest = null;
        if (!trainer.CallbackMetrics.TryGetValue(Monitor, out var current) || double.IsNaN(current)) return;
        var better = BestModelScore is not double best || (Mode == MonitorMode.Max ? current > best : current < best);
        if (better) pendingBest = current;
    }

    // After the epoch is whole (its training means reduced, every callback's state updated); not after an epoch cut
    // short by a signal or divergence, which never validated.
    public override void OnEpochLogged(Trainer trainer, EpochLog log, bool training)
    {
        if (!training || validatedEpoch != log.Epoch) return;
        validatedEpoch = null;
        if (pendingBest is double score) SaveBest(trainer, score);
        pendingBest = null;
        if (!SaveLast) return;
        LastModelPath = Path.Combine(DirPath, LastName);
        Directory.CreateDirectory(DirPath);
        LightningCheckpoints.Save(trainer, LastModelPath);
    }

    void SaveBest(Trainer trainer, double score)
    {
        var previous = BestModelPath;
        var path = Path.Combine(DirPath, $"epoch={trainer.CurrentEpoch}-step={trainer.GlobalStep}.ckpt");
        var pthPath = Path.ChangeExtension(path, ".pth");
        (BestModelPath, BestModelScore, BestEpoch) = (path, score, trainer.CurrentEpoch); // the checkpoint records itself as the best
        Directory.CreateDirectory(DirPath);
        LightningCheckpoints.Save(trainer, path);
        Checkpoints.Save(trainer.Model!, pthPath);
        if (previous is not null && previous != path)
            foreach (var old in new[] { previous, Path.ChangeExtension(previous, ".pth") })
                if (File.Exists(old)) File.Delete(old);
        foreach (var stale in earlier)
            if (stale != path && stale != pthPath && File.Exists(stale)) File.Delete(stale);
        earlier = [];
    }

    public override string StateKey =>
        $"ModelCheckpoint{{'monitor': '{Monitor}', 'mode': '{(Mode == MonitorMode.Max ? "max" : "min")}', 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}}";

    /// <summary>
    /// Lightning's keys, with <c>best_model_path</c> and <c>last_model_path</c> as file names in the checkpoint's own
    /// folder (a run folder moves: staging, then out/…, then its kept set) and <c>best_epoch</c> added.
    /// </summary>
    public override IDictionary<object, object?>? StateDict() => new Dictionary<object, object?>
    {
        ["monitor"] = Monitor,
        ["mode"] = Mode == MonitorMode.Max ? "max" : "min",
        ["best_model_score"] = BestModelScore,
        ["best_model_path"] = BestModelPath is null ? null : Path.GetFileName(BestModelPath),
        ["best_epoch"] = BestEpoch,
        ["last_model_path"] = SaveLast ? LastName : null,
    };

    /// <summary>
    /// Takes back the best score and epoch, and copies the best checkpoint (and its .pth) from beside
    /// <paramref name="checkpointPath"/> into <see cref="DirPath"/>, so this run's folder holds its best; when that file
    /// is gone, the score is kept and the next better epoch saves a new one.
    /// </summary>
    public override void LoadStateDict(System.Collections.IDictionary state, string checkpointPath)
    {
        BestModelScore = state["best_model_score"] is { } score ? Convert.ToDouble(score, System.Globalization.CultureInfo.InvariantCulture) : null;
        BestEpoch = state["best_epoch"] is { } epoch ? Convert.ToInt32(epoch, System.Globalization.CultureInfo.InvariantCulture) : null;
        BestModelPath = null;
        if (state["best_model_path"] is not string name || Path.GetFileName(name) != name) return;
        var source = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, name);
        if (!File.Exists(source)) return;
        var target = Path.Combine(DirPath, name);
        Directory.CreateDirectory(DirPath);
        foreach (var (from, to) in new[] { (source, target), (Path.ChangeExtension(source, ".pth"), Path.ChangeExtension(target, ".pth")) })
            if (File.Exists(from) && Path.GetFullPath(from) != Path.GetFullPath(to)) Files.WriteAtomic(to, temp => File.Copy(from, temp, overwrite: true));
        BestModelPath = target;
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

    public override string StateKey => $"EarlyStopping{{'monitor': '{Monitor}', 'mode': '{(spec.Mode == MonitorMode.Max ? "max" : "min")}'}}";

    /// <summary>Lightning's keys (<c>wait_count</c>, <c>stopped_epoch</c>, <c>best_score</c>, <c>patience</c>) and the rest of <see cref="State"/>.</summary>
    public override IDictionary<object, object?>? StateDict() => new Dictionary<object, object?>
    {
        ["wait_count"] = State.Wait,
        ["stopped_epoch"] = StoppedEpoch ?? 0,
        ["best_score"] = State.Best,
        ["patience"] = spec.Patience,
        ["best_epoch"] = State.BestEpoch,
        ["epoch"] = State.Epoch,
        ["improved"] = State.Improved,
        ["should_stop"] = State.ShouldStop,
    };

    public override void LoadStateDict(System.Collections.IDictionary state, string checkpointPath)
    {
        static int Int(object? v) => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
        State = new EarlyStopState(Convert.ToDouble(state["best_score"], System.Globalization.CultureInfo.InvariantCulture), Int(state["best_epoch"]),
            Int(state["wait_count"]), Int(state["epoch"]), state["improved"] is true, state["should_stop"] is true);
        StoppedEpoch = State.ShouldStop ? Int(state["stopped_epoch"]) : null;
    }
}

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
        Out.WriteLine(Trainers.ProgressLine(log.Epoch, trainer.Config.MaxEpochs, batches, seconds, log.Metrics));
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
