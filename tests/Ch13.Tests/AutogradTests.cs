using static TorchSharp.torch;
using static Ch13.Tests.TensorAssert;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)] // nn.Linear draws its initial weights from the global generator
public class AutogradTests
{
    [Fact]
    public void Compute_z_builds_the_books_graph_for_any_rank()
    {
        TensorText.Repr(Autograd.ComputeZ(tensor(1L), tensor(2L), tensor(3L))).Should().Be("tensor(1)");
        TensorText.Repr(Autograd.ComputeZ(tensor(new[] { 1L }), tensor(new[] { 2L }), tensor(new[] { 3L }))).Should().Be("tensor([1])");
        TensorText.Repr(Autograd.ComputeZ(tensor(new[,] { { 1L } }), tensor(new[,] { { 2L } }), tensor(new[,] { { 3L } }))).Should().Be("tensor([[1]])");
    }

    [Fact]
    public void Tensors_that_require_grad_print_like_the_book()
    {
        using var a = tensor(3.14f, requires_grad: true);
        using var b = tensor(new[] { 1.0f, 2.0f, 3.0f }, requires_grad: true);
        TensorText.Repr(a).Should().Be("tensor(3.1400, requires_grad=True)");
        TensorText.Repr(b, "MulBackward0").Should().Be("tensor([1., 2., 3.], requires_grad=True)"); // a leaf has no grad_fn
        using var product = b * 2;
        TensorText.Repr(product, "MulBackward0").Should().Be("tensor([2., 4., 6.], grad_fn=<MulBackward0>)");
    }

    [Theory]
    [InlineData(1.0, 0.5, 1.4, 2.1)] // the book's example: dL/dw = -0.56, dL/db = -0.4
    [InlineData(-0.3, 2.0, 0.7, -1.5)]
    [InlineData(3.0, -1.0, -2.5, 0.25)]
    public void Backward_gives_the_hand_derived_gradients_of_a_squared_error(double w0, double b0, double x0, double y0)
    {
        using var w = tensor(w0, requires_grad: true);
        using var b = tensor(b0, requires_grad: true);
        using var x = tensor(new[] { x0 });
        using var y = tensor(new[] { y0 });
        using var z = add(mul(w, x), b);
        using var loss = (y - z).pow(2).sum();
        loss.backward();

        var (dw, db) = Autograd.SquaredErrorGradients(w0, b0, x0, y0);
        w.grad!.item<double>().Should().BeApproximately(dw, 1e-12);
        b.grad!.item<double>().Should().BeApproximately(db, 1e-12);
    }

    [Fact]
    public void The_books_example_has_gradients_minus_0_56_and_minus_0_4()
    {
        var (dw, db) = Autograd.SquaredErrorGradients(w: 1.0, b: 0.5, x: 1.4, y: 2.1);
        dw.Should().BeApproximately(-0.56, 1e-12);
        db.Should().BeApproximately(-0.4, 1e-12);
    }

    [Fact]
    public void Grad_check_agrees_with_autograd_to_one_part_in_a_million_in_float64()
    {
        var (net, x, y) = SmallFloat64Net(seed: 1);
        var result = Autograd.GradCheck(net, x, y, (p, t) => nn.functional.cross_entropy(p, t));
        result.Elements.Should().Be(2 * 5 + 5 + 5 * 3 + 3);
        result.MaxRelError.Should().BeLessThan(1e-6);
        result.MaxAbsError.Should().BeLessThan(1e-9);
    }

    [Fact]
    public void Grad_check_leaves_the_weights_as_they_were()
    {
        var (net, x, y) = SmallFloat64Net(seed: 2);
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        Autograd.GradCheck(net, x, y, (p, t) => nn.functional.cross_entropy(p, t));
        foreach (var (after, old) in net.parameters().Zip(before)) Same(after, old).Should().BeTrue();
    }

    [Fact]
    public void Grad_check_catches_a_wrong_gradient()
    {
        // forward is 2·(x·w) but half of it is detached, so autograd sees only x·w: its gradient is half the true one
        var net = new HalfDetachedLinear();
        using var x = rand(6, 3, dtype: ScalarType.Float64, generator: new Generator(7));
        using var y = rand(6, 2, dtype: ScalarType.Float64, generator: new Generator(8));
        var result = Autograd.GradCheck(net, x, y, (p, t) => nn.functional.mse_loss(p, t));
        result.MaxRelError.Should().BeGreaterThan(0.4);
    }

    [Fact]
    public void Grad_check_refuses_float32_modules()
    {
        var net = nn.Linear(2, 2);
        using var x = zeros(3, 2);
        using var y = zeros(3, 2);
        var act = () => Autograd.GradCheck(net, x, y, (p, t) => nn.functional.mse_loss(p, t));
        act.Should().Throw<ArgumentException>().WithMessage("*float64*");
    }

    static (nn.Module<Tensor, Tensor> Net, Tensor X, Tensor Y) SmallFloat64Net(int seed)
    {
        // Weights and data from local generators, so the values do not depend on which tests ran before.
        var net = nn.Sequential(("0", nn.Linear(2, 5)), ("1", nn.Tanh()), ("2", nn.Linear(5, 3)));
        net.to(ScalarType.Float64);
        using (no_grad())
        {
            var generator = new Generator((ulong)seed);
            foreach (var p in net.parameters()) p.copy_(randn(p.shape, dtype: ScalarType.Float64, generator: generator));
        }
        var data = new Generator((ulong)seed + 100);
        var x = randn(20, 2, dtype: ScalarType.Float64, generator: data);
        var y = randint(0, 3, [20], generator: data);
        return (net, x, y);
    }

    sealed class HalfDetachedLinear : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Parameter w;

        public HalfDetachedLinear() : base(nameof(HalfDetachedLinear))
        {
            w = nn.Parameter(rand(3, 2, dtype: ScalarType.Float64, generator: new Generator(9)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var xw = x.matmul(w);
            return xw + xw.detach();
        }
    }
}
