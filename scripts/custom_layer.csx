#load "../lib/ch13.csx"
// Chapter 13 · Writing custom layers in PyTorch: NoisyLinear computes w·(x + ε) + b, with ε drawn only while
// training, and MyNoisyModule uses it as the first layer of the XOR MLP.
// Writes out/custom_layer/: metrics.json, noisy_xor.png (loss, accuracy, decision regions), my_noisy_module.pth
// (PyTorch's state_dict format: l1.w, l1.b, l2.weight …). --weights FILE / --eval-only load and validate one.

using TorchSharp;
using static TorchSharp.torch;

var run = Runs.Start("custom_layer", Args, new TrainConfig(Epochs: 200, BatchSize: 20, LogEvery: 39), new Adam(0.015), options: ModelWeights.Options);
var lossFn = new CrossEntropy();

// --- NoisyLinear: the same input gives different outputs while training, and none of the noise in eval mode
torch.manual_seed(run.Seed);
var noisyLayer = new NoisyLinear(inFeatures: 2, outFeatures: 3);
var x = torch.zeros(1, 2);
Print.UnlessQuiet(run, Nets.Describe(noisyLayer));
noisyLayer.train();
var training1 = PrintOutput(noisyLayer.call(x));
var training2 = PrintOutput(noisyLayer.call(x));
noisyLayer.eval();
var evaluation = PrintOutput(noisyLayer.call(x));

// --- The XOR data, as in the XOR section: 700 train / 300 valid points
var data = Data.Xor();
var train = Data.ToTensors(data.Train);
var valid = Data.ToTensors(data.Test);

// --- MyNoisyModule: NoisyLinear(2, 10, 0.07) → sigmoid → 10 → 6 → sigmoid → 2. The notebook seeds before
// building the model and again before training; Fit turns the noise on (train mode) and off for validation.
torch.manual_seed(run.Seed);
var model = new MyNoisyModule();
Print.UnlessQuiet(run, "\n" + Nets.Summary(model));
run.Weights.Into(run, model);
if (run.Weights.EvalOnly) return EvalOnly.Classifier(run, model, "MyNoisyModule", valid, "xor");
torch.manual_seed(run.Seed);
var history = Training.Fit(model, train, valid, run.Training, run.Optimizer, lossFn,
    Progress.Hooks(run, "MyNoisyModule", run.Training.Epochs, new NotebookLog(run, run.Training, EpochLines.Loss)));

// --- Results
var final = history.Last;
Print.Always($"\nMyNoisyModule: train acc {Numbers.Fixed(final?.TrainAccuracy)}, valid acc {Numbers.Fixed(final?.ValidAccuracy)}");
Checkpoints.Save(model, run.OutPath("my_noisy_module.pth"));
Figures.HistoryAndDecisionRegions(run.OutPath("noisy_xor.png"), "MyNoisyModule on XOR", history,
    $"Decision regions: valid acc {Numbers.Fixed(final?.ValidAccuracy, "F3")}", points => Metrics.PredictClasses(model, points), data.Test);

return Runs.Finish(run, RunConfig.Of(run, "xor", data, lossFn, model).With(("noise_stddev", 0.07)),
    series: [Series.Of("MyNoisyModule", history)],
    results:
    [
        RunValue.OfRows("noisy_linear_training_1", training1),
        RunValue.OfRows("noisy_linear_training_2", training2),
        RunValue.OfRows("noisy_linear_eval", evaluation),
    ],
    keyMetric: new KeyMetric("valid_acc", final?.ValidAccuracy, Better.Higher, "MyNoisyModule"));

// Prints a layer's output as print(tensor) does in PyTorch (NoisyLinear's last op is an add), frees it, returns its rows.
double[][] PrintOutput(Tensor output)
{
    Print.UnlessQuiet(run, TensorText.Repr(output, gradFn: "AddBackward0"));
    var columns = (int)output.shape[1];
    var values = output.detach().data<float>().Select(v => (double)v).Chunk(columns).ToArray();
    output.Dispose();
    return values;
}
