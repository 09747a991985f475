using TorchSharp.Modules;
using static TorchSharp.torch;
using static Ch13.Tests.TensorAssert;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class InitTests
{
    static readonly float[] BookXavierNormal = [0.4183f, 0.1688f, 0.0390f, 0.3930f, -0.2858f, -0.1051f];

    [Fact]
    public void Xavier_normal_after_seed_1_gives_the_books_2x3_tensor()
    {
        manual_seed(1);
        using var w = empty(2, 3);
        Init.XavierNormal(w);
        w.data<float>().ToArray().Should().Equal(BookXavierNormal, (a, b) => Math.Abs(a - b) < 5e-5);
    }

    [Fact]
    public void TorchSharps_own_xavier_normal_draws_the_uniform_numbers()
    {
        // Pins the TorchSharp 0.107 bug Init.XavierNormal works around; when this fails, the workaround can go.
        manual_seed(1);
        using var normal = empty(2, 3);
        nn.init.xavier_normal_(normal);
        manual_seed(1);
        using var uniform = empty(2, 3);
        nn.init.xavier_uniform_(uniform);
        Same(normal, uniform).Should().BeTrue();
    }

    [Theory]
    [InlineData(InitKind.Default)]
    [InlineData(InitKind.XavierNormal)]
    [InlineData(InitKind.XavierUniform)]
    [InlineData(InitKind.StandardNormal)]
    public void Apply_redraws_every_linear_layer_with_the_kinds_std(InitKind kind)
    {
        manual_seed(3);
        var model = Nets.Mlp(new MlpSpec(InputSize: 300, HiddenUnits: [200], OutputSize: 100));
        var before = Init.LinearLayers(model).Select(l => l.weight.detach().clone()).ToList();
        manual_seed(4);
        Init.Apply(model, kind);

        foreach (var (layer, old) in Init.LinearLayers(model).Zip(before))
        {
            Same(layer.weight, old).Should().BeFalse();
            var expected = Init.ExpectedStd(kind, layer.in_features, layer.out_features);
            layer.weight.std().item<float>().Should().BeApproximately((float)expected, (float)(0.03 * expected));
            layer.weight.mean().item<float>().Should().BeApproximately(0, (float)(0.03 * expected));
            var bias = layer.bias!;
            if (kind == InitKind.Default) bias.abs().max().item<float>().Should().BeLessThanOrEqualTo((float)(1 / Math.Sqrt(layer.in_features)));
            else bias.count_nonzero().item<long>().Should().Be(0);
        }
    }

    [Fact]
    public void Xavier_uniform_stays_inside_its_bound_and_xavier_normal_does_not()
    {
        manual_seed(5);
        var model = Nets.Mlp(new MlpSpec(InputSize: 100, HiddenUnits: [], OutputSize: 100));
        var layer = Init.LinearLayers(model)[0];
        var bound = (float)Math.Sqrt(6.0 / 200);
        Init.Apply(model, InitKind.XavierUniform);
        layer.weight.abs().max().item<float>().Should().BeLessThanOrEqualTo(bound);
        Init.Apply(model, InitKind.XavierNormal);
        layer.weight.abs().max().item<float>().Should().BeGreaterThan(bound); // 10,000 normal draws reach past √3·σ
    }

    [Fact]
    public void Xavier_keeps_activation_spread_steady_where_default_shrinks_it_and_standard_normal_saturates()
    {
        var data = Data.Xor(count: 300);
        using var train = Data.ToTensors(data.Train);
        var spec = new MlpSpec(2, [64, 64, 64, 64, 64, 64], 2, Activation.Tanh);

        IReadOnlyList<LayerStats> Hidden(InitKind kind)
        {
            manual_seed(1);
            var model = Nets.Mlp(spec);
            Init.Apply(model, kind);
            var stats = Init.LayerStats(model, train.X, train.Y, (p, y) => nn.functional.cross_entropy(p, y));
            stats.Should().HaveCount(7);
            return stats.Take(6).ToList();
        }

        foreach (var kind in new[] { InitKind.XavierNormal, InitKind.XavierUniform })
        {
            var xavier = Hidden(kind);
            xavier.Should().OnlyContain(s => s.ActivationStd > 0.5 * xavier[0].ActivationStd && s.ActivationStd < 2 * xavier[0].ActivationStd);
            xavier.Should().OnlyContain(s => s.GradientStd > 0.5 * xavier[0].GradientStd && s.GradientStd < 2 * xavier[0].GradientStd);
            xavier.Should().OnlyContain(s => s.SaturatedShare < 0.01);
        }

        var normal = Hidden(InitKind.StandardNormal);
        normal.Skip(2).Should().OnlyContain(s => s.SaturatedShare > 0.3);
        (normal[0].GradientStd / normal[^1].GradientStd).Should().BeGreaterThan(20); // gradients blow up towards the input

        var dflt = Hidden(InitKind.Default);
        (dflt[^1].ActivationStd / dflt[0].ActivationStd).Should().BeLessThan(0.3); // the signal fades with depth
        (dflt[0].GradientStd / dflt[^1].GradientStd).Should().BeLessThan(0.1);    // and so does the gradient
    }

    [Fact]
    public void Layer_stats_leave_weights_unchanged_and_gradients_cleared()
    {
        manual_seed(6);
        var model = Nets.Mlp(new MlpSpec(2, [8, 8], 2, Activation.Sigmoid));
        var before = model.parameters().Select(p => p.detach().clone()).ToList();
        using var x = rand(10, 2);
        using var y = zeros(10, dtype: ScalarType.Int64);
        var stats = Init.LayerStats(model, x, y, (p, t) => nn.functional.cross_entropy(p, t));
        stats.Select(s => s.Layer).Should().Equal(1, 2, 3);
        foreach (var (after, old) in model.parameters().Zip(before)) Same(after, old).Should().BeTrue();
        foreach (var p in model.parameters()) (p.grad is null || p.grad.count_nonzero().item<long>() == 0).Should().BeTrue();
    }
}
