#load "../lib/ch13.csx"
// Chapter 13 · Solving an XOR classification problem, and "Making model building more flexible with nn.Module".
// A single linear layer cannot separate XOR; the chapter's MLP (MyModule: ModuleList + Predict) can.
// Writes out/xor/: metrics.json, history.png, decision_regions.png, my_module.pth (MyModule's state_dict in PyTorch's
// format: module_list.0.weight …). --weights FILE loads MyModule from a state_dict; with --eval-only the MLP is only
// validated (no linear model, no history; status "evaluated").

using TorchSharp;
using static TorchSharp.torch;

var run = Runs.Start("xor", Args, new TrainConfig(Epochs: 100, BatchSize: 20, LogEvery: 10), new Adam(0.015), quickEpochs: 20, options: ModelWeights.Options);
var lossFn = new CrossEntropy();

// --- The data: 1000 points uniform in [-1, 1]², class 1 where x₀·x₁ ≥ 0, split 70/30 into train/valid
var data = Data.Xor();
var train = Data.ToTensors(data.Train);
var valid = Data.ToTensors(data.Test);
Print.UnlessQuiet(run, $"XOR data: {data.Train.Count} train / {data.Test.Count} valid points\n");

// --- --eval-only: MyModule from the file, validated (and its decision regions drawn); nothing is trained
if (run.Weights.EvalOnly)
    return EvalOnly.Classifier(run, run.Weights.Into(run, new MyModule()), MlpName, valid, "xor", label: "MLP (MyModule)", regions: data.Test);

// --- A single linear layer cannot solve XOR: its decision boundary is one straight line
torch.manual_seed(run.Seed);
var linear = Nets.Mlp(new MlpSpec(InputSize: 2, HiddenUnits: [], OutputSize: 2));
Print.UnlessQuiet(run, Nets.Summary(linear));
var log = new NotebookLog(run, run.Training, EpochLines.Loss); // Epoch [1/100], Loss: 0.69…, every run.Training.LogEvery epochs
var linearHistory = Training.Fit(linear, train, valid, run.Training, run.Optimizer, lossFn, Progress.Hooks(run, LinearName, run.Training.Epochs, log));

// --- The chapter's MLP as an nn.Module: 2 → 10 → 6 → 2 with sigmoid, layers in a ModuleList.
// The notebook's printed log came from a kernel whose generator had made 370 draws since its manual_seed(1)
// (cells run again out of order); putting the generator there reproduces that log exactly.
torch.manual_seed(run.Seed);
TorchRandom.Skip(NotebookDrawsBeforeModel);
var mlp = new MyModule();
run.Weights.Into(run, mlp);
Print.UnlessQuiet(run, "\n" + Nets.Summary(mlp));
var mlpHistory = Training.Fit(mlp, train, valid, run.Training, run.Optimizer, lossFn, Progress.Hooks(run, MlpName, run.Training.Epochs, log));

// --- Results
var linearFinal = linearHistory.Last;
var mlpFinal = mlpHistory.Last;
Print.Always($"\nLinear model: train acc {Numbers.Fixed(linearFinal?.TrainAccuracy)}, valid acc {Numbers.Fixed(linearFinal?.ValidAccuracy)}");
Print.Always($"MLP (MyModule): train acc {Numbers.Fixed(mlpFinal?.TrainAccuracy)}, valid acc {Numbers.Fixed(mlpFinal?.ValidAccuracy)}");

Checkpoints.Save(mlp, run.OutPath("my_module.pth"));
Plots.History(run.OutPath("history.png"), [(LinearName, linearHistory), (MlpName, mlpHistory)], "XOR");
Plots.DecisionRegions(run.OutPath("decision_regions.png"),
[
    ($"{LinearName}: valid acc {Numbers.Fixed(linearFinal?.ValidAccuracy, "F3")}", points => Metrics.PredictClasses(linear, points)),
    ($"{MlpName}: valid acc {Numbers.Fixed(mlpFinal?.ValidAccuracy, "F3")}", points => Metrics.PredictClasses(mlp, points)),
], data.Test);

return Runs.Finish(run, new RunConfig("xor", data.Train.Count, data.Test.Count, Training: run.Training, Optimizer: run.Optimizer, LossFunction: lossFn,
        Models: new Dictionary<string, string> { ["linear"] = Nets.Describe(linear), ["mlp"] = Nets.Describe(mlp) }).With(("draws_before_mlp", NotebookDrawsBeforeModel)),
    series: [Series.Of(LinearName, linearHistory), Series.Of(MlpName, mlpHistory)],
    keyMetric: new KeyMetric("valid_acc", mlpFinal?.ValidAccuracy, Better.Higher, MlpName));

// The two models' names, as progress, plots and metrics.json show them.
const string LinearName = "Linear(2, 2)", MlpName = "MLP 2-10-6-2";

// Where the notebook's kernel had left torch's generator when it built MyModule (see tests/Ch13.Tests/FidelityTests.cs).
const int NotebookDrawsBeforeModel = 370;
