#nullable enable
using TorchSharp;

// Lightning's hooks as no-op virtual methods (override what you need). Callbacks observe the Trainer and decide
// (save, stop, log, show); they never run the loop. One callback per file, as in Lightning.

/// <summary>Lightning's <c>Callback</c>: every hook a no-op, named as in Lightning (<c>on_train_epoch_end</c> → <c>OnTrainEpochEnd</c>).</summary>
public abstract class Callback
{
    // Where a stage starts and ends: fit, training, each training epoch, validation (after each training epoch), test.
    public virtual void OnFitStart(Trainer trainer) { }
    public virtual void OnFitEnd(Trainer trainer) { }
    public virtual void OnTrainStart(Trainer trainer) { }
    public virtual void OnTrainEnd(Trainer trainer) { }
    public virtual void OnTrainEpochStart(Trainer trainer) { }
    public virtual void OnTrainEpochEnd(Trainer trainer) { }
    public virtual void OnValidationStart(Trainer trainer) { }
    public virtual void OnValidationEnd(Trainer trainer) { }
    public virtual void OnValidationEpochStart(Trainer trainer) { }
    public virtual void OnValidationEpochEnd(Trainer trainer) { }
    public virtual void OnTestStart(Trainer trainer) { }
    public virtual void OnTestEnd(Trainer trainer) { }
    public virtual void OnTestEpochStart(Trainer trainer) { }
    public virtual void OnTestEpochEnd(Trainer trainer) { }
    // Around each batch of each stage (the end hooks get the step's output).
    public virtual void OnTrainBatchStart(Trainer trainer, Batch batch, int batchIndex) { }
    public virtual void OnTrainBatchEnd(Trainer trainer, StepOutput output, Batch batch, int batchIndex) { }
    public virtual void OnValidationBatchStart(Trainer trainer, Batch batch, int batchIndex) { }
    public virtual void OnValidationBatchEnd(Trainer trainer, StepOutput output, Batch batch, int batchIndex) { }
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
