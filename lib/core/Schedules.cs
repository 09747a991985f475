#nullable enable
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

// Schedules: PyTorch's ReduceLROnPlateau and the chapter's (and Lightning's) early stopping as pure
// state → state functions over one monitored number per epoch. Only Schedules.SetLearningRate touches an optimiser.

/// <summary>Whether a smaller (loss) or larger (accuracy) monitored value is better.</summary>
public enum MonitorMode { Min, Max }

/// <summary>How ReduceLROnPlateau measures improvement: relative to the best value, or by an absolute margin.</summary>
public enum ThresholdMode { Rel, Abs }

/// <summary><c>ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps)</c>: PyTorch's defaults.</summary>
public sealed record PlateauSpec(
    MonitorMode Mode = MonitorMode.Min,
    double Factor = 0.1,
    int Patience = 10,
    double Threshold = 1e-4,
    ThresholdMode ThresholdMode = ThresholdMode.Rel,
    int Cooldown = 0,
    double MinLearningRate = 0,
    double Eps = 1e-8);

/// <summary>
/// The scheduler between two steps. <see cref="LastEpoch"/> counts <c>step()</c> calls (PyTorch starts at 0, so the first
/// step is epoch 1); <see cref="Reduced"/> is true when the step that produced this state cut the learning rate.
/// </summary>
public sealed record PlateauState(double LearningRate, double Best, int NumBadEpochs, int CooldownCounter, int LastEpoch, bool Reduced);

/// <summary><c>EarlyStopping(monitor, patience, mode, min_delta)</c> as the notebook and Lightning count it.</summary>
public sealed record EarlyStopSpec(int Patience = 30, MonitorMode Mode = MonitorMode.Min, double MinDelta = 0);

/// <summary>
/// Early stopping between epochs: the best value so far and the (1-based) epoch it came from, how many epochs in a row
/// have not improved on it, whether this epoch improved (time to checkpoint) and whether to stop now.
/// </summary>
public sealed record EarlyStopState(double Best, int BestEpoch, int Wait, int Epoch, bool Improved, bool ShouldStop);

/// <summary>The two per-epoch decisions: cut the learning rate on a plateau, and stop early.</summary>
public static class Schedules
{
    /// <summary>A fresh ReduceLROnPlateau for an optimiser whose learning rate is <paramref name="learningRate"/>.</summary>
    public static PlateauState StartPlateau(PlateauSpec spec, double learningRate) =>
        new(learningRate, Worst(spec.Mode), NumBadEpochs: 0, CooldownCounter: 0, LastEpoch: 0, Reduced: false);

    /// <summary>
    /// One <c>scheduler.step(metric)</c>, line for line as PyTorch: a better value resets the bad-epoch count, otherwise
    /// it grows; cooldown zeroes it; more than <c>Patience</c> bad epochs multiply the learning rate by <c>Factor</c>
    /// (not below <c>MinLearningRate</c>, and only if the cut exceeds <c>Eps</c>), then start the cooldown.
    /// </summary>
    public static PlateauState StepPlateau(PlateauSpec spec, PlateauState state, double metric)
    {
        var epoch = state.LastEpoch + 1;
        var (best, bad) = IsBetter(spec, metric, state.Best) ? (metric, 0) : (state.Best, state.NumBadEpochs + 1);
        var cooldown = state.CooldownCounter;
        if (cooldown > 0) { cooldown--; bad = 0; }
        var lr = state.LearningRate;
        var reduced = false;
        if (bad > spec.Patience)
        {
            var newLr = Math.Max(lr * spec.Factor, spec.MinLearningRate);
            if (lr - newLr > spec.Eps) (lr, reduced) = (newLr, true);
            cooldown = spec.Cooldown;
            bad = 0;
        }
        return new PlateauState(lr, best, bad, cooldown, epoch, reduced);
    }

    /// <summary>PyTorch's verbose line: <c>Epoch 00023: reducing learning rate of group 0 to 1.0000e-04.</c></summary>
    public static string PlateauMessage(PlateauState state, int group = 0) =>
        $"Epoch {state.LastEpoch:D5}: reducing learning rate of group {group} to {state.LearningRate.ToString("0.0000e+00", CultureInfo.InvariantCulture)}.";

    static bool IsBetter(PlateauSpec spec, double value, double best) => (spec.Mode, spec.ThresholdMode) switch
    {
        (MonitorMode.Min, ThresholdMode.Rel) => value < best * (1 - spec.Threshold),
        (MonitorMode.Min, ThresholdMode.Abs) => value < best - spec.Threshold,
        (MonitorMode.Max, ThresholdMode.Rel) => value > best * (1 + spec.Threshold),
        _ => value > best + spec.Threshold,
    };

    static double Worst(MonitorMode mode) => mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Early stopping before the first epoch.</summary>
    public static EarlyStopState StartEarlyStop(EarlyStopSpec spec) =>
        new(Worst(spec.Mode), BestEpoch: 0, Wait: 0, Epoch: 0, Improved: false, ShouldStop: false);

    /// <summary>
    /// One epoch's check: strictly better than the best by more than <c>MinDelta</c> resets the wait, otherwise it grows;
    /// a wait of <c>Patience</c> says stop (the notebook's <c>early_stop_counter &gt;= early_stop</c>, Lightning's
    /// <c>wait_count &gt;= patience</c>). A NaN never improves.
    /// </summary>
    public static EarlyStopState StepEarlyStop(EarlyStopSpec spec, EarlyStopState state, double metric)
    {
        var epoch = state.Epoch + 1;
        var improved = spec.Mode == MonitorMode.Min ? metric + spec.MinDelta < state.Best : metric - spec.MinDelta > state.Best;
        return improved
            ? new EarlyStopState(metric, epoch, Wait: 0, epoch, Improved: true, ShouldStop: false)
            : state with { Wait = state.Wait + 1, Epoch = epoch, Improved = false, ShouldStop = state.Wait + 1 >= spec.Patience };
    }

    /// <summary>Sets the learning rate of every parameter group (what a scheduler does to the optimiser).</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }
}
