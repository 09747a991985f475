using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// Tensors own their memory (issue 10, instance 5): whatever the address of the managed data they are built from, the
/// tensor's data is libtorch's (aligned), so a computation gives the same bits for every memory layout.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class TensorsTests
{
    const int Rows = 313, Features = 9; // Auto MPG's training set: 313 rows of 9 features

    static float[] Values(int count, int seed = 7)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    /// <summary>Auto MPG's network (9 → 8 → 4 → 1, ReLU) on x: the outputs' bits.</summary>
    static float[] AutoMpgLikeOutputs(Tensor x)
    {
        torch.manual_seed(1);
        using var scope = NewDisposeScope();
        using var first = nn.Linear(Features, 8);
        using var second = nn.Linear(8, 4);
        using var third = nn.Linear(4, 1);
        using var noGrad = no_grad();
        return third.call(nn.functional.relu(second.call(nn.functional.relu(first.call(x))))).data<float>().ToArray();
    }

    static float[] AlignedReference(float[] values)
    {
        using var x = empty(Rows, Features);
        x.data<float>().CopyFrom(values, 0, 0);
        return AutoMpgLikeOutputs(x);
    }

    static long Address(Array pinned) => (long)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);

    /// <summary>A pinned copy of <paramref name="values"/> whose first element is 8 bytes off a 16-byte boundary.</summary>
    static T[] PinnedMisaligned<T>(T[] values)
    {
        var spacers = new List<byte[]>(); // pinned too, so each shifts where the next pinned array lands
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var pinned = GC.AllocateArray<T>(values.Length, pinned: true);
            if (Address(pinned) % 16 == 8)
            {
                Array.Copy(values, pinned, values.Length);
                return pinned;
            }
            spacers.Add(GC.AllocateArray<byte>(1 + attempt, pinned: true));
        }
        throw new InvalidOperationException("no pinned array 8 bytes off a 16-byte boundary in 64 attempts");
    }

    static long DataAddress(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => (long)t.storage<float>().data_ptr(),
        ScalarType.Int64 => (long)t.storage<long>().data_ptr(),
        ScalarType.Byte => (long)t.storage<byte>().data_ptr(),
        _ => throw new ArgumentException(t.dtype.ToString()),
    };

    [Fact]
    public void A_float_array_8_bytes_off_a_16_byte_boundary_gives_the_aligned_bits_through_Tensors_Of()
    {
        var values = Values(Rows * Features);
        var misaligned = PinnedMisaligned(values);
        (Address(misaligned) % 16).Should().Be(8);
        var reference = AlignedReference(values);

        using var x = Tensors.Of(misaligned, new long[] { Rows, Features });
        AutoMpgLikeOutputs(x).Should().Equal(reference, "a tensor built from a misaligned array computes like an aligned one");
    }

    [MisalignmentHazardFact]
    public void The_hazard_is_real_a_tensor_left_over_misaligned_memory_gives_other_bits()
    {
        // The control for the test above: the same computation over memory at 4, 8 and 12 bytes off a 16-byte boundary
        // differs from the aligned result. Where a CPU's kernels give the same bits at every offset (seen on an AVX-512
        // Xeon) the hazard cannot be shown and this is skipped with that reason; the address checks still hold there.
        MisalignedOffsetsThatDiffer().Should().NotBeEmpty("libtorch's linear kernels take another path for misaligned input on this machine");
    }

    /// <summary>The byte offsets (4, 8, 12) at which the Auto-MPG-like computation over a view into one libtorch buffer (no copy) gives other bits.</summary>
    internal static List<int> MisalignedOffsetsThatDiffer()
    {
        var values = Values(Rows * Features);
        var reference = AlignedReference(values);
        using var buffer = empty(Rows * Features + 4);
        var differing = new List<int>();
        foreach (var offset in new[] { 1, 2, 3 })
        {
            using var view = buffer.narrow(0, offset, Rows * Features);
            view.data<float>().CopyFrom(values, 0, 0);
            using var x = view.view(Rows, Features);
            if (!AutoMpgLikeOutputs(x).SequenceEqual(reference)) differing.Add(offset * 4);
        }
        return differing;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_span_at_any_4_byte_offset_gives_the_aligned_bits(int elementOffset)
    {
        var values = Values(Rows * Features);
        var reference = AlignedReference(values);
        var pinned = GC.AllocateArray<float>(values.Length + 4, pinned: true);
        values.CopyTo(pinned, elementOffset);
        var span = new ReadOnlySpan<float>(pinned, elementOffset, values.Length);

        using var x = Tensors.Of(span, new long[] { Rows, Features });
        AutoMpgLikeOutputs(x).Should().Equal(reference);
        (DataAddress(x) % 16).Should().Be(0);
    }

    [Fact]
    public void Every_tensor_building_path_returns_libtorch_memory_not_the_callers_array()
    {
        // A wrap of the caller's pinned array would sit at its address (8 mod 16); a copy sits at libtorch's (16-aligned).
        var floats = PinnedMisaligned(Values(12));
        var longs = PinnedMisaligned(Enumerable.Range(0, 12).Select(i => (long)i).ToArray());
        var bytes = PinnedMisaligned(Enumerable.Range(0, 12).Select(i => (byte)i).ToArray());
        using var a = Tensors.Of(floats, new long[] { 3, 4 });
        using var b = Tensors.Of(longs);
        using var c = Tensors.Of(bytes, new long[] { 2, 6 });
        using var d = Tensors.Converted(bytes, new long[] { 3, 4 }, ScalarType.Float32);
        using var e = Tensors.Of(new float[,] { { 1, 2 }, { 3, 4 } });
        using var g = Tensors.Of(new long[,] { { 1, 2 }, { 3, 4 } });
        foreach (var t in new[] { a, b, c, d, e, g })
            (DataAddress(t) % 16).Should().Be(0, $"a {t.dtype} tensor of shape [{string.Join(", ", t.shape)}] owns aligned memory");
        a.data<float>().ToArray().Should().Equal(floats);
        b.data<long>().ToArray().Should().Equal(longs);
        c.shape.Should().Equal(2, 6);
        d.data<float>().ToArray().Should().Equal(bytes.Select(v => (float)v));
    }

    [Fact]
    public void The_lib_and_mnist_loaders_return_aligned_tensors()
    {
        using var set = Data.ToTensors(Data.Blobs(count: 30).Train);
        (DataAddress(set.X) % 16).Should().Be(0);
        (DataAddress(set.Y) % 16).Should().Be(0);
        var pixels = PinnedMisaligned(Enumerable.Range(0, 2 * 28 * 28).Select(i => (byte)i).ToArray());
        using var mnist = Mnist.ToTensors(new IdxImages(2, 28, 28, pixels), [3, 8]);
        (DataAddress(mnist.X) % 16).Should().Be(0);
        (DataAddress(mnist.Y) % 16).Should().Be(0);
    }

    [Fact]
    public void No_lib_or_script_file_builds_a_tensor_over_managed_memory_except_through_Tensors()
    {
        // torch.tensor over an array (or as_tensor) outside lib/core/Tensors.cs; a scalar literal (tensor(1L)) is libtorch's.
        var call = new Regex(@"(?<![\w.])(?:torch\.)?(?:tensor|as_tensor|from_array)\((?!\s*-?[\d.]+[fLdm]?\s*[,)])");
        var offenders =
            from dir in new[] { "lib", "scripts" }
            from file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, dir), "*.cs*", SearchOption.AllDirectories)
            where !file.EndsWith(Path.Combine("core", "Tensors.cs")) && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                  && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
            from line in File.ReadLines(file).Select((text, index) => (text, index))
            let code = line.text.TrimStart()
            where !code.StartsWith("//") && !code.StartsWith("///") && call.IsMatch(code.Replace("\"tensor(\"", "").Replace("<c>", ""))
            select $"{Path.GetRelativePath(TestPaths.RepoRoot, file)}:{line.index + 1}: {code}";
        offenders.Should().BeEmpty("every tensor over managed data goes through Tensors (it owns its memory)");
    }
}

/// <summary>A fact skipped (with the reason) on a CPU whose kernels give the same bits for misaligned input, where the hazard cannot be shown.</summary>
public sealed class MisalignmentHazardFactAttribute : FactAttribute
{
    static readonly Lazy<bool> Shows = new(() => TensorsTests.MisalignedOffsetsThatDiffer().Count > 0);

    public MisalignmentHazardFactAttribute()
    {
        if (!Shows.Value) Skip = "libtorch's kernels give the same bits at every 4-byte offset on this CPU: the misalignment hazard cannot be shown here";
    }
}
