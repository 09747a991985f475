#nullable enable
using System.Globalization;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

// Trainer: the Lightning split. The user writes the *what* (a LitTask: build the model, the steps, the optimiser, and
// a DataModule); the Trainer owns the *how* (train/eval modes, grad switching, the loops with dispose scopes, epoch
// aggregation of logged values, device); Callbacks observe and decide, and also show the progress (TrainerProgressBar)
// and write metrics.csv (CsvLogger), which the config switches on as Lightning's Trainer does.

/// <summary>What a step sees: the model, the batch (already on the trainer's device) and its index in the epoch.</summary>
public sealed record StepInput(nn.Module<Tensor, Tensor> Model, Batch Batch, int BatchIndex);

/// <summary>
/// What a step returns: its loss (backpropagated by the trainer in training) and the values it logs, Lightning's
/// <c>self.log(name, value)</c>. Every logged value is averaged over the epoch, weighted by batch size.
/// </summary>
public sealed record StepOutput(Tensor Loss, IReadOnlyDictionary<string, double> Logged);

/// <summary>
/// The user's part, a <c>LightningModule</c> as a record of functions: <c>Build</c> (<c>__init__</c>),
/// <c>TrainingStep</c>, <c>ValidationStep</c>, <c>TestStep</c> and <c>ConfigureOptimizers</c>; <c>Hparams</c> are what
/// <c>self.save_hyperparameters()</c> would record (numbers, text, lists of numbers), written to hparams.yaml.
/// </summary>
public sealed record LitTask(
    Func<nn.Module<Tensor, Tensor>> Build,
    Func<StepInput, StepOutput> TrainingStep,
    Func<StepInput, StepOutput> ValidationStep,
    Func<StepInput, StepOutput> TestStep,
    Func<nn.Module<Tensor, Tensor>, optim.Optimizer> ConfigureOptimizers,
    IReadOnlyDictionary<string, object>? Hparams = null);

/// <summary>
/// <c>pl.Trainer(max_epochs, limit_train_batches, limit_val_batches, limit_test_batches, accelerator)</c>; a limit of 0
/// means all batches. <c>LogDir</c> is the CSVLogger's <c>save_dir</c>: a <see cref="CsvLogger"/> writes metrics.csv and
/// hparams.yaml into <c>LogDir/lightning_logs/version_N/</c> (none when null), N being <c>LogVersion</c> or, when that is
/// null, the next free number there (Lightning's). <c>ProgressBar</c> adds a <see cref="TrainerProgressBar"/>
/// (Lightning's <c>enable_progress_bar</c>).
/// </summary>
public sealed record TrainerConfig(
    int MaxEpochs = 10,
    int LimitTrainBatches = 0,
    int LimitValBatches = 0,
    int LimitTestBatches = 0,
    string Device = "cpu",
    string? LogDir = null,
    bool ProgressBar = true,
    int? LogVersion = null);

/// <summary>One epoch's aggregated metrics, keyed like Lightning's CSVLogger rows (epoch from 0, step = optimiser steps so far).</summary>
public sealed record EpochLog(int Epoch, long Step, IReadOnlyDictionary<string, double> Metrics);

/// <summary>How <see cref="Trainer.Fit"/> ended: per-epoch logs, status and the best checkpoint, if one was kept.</summary>
public sealed record FitResult(IReadOnlyList<EpochLog> Epochs, RunStatus Status, string? BestModelPath, double? BestModelScore, double Seconds);

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

    /// <summary>Lightning's <c>trainer.save_checkpoint(path)</c>: this trainer's state after its current epoch (<see cref="LightningCheckpoints"/>).</summary>
    public void SaveCheckpoint(string path) => LightningCheckpoints.Save(this, path);

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
            var batchStatus = TrainEpoch(task, data);
            if (batchStatus != RunStatus.Completed) { status = batchStatus; FinishEpoch(); break; }
            RunValidation(task, data);
            var train = Reduce("train");
            Each(c => c.OnTrainEpochEnd(this));
            FinishEpoch();
            if (train.TryGetValue("train_loss", out var loss) && !double.IsFinite(loss)) { status = RunStatus.Diverged; break; }
            if (ShouldStop) { status = RunStatus.EarlyStopped; break; }
            if (Cancel.IsCancellationRequested) { status = RunStatus.Interrupted; break; }
        }
        Each(c => c.OnTrainEnd(this));
        Each(c => c.OnFitEnd(this));
        if (status == RunStatus.Completed && Config.ProgressBar) Out.WriteLine(Trainers.FitStopped(Config.MaxEpochs));
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
        if (Config.ProgressBar) Out.WriteLine(Trainers.TestTable(metrics, batches));
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

    RunStatus TrainEpoch(LitTask task, DataModule data)
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
            if (!Training.TryStep(output.Loss, optimizer)) return RunStatus.Diverged; // a huge lr overflows the update
            GlobalStep++;
            LogAll(output, batch.Size);
            Each(c => c.OnTrainBatchEnd(this, output, batch, index));
            index++;
            if (Cancel.IsCancellationRequested) return RunStatus.Interrupted;
        }
        return RunStatus.Completed;
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

    /// <summary>Publishes the epoch's means as its log (a training epoch joins <see cref="Epochs"/>) and tells the callbacks.</summary>
    void FinishEpoch(bool training = true)
    {
        var metrics = stageLogs[^1].Where(kv => kv.Value.Weight > 0).ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Weight);
        foreach (var (name, value) in metrics) callbackMetrics[name] = value;
        var log = new EpochLog(CurrentEpoch, GlobalStep, metrics);
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

/// <summary>Formatting and files for the trainer: the progress line, Lightning's test table, metrics.csv, result histories.</summary>
public static class Trainers
{
    /// <summary><c>Epoch 3/10: 860 batches, 2.1 s, 410 it/s, train_acc=0.912 train_loss=0.301 valid_acc=0.925 …</c></summary>
    public static string ProgressLine(int epoch, int maxEpochs, int batches, double seconds, IReadOnlyDictionary<string, double> metrics) =>
        $"Epoch {epoch}/{maxEpochs - 1}: {batches} batches, {seconds:F1} s, {(seconds > 0 ? batches / seconds : 0):F0} it/s, " +
        string.Join(" ", metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Numbers.Short(kv.Value)}"));

    /// <summary>Lightning's line when a fit ran all its epochs: <c>`Trainer.fit` stopped: `max_epochs=10` reached.</c></summary>
    public static string FitStopped(int maxEpochs) => $"`Trainer.fit` stopped: `max_epochs={maxEpochs}` reached.";

    /// <summary>
    /// Lightning's ModelSummary table for <paramref name="model"/> (depth 1: its children): <c> | Name | Type | Params | Mode</c>,
    /// then the trainable, non-trainable and total parameter counts, the estimated size in MB (float32: 4 bytes a
    /// parameter) and how many modules are in train and eval mode.
    /// </summary>
    public static string ModelSummaryTable(nn.Module model)
    {
        var rows = model.named_children().Select((child, i) => new[]
        {
            i.ToString(CultureInfo.InvariantCulture), child.name, child.module.GetType().Name,
            HumanCount(child.module.parameters().Sum(p => p.numel())), child.module.training ? "train" : "eval",
        }).ToList();
        string[] header = [" ", "Name", "Type", "Params", "Mode"];
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Row(string[] cells) => string.Join(" | ", cells.Select((cell, c) => cell.PadRight(widths[c])));
        var headerLine = Row(header);
        var rule = new string('-', headerLine.Length);
        var text = new StringBuilder().AppendLine(headerLine).AppendLine(rule);
        foreach (var row in rows) text.AppendLine(Row(row));
        var trainable = Nets.CountParameters(model, trainableOnly: true);
        var total = Nets.CountParameters(model);
        var modules = model.modules().Prepend(model).ToList();
        text.AppendLine(rule)
            .AppendLine($"{HumanCount(trainable),-10} Trainable params")
            .AppendLine($"{HumanCount(total - trainable),-10} Non-trainable params")
            .AppendLine($"{HumanCount(total),-10} Total params")
            .AppendLine($"{(total * 4 / 1e6).ToString("N3", CultureInfo.InvariantCulture),-10} Total estimated model params size (MB)")
            .AppendLine($"{modules.Count(m => m.training),-10} Modules in train mode")
            .Append($"{modules.Count(m => !m.training),-10} Modules in eval mode");
        return text.ToString();
    }

    /// <summary>Lightning's <c>get_human_readable_count</c>: <c>330</c>, <c>25.8 K</c>, <c>100 K</c>, <c>1.2 M</c>.</summary>
    public static string HumanCount(long number)
    {
        string[] labels = ["", "K", "M", "B", "T"];
        var digits = number > 0 ? (int)Math.Floor(Math.Log10(number)) + 1 : 1;
        var groups = Math.Min((int)Math.Ceiling(digits / 3.0), labels.Length);
        var scaled = number * Math.Pow(10, -3 * (groups - 1));
        var index = groups - 1;
        return index < 1 || scaled >= 100
            ? $"{((long)scaled).ToString("N0", CultureInfo.InvariantCulture)} {labels[index]}".TrimEnd()
            : $"{scaled.ToString("N1", CultureInfo.InvariantCulture)} {labels[index]}";
    }

    /// <summary>The box Lightning prints after <c>trainer.test</c>: one row per test metric.</summary>
    public static string TestTable(IReadOnlyDictionary<string, double> metrics, int batches)
    {
        var rule = new string('─', 60);
        var text = new StringBuilder().AppendLine(rule).AppendLine($"{"Test metric",-25}{"DataLoader 0",-35}").AppendLine(rule);
        foreach (var (name, value) in metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.AppendLine($"{name,-25}{Numbers.Fixed(value),-35}");
        return text.Append(rule).Append($"\n({batches} test batches)").ToString();
    }

    /// <summary>
    /// Writes the epoch logs as Lightning's CSVLogger lays out metrics.csv: <c>epoch,step</c> then every metric name in
    /// sorted order, blank where an epoch did not log it. Written atomically, so it is whole after every epoch.
    /// </summary>
    public static void WriteCsv(string path, IReadOnlyList<EpochLog> rows)
    {
        var names = rows.SelectMany(r => r.Metrics.Keys).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var text = new StringBuilder(string.Join(",", new[] { "epoch", "step" }.Concat(names))).Append('\n');
        foreach (var row in rows)
        {
            var cells = names.Select(n => row.Metrics.TryGetValue(n, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
            text.Append(string.Join(",", new[] { row.Epoch.ToString(CultureInfo.InvariantCulture), row.Step.ToString(CultureInfo.InvariantCulture) }.Concat(cells))).Append('\n');
        }
        Files.WriteAllTextAtomic(path, text.ToString());
    }

    /// <summary>
    /// hparams.yaml as Lightning's <c>save_hparams_to_yaml</c> (PyYAML's default dump) writes it: keys sorted, one
    /// <c>key: value</c> line each, a list as <c>- item</c> lines under its key, and <c>{}</c> when there are none.
    /// </summary>
    public static string HparamsYaml(IReadOnlyDictionary<string, object>? hparams)
    {
        if (hparams is null || hparams.Count == 0) return "{}\n";
        static string Scalar(object? value) => value switch
        {
            null => "null",
            bool b => b ? "true" : "false",
            string text => text.Length == 0 || text.Any(c => ":#{}[],&*?|<>=!%@`'\"\n".Contains(c)) || text.Trim() != text
                ? "'" + text.Replace("'", "''") + "'" : text,
            double d => d.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
            float f => f.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "null",
        };
        var text = new StringBuilder();
        foreach (var (name, value) in hparams.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value is System.Collections.IEnumerable items and not string)
            {
                var list = items.Cast<object?>().ToList();
                if (list.Count == 0) { text.Append(name).Append(": []\n"); continue; }
                text.Append(name).Append(":\n");
                foreach (var item in list) text.Append("- ").Append(Scalar(item)).Append('\n');
            }
            else text.Append(name).Append(": ").Append(Scalar(value)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// The CSVLogger's next version under <paramref name="logsDir"/> (a <c>lightning_logs</c> folder, or several — a run
    /// folder's and its kept sets'): one more than the highest <c>version_N</c> in any of them, 0 when there is none.
    /// </summary>
    public static int NextVersion(params string[] logsDirs) =>
        logsDirs.Where(Directory.Exists)
            .SelectMany(dir => Directory.GetDirectories(dir, "version_*"))
            .Select(dir => int.TryParse(Path.GetFileName(dir)["version_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .DefaultIfEmpty(-1).Max() + 1;

    /// <summary>
    /// The fit as the chapter's <see cref="History"/> (epochs from 1) for <see cref="Plots.History"/>: train_loss,
    /// train_acc, valid_loss, valid_acc and the first <c>lr-*</c> value the LearningRateMonitor logged.
    /// </summary>
    public static History ToHistory(FitResult fit) => ToHistory(fit, firstEpoch: 1);

    /// <summary>As <see cref="ToHistory(FitResult)"/> with epochs counted from <paramref name="firstEpoch"/> (0: Lightning's numbers, for plots).</summary>
    public static History ToHistory(FitResult fit, int firstEpoch) => new(
        fit.Epochs.Select(e => new EpochMetrics(e.Epoch + firstEpoch,
            Get(e, "train_loss") ?? double.NaN, Get(e, "train_acc"), Get(e, "valid_loss"), Get(e, "valid_acc"),
            e.Metrics.Where(kv => kv.Key.StartsWith("lr-", StringComparison.Ordinal)).Select(kv => (double?)kv.Value).FirstOrDefault() ?? double.NaN))
           .ToList(),
        fit.Status, fit.Seconds);

    /// <summary>
    /// The fit and its best checkpoint for <see cref="Plots.History"/>, in Lightning's epoch numbers (from 0, as the console,
    /// the checkpoint names and metrics.csv count them): the marker for <c>epoch=8</c> sits at the epoch 8 point.
    /// </summary>
    public static (History History, CurveMark[] Marks) ForPlot(FitResult fit, ModelCheckpoint? checkpoint) =>
        (ToHistory(fit, firstEpoch: 0),
         checkpoint?.BestEpoch is int best
             ? [new CurveMark(best, $"best {checkpoint.Monitor} {checkpoint.BestModelScore:F4}: epoch={best} checkpoint", Plots.ClassColors[2])]
             : []);

    static double? Get(EpochLog e, string name) => e.Metrics.TryGetValue(name, out var v) ? v : null;
}

/// <summary>Devices by name, as <c>--device</c> takes them.</summary>
public static class Devices
{
    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>; a CUDA device on a machine without one is a usage error.</summary>
    public static Device Parse(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return CPU;
        if (lower.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw Ch13Exception.Usage($"--device {name}: CUDA is not available here (this pack uses TorchSharp-cpu). Use --device cpu.");
            return device(lower);
        }
        throw Ch13Exception.Usage($"--device {name}: expected cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// Moves a module's parameters to <paramref name="device"/> unless they are all there already (TorchSharp's
    /// <c>Module.to</c> leaves a handle per gradient behind even when nothing moves).
    /// </summary>
    public static void Move(nn.Module module, Device device)
    {
        if (module.parameters().All(p => p.device_type == device.type && p.device_index == device.index)) return;
        module.to(device);
    }
}
