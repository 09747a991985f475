#nullable enable
using System.Globalization;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

// Trainer: the Lightning split. The user writes the *what* (a LitTask: build the model, the steps, the optimiser, and
// a DataModule); the Trainer owns the *how* (train/eval modes, grad switching, the loops with dispose scopes, epoch
// aggregation of logged values, device); Callbacks observe and decide, and also show the progress (TrainerProgressBar)
// and write metrics.csv (CsvLogger), which the config switches on as Lightning's Trainer does.

/// <summary>
/// Lightning's <c>Trainer</c>: <see cref="Fit"/> then <see cref="Test"/>. Holds the run's state for callbacks
/// (<see cref="CurrentEpoch"/>, <see cref="GlobalStep"/>, <see cref="CallbackMetrics"/>, <see cref="ShouldStop"/>).
/// Hooks fire in Lightning 2.x order: fit start, train start, per epoch { train epoch start, per batch { batch start,
/// training step, zero_grad, backward, step, batch end }, validation { start, epoch start, batches, epoch end, end },
/// train epoch end, epoch logged }, train end, fit end (on exception instead when the fit throws). Epoch metrics are
/// reduced before the matching epoch-end hooks run. (No sanity-check validation pass before training, unlike Lightning's default.)
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly List<Dictionary<string, (double Sum, double Weight)>> stageLogs = [];
    readonly List<EpochLog> epochs = [];
    readonly Dictionary<string, double> callbackMetrics = [];

    public TrainerConfig Config { get; }
    public IReadOnlyList<Callback> Callbacks { get; }
    public Device Device { get; }
    public CancellationToken Cancel { get; }

    public nn.Module<Tensor, Tensor>? Model { get; private set; }
    /// <summary>The task of the latest <see cref="Fit"/> or <see cref="Test"/> (its hparams are what loggers record).</summary>
    public LitTask? Task { get; private set; }
    public optim.Optimizer? Optimizer { get; private set; }
    /// <summary>The epoch being trained, from 0 as in Lightning.</summary>
    public int CurrentEpoch { get; private set; }
    /// <summary>Optimiser steps taken so far.</summary>
    public long GlobalStep { get; private set; }
    /// <summary>Set by a callback (early stopping) to end training after the current epoch.</summary>
    public bool ShouldStop { get; set; }
    /// <summary>The latest epoch-level value of every logged metric (what callbacks monitor).</summary>
    public IReadOnlyDictionary<string, double> CallbackMetrics => callbackMetrics;
    /// <summary>The means logged so far in the current epoch, every stage (what a progress bar shows mid-epoch).</summary>
    public IReadOnlyDictionary<string, double> ProgressBarMetrics =>
        stageLogs.Count == 0 ? new Dictionary<string, double>() : stageLogs[^1].ToDictionary(kv => kv.Key, kv => kv.Value.Sum / Math.Max(kv.Value.Weight, 1e-300));
    public IReadOnlyList<EpochLog> Epochs => epochs;
    /// <summary>Training batches per epoch (the limit, or the data module's count), when known.</summary>
    public int? TrainBatches { get; private set; }

    /// <summary>A trainer with <paramref name="callbacks"/>, then the progress bar and CSV logger its config asks for.</summary>
    public Trainer(TrainerConfig config, IReadOnlyList<Callback>? callbacks = null, CancellationToken cancel = default)
    {
        if (config.MaxEpochs < 0) throw new ArgumentOutOfRangeException(nameof(config), "MaxEpochs must be ≥ 0");
        Config = config;
        List<Callback> all = [.. callbacks ?? []];
        if (config.ProgressBar) all.Add(new TrainerProgressBar());
        if (config.LogDir is not null) all.Add(new CsvLogger(config.LogDir, config.LogVersion));
        Callbacks = all;
        Device = Devices.Parse(config.Device);
        Cancel = cancel;
    }

    /// <summary>
    /// Builds the model (unless this trainer already holds one), moves it to the device, asks the task for its optimiser
    /// and trains up to <c>MaxEpochs</c> epochs, validating after each. Stops early when a callback sets
    /// <see cref="ShouldStop"/>, the training loss is not finite (diverged), or <see cref="Cancel"/> fires.
    /// </summary>
    /// <remarks>
    /// With <paramref name="ckptPath"/> (Lightning's <c>trainer.fit(…, ckpt_path=…)</c>) the fit resumes after the epoch a
    /// <see cref="LightningCheckpoints"/> file ends with: weights, optimiser state, epoch and step counters, the epoch logs
    /// so far, every callback's state and the global random generator (the shuffling order), so resuming after k epochs
    /// gives the history and weights of an uninterrupted run.
    /// </remarks>
    public FitResult Fit(LitTask task, DataModule data, string? ckptPath = null)
    {
        var clock = Stopwatch.StartNew();
        TrainBatches = (data.TrainBatches, Config.LimitTrainBatches) switch
        {
            (int n, > 0 and var limit) => Math.Min(n, limit),
            (int n, _) => n,
            (null, > 0 and var limit) => limit,
            _ => null,
        };
        Task = task;
        Model ??= task.Build();
        Devices.Move(Model, Device);
        Optimizer ??= task.ConfigureOptimizers(Model);
        var firstEpoch = ckptPath is null ? 0 : Resume(ckptPath);
        try { return FitLoop(task, data, clock, firstEpoch); }
        catch (Exception e)
        {
            Each(c => c.OnException(this, e));
            throw;
        }
    }

    // Restores what the checkpoint at path holds into this trainer and its callbacks; returns the epoch to go on with.
    int Resume(string path)
    {
        using var checkpoint = LightningCheckpoints.Read(path);
        Checkpoints.Load(Model!, path); // checks every weight against the model first
        var optimizerStates = (System.Collections.IList)checkpoint.Contents["optimizer_states"]!;
        OptimizerStates.Restore(Optimizer!, (System.Collections.IDictionary)optimizerStates[0]!, path);
        var callbackStates = (System.Collections.IDictionary)checkpoint.Contents["callbacks"]!;
        foreach (var callback in Callbacks)
            if (callbackStates[callback.StateKey] is System.Collections.IDictionary state) callback.LoadStateDict(state, path);
        epochs.Clear();
        epochs.AddRange(checkpoint.Epochs);
        GlobalStep = checkpoint.GlobalStep;
        CurrentEpoch = checkpoint.Epoch;
        if (((System.Collections.IDictionary)checkpoint.Contents["ch13"]!)["rng_state"] is Tensor rng) torch.set_rng_state(rng);
        if (Config.ProgressBar) Out.WriteLine($"Restored all states from the checkpoint at {path} (epoch={checkpoint.Epoch}, step={checkpoint.GlobalStep})");
        return checkpoint.Epoch + 1;
    }

    FitResult FitLoop(LitTask task, DataModule data, Stopwatch clock, int firstEpoch)
    {
        var status = RunStatus.Completed;
        Each(c => c.OnFitStart(this));
        Each(c => c.OnTrainStart(this));
        for (var epoch = firstEpoch; epoch < Config.MaxEpochs; epoch++)
        {
            CurrentEpoch = epoch;
            BeginEpochLog();
            Each(c => c.OnTrainEpochStart(this));
            var (batchStatus, batchesRun) = TrainEpoch(task, data);
            if (batchStatus != RunStatus.Completed) { status = batchStatus; FinishEpoch(cut: new EpochCut(batchesRun, TrainBatches)); break; }
            RunValidation(task, data);
            var train = Reduce("train");
            Each(c => c.OnTrainEpochEnd(this));
            FinishEpoch();
            if (train.TryGetValue(HistoryColumns.TrainLossName, out var loss) && !double.IsFinite(loss)) { status = RunStatus.Diverged; break; }
            if (ShouldStop) { status = RunStatus.EarlyStopped; break; }
            if (Cancel.IsCancellationRequested) { status = RunStatus.Interrupted; break; }
        }
        Each(c => c.OnTrainEnd(this));
        Each(c => c.OnFitEnd(this));
        if (status == RunStatus.Completed && Config.ProgressBar) Out.WriteLine(TrainerText.FitStopped(Config.MaxEpochs));
        var best = Callbacks.OfType<ModelCheckpoint>().FirstOrDefault();
        return new FitResult(epochs.ToList(), status, best?.BestModelPath, best?.BestModelScore, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Runs the test loop once and returns its epoch-level metrics (<c>trainer.test(ckpt_path=…)</c>). <paramref name="ckpt"/>
    /// is a checkpoint path, <c>"best"</c> for the ModelCheckpoint's best, or null for the current weights.
    /// </summary>
    public IReadOnlyDictionary<string, double> Test(LitTask task, DataModule data, string? ckpt = null)
    {
        Task = task;
        Model ??= task.Build();
        if (ckpt is not null)
        {
            var path = ckpt == "best"
                ? Callbacks.OfType<ModelCheckpoint>().FirstOrDefault()?.BestModelPath
                  ?? throw new Ch13Exception("Test(ckpt: \"best\") needs a ModelCheckpoint callback that has saved a checkpoint (did Fit run?).")
                : ckpt;
            Checkpoints.Load(Model, path);
            if (Config.ProgressBar) Out.WriteLine($"Restoring states from the checkpoint path at {Shown(path)}");
        }
        Devices.Move(Model, Device);
        BeginEpochLog();
        Each(c => c.OnTestStart(this));
        Each(c => c.OnTestEpochStart(this));
        var batches = EvalLoop(task.TestStep, data.TestLoader, Config.LimitTestBatches, "test",
            (b, i) => Each(c => c.OnTestBatchStart(this, b, i)), (o, b, i) => Each(c => c.OnTestBatchEnd(this, o, b, i)));
        var metrics = Reduce("test");
        Each(c => c.OnTestEpochEnd(this));
        Each(c => c.OnTestEnd(this));
        FinishEpoch(training: false);
        if (Config.ProgressBar) Out.WriteLine(TrainerText.TestTable(metrics, batches));
        return metrics;
    }

    // A file under the log folder as the run folder's own (checkpoints/…): the log folder may be a staging folder that
    // is renamed once the run ends, so its full path would name a folder the user never sees.
    string Shown(string path) =>
        Config.LogDir is { } logDir && Path.GetRelativePath(logDir, path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)
            ? relative : path;

    /// <summary>Lightning's <c>self.log</c> from a callback or hook: a value for the current epoch (averaged if logged again).</summary>
    public void Log(string name, double value, double weight = 1)
    {
        var stage = stageLogs[^1];
        var (sum, total) = stage.TryGetValue(name, out var acc) ? acc : (0, 0);
        stage[name] = (sum + value * weight, total + weight);
    }

    // How the epoch's batches ended, and how many ran.
    (RunStatus Status, int Batches) TrainEpoch(LitTask task, DataModule data)
    {
        var model = Model!;
        var optimizer = Optimizer!;
        model.train();
        using var grad = enable_grad();
        var index = 0;
        using var batches = data.TrainLoader().GetEnumerator();
        while (Config.LimitTrainBatches == 0 || index < Config.LimitTrainBatches)
        {
            using var scope = NewDisposeScope();
            if (!batches.MoveNext()) break;
            var batch = ToDevice(batches.Current);
            Each(c => c.OnTrainBatchStart(this, batch, index));
            var output = task.TrainingStep(new StepInput(model, batch, index));
            optimizer.zero_grad();
            if (!Training.TryStep(output.Loss, optimizer)) return (RunStatus.Diverged, index + 1); // a huge lr overflows the update
            GlobalStep++;
            LogAll(output, batch.Size);
            Each(c => c.OnTrainBatchEnd(this, output, batch, index));
            index++;
            if (Cancel.IsCancellationRequested) return (RunStatus.Interrupted, index);
        }
        return (RunStatus.Completed, index);
    }

    void RunValidation(LitTask task, DataModule data)
    {
        Each(c => c.OnValidationStart(this));
        Each(c => c.OnValidationEpochStart(this));
        EvalLoop(task.ValidationStep, data.ValidLoader, Config.LimitValBatches, "valid",
            (b, i) => Each(c => c.OnValidationBatchStart(this, b, i)), (o, b, i) => Each(c => c.OnValidationBatchEnd(this, o, b, i)));
        Reduce("valid");
        Each(c => c.OnValidationEpochEnd(this));
        Each(c => c.OnValidationEnd(this));
        Model!.train();
    }

    int EvalLoop(Func<StepInput, StepOutput> step, Func<IEnumerable<Batch>> loader, int limit, string stage,
        Action<Batch, int> onStart, Action<StepOutput, Batch, int> onEnd)
    {
        var model = Model!;
        model.eval();
        using var noGrad = no_grad();
        var index = 0;
        using var batches = loader().GetEnumerator();
        while (limit == 0 || index < limit)
        {
            using var scope = NewDisposeScope();
            if (!batches.MoveNext()) break;
            var batch = ToDevice(batches.Current);
            onStart(batch, index);
            var output = step(new StepInput(model, batch, index));
            LogAll(output, batch.Size);
            onEnd(output, batch, index);
            index++;
        }
        return index;
    }

    Batch ToDevice(Batch batch) =>
        batch.X.device_type == Device.type && batch.X.device_index == Device.index ? batch : new Batch(batch.X.to(Device), batch.Y.to(Device));

    void LogAll(StepOutput output, long batchSize)
    {
        foreach (var (name, value) in output.Logged) Log(name, value, batchSize);
    }

    void BeginEpochLog() => stageLogs.Add([]);

    /// <summary>Turns the sums logged so far this epoch into means and publishes them; returns the stage's values.</summary>
    IReadOnlyDictionary<string, double> Reduce(string stage)
    {
        var reduced = new Dictionary<string, double>();
        foreach (var (name, (sum, weight)) in stageLogs[^1])
        {
            if (weight <= 0) continue;
            callbackMetrics[name] = sum / weight;
            if (name.StartsWith(stage, StringComparison.Ordinal)) reduced[name] = sum / weight;
        }
        return reduced;
    }

    /// <summary>
    /// Publishes the epoch's means as its log (a training epoch joins <see cref="Epochs"/>) and tells the callbacks.
    /// <paramref name="cut"/>: a training epoch that ended early and was not validated (even after its last batch).
    /// </summary>
    void FinishEpoch(bool training = true, EpochCut? cut = null)
    {
        var metrics = stageLogs[^1].Where(kv => kv.Value.Weight > 0).ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Weight);
        foreach (var (name, value) in metrics) callbackMetrics[name] = value;
        var log = new EpochLog(CurrentEpoch, GlobalStep, metrics) { Partial = cut };
        if (training) epochs.Add(log);
        Each(c => c.OnEpochLogged(this, log, training));
    }

    void Each(Action<Callback> hook)
    {
        foreach (var callback in Callbacks) hook(callback);
    }

    public void Dispose()
    {
        Optimizer?.Dispose();
        Model?.Dispose();
    }
}
