#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>How far autograd's gradients are from central finite differences, over every parameter element.</summary>
/// <remarks>Relative error is |autograd − numeric| / max(|autograd|, |numeric|, <see cref="Autograd.RelativeFloor"/>).</remarks>
public sealed record GradCheckResult(int Elements, double MaxAbsError, double MaxRelError, double Epsilon);

/// <summary>The chapter's small computation graphs, the hand-derived gradients they are checked against, and a gradient check.</summary>
public static class Autograd
{
    /// <summary>Below this size a gradient counts as zero for the relative error (so 1e-14 vs 2e-14 is not "100% off").</summary>
    public const double RelativeFloor = 1e-6;

    /// <summary>The book's graph z = 2·(a − b) + c, one node per op (sub, mul, add), for tensors of any rank.</summary>
    public static Tensor ComputeZ(Tensor a, Tensor b, Tensor c)
    {
        using var r1 = torch.sub(a, b);
        using var r2 = torch.mul(r1, 2);
        return torch.add(r2, c);
    }

    /// <summary>
    /// ∂L/∂w and ∂L/∂b of L = (y − z)², z = w·x + b, by hand: ∂L/∂w = −2x(y − z), ∂L/∂b = −2(y − z).
    /// </summary>
    public static (double DLossDw, double DLossDb) SquaredErrorGradients(double w, double b, double x, double y)
    {
        var z = w * x + b;
        return (-2 * x * (y - z), -2 * (y - z));
    }

    /// <summary>
    /// Compares autograd's gradient of <c>lossFn(module(x), y)</c> with central differences
    /// (L(θ + ε) − L(θ − ε)) / 2ε, one parameter element at a time. The module must be float64 (float32's
    /// rounding swamps any useful ε) and deterministic (no dropout in train mode). Leaves the module's weights
    /// as they were, with the autograd gradients in <c>.grad</c>.
    /// </summary>
    public static GradCheckResult GradCheck(nn.Module<Tensor, Tensor> module, Tensor x, Tensor y, Func<Tensor, Tensor, Tensor> lossFn, double eps = 1e-6)
    {
        if (eps <= 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive.");
        var parameters = module.parameters().ToArray();
        if (parameters.Length == 0) throw new ArgumentException("the module has no parameters to check.", nameof(module));
        if (parameters.Any(p => p.dtype != ScalarType.Float64) || x.dtype != ScalarType.Float64)
            throw new ArgumentException("grad check needs float64: convert the module with module.to(ScalarType.Float64) and the inputs with x.to_type(ScalarType.Float64).");

        using var scope = NewDisposeScope();
        module.zero_grad();
        lossFn(module.call(x), y).backward();

        double maxAbs = 0, maxRel = 0;
        var elements = 0;
        using var noGrad = no_grad();
        foreach (var p in parameters)
        {
            var analytic = p.grad!.flatten().data<double>().ToArray();
            var flat = p.view(-1); // shares p's storage: writing an element moves the weight
            for (var i = 0; i < analytic.Length; i++)
            {
                using var element = flat[i];
                var original = element.item<double>();
                element.fill_(original + eps);
                var plus = Loss();
                element.fill_(original - eps);
                var minus = Loss();
                element.fill_(original);

                var numeric = (plus - minus) / (2 * eps);
                var abs = Math.Abs(analytic[i] - numeric);
                maxAbs = Math.Max(maxAbs, abs);
                maxRel = Math.Max(maxRel, abs / Math.Max(RelativeFloor, Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric))));
                elements++;
            }
        }
        return new GradCheckResult(elements, maxAbs, maxRel, eps);

        double Loss()
        {
            using var inner = NewDisposeScope();
            return lossFn(module.call(x), y).item<double>();
        }
    }
}
