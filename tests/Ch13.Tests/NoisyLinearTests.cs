using static TorchSharp.torch;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class NoisyLinearTests
{
    [Fact]
    public void Noise_is_added_only_in_training_mode()
    {
        manual_seed(3);
        using var layer = new NoisyLinear(2, 3);
        using var x = ones(4, 2);
        layer.train();
        using var first = layer.call(x);
        using var second = layer.call(x);
        first.allclose(second).Should().BeFalse("every training call draws fresh noise");

        layer.eval();
        using var a = layer.call(x);
        using var b = layer.call(x);
        a.eq(b).all().item<bool>().Should().BeTrue("eval mode is a plain linear layer");
        using var plain = nn.functional.linear(x, layer.Weight, layer.Bias);
        a.allclose(plain).Should().BeTrue();
    }

    [Fact]
    public void Weights_start_xavier_uniform_and_bias_at_zero()
    {
        manual_seed(1);
        using var layer = new NoisyLinear(20, 30);
        var bound = Math.Sqrt(6.0 / (20 + 30));
        var w = layer.Weight;
        w.shape.Should().Equal(30, 20);
        w.abs().max().item<float>().Should().BeLessThanOrEqualTo((float)bound);
        layer.Bias.count_nonzero().item<long>().Should().Be(0);
        layer.named_parameters().Select(p => p.name).Should().Equal("w", "b");
    }

    [Fact]
    public void Describes_itself_like_the_notebook()
    {
        using var layer = new NoisyLinear(2, 3);
        Nets.Describe(layer).Should().Be("NoisyLinear(in_features=2, out_features=3, bias=True)");
        using var model = new MyNoisyModule();
        Nets.Describe(model).Should().Be(
            """
            MyNoisyModule(
              (l1): NoisyLinear(in_features=2, out_features=10, bias=True)
              (a1): Sigmoid()
              (l2): Linear(in_features=10, out_features=6, bias=True)
              (a2): Sigmoid()
              (l3): Linear(in_features=6, out_features=2, bias=True)
            )
            """);
    }

    [Fact]
    public void Demo_cell_prints_the_notebooks_tensors()
    {
        // Notebook, "Writing custom layers in PyTorch": manual_seed(1); NoisyLinear(2, 3); x = zeros(1, 2);
        // two calls with training=True, one with training=False.
        manual_seed(1);
        using var layer = new NoisyLinear(2, 3);
        using var x = zeros(1, 2);
        layer.train();
        using var first = layer.call(x);
        using var second = layer.call(x);
        layer.eval();
        using var third = layer.call(x);

        TensorText.Repr(first, "AddBackward0").Should().Be("tensor([[-0.0235,  0.0468,  0.0170]], grad_fn=<AddBackward0>)");
        TensorText.Repr(second, "AddBackward0").Should().Be("tensor([[ 0.0144,  0.0180, -0.0422]], grad_fn=<AddBackward0>)");
        TensorText.Repr(third, "AddBackward0").Should().Be("tensor([[0., 0., 0.]], grad_fn=<AddBackward0>)");
    }

    [Fact]
    public void My_noisy_module_learns_xor()
    {
        var data = Data.Xor();
        using var train = Data.ToTensors(data.Train);
        using var valid = Data.ToTensors(data.Test);
        manual_seed(1);
        using var model = new MyNoisyModule();
        var history = Training.Fit(model, train, valid, new TrainConfig(Epochs: 40, BatchSize: 20), new Adam(0.015), new CrossEntropy());
        history.Last!.ValidAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        model.training.Should().BeFalse("validation leaves the model in eval mode");
        using var predicted = model.Predict(valid.X);
        predicted.shape.Should().Equal(valid.Count);
    }
}
