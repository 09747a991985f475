#nullable enable
using TorchSharp;

// ScheduleCallbacks: the notebook's two per-epoch decisions as epoch callbacks for Training.Fit, on top of the state
// machines in Schedules (which Lightning's EarlyStopping shares): cut the learning rate on a plateau, and stop early
// keeping the best weights. Both monitor the validation loss unless given another number.

/// <summary>A learning-rate cut: after which epoch (from 1) and to what.</summary>
public sealed record LearningRateCut(int Epoch, double LearningRate);

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c> stepped once per epoch (<c>scheduler.step(valid_loss)</c>): steps
/// <see cref="Schedules.StepPlateau"/>, and on a cut sets the optimiser's learning rate, records the cut and prints
/// PyTorch's verbose line (<see cref="Schedules.PlateauMessage"/>) on <c>print</c>.
/// </summary>
public sealed class PlateauScheduler(PlateauSpec spec, double learningRate, Action<string>? print = null, Func<EpochMetrics, double>? monitor = null)
    : EpochCallback
{
    readonly List<LearningRateCut> cuts = [];
    readonly Func<EpochMetrics, double> monitor = monitor ?? Monitors.ValidLoss;

    public PlateauSpec Spec { get; } = spec;
    public PlateauState State { get; private set; } = Schedules.StartPlateau(spec, learningRate);
    public IReadOnlyList<LearningRateCut> Cuts => cuts;

    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        if (epoch.Ending) return EpochDecision.Continue; // no schedule for an epoch that diverged or was cut short
        State = Schedules.StepPlateau(Spec, State, monitor(epoch.Metrics));
        if (State.Reduced)
        {
            Schedules.SetLearningRate(epoch.Optimizer, State.LearningRate);
            cuts.Add(new LearningRateCut(State.LastEpoch, State.LearningRate));
            print?.Invoke(Schedules.PlateauMessage(State));
        }
        return EpochDecision.Continue;
    }
}

/// <summary>
/// The notebook's early stopping: after each epoch steps <see cref="Schedules.StepEarlyStop"/>; a new best keeps a
/// copy of the model's weights, written to <see cref="CheckpointPath"/> (<see cref="Checkpoints.Save"/>) once, at the
/// fit's end however it ended (Fit's finally: stopped early, completed, interrupted or thrown), so once
/// <see cref="BestEpoch"/> says there is a best the file holds it by the time Fit returns; <c>Patience</c> epochs
/// without one print "Early stopping triggered!" and stop.
/// </summary>
/// <remarks>
/// The notebook saves at every new best; MNIST improves on most early epochs, and each save is a pickle and an
/// atomic write. A copy in memory costs one copy_ per tensor; the file is written once, after the last epoch, so no
/// epoch waits for it.
/// </remarks>
public sealed class EarlyStopWithCheckpoint(EarlyStopSpec spec, string checkpointPath, Action<string>? print = null, Func<EpochMetrics, double>? monitor = null)
    : EpochCallback
{
    readonly Func<EpochMetrics, double> monitor = monitor ?? Monitors.ValidLoss;
    readonly BestWeights best = new();

    public EarlyStopSpec Spec { get; } = spec;
    public string CheckpointPath { get; } = checkpointPath;
    public EarlyStopState State { get; private set; } = Schedules.StartEarlyStop(spec);
    /// <summary>The best monitored value so far.</summary>
    public double Best => State.Best;
    /// <summary>The epoch (from 1) whose weights the checkpoint holds; 0 before any.</summary>
    public int BestEpoch => State.BestEpoch;
    /// <summary>The epoch after which it stopped training, if it did.</summary>
    public int? StoppedEpoch { get; private set; }

    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        if (epoch.Ending) return EpochDecision.Continue; // a diverged or cut-short epoch is no candidate for the best weights
        State = Schedules.StepEarlyStop(Spec, State, monitor(epoch.Metrics));
        if (State.Improved) best.Keep(epoch.Model);
        if (!State.ShouldStop) return EpochDecision.Continue;
        print?.Invoke("Early stopping triggered!");
        StoppedEpoch = epoch.Metrics.Epoch;
        return EpochDecision.Stop;
    }

    public override void OnFitEnd() => best.WriteIfNewer(CheckpointPath);
}

/// <summary>The numbers the schedule callbacks can watch.</summary>
public static class Monitors
{
    /// <summary>The validation loss (a fit without a validation set has none to watch).</summary>
    public static double ValidLoss(EpochMetrics m) =>
        m.ValidLoss ?? throw new InvalidOperationException("this callback monitors the validation loss: give Training.Fit a validation set.");
}
