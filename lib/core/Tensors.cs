#nullable enable
using System;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Tensors that own their memory: the one way lib and the scripts turn managed data into a tensor.
/// <c>torch.tensor(float[])</c> keeps its data in managed memory (a pinned copy of the array) at whatever alignment the GC
/// gave it, and libtorch's kernels take a different path when the address is not 16-byte aligned: the same seed then
/// gave different last bits from run to run (Auto MPG's test MSE). Everything here returns a tensor whose data libtorch
/// allocated itself (aligned); the caller owns it. Scalars (<c>tensor(1f)</c>) are libtorch's already.
/// </summary>
public static class Tensors
{
    /// <summary>A copy of <paramref name="overManagedMemory"/> in libtorch's own (aligned) memory; the wrapper is disposed.</summary>
    public static Tensor Owned(Tensor overManagedMemory)
    {
        var owned = overManagedMemory.clone();
        overManagedMemory.Dispose();
        return owned;
    }

    /// <summary><paramref name="values"/> as a float32 tensor of <paramref name="shape"/> (default: 1-D), copied into libtorch's memory.</summary>
    public static Tensor Of(float[] values, long[]? shape = null, Device? device = null) => Copied(as_tensor(values), shape, device);

    /// <summary><paramref name="values"/> as an int64 tensor of <paramref name="shape"/> (default: 1-D), copied into libtorch's memory.</summary>
    public static Tensor Of(long[] values, long[]? shape = null, Device? device = null) => Copied(as_tensor(values), shape, device);

    /// <summary><paramref name="values"/> as a uint8 tensor of <paramref name="shape"/> (default: 1-D), copied into libtorch's memory.</summary>
    public static Tensor Of(byte[] values, long[]? shape = null, Device? device = null) => Copied(as_tensor(values), shape, device);

    /// <summary>A float32 tensor of <paramref name="shape"/> filled from <paramref name="values"/> (any memory, any alignment).</summary>
    public static Tensor Of(ReadOnlySpan<float> values, long[] shape)
    {
        var owned = empty(shape, ScalarType.Float32);
        if (owned.numel() != values.Length)
        {
            owned.Dispose();
            throw new ArgumentException($"{values.Length} values do not fill the shape [{string.Join(", ", shape)}].", nameof(values));
        }
        owned.data<float>().CopyFrom(values, 0, 0);
        return owned;
    }

    /// <summary>
    /// <paramref name="values"/> of <paramref name="shape"/> converted to <paramref name="dtype"/> in one step: the conversion
    /// is the copy into libtorch's memory (no second copy of a large byte array such as MNIST's pixels).
    /// </summary>
    public static Tensor Converted(byte[] values, long[] shape, ScalarType dtype)
    {
        using var wrap = as_tensor(values);
        using var shaped = wrap.reshape(shape);
        return shaped.to_type(dtype, copy: true);
    }

    /// <summary>A 2-D float32 tensor of <paramref name="values"/>, copied into libtorch's memory.</summary>
    public static Tensor Of(float[,] values) => Owned(tensor(values));

    /// <summary>A 2-D int64 tensor of <paramref name="values"/>, copied into libtorch's memory.</summary>
    public static Tensor Of(long[,] values) => Owned(tensor(values));

    // as_tensor wraps the array itself (pinned, no copy); the clone is the copy into libtorch's memory.
    static Tensor Copied(Tensor wrap, long[]? shape, Device? device)
    {
        using (wrap)
        {
            using var shaped = shape is null ? wrap.alias() : wrap.reshape(shape);
            var owned = shaped.clone();
            if (device is null || device.type == owned.device_type) return owned;
            using (owned) return owned.to(device);
        }
    }

    /// <summary>
    /// Disposes every tensor in a nested structure of dictionaries and lists: what an unpickled torch.save file or
    /// <see cref="OptimizerStates.ToPyTorch"/> gives.
    /// </summary>
    public static void DisposeAll(object? value)
    {
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case System.Collections.IDictionary d: foreach (System.Collections.DictionaryEntry e in d) DisposeAll(e.Value); break;
            case System.Collections.IEnumerable items and not string: foreach (var item in items) DisposeAll(item); break;
        }
    }
}
