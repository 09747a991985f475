#load "../lib/ch13.csx"
// Chapter 13 · "Project two: classifying MNIST hand-written digits" (the notebook's version): an MLP on the first
// 1000 training / 200 test images, Adam with ReduceLROnPlateau, early stopping on the validation loss with the best
// weights checkpointed and restored. --full trains on all 60000/10000 images (scaled to [0, 1]) for 5 epochs.
// Writes out/mnist/: metrics.json, history.png, confusion_matrix.png, samples.png, best_model.pth (PyTorch's format:
// torch.load it into the notebook's make_model()). --weights FILE starts from a saved state_dict (the notebook's .pth,
// or an older run's best_model.bin); with --eval-only it only tests it (metrics.json status "evaluated", test_logits.csv).

using TorchSharp;
using static TorchSharp.torch;

var batchSize = CommonOptions.BatchSize(20);
var fullData = new ProfileFlag("full", "all 60000/10000 images, scaled to [0, 1], batch 64, 5 epochs (unless given)", Epochs: 5, QuickEpochs: 1)
    { Defaults = [(batchSize, 64)] };
var scalePixels = new FlagOption("scale", "divide pixels by 255 (the notebook feeds raw 0..255 values)");
var lr = new DoubleOption("lr", 0.001, "Adam learning rate");
var patience = new IntOption("patience", 10, "ReduceLROnPlateau patience (epochs without improvement before cutting the lr)", Min: 0, Max: CommonOptions.MaxEpochs);
var earlyStopPatience = new IntOption("early-stop", 30, "stop after this many epochs without a better validation loss", Max: CommonOptions.MaxEpochs);
var run = Runs.Start("mnist", Args, epochs: 200, quickEpochs: 5,
    options: [fullData, scalePixels, lr, batchSize, patience, earlyStopPatience, .. ModelWeights.Options]);
var full = run.Get(fullData);
var config = new TrainConfig(Epochs: run.Epochs, BatchSize: run.Get(batchSize), LogEvery: full ? 1 : 10);
var optimizerSpec = new Adam(LearningRate: run.Get(lr));
var plateauSpec = new PlateauSpec(Mode: MonitorMode.Min, Factor: 0.1, Patience: run.Get(patience));
var earlyStopSpec = new EarlyStopSpec(Patience: run.Get(earlyStopPatience));
var checkpointPath = run.OutPath("best_model.pth"); // PyTorch's state_dict format, with the notebook's names (1.weight …)

// --- The data: x as float pixels [n, 28, 28], y as int64 labels; the notebook validates on the test slice
var scale = full || run.Get(scalePixels);
var data = full ? Mnist.Load(DataFiles.Root(run.RepoRoot), scale: true)
                : Mnist.Load(DataFiles.Root(run.RepoRoot), trainCount: 1000, testCount: 200, scale: scale);
var (train, test) = (data.Train, data.Test);
Print.UnlessQuiet(run, $"MNIST: {train.Count} train / {test.Count} test images, pixels {(scale ? "scaled to [0, 1]" : "0..255")}\n");
var record = new RunConfig(full ? "mnist (all)" : "mnist (train[:1000], test[:200])", train.Count, TestSize: test.Count, Training: config,
    Optimizer: optimizerSpec, LossFunction: new CrossEntropy()).With(("scaled", scale));

// --- The model: Flatten → 784 → 32 → 16 → 10 with ReLU
torch.manual_seed(run.Seed);
var model = Nets.Mlp(new MlpSpec(InputSize: 28 * 28, HiddenUnits: [32, 16], OutputSize: 10, Activation.ReLU, Flatten: true));
Print.UnlessQuiet(run, Nets.Describe(model) + "\n");
run.Weights.Into(run, model);

// --- --eval-only: test the loaded weights (test_logits.csv, confusion matrix, samples), no training and no history plot
if (run.Weights.EvalOnly) return EvalOnly.ImageClassifier(run, model, ModelName, test, record, classes: 10, height: 28, width: 28);

// --- Training: Adam, cross-entropy, ReduceLROnPlateau(mode="min", patience=10, factor=0.1) on the validation loss,
//     early stopping after 30 epochs without a better validation loss (the best weights saved each time it improves).
//     After each epoch, in the notebook's order: step the scheduler, check early stopping, then print the epoch line.
var optimizer = Optimizers.Flat(optimizerSpec, model.parameters());
var plateau = new PlateauScheduler(plateauSpec, optimizerSpec.LearningRate, print: line => Print.UnlessQuiet(run, line));
var earlyStop = new EarlyStopWithCheckpoint(earlyStopSpec, checkpointPath, print: line => Print.UnlessQuiet(run, line));
var history = Training.Fit(model, optimizer, train, test, config, new CrossEntropy(),
    Progress.Hooks(run, ModelName, config.Epochs, plateau, earlyStop, new NotebookLog(run, config, EpochLines.TrainAndValid)));
var lrCuts = plateau.Cuts;

// --- Results: restore the best weights, then test them
var last = history.Last;
var stoppedEarly = history.Status == RunStatus.EarlyStopped;
// Only a checkpoint this run saved is restored; one an earlier run left (this run stopped before its first epoch
// ended) belongs to no record any more and goes, so the folder never pairs this record with another run's weights.
var restored = earlyStop.BestEpoch > 0;
if (restored) Checkpoints.Load(model, checkpointPath);
else if (File.Exists(checkpointPath)) File.Delete(checkpointPath);
var predicted = Metrics.PredictClasses(model, test.X);
var actual = test.Y.data<long>().ToArray();
var testAccuracy = Metrics.Accuracy(actual, predicted);
var confusion = Metrics.ConfusionMatrix(actual, predicted, classes: 10);
Print.Always($"\nStopped after epoch {history.Epochs.Count} ({RunStatuses.Text(history.Status)}); last epoch valid acc {last?.ValidAccuracy:F4}");
Print.Always(restored
    ? $"Best epoch {earlyStop.BestEpoch} (valid loss {earlyStop.Best:F4}); test accuracy with its weights restored: {testAccuracy:F4}"
    : $"No best checkpoint was saved; test accuracy with the weights training ended with: {testAccuracy:F4}");

Plots.History(run.OutPath("history.png"), [(ModelName, history)], full ? "MNIST (all images)" : "MNIST (1000 train / 200 test)",
    [.. lrCuts.Select(c => new CurveMark(c.Epoch, $"lr → {c.LearningRate:0e0} (epoch {c.Epoch})", Plots.ClassColors[3])),
     new CurveMark(earlyStop.BestEpoch, $"best valid loss (epoch {earlyStop.BestEpoch})", Plots.ClassColors[2])]);
ClassifierPlots.ConfusionMatrix(run.OutPath("confusion_matrix.png"), confusion,
    $"Confusion matrix: {test.Count} test images, accuracy {testAccuracy:F3}");
ClassifierPlots.Digits(run.OutPath("samples.png"), test.X.narrow(0, 0, Math.Min(40, test.Count)).data<float>().ToArray(), 28, 28,
    actual, predicted, "First test digits");

return Runs.Finish(run,
    config: (record with { Model = Nets.Describe(model) }).With(("scheduler", plateauSpec), ("early_stopping", earlyStopSpec)),
    series:
    [
        Series.Of(ModelName, history,
            RunValue.Of("test_acc", testAccuracy, Better.Higher),
            RunValue.OfText("test_acc_weights", restored ? $"best epoch {earlyStop.BestEpoch} (restored from best_model.pth)" : "the weights training ended with (no best checkpoint was saved)"),
            RunValue.Of("best_epoch", earlyStop.BestEpoch),
            RunValue.Of("best_valid_loss", earlyStop.Best, Better.Lower),
            RunValue.Of("final_valid_acc", last?.ValidAccuracy, Better.Higher),
            RunValue.Of("early_stop_epoch", stoppedEarly ? last?.Epoch : null),
            RunValue.OfList("lr_cut_epochs", lrCuts.Select(c => (double)c.Epoch)),
            RunValue.OfList("lr_cut_rates", lrCuts.Select(c => c.LearningRate)),
            RunValue.OfMatrix("confusion_matrix", confusion)),
    ],
    keyMetric: new KeyMetric("test_acc", testAccuracy, Better.Higher, ModelName));

const string ModelName = "MLP 784-32-16-10"; // its progress label
