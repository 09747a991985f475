using static TorchSharp.torch;

namespace Ch13.Tests;

public class TensorTextTests
{
    [Fact]
    public void Prints_scalars_and_vectors_like_pytorch()
    {
        TensorText.Repr(tensor(3.14f, requires_grad: true)).Should().Be("tensor(3.1400, requires_grad=True)");
        TensorText.Repr(tensor(new[] { 1.0f, 2.0f, 3.0f }, requires_grad: true)).Should().Be("tensor([1., 2., 3.], requires_grad=True)");
        TensorText.Repr(tensor(-0.56f)).Should().Be("tensor(-0.5600)");
        TensorText.Repr(tensor(new[] { 1L, 20L })).Should().Be("tensor([ 1, 20])");
    }

    [Fact]
    public void Prints_matrices_with_aligned_columns_like_pytorch()
    {
        var t = tensor(new[,] { { 0.4183f, 0.1688f, 0.0390f }, { 0.3930f, -0.2858f, -0.1051f } });
        TensorText.Repr(t).Should().Be("tensor([[ 0.4183,  0.1688,  0.0390],\n        [ 0.3930, -0.2858, -0.1051]])");
    }

    [Fact]
    public void Marks_non_default_dtypes_and_switches_to_scientific_for_wide_ranges()
    {
        TensorText.Repr(tensor(new[] { 1e-5, 2.0 })).Should().Be("tensor([1.0000e-05, 2.0000e+00], dtype=torch.float64)");
        TensorText.Repr(tensor(new[] { 1, 2 })).Should().Be("tensor([1, 2], dtype=torch.int32)");
    }

    [Fact]
    public void Wraps_long_vectors_at_80_characters()
    {
        var lines = TensorText.Repr(arange(30f) / 7).Split('\n');
        lines.Should().HaveCount(4);
        lines.Should().OnlyContain(l => l.Length <= 80);
        lines[1].Should().StartWith("        1.2857");
    }
}

/// <summary>Exact tensor equality as a bool (TorchSharp's <c>equal</c> is elementwise and returns a tensor).</summary>
static class TensorAssert
{
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 0);
}
