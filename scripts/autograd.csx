#load "../lib/ch13.csx"
// Chapter 13 · PyTorch's computation graphs, tensors that store model parameters, and "Computing gradients via
// automatic differentiation": backward() against the hand-derived gradient, autograd against finite differences,
// and a custom L1 penalty term (the book's l1_penalty) added to the loss.
// Writes out/autograd/: metrics.json, l1_penalty.png.

using TorchSharp;
using static TorchSharp.torch;

var l1 = new DoubleOption("l1", 0.001, "L1 penalty weight λ in loss = CE + λ·Σ|w| (trained next to λ = 0)");
var lr = new DoubleOption("lr", 0.05, "SGD learning rate (momentum 0.9) for the L1 runs");
var batchSize = CommonOptions.BatchSize(20, "mini-batch size for the L1 runs");
var eps = new DoubleOption("eps", 1e-5, "finite-difference step ε for the gradient check", Max: 0.1);
var run = Runs.Start("autograd", Args, epochs: 60,
    options: [l1, lr, batchSize, eps]);

// --- Creating a graph in PyTorch: z = 2·(a − b) + c, one node per op, for inputs of any rank
Print.Always($"Scalar Inputs: {TensorText.Repr(Autograd.ComputeZ(tensor(1L), tensor(2L), tensor(3L)))}");
Print.Always($"Rank 1 Inputs: {TensorText.Repr(Autograd.ComputeZ(Tensors.Of(new[] { 1L }), Tensors.Of(new[] { 2L }), Tensors.Of(new[] { 3L })))}");
Print.Always($"Rank 2 Inputs: {TensorText.Repr(Autograd.ComputeZ(Tensors.Of(new[,] { { 1L } }), Tensors.Of(new[,] { { 2L } }), Tensors.Of(new[,] { { 3L } })))}");
var zScalar = Autograd.ComputeZ(tensor(1L), tensor(2L), tensor(3L));

// --- PyTorch tensor objects for storing and updating model parameters: requires_grad
var a = tensor(3.14f, requires_grad: true);
var b = Tensors.Of(new[] { 1.0f, 2.0f, 3.0f }).requires_grad_();
Print.Always($"\n{TensorText.Repr(a)}\n{TensorText.Repr(b)}");
var w3 = Tensors.Of(new[] { 1.0f, 2.0f, 3.0f });
Print.Always(PyText.Bool(w3.requires_grad));
w3.requires_grad_();
Print.Always(PyText.Bool(w3.requires_grad));

// Glorot (Xavier) initialisation of a 2×3 tensor. TorchSharp 0.107's nn.init.xavier_normal_ draws from the *uniform*
// Xavier distribution; Init.XavierNormal draws N(0, 2/(fan_in + fan_out)) like PyTorch, so it prints the book's tensor.
torch.manual_seed(1);
var xavier = empty(2, 3);
Init.XavierNormal(xavier);
Print.Always($"\n{TensorText.Repr(xavier)}");
torch.manual_seed(1);
var torchSharpXavier = empty(2, 3);
nn.init.xavier_normal_(torchSharpXavier);
Print.Always($"(TorchSharp's nn.init.xavier_normal_ gives {Flat(torchSharpXavier)} instead: the xavier_uniform_ numbers)");
torch.manual_seed(run.Seed); // back on the run's seed for everything below

// --- Computing the gradients of the loss with respect to trainable variables: z = w·x + b, L = (y − z)²
var w = tensor(1.0f, requires_grad: true);
var bias = tensor(0.5f, requires_grad: true);
var x = Tensors.Of(new[] { 1.4f });
var y = Tensors.Of(new[] { 2.1f });
var z = add(mul(w, x), bias);
var loss = (y - z).pow(2).sum();
loss.backward();
Print.Always($"\ndL/dw :  {TensorText.Repr(w.grad!)}");
Print.Always($"dL/db :  {TensorText.Repr(bias.grad!)}");

// verifying the computed gradients: ∂L/∂w = −2x(y − z), ∂L/∂b = −2(y − z)
var verify = 2 * x * ((w * x + bias) - y);
Print.Always(TensorText.Repr(verify, gradFn: "MulBackward0")); // TorchSharp does not expose grad_fn: we name the last op
var hand = Autograd.SquaredErrorGradients(w: 1.0, b: 0.5, x: 1.4, y: 2.1);
var gradients = new[]
{
    Verify("dL/dw", w.grad!.item<float>(), hand.DLossDw, "-2x(y - z)"),
    Verify("dL/db", bias.grad!.item<float>(), hand.DLossDb, "-2(y - z)"),
};

// --- Understanding automatic differentiation: reverse-mode gradients against central finite differences (float64)
var checkSpec = new MlpSpec(InputSize: 2, HiddenUnits: [8, 8], OutputSize: 2, Activation: Activation.Tanh);
var checkNet = Nets.Mlp(checkSpec);
checkNet.to(ScalarType.Float64);
var checkData = Data.Xor(count: 100);
var checkTensors = Data.ToTensors(checkData.Train);
var checkX = checkTensors.X.to_type(ScalarType.Float64);
var gradCheck = Autograd.GradCheck(checkNet, checkX, checkTensors.Y, Losses.Create(new CrossEntropy()), run.Get(eps));
Print.Always($"\nGradient check, MLP 2-8-8-2 (tanh) in float64 on {checkData.Train.Count} XOR points, ε = {gradCheck.Epsilon:0.#e+0}:");
Print.Always($"  {gradCheck.Elements} parameters, max abs error {gradCheck.MaxAbsError:E2}, max rel error {gradCheck.MaxRelError:E2}" +
                  $" ({(gradCheck.MaxRelError < 1e-6 ? "verified" : "NOT verified")}: autograd = (L(θ+ε) − L(θ−ε)) / 2ε)");

// --- Configuring layers: a custom L1 penalty term, loss = CE + λ·Σ|w| (the book's l1_penalty), λ = 0 vs λ > 0
var lambda = run.Get(l1);
var config = new TrainConfig(Epochs: run.Epochs, BatchSize: run.Get(batchSize), LogEvery: 10);
var optimizer = new Sgd(LearningRate: run.Get(lr), Momentum: 0.9);
var spec = new MlpSpec(InputSize: 2, HiddenUnits: [32, 32], OutputSize: 2, Activation: Activation.ReLU);
var data = Data.Xor();
var train = Data.ToTensors(data.Train);
var valid = Data.ToTensors(data.Test);
Print.UnlessQuiet(run, $"\nL1 penalty on XOR ({data.Train.Count} train / {data.Test.Count} valid), MLP 2-32-32-2 (ReLU), SGD lr {optimizer.LearningRate} momentum 0.9");

var runs = new List<L1Run>();
foreach (var l1Weight in new[] { 0.0, lambda })
{
    torch.manual_seed(run.Seed);
    using var model = Nets.Mlp(spec);
    Print.UnlessQuiet(run, $"λ = {l1Weight}:");
    var l1Norms = new List<double>();
    var hooks = Progress.Hooks(run, $"λ = {l1Weight}", config.Epochs,
        new OnEachEpoch(_ => l1Norms.Add(Penalties.L1Norm(model))), new NotebookLog(run, config, EpochLines.Loss));
    var history = Training.Fit(model, train, valid, config, optimizer, new CrossEntropy(),
        hooks with { Penalty = l1Weight > 0 ? m => Penalties.L1(m, l1Weight) : null });
    runs.Add(new L1Run(l1Weight, history, Penalties.AbsWeights(model), l1Norms.ToArray()));
}

Print.Always("");
foreach (var r in runs)
    Print.Always($"λ = {r.Lambda}: valid acc {r.History.Last?.ValidAccuracy:F4}, Σ|w| = {r.AbsWeights.Sum():F2}, " +
                      $"|w| < {NearZero:G}: {Penalties.ShareBelow(r.AbsWeights, NearZero):P1} of {r.AbsWeights.Length} weights, |w| < 0.01: {Penalties.ShareBelow(r.AbsWeights, 0.01):P1}");

LinePlots.Save(run.OutPath("l1_penalty.png"),
[
    new LinePanel("Weights sorted by |w| after training", "Share of weights (sorted)", "|w|",
        runs.Select(r => new LineSeries($"λ = {r.Lambda}", r.AbsWeights.Select((_, i) => (i + 0.5) / r.AbsWeights.Length).ToArray(), r.AbsWeights)).ToList(),
        LogY: true, Reference: new ReferenceLine(NearZero, $"|w| = {NearZero:G} (counted as near zero)")),
    new LinePanel("L1 norm of the weights during training", "Epoch", "Σ|w|",
        runs.Select(r => new LineSeries($"λ = {r.Lambda}", r.L1Norms.Select((_, i) => i + 1.0).ToArray(), r.L1Norms)).ToList()),
]);

return Runs.Finish(run,
    config: new RunConfig("xor", data.Train.Count, data.Test.Count, Training: config, Optimizer: optimizer) { Loss = "cross_entropy + l1 * sum|w|" }
        .With(("l1", lambda), ("eps", gradCheck.Epsilon), ("near_zero_threshold", NearZero), ("l1_model", spec), ("grad_check_model", checkSpec)),
    series: runs.Select(r => Series.Of(r.Name, r.History,
        RunValue.Of("l1_norm", r.AbsWeights.Sum()),
        RunValue.Of("weights", r.AbsWeights.Length),
        RunValue.Of("share_below_1e-3", Penalties.ShareBelow(r.AbsWeights, NearZero)),
        RunValue.Of("share_below_1e-2", Penalties.ShareBelow(r.AbsWeights, 0.01)),
        RunValue.OfList("l1_norm_per_epoch", r.L1Norms))).ToList(),
    results:
    [
        RunValue.Of("graph_z", zScalar.item<long>()),
        TensorValue("xavier_normal_seed1", xavier),
        TensorValue("torchsharp_xavier_normal_seed1", torchSharpXavier),
        .. gradients.SelectMany(g => new[]
        {
            RunValue.Of(g.Name, g.Autograd),
            RunValue.Of($"{g.Name} by hand", g.ByHand),
            RunValue.OfText($"{g.Name} check", $"{(g.Verified ? "verified" : "NOT verified")}: autograd vs {g.Formula}"),
        }),
        RunValue.Of("grad_check_parameters", gradCheck.Elements),
        RunValue.Of("grad_check_max_abs_error", gradCheck.MaxAbsError, Better.Lower),
        RunValue.Of("grad_check_max_rel_error", gradCheck.MaxRelError, Better.Lower),
        RunValue.OfText("grad_check", gradCheck.MaxRelError < 1e-6 ? "verified" : "NOT verified"),
    ],
    keyMetric: new KeyMetric("grad_check_max_rel_error", gradCheck.MaxRelError, Better.Lower, Series: null));

const double NearZero = 1e-3; // |w| below this counts as pruned by the penalty

GradientCheck Verify(string name, double autograd, double byHand, string formula)
{
    var ok = Math.Abs(autograd - byHand) <= 1e-6 * Math.Max(1, Math.Abs(byHand));
    Print.Always($"{name} {(ok ? "verified" : "NOT verified")}: autograd {autograd:F6} vs {formula} = {byHand:F6}");
    return new GradientCheck(name, autograd, byHand, formula, ok);
}

double[] Values(Tensor t) => t.detach().flatten().data<float>().Select(v => Math.Round((double)v, 4)).ToArray();
RunValue TensorValue(string name, Tensor t) => new(name, Numbers: Values(t), Shape: [.. t.shape.Select(d => (int)d)]);
string Flat(Tensor t) => "[" + string.Join(", ", Values(t).Select(v => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture))) + "]";

/// <summary>One L1 training run: its λ, history, final sorted |w| and Σ|w| after each epoch.</summary>
sealed record L1Run(double Lambda, History History, double[] AbsWeights, double[] L1Norms)
{
    public string Name => $"λ = {Lambda}"; // its progress label
}

/// <summary>One gradient from backward() beside the hand-derived formula.</summary>
sealed record GradientCheck(string Name, double Autograd, double ByHand, string Formula, bool Verified);
