namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class TorchLoadsTests
{
    [Fact]
    public void Torch_loads_and_linear_init_matches_pytorch_after_manual_seed_1()
    {
        torch.manual_seed(1);
        using var linear = torch.nn.Linear(9, 10);
        linear.weight!.data<float>()[0].Should().BeApproximately(0.171754f, 1e-6f);
    }
}
