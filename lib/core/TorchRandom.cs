#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Putting torch's default generator where a notebook run left it. The generator is a Mersenne Twister: every
/// float32 <c>uniform_</c>/<c>rand</c> value takes one 32-bit output, a DataLoader epoch's two int64 seeds take four,
/// and an nn.Linear(i, o) init takes i·o + o.
/// </summary>
public static class TorchRandom
{
    /// <summary><c>torch.initial_seed()</c> of a fresh PyTorch process (c10's <c>default_rng_seed_val</c>).</summary>
    public const long StartupSeed = 67280421310721;

    /// <summary>Advances the default generator by <paramref name="draws"/> 32-bit outputs (draws and discards floats).</summary>
    public static void Skip(long draws)
    {
        if (draws < 0) throw new ArgumentOutOfRangeException(nameof(draws), draws, "draws must be non-negative.");
        if (draws == 0) return;
        using var discarded = empty(draws, dtype: ScalarType.Float32).uniform_(0, 1);
    }
}
