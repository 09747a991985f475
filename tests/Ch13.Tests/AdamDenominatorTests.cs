using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>AdamDenominator against libtorch's copy_, sqrt_, div_ and add_ (what FlatAdam did before it): the same bits.</summary>
[Collection(TorchGlobalState.Name)]
public class AdamDenominatorTests
{
    static readonly float[] Specials =
        [0f, -0f, float.Epsilon, 1e-40f, 1.17549435e-38f, 1e-30f, 1f, 2f, 3.4e38f, float.PositiveInfinity, float.NaN, -1f, float.MaxValue];

    static float[] Reference(Tensor v, double scale, double eps)
    {
        using var s = full(Array.Empty<long>(), scale, dtype: ScalarType.Float32);
        using var e = full(Array.Empty<long>(), eps, dtype: ScalarType.Float32);
        using var d = empty_like(v);
        d.copy_(v).sqrt_().div_(s).add_(e);
        return d.data<float>().ToArray();
    }

    [Theory]
    [InlineData(1, 1e-8)]
    [InlineData(7, 1e-8)]
    [InlineData(2100, 1e-6)]
    public void Its_denominator_has_the_bits_of_libtorchs_ops_with_zeros_subnormals_and_specials(int step, double eps)
    {
        var scale = Math.Sqrt(1 - Math.Pow(0.999, step));
        manual_seed(step);
        foreach (var n in new[] { 1, 7, 8, 9, 100_003 })
        {
            using var v = rand(n) * 1e-3f;
            using (var zeros = rand(n) < 0.33f) v.masked_fill_(zeros, 0f); // a third zero, as MNIST's v
            var values = v.data<float>().ToArray();
            for (var i = 0; i < Math.Min(n, Specials.Length); i++) values[i * (n / Specials.Length + 1) % n] = Specials[i];
            using var input = tensor(values);
            var expected = Reference(input, scale, eps);

            using var denominator = empty_like(input);
            AdamDenominator.TryCompute(input, denominator, scale, eps).Should().BeTrue();
            var actual = denominator.data<float>().ToArray();
            for (var i = 0; i < n; i++)
                if (!(float.IsNaN(expected[i]) && float.IsNaN(actual[i])))
                    BitConverter.SingleToInt32Bits(actual[i]).Should().Be(BitConverter.SingleToInt32Bits(expected[i]), $"v = {values[i]:R} at {i} of {n}");
            input.data<float>().ToArray().Should().Equal(values, "v is only read");
        }
    }

    [Fact]
    public void Other_layouts_and_types_are_left_to_libtorch()
    {
        using var doubles = zeros(16, dtype: ScalarType.Float64);
        using var doubleOut = empty_like(doubles);
        AdamDenominator.TryCompute(doubles, doubleOut, 0.5, 1e-8).Should().BeFalse();

        using var matrix = rand(4, 6);
        using var strided = matrix.t();
        using var outOf = empty(6, 4);
        AdamDenominator.TryCompute(strided, outOf, 0.5, 1e-8).Should().BeFalse();

        using var row = matrix.reshape(24);
        using var shorter = empty(23);
        AdamDenominator.TryCompute(row, shorter, 0.5, 1e-8).Should().BeFalse();
    }
}
