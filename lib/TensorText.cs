#nullable enable
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Tensors printed the way PyTorch's <c>print(t)</c> shows small ones: <c>tensor(3.1400, requires_grad=True)</c>,
/// <c>tensor([1., 2., 3.])</c>, <c>tensor([[ 0.4183,  0.1688], …])</c>. TorchSharp's own ToString shows only metadata.
/// </summary>
public static class TensorText
{
    const int LineWidth = 80;
    const int MaxElements = 1000; // PyTorch summarises larger tensors with "..."; the chapter never prints one

    /// <summary>
    /// PyTorch's repr: values with four decimals (or <c>1.</c> when all are whole, or <c>1.0000e-05</c> when
    /// magnitudes span too far), padded to one width, then <c>dtype=</c> for non-default dtypes and
    /// <c>requires_grad=True</c> for leaves that need gradients. PyTorch would name a non-leaf's
    /// <c>grad_fn</c> (e.g. <c>MulBackward0</c>); TorchSharp does not expose those names, so none is shown.
    /// </summary>
    public static string Repr(Tensor t)
    {
        if (t.numel() > MaxElements) throw new ArgumentException($"Repr prints tensors of up to {MaxElements} elements; this one has {t.numel()}.", nameof(t));
        const string prefix = "tensor(";
        var values = Format(t);
        var body = Nest(values, t.shape, 0, 0, prefix.Length);
        var suffixes = new List<string>();
        if (DtypeSuffix(t.dtype) is string dtype) suffixes.Add($"dtype={dtype}");
        if (t.requires_grad && t.is_leaf) suffixes.Add("requires_grad=True");
        return prefix + body + string.Concat(suffixes.Select(s => ", " + s)) + ")";
    }

    static string[] Format(Tensor t)
    {
        if (t.dtype == ScalarType.Bool) return t.data<bool>().Select(b => b ? "True" : "False").ToArray();
        if (!t.is_floating_point())
        {
            using var asLong = t.to_type(ScalarType.Int64);
            return Pad(asLong.data<long>().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray());
        }
        using var detached = t.detach();
        using var asDouble = detached.to_type(ScalarType.Float64);
        var xs = asDouble.data<double>().ToArray();
        var finite = xs.Where(double.IsFinite).Select(Math.Abs).Where(v => v != 0).ToArray();
        var whole = xs.Where(double.IsFinite).All(v => v == Math.Ceiling(v));
        var (min, max) = finite.Length == 0 ? (0.0, 0.0) : (finite.Min(), finite.Max());
        var spread = finite.Length > 0 && (max / min > 1000 || max > 1e8);
        var scientific = whole ? spread : spread || (finite.Length > 0 && min < 1e-4);
        return Pad(xs.Select(v => FormatOne(v, whole, scientific)).ToArray());
    }

    static string FormatOne(double v, bool whole, bool scientific)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (scientific) return v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
        return whole ? v.ToString("0", CultureInfo.InvariantCulture) + "." : v.ToString("0.0000", CultureInfo.InvariantCulture);
    }

    static string[] Pad(string[] items)
    {
        var width = items.Length == 0 ? 0 : items.Max(s => s.Length);
        return items.Select(s => s.PadLeft(width)).ToArray();
    }

    // Rows of the last dimension wrap at 80 characters; outer dimensions go on new lines, indented past "tensor([".
    static string Nest(string[] values, long[] shape, int dim, long offset, int indent)
    {
        if (shape.Length == 0) return values[0];
        var size = shape[dim];
        var stride = shape.Skip(dim + 1).Aggregate(1L, (a, b) => a * b);
        if (dim == shape.Length - 1)
        {
            var items = Enumerable.Range(0, (int)size).Select(i => values[offset + i]).ToArray();
            var perLine = Math.Max(1, (LineWidth - indent - 1) / ((items.Length == 0 ? 1 : items[0].Length) + 2));
            var lines = items.Chunk(perLine).Select(chunk => string.Join(", ", chunk));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
        var parts = Enumerable.Range(0, (int)size).Select(i => Nest(values, shape, dim + 1, offset + i * stride, indent + 1));
        var separator = "," + new string('\n', shape.Length - dim - 1) + new string(' ', indent + 1);
        return "[" + string.Join(separator, parts) + "]";
    }

    static string? DtypeSuffix(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 or ScalarType.Int64 or ScalarType.Bool => null,
        ScalarType.Float64 => "torch.float64",
        ScalarType.Float16 => "torch.float16",
        ScalarType.BFloat16 => "torch.bfloat16",
        ScalarType.Int32 => "torch.int32",
        ScalarType.Int16 => "torch.int16",
        ScalarType.Int8 => "torch.int8",
        ScalarType.Byte => "torch.uint8",
        _ => $"torch.{dtype.ToString().ToLowerInvariant()}",
    };
}
