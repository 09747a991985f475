#load "../lib/ch13.csx"
// Chapter 13 · "Xavier (or Glorot) initialization", from "PyTorch tensor objects for storing and updating model parameters".
// A deep tanh MLP starts from PyTorch's default init, xavier_normal_, xavier_uniform_ and a naive N(0, 1): per-layer
// activation and gradient spreads at initialisation show why Xavier keeps the signal and the gradients flowing.
// Writes out/init/: metrics.json, init_stats.png, init_loss.png.

using TorchSharp;
using static TorchSharp.torch;

var depth = new IntOption("depth", 6, "number of hidden layers", Max: 20);
var units = new IntOption("units", 64, "units per hidden layer", Max: 1024);
var lr = new DoubleOption("lr", 0.05, "SGD learning rate (plain SGD: it does not rescale small gradients the way Adam would)");
var batchSize = CommonOptions.BatchSize(32);
var run = Runs.Start("init", Args, epochs: 40,
    options: [depth, units, lr, batchSize]);
var config = new TrainConfig(Epochs: run.Epochs, BatchSize: run.Get(batchSize), LogEvery: 10);
var optimizer = new Sgd(LearningRate: run.Get(lr));
var lossSpec = new CrossEntropy();
var spec = new MlpSpec(InputSize: 2, HiddenUnits: Enumerable.Repeat(run.Get(units), run.Get(depth)).ToArray(),
                       OutputSize: 2, Activation: Activation.Tanh);

// --- The data: XOR, 1000 points in [-1, 1]², split 70/30
var data = Data.Xor();
var train = Data.ToTensors(data.Train);
var valid = Data.ToTensors(data.Test);
Print.UnlessQuiet(run, $"XOR data: {data.Train.Count} train / {data.Test.Count} valid; MLP 2-{string.Join("-", spec.HiddenUnits)}-2 (tanh), SGD lr {optimizer.LearningRate}\n");

// --- The same network, four ways to draw its first weights (same seed for each)
var results = new List<InitRun>();
foreach (var kind in new[] { InitKind.Default, InitKind.XavierNormal, InitKind.XavierUniform, InitKind.StandardNormal })
{
    torch.manual_seed(run.Seed);
    var model = Nets.Mlp(spec);
    Init.Apply(model, kind);
    var firstStd = Init.LinearLayers(model)[1].weight.std().item<float>();

    // Signal and gradient spread per layer at initialisation, over the whole training set
    var stats = Init.LayerStats(model, train.X, train.Y, Losses.Create(lossSpec));
    Print.UnlessQuiet(run, $"{Init.Name(kind)}: hidden weight std {firstStd:F4} (aimed at {Init.ExpectedStd(kind, spec.HiddenUnits[0], spec.HiddenUnits[0]):F4})");
    Print.UnlessQuiet(run, "  layer  activation std  saturated  ∂L/∂s std   ∂L/∂W std");
    foreach (var s in stats)
        Print.UnlessQuiet(run, $"  {s.Layer,5}  {s.ActivationStd,14:F4}  {s.SaturatedShare,9:P1}  {s.GradientStd,9:E2}  {s.WeightGradientStd,10:E2}");

    var history = Training.Fit(model, train, valid, config, optimizer, lossSpec,
        Progress.Hooks(run, Init.Name(kind), config.Epochs, new NotebookLog(run, config, EpochLines.Loss)));
    results.Add(new InitRun(kind, stats, history));
    Print.UnlessQuiet(run, "");
}

// --- Results: Xavier keeps every layer's spread alike; the default shrinks it layer by layer, N(0, 1) saturates tanh
foreach (var r in results)
{
    var hidden = r.Stats.Take(r.Stats.Count - 1).ToList(); // the output layer's logits are not squashed by tanh
    Print.Always($"{Init.Name(r.Kind)}: hidden activation std {hidden[0].ActivationStd:F3} → {hidden[^1].ActivationStd:F3}, " +
                      $"∂L/∂s std {hidden[0].GradientStd:0.00e+00} → {hidden[^1].GradientStd:0.00e+00} (layer 1 → {hidden.Count}), " +
                      $"up to {hidden.Max(s => s.SaturatedShare):P0} saturated; valid acc {r.History.Last?.ValidAccuracy:F4}");
}

var layers = results[0].Stats.Select(s => (double)s.Layer).ToArray();
LinePlots.Save(run.OutPath("init_stats.png"),
[
    new LinePanel($"Activation std at initialisation (tanh, {spec.HiddenUnits.Count} hidden layers)", "Layer (last = output logits)", "std of layer output",
        results.Select(r => new LineSeries(Init.Name(r.Kind), layers, r.Stats.Select(s => s.ActivationStd).ToArray())).ToList(), LogY: true, Markers: true),
    new LinePanel("Back-propagated gradient std at initialisation", "Layer", "std of ∂L/∂s (pre-activation)",
        results.Select(r => new LineSeries(Init.Name(r.Kind), layers, r.Stats.Select(s => s.GradientStd).ToArray())).ToList(), LogY: true, Markers: true),
]);
Plots.History(run.OutPath("init_loss.png"), results.Select(r => (Init.Name(r.Kind), r.History)).ToList(), "Deep tanh MLP on XOR");

return Runs.Finish(run,
    config: new RunConfig("xor", data.Train.Count, data.Test.Count, Training: config, Optimizer: optimizer, LossFunction: lossSpec)
        .With(("mlp", spec), ("biases", "zero for xavier_* and normal_(0, 1); U(±1/√fan_in) for the default")),
    series: results.Select(r => Series.Of(Init.Name(r.Kind), r.History,
        // Per layer at initialisation (layer 1 … the output logits), over the whole training set
        RunValue.OfList("layer", r.Stats.Select(l => (double)l.Layer)),
        RunValue.OfList("activation_mean", r.Stats.Select(l => l.ActivationMean)),
        RunValue.OfList("activation_std", r.Stats.Select(l => l.ActivationStd)),
        RunValue.OfList("saturated_share", r.Stats.Select(l => l.SaturatedShare)),
        RunValue.OfList("gradient_std", r.Stats.Select(l => l.GradientStd)),
        RunValue.OfList("weight_gradient_std", r.Stats.Select(l => l.WeightGradientStd)))).ToList(),
    keyMetric: new KeyMetric("valid_acc", results.First(r => r.Kind == InitKind.XavierUniform).History.Last?.ValidAccuracy, Better.Higher,
        Init.Name(InitKind.XavierUniform)));

/// <summary>One initialisation: its per-layer statistics at the start, and how training went from there.</summary>
sealed record InitRun(InitKind Kind, IReadOnlyList<LayerStats> Stats, History History);
