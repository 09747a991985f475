#load "../lib/ch13.csx"
// Chapter 13 · Making model building more flexible with nn.Module: the 2 → 10 → 6 → 2 sigmoid MLP of the
// nn.Sequential section, written as MyModule (layers in an nn.ModuleList, plus predict), trained on the blobs.
// Writes out/module/: metrics.json, my_module.pth (PyTorch's state_dict format), history.png, decision_regions.png.

using TorchSharp;
using static TorchSharp.torch;

var run = Runs.Start("module", Args, new TrainConfig(Epochs: 200, BatchSize: 20, LogEvery: 39), new Sgd(0.01), options: ModelWeights.Options);
var lossFn = new CrossEntropy();

// --- The data: two Gaussian blobs (make_blobs, 1000 points, std 2.5), split 670/330 into train/valid
var data = Data.Blobs();
var train = Data.ToTensors(data.Train);
var valid = Data.ToTensors(data.Test);
Print.UnlessQuiet(run, $"Blobs: {data.Train.Count} train / {data.Test.Count} valid points\n");

// --- MyModule. In the notebook it is built right after the nn.Sequential run (seeded with manual_seed(1)), so its
// weights come from the generator as those 200 epochs of shuffling left it, and training goes on without a new seed.
// Replaying those epochs' DataLoader draws (no training) puts the generator in the same state.
for (var epoch = 0; epoch < SequentialEpochs; epoch++) Loader.EpochOrder(train.Count, shuffle: true);
var model = new MyModule();
Print.UnlessQuiet(run, Nets.Summary(model));
run.Weights.Into(run, model);
// --- --eval-only: the loaded weights, validated; nothing is trained (no history)
if (run.Weights.EvalOnly) return EvalOnly.Classifier(run, model, "MyModule", valid, "blobs");

var history = Training.Fit(model, train, valid, run.Training, run.Optimizer, lossFn,
    Progress.Hooks(run, "MyModule", run.Training.Epochs, new NotebookLog(run, run.Training, EpochLines.Loss)));

// --- Results
var final = history.Last;
Print.Always($"\nMyModule: train acc {Numbers.Fixed(final?.TrainAccuracy)}, valid acc {Numbers.Fixed(final?.ValidAccuracy)}");
Checkpoints.Save(model, run.OutPath("my_module.pth"));
Plots.History(run.OutPath("history.png"), [("MyModule", history)], "MyModule on blobs");
Plots.DecisionRegions(run.OutPath("decision_regions.png"),
    [($"MyModule on blobs: valid acc {Numbers.Fixed(final?.ValidAccuracy, "F3")}", points => Metrics.PredictClasses(model, points))], data.Test);

return Runs.Finish(run, RunConfig.Of(run, "blobs", data, lossFn, model).With(("replayed_sequential_epochs", SequentialEpochs)),
    series: [Series.Of("MyModule", history)],
    keyMetric: new KeyMetric("valid_acc", final?.ValidAccuracy, Better.Higher, "MyModule"));

// The notebook's nn.Sequential section trains for 200 epochs before MyModule is built.
const int SequentialEpochs = 200;
