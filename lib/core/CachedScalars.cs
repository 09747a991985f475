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

/// <summary>Adam's per-step constants (β1, 1−β1, β2, 1−β2, ε), cached.</summary>
sealed class AdamScalars : IDisposable
{
    public CachedScalar Beta1 { get; } = new();
    public CachedScalar OneMinusBeta1 { get; } = new();
    public CachedScalar Beta2 { get; } = new();
    public CachedScalar OneMinusBeta2 { get; } = new();
    public CachedScalar Eps { get; } = new();

    public void Dispose()
    {
        foreach (var s in new[] { Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, Eps }) s.Dispose();
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
