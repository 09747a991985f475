#load "../lib/ch13.csx"
// Chapter 13 · "Higher-level PyTorch APIs: a short introduction to PyTorch Lightning", with a Lightning-style trainer:
// the task says *what* (model, steps, optimiser, data), the Trainer does *how* (loops, modes, logging), callbacks
// decide (ModelCheckpoint on valid_acc, EarlyStopping, LearningRateMonitor). The book's MNIST setup: 55000/5000/10000.
// Writes out/lightning/: metrics.json, lightning_logs/version_N/ (Lightning's CSVLogger: metrics.csv, hparams.yaml; N counts
// this run folder's runs, the earlier versions being in its kept sets), history.png, checkpoints/epoch=E-step=S.ckpt
// and, beside it, the same weights as epoch=E-step=S.pth in PyTorch's format (the MLP's state_dict: 1.weight … 5.bias).
// Each .ckpt is laid out as Lightning's (torch.load reads it: state_dict, optimizer_states, epoch, global_step, callbacks),
// and checkpoints/last.ckpt is saved after every epoch: --ckpt-path FILE (or last, this folder's) resumes the fit from
// one as trainer.fit(ckpt_path=…) does, to the same history and weights as a run never stopped.
// --weights FILE starts the MLP from a saved state_dict (such a .pth, a .ckpt, or the notebook's torch.save file); with
// --eval-only it skips fit and only runs trainer.test on it (metrics.json status "evaluated", no history plot).

using TorchSharp;
using static TorchSharp.torch;

var batchSizeOption = CommonOptions.BatchSize(64);
var lr = new DoubleOption("lr", 0.001, "Adam learning rate");
var limitTrainBatches = new IntOption("limit-train-batches", 0, "at most this many training batches per epoch (0: all; --quick: 100)", Min: 0, Max: CommonOptions.MaxEpochs);
var limitValBatches = new IntOption("limit-val-batches", 0, "at most this many validation batches per epoch (0: all; --quick: 20)", Min: 0, Max: CommonOptions.MaxEpochs);
var limitTestBatches = new IntOption("limit-test-batches", 0, "at most this many test batches (0: all; --quick: 40)", Min: 0, Max: CommonOptions.MaxEpochs);
var splitOption = new ChoiceOption("split", ["random", "first"], "random", "random: random_split with a generator seeded 1, as the book; first: first 55000 / last 5000");
var shuffle = new FlagOption("shuffle", "shuffle the training batches every epoch (the book's train_dataloader does not)");
var earlyStop = new IntOption("early-stop", 5, "EarlyStopping patience on valid_loss (0: off)", Min: 0, Max: CommonOptions.MaxEpochs);
var device = new TextOption("device", "cpu", "cpu, or cuda[:N] with a CUDA build of TorchSharp");
var ckptPath = new TextOption("ckpt-path", null, "resume the fit from a checkpoint (a .ckpt this script saved, or last: this folder's checkpoints/last.ckpt); --epochs counts all epochs", "FILE");
var run = Runs.Start("lightning", Args, epochs: 10,
    options: [batchSizeOption, lr, limitTrainBatches, limitValBatches, limitTestBatches, splitOption, shuffle, earlyStop, device, ckptPath, .. ModelWeights.Options]);
var deviceName = run.Get(device)!;
Devices.Parse(deviceName); // a bad --device is a usage error before any data loads
var resumeFrom = ResumePath(); // a missing or wrong checkpoint is reported before any data loads
var split = run.Get(splitOption);
var batchSize = run.Get(batchSizeOption);
var optimizerSpec = new Adam(LearningRate: run.Get(lr));

// --- Setting up the data loaders: ToTensor() scales pixels to [0, 1]; the 60000 training images split 55000/5000
var mnist = Mnist.Load(DataFiles.Root(run.RepoRoot), scale: true);
var parts = split == "random" ? DataModules.RandomSplit(Mnist.TrainSize, [55000, 5000], seed: 1) : DataModules.SequentialSplit([55000, 5000]);
var train = DataModules.Subset(mnist.Train, parts[0]);
var valid = DataModules.Subset(mnist.Train, parts[1]);
var test = mnist.Test;
var data = DataModules.FromTensors(train, valid, test, batchSize, shuffleTrain: run.Get(shuffle));
Print.UnlessQuiet(run, $"MNIST: {train.Count} train / {valid.Count} valid ({split} split) / {test.Count} test images, batch size {batchSize}\n");

// --- Setting up the PyTorch Lightning model: the MultiLayerPerceptron's parts (the *what*)
var spec = new MlpSpec(InputSize: 28 * 28, HiddenUnits: [32, 16], OutputSize: 10, Activation.ReLU, Flatten: true);
var task = new LitTask(
    Build: () => BuildModel(),
    TrainingStep: s => SharedStep(s, "train"),
    ValidationStep: s => SharedStep(s, "valid"),
    TestStep: s => SharedStep(s, "test"),
    ConfigureOptimizers: model => Optimizers.Flat(optimizerSpec, model.parameters()),
    // what the book's MultiLayerPerceptron(image_shape=(1, 28, 28), hidden_units=(32, 16)) would save_hyperparameters()
    Hparams: new Dictionary<string, object> { ["image_shape"] = new[] { 1, 28, 28 }, ["hidden_units"] = spec.HiddenUnits });

// --- Training the model using the Trainer class (the *how*), keeping the checkpoint with the best valid_acc
var checkpoint = new ModelCheckpoint(run.OutPath("checkpoints"), monitor: "valid_acc", mode: MonitorMode.Max, saveLast: true);
var earlyStopping = run.Get(earlyStop) > 0 ? new EarlyStopping("valid_loss", patience: run.Get(earlyStop)) : null;
List<Callback> callbacks = [checkpoint, new LearningRateMonitor()];
if (earlyStopping is not null) callbacks.Add(earlyStopping);
if (!run.Quiet) callbacks.Insert(0, new ModelSummary());
var trainerConfig = new TrainerConfig(MaxEpochs: run.Epochs, LimitTrainBatches: Limit(limitTrainBatches, quick: 100),
    LimitValBatches: Limit(limitValBatches, quick: 20), LimitTestBatches: Limit(limitTestBatches, quick: 40),
    Device: deviceName, LogDir: run.OutDir, ProgressBar: !run.Quiet, LogVersion: LogVersion());
var trainer = new Trainer(trainerConfig, callbacks, run.Cancel);
var record = new RunConfig("mnist", train.Count, valid.Count, test.Count, Optimizer: optimizerSpec)
    .With(("split", split), ("batch_size", batchSize), ("trainer", RecordedConfig()));

torch.manual_seed(run.Seed); // the book seeds, then builds the model (Fit calls Build)

// --- --eval-only: trainer.test on the --weights model, no fit (no history, so no history plot)
if (run.Weights.EvalOnly) return EvalOnly.Tested(run, trainer.Test(task, data), trainer.Model!, ModelName, test, batchSize, record);

var fit = trainer.Fit(task, data, ckptPath: resumeFrom);

// --- Evaluating the model: trainer.test(ckpt_path='best')
var testMetrics = trainer.Test(task, data, ckpt: checkpoint.BestModelPath is null ? null : "best");
var history = Trainers.ToHistory(fit);
// The book's test_acc is torchmetrics' running accuracy logged every step, then averaged: computed here to compare.
var bookStyleTestAcc = EvalOnly.BookStyleTestAccuracy(trainer.Model!, test, batchSize);
Print.Always((checkpoint.BestModelPath is null
                      ? "\nNo checkpoint was kept (no epoch finished with a valid_acc)"
                      : $"\nBest valid_acc {Numbers.Fixed(checkpoint.BestModelScore)} at epoch {checkpoint.BestEpoch} ({Path.GetRelativePath(run.OutDir, checkpoint.BestModelPath)})") +
                  $"; test_acc {Numbers.Fixed(testMetrics.TryGetValue("test_acc", out var testAcc) ? testAcc : null)}" +
                  (earlyStopping?.StoppedEpoch is int stopped ? $"; early stopping after epoch {stopped}" : ""));
Print.Always(EvalOnly.BookStyleLine(run, ModelName, bookStyleTestAcc));

// The plot counts epochs as Lightning does (from 0, like the console, the checkpoint names and metrics.csv).
Plots.History(run.OutPath("history.png"), [(ModelName, Trainers.ToHistory(fit, firstEpoch: 0))], "MNIST, Lightning-style trainer",
    checkpoint.BestEpoch is int best ? [new CurveMark(best, $"best {checkpoint.Monitor} {checkpoint.BestModelScore:F4}: epoch={best} checkpoint", Plots.ClassColors[2])] : []);

return Runs.Finish(run,
    config: (record with { Model = Nets.Describe(trainer.Model!) })
        .With(("shuffle_train", run.Get(shuffle)), ("resumed_from", resumeFrom), ("callbacks", callbacks.Select(c => c.GetType().Name))),
    series:
    [
        Series.Of(ModelName, history,
            RunValue.Of("test_loss", TestMetric("test_loss"), Better.Lower),
            RunValue.Of("test_acc", TestMetric("test_acc"), Better.Higher),
            RunValue.Of("test_acc_book_style", bookStyleTestAcc, Better.Higher),
            RunValue.OfText("best_checkpoint", checkpoint.BestModelPath is null ? null : Path.GetFileName(checkpoint.BestModelPath)),
            RunValue.OfText("best_model_path", checkpoint.BestModelPath is null ? null : Path.GetRelativePath(run.OutDir, checkpoint.BestModelPath)),
            RunValue.Of("best_epoch", checkpoint.BestEpoch),            // Lightning's, from 0 (history counts from 1)
            RunValue.Of("best_valid_acc", checkpoint.BestModelScore, Better.Higher),
            RunValue.Of("early_stopped_epoch", earlyStopping?.StoppedEpoch), // Lightning's, from 0
            // Lightning's per-epoch logs: epochs from 0 and optimiser steps so far (their metrics are the history's)
            RunValue.OfList("logged_epochs", fit.Epochs.Select(e => (double)e.Epoch)),
            RunValue.OfList("logged_steps", fit.Epochs.Select(e => (double)e.Step))),
    ],
    keyMetric: new KeyMetric("test_acc", TestMetric("test_acc"), Better.Higher, ModelName));

const string ModelName = "MLP 784-32-16-10"; // the MultiLayerPerceptron's layers (and its name in reference/notebook.json)

// The MultiLayerPerceptron, from the seed or, with --weights, from the file (whose line is printed once it loaded).
nn.Module<Tensor, Tensor> BuildModel() => run.Weights.Into(run, Nets.Mlp(spec));

// lightning_logs/version_N: one more than any version in the run folder's current set and its kept sets (this run
// writes into a fresh staging folder, so Lightning's own scan of save_dir would always find version_0).
int LogVersion() => LightningLogs.NextVersion([.. run.EarlierFolders("lightning_logs")]);

// --ckpt-path as a full path (last: this run folder's checkpoints/last.ckpt), checked to be a trainer checkpoint; or null.
string ResumePath()
{
    if (run.Get(ckptPath) is not { } given) return null;
    if (run.Weights.Path is not null) throw ArgParser.UsageError(run.Script, "--ckpt-path resumes a fit with the weights it holds: give --ckpt-path or --weights, not both");
    var path = given == "last" ? Path.Combine(run.ResultDir, "checkpoints", ModelCheckpoint.LastName) : Path.GetFullPath(given);
    using var resumable = LightningCheckpoints.Read(path);
    return path;
}

// The trainer's settings as metrics.json records them: the log folder where the logs end up (the run folder), not the
// staging folder this run writes into before Runs.Finish swaps it in.
TrainerConfig RecordedConfig() => trainerConfig with { LogDir = run.ResultDir };

// A number trainer.test logged, or null when it logged none.
double? TestMetric(string name) => testMetrics.TryGetValue(name, out var value) ? value : null;

// A --limit-*-batches value, or the --quick default when none was given.
int Limit(IntOption option, int quick) => run.Get(option) is var n && n == 0 && run.Quick ? quick : n;

// The book's training_step / validation_step / test_step share one body: logits, cross-entropy, accuracy, self.log.
StepOutput SharedStep(StepInput s, string stage)
{
    var logits = s.Model.call(s.Batch.X);
    var loss = nn.functional.cross_entropy(logits, s.Batch.Y);
    return new StepOutput(loss, new Dictionary<string, double>
    {
        [$"{stage}_loss"] = loss.item<float>(),
        [$"{stage}_acc"] = Metrics.AccuracyOfLogits(logits, s.Batch.Y),
    });
}
