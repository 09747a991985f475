using static TorchSharp.torch;

namespace Ch13.Tests;

public class TensorTextTests
{
    // Expected strings are what PyTorch prints for the same tensors with default print options.

    [Fact]
    public void Floats_print_with_four_decimals_and_a_shared_width()
    {
        using var t = tensor(new[] { 1.5f, -0.25f, 10.125f });
        TensorText.Repr(t).Should().Be("tensor([ 1.5000, -0.2500, 10.1250])");
    }

    [Fact]
    public void Whole_floats_print_as_integers_with_a_dot()
    {
        using var t = tensor(new[] { 0f, 2f, -13f, 0f }, new long[] { 2, 2 });
        TensorText.Repr(t).Should().Be("tensor([[  0.,   2.],\n        [-13.,   0.]])");
    }

    [Fact]
    public void Wide_ranges_switch_to_scientific_notation()
    {
        using var t = tensor(new[] { 1e-5, 1.0 });
        TensorText.Repr(t).Should().Be("tensor([1.0000e-05, 1.0000e+00])");
    }

    [Fact]
    public void Integers_and_scalars_print_plainly()
    {
        using var ints = tensor(new long[] { 3, -12, 7 });
        TensorText.Repr(ints).Should().Be("tensor([  3, -12,   7])");
        using var scalar = tensor(0.5f);
        TensorText.Repr(scalar).Should().Be("tensor(0.5000)");
    }

    [Fact]
    public void Three_dimensions_separate_blocks_with_a_blank_line()
    {
        using var t = arange(8, dtype: ScalarType.Float32).reshape(2, 2, 2);
        TensorText.Repr(t).Should().Be("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
    }

    [Fact]
    public void Grad_fn_shows_only_for_tensors_that_require_grad()
    {
        using var leaf = ones(2);
        TensorText.Repr(leaf, "AddBackward0").Should().Be("tensor([1., 1.])");
        using var w = ones(2).requires_grad_();
        using var sum = w.add(w);
        TensorText.Repr(sum, "AddBackward0").Should().Be("tensor([2., 2.], grad_fn=<AddBackward0>)");
    }
}
