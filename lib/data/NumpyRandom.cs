#nullable enable

// NumpyRandom: NumPy's legacy RandomState (MT19937), bit for bit, so that data made with
// np.random.seed / scikit-learn's random_state comes out identical in C#.

/// <summary>
/// NumPy's legacy <c>np.random.RandomState</c>: a Mersenne Twister seeded like <c>np.random.seed(n)</c>,
/// with the same draws for <c>random_sample</c>, <c>uniform</c>, <c>standard_normal</c>/<c>normal</c>,
/// <c>shuffle</c>, <c>permutation</c> and <c>randint</c>. Stateful, like a torch.Generator; not thread-safe.
/// </summary>
public sealed class NumpyRandom
{
    const int N = 624, M = 397;
    const uint MatrixA = 0x9908b0df, UpperMask = 0x80000000, LowerMask = 0x7fffffff;

    readonly uint[] _mt = new uint[N];
    int _pos;
    // legacy_gauss makes two normals per polar step and caches the second one.
    bool _hasGauss;
    double _gauss;

    /// <summary>Seeds like <c>RandomState(seed)</c>: an integer seed goes through MT19937's init_genrand.</summary>
    public NumpyRandom(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "A NumPy seed must be between 0 and 2**32 - 1.");
        _mt[0] = (uint)seed;
        for (int i = 1; i < N; i++)
            _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _pos = N;
    }

    /// <summary>One raw 32-bit MT19937 output (NumPy's next_uint32).</summary>
    public uint NextUInt32()
    {
        if (_pos >= N) Generate();
        uint y = _mt[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>64 bits from two 32-bit outputs, the first one high (NumPy's mt19937_next64).</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        return (high << 32) | NextUInt32();
    }

    /// <summary><c>random_sample()</c>: a 53-bit double in [0, 1).</summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary><c>random_sample(n)</c>.</summary>
    public double[] RandomSample(int n) => Fill(n, RandomSample);

    /// <summary><c>uniform(low, high)</c>: <c>low + (high - low) * random_sample()</c>.</summary>
    public double Uniform(double low, double high)
    {
        double range = high - low;
        return low + range * RandomSample();
    }

    /// <summary><c>uniform(low, high, n)</c>; a shape (r, c) is the same n = r·c draws in row-major order.</summary>
    public double[] Uniform(double low, double high, int n) => Fill(n, () => Uniform(low, high));

    /// <summary><c>standard_normal()</c>: NumPy's legacy polar Box–Muller (<c>legacy_gauss</c>).</summary>
    public double StandardNormal()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * RandomSample() - 1.0;
            x2 = 2.0 * RandomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary><c>standard_normal(n)</c>.</summary>
    public double[] StandardNormal(int n) => Fill(n, StandardNormal);

    /// <summary><c>normal(loc, scale)</c>: <c>loc + scale * standard_normal()</c>.</summary>
    public double Normal(double loc, double scale)
    {
        if (scale < 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be non-negative.");
        return loc + scale * StandardNormal();
    }

    /// <summary><c>normal(loc, scale, n)</c>.</summary>
    public double[] Normal(double loc, double scale, int n) => Fill(n, () => Normal(loc, scale));

    /// <summary>
    /// A uniform integer in [0, max] (NumPy's <c>random_interval</c>): draw, mask to the smallest
    /// all-ones bit pattern covering max, reject values above max. 32-bit draws while max fits in 32 bits.
    /// </summary>
    public ulong Interval(ulong max)
    {
        if (max == 0) return 0;
        ulong mask = max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4;
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
            while ((value = NextUInt32() & mask) > max) { }
        else
            while ((value = NextUInt64() & mask) > max) { }
        return value;
    }

    /// <summary><c>randint(low, high)</c>: an integer in [low, high) (legacy masked rejection).</summary>
    public long RandInt(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"randint needs low < high, got low={low}, high={high}.");
        return low + (long)Interval((ulong)(high - low - 1));
    }

    /// <summary><c>shuffle(x)</c> in place: Fisher–Yates from the end, j = Interval(i).</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i >= 1; i--)
        {
            int j = (int)Interval((ulong)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary><c>permutation(n)</c>: a shuffled <c>arange(n)</c>.</summary>
    public int[] Permutation(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be non-negative.");
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        Shuffle(perm);
        return perm;
    }

    static double[] Fill(int n, Func<double> draw)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be non-negative.");
        var result = new double[n];
        for (int i = 0; i < n; i++) result[i] = draw();
        return result;
    }

    // The standard MT19937 state refill (Matsumoto & Nishimura's genrand_int32).
    void Generate()
    {
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + M] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        }
        for (; k < N - 1; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + (M - N)] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        }
        y = (_mt[N - 1] & UpperMask) | (_mt[0] & LowerMask);
        _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        _pos = 0;
    }
}
