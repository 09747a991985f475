#load "../lib/ch13.csx"
// Chapter 13 · Implementing models based on nn.Sequential: a 2 → 10 → 6 → 2 sigmoid MLP as an nn.Sequential,
// trained with cross-entropy and SGD on two Gaussian blobs, with a validation pass after every epoch.
// Writes out/sequential/: metrics.json, model.pth (PyTorch's state_dict format), history.png.

using TorchSharp;
using static TorchSharp.torch;

var run = Runs.Start("sequential", Args, new TrainConfig(Epochs: 200, BatchSize: 20, LogEvery: 39), new Sgd(0.01), options: ModelWeights.Options);
var lossFn = new CrossEntropy();

// --- The model: layers cascaded in an nn.Sequential, numbered 0–4 as PyTorch numbers them.
// The notebook's cell builds it before any manual_seed, but its printed log came from a kernel whose generator had
// made 3352 draws since a manual_seed(1) (cells run again out of order): putting the generator there reproduces
// that log; a fresh process (TorchRandom.StartupSeed) would not.
torch.manual_seed(run.Seed);
TorchRandom.Skip(NotebookDrawsBeforeModel);
var model = Nets.Mlp(new MlpSpec(InputSize: 2, HiddenUnits: [10, 6], OutputSize: 2));
Print.UnlessQuiet(run, Nets.Summary(model) + "\n");
run.Weights.Into(run, model);

// --- The data: two Gaussian blobs (make_blobs, 1000 points, std 2.5), split 670/330 into train/valid
var data = Data.Blobs();
var train = Data.ToTensors(data.Train);
var valid = Data.ToTensors(data.Test);
Print.UnlessQuiet(run, $"Blobs: {data.Train.Count} train / {data.Test.Count} valid points\n");

// --- --eval-only: the loaded weights, validated; nothing is trained (no history)
if (run.Weights.EvalOnly) return EvalOnly.Classifier(run, model, "nn.Sequential", valid, "blobs");

// --- Training: manual_seed before the DataLoader's first epoch, mini-batches of 20, validation after each epoch
torch.manual_seed(run.Seed);
var history = Training.Fit(model, train, valid, run.Training, run.Optimizer, lossFn,
    Progress.Hooks(run, "nn.Sequential", run.Training.Epochs, new NotebookLog(run, run.Training, EpochLines.Loss)));

// --- Results
var final = history.Last;
Print.Always($"\nSequential: train acc {Numbers.Fixed(final?.TrainAccuracy)}, valid acc {Numbers.Fixed(final?.ValidAccuracy)}");
Checkpoints.Save(model, run.OutPath("model.pth"));
Plots.History(run.OutPath("history.png"), [("nn.Sequential", history)], "nn.Sequential on blobs");

return Runs.Finish(run, RunConfig.Of(run, "blobs", data, lossFn, model).With(("draws_before_model", NotebookDrawsBeforeModel)),
    series: [Series.Of("nn.Sequential", history)],
    keyMetric: new KeyMetric("valid_acc", final?.ValidAccuracy, Better.Higher, "nn.Sequential"));

// Where the notebook's kernel had left torch's generator when it built the model (see tests/Ch13.Tests/FidelityTests.cs).
const int NotebookDrawsBeforeModel = 3352;
