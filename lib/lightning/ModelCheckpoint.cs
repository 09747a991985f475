#nullable enable
using TorchSharp;

/// <summary>
/// <c>ModelCheckpoint(dirpath, monitor, mode, save_top_k=1, save_last)</c>: when an epoch's monitored metric is strictly
/// better than the best so far, saves the trainer's checkpoint as <c>epoch={e}-step={s}.ckpt</c> (Lightning's name and
/// layout, <see cref="LightningCheckpoints"/>: weights, optimiser, counters, callbacks), the weights beside it as
/// <c>epoch={e}-step={s}.pth</c> (PyTorch's state_dict, which <c>torch.load</c> reads) and deletes the previous best
/// (both files); with <c>saveLast</c> also <c>last.ckpt</c> after every epoch (what <c>--ckpt-path</c> resumes from).
/// Saves happen once the epoch's log is complete, so a checkpoint holds the whole epoch.
/// Checkpoints an earlier run left in the folder are removed only once this fit has saved its own, so a rerun
/// killed or interrupted before its first save leaves the earlier run's checkpoint (the one its metrics.json names).
/// </summary>
public sealed class ModelCheckpoint(string dirPath, string monitor = HistoryColumns.ValidAccuracyName, MonitorMode mode = MonitorMode.Max, bool saveLast = false) : Callback
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
