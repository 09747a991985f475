using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>Exact tensor equality as a bool (TorchSharp's <c>equal</c> is elementwise and returns a tensor).</summary>
static class TensorAssert
{
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 0);
}
