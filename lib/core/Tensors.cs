#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Tensors that own their memory.</summary>
public static class Tensors
{
    /// <summary>
    /// A copy of <paramref name="overManagedMemory"/> in libtorch's own (aligned) memory; the wrapper is disposed.
    /// <c>torch.tensor(float[])</c> wraps the managed array without copying, at whatever alignment the GC gave it, and
    /// libtorch's kernels take a different path when the address is not 16-byte aligned: the same seed then gave
    /// different last bits from run to run (Auto MPG's test MSE). Every tensor made from a managed array goes through here.
    /// </summary>
    public static Tensor Owned(Tensor overManagedMemory)
    {
        var owned = overManagedMemory.clone();
        overManagedMemory.Dispose();
        return owned;
    }
}
