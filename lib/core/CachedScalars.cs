#nullable enable
using TorchSharp;

// A Scalar made from a double is a native object; made per op it is one more allocation and a finaliser. The flat
// optimisers keep their constants as Scalars and remake one only when its value changes.

/// <summary>One Scalar for a value that rarely changes (an optimiser's β or ε): made again only when the value does.</summary>
sealed class CachedScalar : IDisposable
{
    double value;
    Scalar? scalar;

    public Scalar Of(double v)
    {
        if (scalar is not null && v.Equals(value)) return scalar;
        scalar?.Dispose();
        (value, scalar) = (v, v);
        return scalar;
    }

    public void Dispose() => scalar?.Dispose();
}

/// <summary>Adam's per-step Scalar arguments (1−β1, 1−β2), cached; its tensor operands are <see cref="AdamFactors"/>.</summary>
sealed class AdamScalars : IDisposable
{
    public CachedScalar OneMinusBeta1 { get; } = new();
    public CachedScalar OneMinusBeta2 { get; } = new();

    public void Dispose()
    {
        foreach (var s in new[] { OneMinusBeta1, OneMinusBeta2 }) s.Dispose();
    }
}

/// <summary>SGD's per-step constants (momentum, 1−dampening, ±lr), cached.</summary>
sealed class SgdScalars : IDisposable
{
    public CachedScalar Momentum { get; } = new();
    public CachedScalar OneMinusDampening { get; } = new();
    public CachedScalar StepSize { get; } = new();

    public void Dispose()
    {
        foreach (var s in new[] { Momentum, OneMinusDampening, StepSize }) s.Dispose();
    }
}

/// <summary>
/// A constant factor as a 0-dim CPU tensor of the buffer's dtype, refilled only when its value changes. libtorch turns a
/// Scalar operand into such a tensor on every call (an allocation and a dtype cast: ≈ 3.5 µs of a 5.6 µs <c>mul_</c> on
/// 26 k floats); given the tensor, the op runs the same CPU-scalar kernel on the same float value (round to nearest).
/// </summary>
sealed class CachedFactor(torch.ScalarType dtype) : IDisposable
{
    readonly torch.Tensor factor = torch.zeros(Array.Empty<long>(), dtype: dtype).DetachFromDisposeScope();
    double? value;

    public torch.Tensor Of(double v)
    {
        if (!v.Equals(value))
        {
            factor.fill_(v);
            value = v;
        }
        return factor;
    }

    public void Dispose() => factor.Dispose();
}

/// <summary>Adam's tensor factors (β1, β2, √(1−β2^t), ε) for the element-wise ops that take a tensor operand.</summary>
sealed class AdamFactors(torch.ScalarType dtype) : IDisposable
{
    public CachedFactor Beta1 { get; } = new(dtype);
    public CachedFactor Beta2 { get; } = new(dtype);
    public CachedFactor SqrtBiasCorrection2 { get; } = new(dtype);
    public CachedFactor Eps { get; } = new(dtype);

    public void Dispose()
    {
        foreach (var f in new[] { Beta1, Beta2, SqrtBiasCorrection2, Eps }) f.Dispose();
    }
}
