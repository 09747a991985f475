#nullable enable
using TorchSharp;

// Callbacks: Lightning's hooks as no-op virtual methods (override what you need), and the three callbacks the
// chapter uses. They observe the Trainer and decide (save, stop, log); they never run the loop.

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
}

/// <summary>
/// <c>ModelCheckpoint(dirpath, monitor, mode, save_top_k=1)</c>: after each validation, when the monitored metric is
/// strictly better than the best so far, saves the weights as <c>epoch={e}-step={s}.ckpt</c> (Lightning's file name;
/// TorchSharp's format, weights only) and deletes the previous best. The only callback that writes files.
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

    /// <summary>Removes checkpoints a previous run left in <see cref="DirPath"/>, so the folder holds only this fit's best.</summary>
    public override void OnFitStart(Trainer trainer)
    {
        if (!Directory.Exists(DirPath)) return;
        foreach (var stale in Directory.GetFiles(DirPath, "epoch=*-step=*.ckpt")) File.Delete(stale);
    }

    public override void OnValidationEnd(Trainer trainer)
    {
        if (!trainer.CallbackMetrics.TryGetValue(Monitor, out var current) || double.IsNaN(current)) return;
        var better = BestModelScore is not double best || (Mode == MonitorMode.Max ? current > best : current < best);
        if (!better) return;
        var path = Path.Combine(DirPath, $"epoch={trainer.CurrentEpoch}-step={trainer.GlobalStep}.ckpt");
        Checkpoints.Save(trainer.Model!, path);
        if (BestModelPath is not null && BestModelPath != path && File.Exists(BestModelPath)) File.Delete(BestModelPath);
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

/// <summary>Lightning's <c>ModelSummary</c>: prints the model (PyTorch-style) and its parameter counts when fitting starts.</summary>
public sealed class ModelSummary : Callback
{
    public override void OnFitStart(Trainer trainer)
    {
        if (trainer.Model is { } model) Out.WriteLine(Nets.Summary(model) + "\n");
    }
}
