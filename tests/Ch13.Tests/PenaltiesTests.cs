using static TorchSharp.torch;
using static Ch13.Tests.TensorAssert;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)] // nn.Linear draws its initial weights from the global generator
public class PenaltiesTests
{
    [Fact]
    public void L1_penalty_is_lambda_times_the_sum_of_absolute_weights_without_biases()
    {
        var model = nn.Sequential(("0", nn.Linear(3, 4)), ("1", nn.ReLU()), ("2", nn.Linear(4, 2)));
        var weights = model.named_parameters().Where(p => p.name.EndsWith("weight")).Sum(p => p.parameter.abs().sum().item<float>());
        using var penalty = Penalties.L1(model, 0.01);
        penalty.item<float>().Should().BeApproximately(0.01f * weights, 1e-6f);
        Penalties.L1Norm(model).Should().BeApproximately(weights, 1e-4);
        Penalties.AbsWeights(model).Should().HaveCount(3 * 4 + 4 * 2).And.BeInAscendingOrder();
    }

    [Fact]
    public void L1_penalty_gradient_is_lambda_times_the_sign_of_each_weight()
    {
        var model = nn.Sequential(("0", nn.Linear(3, 4)));
        using var penalty = Penalties.L1(model, 0.5);
        penalty.backward();
        var linear = (TorchSharp.Modules.Linear)model.children().First();
        Same(linear.weight.grad!, linear.weight.sign() * 0.5).Should().BeTrue();
        linear.bias!.grad.Should().BeNull(); // biases are not penalised
    }

    [Fact]
    public void Share_below_counts_weights_under_the_threshold()
    {
        Penalties.ShareBelow([0.0001, 0.002, 0.5, 3.0], 1e-3).Should().Be(0.25);
        Penalties.ShareBelow([], 1e-3).Should().Be(0);
    }
}

[Collection(TorchGlobalState.Name)]
public class PenaltyTrainingTests
{
    [Fact]
    public void An_l1_penalty_drives_many_more_weights_to_near_zero_than_no_penalty()
    {
        var data = Data.Xor(count: 300);
        using var train = Data.ToTensors(data.Train);
        var config = new TrainConfig(Epochs: 20, BatchSize: 20);
        var spec = new MlpSpec(2, [16, 16], 2, Activation.ReLU);

        double ShareNearZero(double lambda)
        {
            manual_seed(1);
            using var model = Nets.Mlp(spec);
            var history = Training.Fit(model, train, null, config, new Sgd(0.05, Momentum: 0.9), new CrossEntropy(),
                new FitHooks(Penalty: lambda > 0 ? m => Penalties.L1(m, lambda) : null));
            history.Status.Should().Be(RunStatus.Completed);
            return Penalties.ShareBelow(model, 1e-3);
        }

        var plain = ShareNearZero(0);
        var penalised = ShareNearZero(0.003);
        plain.Should().BeLessThan(0.05);
        penalised.Should().BeGreaterThan(plain + 0.3);
    }
}
