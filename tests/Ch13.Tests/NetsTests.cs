using static TorchSharp.torch;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class NetsTests
{
    [Fact]
    public void Describe_prints_a_sequential_like_pytorch()
    {
        using var model = Nets.Mlp(new MlpSpec(InputSize: 2, HiddenUnits: [10, 6], OutputSize: 2));
        Nets.Describe(model).Should().Be(
            """
            Sequential(
              (0): Linear(in_features=2, out_features=10, bias=True)
              (1): Sigmoid()
              (2): Linear(in_features=10, out_features=6, bias=True)
              (3): Sigmoid()
              (4): Linear(in_features=6, out_features=2, bias=True)
            )
            """);
    }

    [Fact]
    public void Describe_prints_nested_modules_with_indentation_like_pytorch()
    {
        using var model = new MyModule();
        Nets.Describe(model).Should().Be(
            """
            MyModule(
              (module_list): ModuleList(
                (0): Linear(in_features=2, out_features=10, bias=True)
                (1): Sigmoid()
                (2): Linear(in_features=10, out_features=6, bias=True)
                (3): Sigmoid()
                (4): Linear(in_features=6, out_features=2, bias=True)
              )
            )
            """);
    }

    [Fact]
    public void Describe_prints_flatten_and_relu_like_the_mnist_model()
    {
        using var model = Nets.Mlp(new MlpSpec(784, [32, 16], 10, Activation.ReLU, Flatten: true));
        Nets.Describe(model).Should().StartWith(
            """
            Sequential(
              (0): Flatten(start_dim=1, end_dim=-1)
              (1): Linear(in_features=784, out_features=32, bias=True)
              (2): ReLU()
            """);
    }

    [Fact]
    public void Summary_counts_parameters()
    {
        using var model = new MyModule();
        Nets.CountParameters(model).Should().Be(2 * 10 + 10 + 10 * 6 + 6 + 6 * 2 + 2);
        Nets.Summary(model).Should().EndWith("Trainable parameters: 110 (total 110)");
    }

    [Fact]
    public void MyModule_and_sequential_of_the_same_spec_start_from_the_same_weights()
    {
        manual_seed(1);
        using var sequential = Nets.Mlp(new MlpSpec(2, [10, 6], 2));
        manual_seed(1);
        using var module = new MyModule();
        var a = sequential.parameters().Select(p => p.data<float>().ToArray()).ToList();
        var b = module.parameters().Select(p => p.data<float>().ToArray()).ToList();
        b.Should().BeEquivalentTo(a, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Predict_returns_one_class_per_row()
    {
        using var module = new MyModule();
        using var x = rand(5, 2);
        using var classes = module.Predict(x);
        classes.shape.Should().Equal(5);
        classes.data<long>().ToArray().Should().OnlyContain(c => c == 0 || c == 1);
    }
}
