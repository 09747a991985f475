#nullable enable
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

// EpochCallbacks: Training.Fit's one extension point. Callbacks (Lightning's sense) see the fit start, each epoch's
// end and the fit's end; after an epoch they answer whether to go on. FitHooks bundles them with the loss penalty
// and the cancellation token.

/// <summary>A callback's answer after an epoch: go on, or stop training after this epoch (early stopping).</summary>
public enum EpochDecision { Continue, Stop }

/// <summary>
/// An epoch as callbacks see it: its metrics, the model and the optimiser (a scheduler may change its learning rate).
/// <see cref="Stopping"/>: a callback before this one has asked to stop after this epoch. <see cref="Ending"/>: training
/// ends after it whatever callbacks say (it diverged or was interrupted; the epoch may be partial).
/// </summary>
public sealed record EpochEnd(EpochMetrics Metrics, nn.Module Model, optim.Optimizer Optimizer, bool Stopping, bool Ending);

/// <summary>
/// A training batch as a progress bar sees it: epoch (from 1), batches done this epoch of <see cref="Batches"/>, and
/// the epoch's running mean train loss (and accuracy, for classification) so far.
/// </summary>
public sealed record BatchEnd(int Epoch, int Batch, int Batches, double TrainLoss, double? TrainAccuracy);

/// <summary>
/// Lightning's <c>Callback</c>, for <see cref="Training.Fit(nn.Module{Tensor, Tensor}, optim.Optimizer, TensorData, TensorData?, TrainConfig, LossSpec, FitHooks?)"/>:
/// every hook a no-op, override what you need.
/// </summary>
public abstract class EpochCallback
{
    /// <summary>Before the first epoch.</summary>
    public virtual void OnFitStart() { }

    /// <summary>
    /// After every epoch the history records (also the last one of a diverged or interrupted fit), in list order.
    /// <see cref="EpochDecision.Stop"/> ends training after this epoch; it counts only if training would go on.
    /// </summary>
    public virtual EpochDecision OnEpochEnd(EpochEnd epoch) => EpochDecision.Continue;

    /// <summary>After every training batch's step (for a progress bar): the epoch's running means so far.</summary>
    public virtual void OnBatchEnd(BatchEnd batch) { }

    /// <summary>After the last epoch, however the fit ended (also when it threw).</summary>
    public virtual void OnFitEnd() { }
}

/// <summary>A callback that only watches: runs an action after every epoch (e.g. recording Σ|w| per epoch).</summary>
public sealed class OnEachEpoch(Action<EpochMetrics> action) : EpochCallback
{
    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        action(epoch.Metrics);
        return EpochDecision.Continue;
    }
}

/// <summary>
/// Everything Training.Fit can be given besides its data: the epoch callbacks (asked in order), an optional penalty
/// added to every batch's loss before backward (e.g. λ·Σ|w|), and a token that interrupts training after the
/// current batch.
/// </summary>
public sealed record FitHooks(IReadOnlyList<EpochCallback>? Callbacks = null, Func<nn.Module, Tensor>? Penalty = null, CancellationToken Cancel = default)
{
    public static readonly FitHooks None = new();
}
