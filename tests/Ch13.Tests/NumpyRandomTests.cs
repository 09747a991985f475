namespace Ch13.Tests;

// Expected values printed by NumPy 1.x (legacy RandomState).
public class NumpyRandomTests
{
    [Fact]
    public void Random_sample_after_seed_1_matches_numpy()
    {
        new NumpyRandom(1).RandomSample(3).Should().Equal(0.417022004702574, 0.7203244934421581, 0.00011437481734488664);
    }

    [Fact]
    public void Standard_normal_with_seed_42_matches_numpy()
    {
        new NumpyRandom(42).StandardNormal(3).Should().Equal(0.4967141530112327, -0.13826430117118466, 0.6476885381006925);
    }

    [Fact]
    public void Permutation_with_seed_42_matches_numpy()
    {
        new NumpyRandom(42).Permutation(10).Should().Equal(8, 1, 5, 0, 7, 2, 9, 4, 3, 6);
    }

    [Fact]
    public void Shuffle_of_long_array_matches_permutation()
    {
        var items = new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        new NumpyRandom(42).Shuffle(items);
        items.Should().Equal(8L, 1L, 5L, 0L, 7L, 2L, 9L, 4L, 3L, 6L);
    }

    [Fact]
    public void Uniform_scales_random_sample()
    {
        var expected = new NumpyRandom(1).RandomSample(4).Select(u => -1 + 2 * u);
        new NumpyRandom(1).Uniform(-1, 1, 4).Should().Equal(expected);
    }

    [Fact]
    public void Normal_is_loc_plus_scale_times_standard_normal()
    {
        var expected = new NumpyRandom(42).StandardNormal(3).Select(z => 5 + 2 * z);
        new NumpyRandom(42).Normal(5, 2, 3).Should().Equal(expected);
    }

    [Fact]
    public void Same_seed_gives_same_stream_and_different_seeds_differ()
    {
        new NumpyRandom(7).RandomSample(5).Should().Equal(new NumpyRandom(7).RandomSample(5));
        new NumpyRandom(7).RandomSample(5).Should().NotEqual(new NumpyRandom(8).RandomSample(5));
    }

    [Fact]
    public void Rand_int_stays_in_half_open_range()
    {
        var rng = new NumpyRandom(3);
        var draws = Enumerable.Range(0, 1000).Select(_ => rng.RandInt(-2, 3)).ToArray();
        draws.Should().OnlyContain(v => v >= -2 && v < 3);
        draws.Distinct().Should().HaveCount(5);
    }

    [Fact]
    public void Seed_outside_32_bits_throws()
    {
        FluentActions.Invoking(() => new NumpyRandom(-1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new NumpyRandom(1L << 32)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
