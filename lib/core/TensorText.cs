#nullable enable
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Tensors printed the way PyTorch's <c>print(t)</c> shows them (default print options: 4 decimals), e.g.
/// <c>tensor([[-0.0235,  0.0468,  0.0170]], grad_fn=&lt;AddBackward0&gt;)</c> — TorchSharp's own ToString differs.
/// </summary>
public static class TensorText
{
    /// <summary>
    /// PyTorch's repr of <paramref name="t"/>: one shared width per tensor; floats as integers with a dot (<c>0.</c>)
    /// when every value is whole, else fixed with <paramref name="precision"/> decimals, else scientific when the
    /// magnitudes span more than 1000× (or leave [1e-4, 1e8]). TorchSharp does not expose a tensor's grad_fn, so the
    /// caller names the operation that made it (<paramref name="gradFn"/>, e.g. <c>AddBackward0</c>); it is shown
    /// only when the tensor requires grad and is not a leaf, as PyTorch does; leaves that require grad end in
    /// <c>requires_grad=True</c>. Prints every element (no "..." summarising).
    /// </summary>
    public static string Repr(Tensor t, string? gradFn = null, int precision = 4)
    {
        using var scope = NewDisposeScope();
        var cpu = t.detach().cpu();
        var floating = cpu.is_floating_point();
        var values = floating ? cpu.to_type(ScalarType.Float64).data<double>().ToArray()
                              : cpu.to_type(ScalarType.Int64).data<long>().Select(v => (double)v).ToArray();
        var format = Formatter(values, floating, precision);
        var width = values.Select(format).Select(s => s.Length).DefaultIfEmpty(1).Max();
        var text = new StringBuilder("tensor(");
        var index = 0;
        AppendNested(text, cpu.shape, 0, values, v => format(v).PadLeft(width), ref index, indent: "tensor(".Length);
        // PyTorch marks leaves that need gradients (parameters) with requires_grad=True, graph nodes with their grad_fn.
        if (t.requires_grad && t.is_leaf) text.Append(", requires_grad=True");
        else if (gradFn is not null && t.requires_grad) text.Append($", grad_fn=<{gradFn}>");
        return text.Append(')').ToString();
    }

    // PyTorch's _tensor_str._Formatter, reduced to the default print options.
    static Func<double, string> Formatter(double[] values, bool floating, int precision)
    {
        var inv = CultureInfo.InvariantCulture;
        if (!floating) return v => ((long)v).ToString(inv);
        var nonzero = values.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToArray();
        if (nonzero.Length == 0) return v => Whole(v);
        var (min, max) = (nonzero.Min(), nonzero.Max());
        var whole = values.Where(double.IsFinite).All(v => v == Math.Ceiling(v));
        var scientific = max / min > 1000.0 || max > 1.0e8 || (!whole && min < 1.0e-4);
        if (scientific) return v => Scientific(v, precision);
        if (whole) return v => Whole(v);
        return v => double.IsFinite(v) ? v.ToString("F" + precision, inv) : NonFinite(v);
    }

    static string Whole(double v) => double.IsFinite(v) ? v.ToString("F0", CultureInfo.InvariantCulture) + "." : NonFinite(v);

    // Python's "{:.4e}": mantissa, then a signed exponent of at least two digits (1.2345e-05).
    static string Scientific(double v, int precision)
    {
        if (!double.IsFinite(v)) return NonFinite(v);
        return v.ToString((precision == 0 ? "0" : "0." + new string('0', precision)) + "e+00", CultureInfo.InvariantCulture);
    }

    static string NonFinite(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

    static void AppendNested(StringBuilder text, long[] shape, int dim, double[] values, Func<double, string> format, ref int index, int indent)
    {
        if (shape.Length == 0) { text.Append(format(values[index++])); return; }
        text.Append('[');
        for (long i = 0; i < shape[dim]; i++)
        {
            if (i > 0)
            {
                // Rows of a matrix go on new lines (one blank line more per extra dimension), aligned under the first.
                var newlines = shape.Length - dim - 1;
                text.Append(',').Append(newlines == 0 ? " " : new string('\n', newlines) + new string(' ', indent + dim + 1));
            }
            if (dim == shape.Length - 1) text.Append(format(values[index++]));
            else AppendNested(text, shape, dim + 1, values, format, ref index, indent);
        }
        text.Append(']');
    }
}
