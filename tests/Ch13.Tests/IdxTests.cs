using System.Buffers.Binary;

namespace Ch13.Tests;

/// <summary>Builds small IDX files in memory: a big-endian header, then the bytes.</summary>
public static class IdxFiles
{
    public static byte[] Build(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>count images of rows x cols whose pixel k of image n is (n * 16 + k) % 256.</summary>
    public static byte[] Images(int count, int rows, int cols) =>
        Build(Idx.ImagesMagic, [count, rows, cols],
            Enumerable.Range(0, count * rows * cols).Select(i => (byte)((i / (rows * cols) * 16 + i % (rows * cols)) % 256)).ToArray());

    public static byte[] Labels(params byte[] labels) => Build(Idx.LabelsMagic, [labels.Length], labels);
}

public class IdxTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(temp.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_raw_or_gzipped(bool gzip)
    {
        var bytes = IdxFiles.Images(3, 2, 4);
        // Named .bin either way: gzip is detected from the bytes, not the name.
        var path = Write("images.bin", gzip ? FakeHttp.Gzip(bytes) : bytes);

        var images = Idx.ReadImages(path);

        (images.Count, images.Rows, images.Cols).Should().Be((3, 2, 4));
        images.Pixels.Should().Equal(bytes[16..]);
        images.Pixels[8].Should().Be(16);   // image 1, pixel 0
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_labels_raw_or_gzipped(bool gzip)
    {
        var bytes = IdxFiles.Labels(5, 0, 4, 1, 9);
        var path = Write("labels", gzip ? FakeHttp.Gzip(bytes) : bytes);
        Idx.ReadLabels(path).Should().Equal(5, 0, 4, 1, 9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_limit_reads_only_the_first_items_and_never_more_than_the_file_has(bool gzip)
    {
        var bytes = IdxFiles.Images(5, 2, 2);
        var path = Write("images", gzip ? FakeHttp.Gzip(bytes) : bytes);
        var two = Idx.ReadImages(path, 2);
        two.Count.Should().Be(2);
        two.Pixels.Should().Equal(bytes[16..24]);
        Idx.ReadImages(path, 100).Count.Should().Be(5);
        Idx.ReadImages(path, 0).Pixels.Should().BeEmpty();
    }

    [Fact]
    public void A_labels_file_read_as_images_is_rejected_by_its_magic_number()
    {
        var path = Write("labels", IdxFiles.Labels(1, 2, 3));
        var act = () => Idx.ReadImages(path);
        act.Should().Throw<Ch13Exception>().WithMessage($"*{path}*offset 0*0x00000801 (that is a labels file)*expected 0x00000803*");
    }

    [Fact]
    public void A_file_that_is_not_idx_at_all_is_rejected()
    {
        var path = Write("auto-mpg.data", "18.0   8   307.0\n"u8.ToArray());
        var act = () => Idx.ReadLabels(path);
        act.Should().Throw<Ch13Exception>().WithMessage("*bad magic number*not an IDX*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_file_names_the_offset_where_it_ends(bool gzip)
    {
        var bytes = IdxFiles.Images(4, 3, 3)[..^5];
        var path = Write("images", gzip ? FakeHttp.Gzip(bytes) : bytes);
        var act = () => Idx.ReadImages(path);
        act.Should().Throw<Ch13Exception>().WithMessage($"*{path}*offset*truncated*");
    }

    [Fact]
    public void A_file_too_short_for_its_header_is_truncated_not_an_index_error()
    {
        var path = Write("tiny", [0, 0, 8]);
        var act = () => Idx.ReadLabels(path);
        act.Should().Throw<Ch13Exception>().WithMessage("*offset 3*ends early*");
        var empty = Write("empty", []);
        ((Action)(() => Idx.ReadLabels(empty))).Should().Throw<Ch13Exception>();
    }

    [Fact]
    public void A_raw_file_longer_than_its_header_says_is_rejected()
    {
        var path = Write("labels", [.. IdxFiles.Labels(1, 2, 3), 7, 7]);
        var act = () => Idx.ReadLabels(path);
        act.Should().Throw<Ch13Exception>().WithMessage("*is 13 bytes*needs 11*");
    }

    [Fact]
    public void A_gzipped_file_with_trailing_data_is_rejected()
    {
        var path = Write("labels.gz", FakeHttp.Gzip([.. IdxFiles.Labels(1, 2, 3), 7]));
        var act = () => Idx.ReadLabels(path);
        act.Should().Throw<Ch13Exception>().WithMessage("*offset 11*data after*");
    }

    [Fact]
    public void A_damaged_gzip_stream_is_reported_not_thrown_raw()
    {
        var gz = FakeHttp.Gzip(IdxFiles.Images(50, 8, 8));
        for (var i = 20; i < gz.Length - 8; i += 3) gz[i] ^= 0x5a;
        var path = Write("images.gz", gz);
        var act = () => Idx.ReadImages(path);
        act.Should().Throw<Ch13Exception>().WithMessage($"*{path}*corrupt*");
    }

    [Fact]
    public void A_header_claiming_gigabytes_fails_fast_on_a_small_gzip_file()
    {
        var path = Write("images.gz", FakeHttp.Gzip(IdxFiles.Build(Idx.ImagesMagic, [2_000_000, 28, 28], new byte[100])));
        var act = () => Idx.ReadImages(path);
        act.Should().Throw<Ch13Exception>().WithMessage("*truncated*");
    }

    [Fact]
    public void Negative_dimensions_are_rejected()
    {
        var path = Write("images", IdxFiles.Build(Idx.ImagesMagic, [-1, 28, 28], []));
        var act = () => Idx.ReadImages(path);
        act.Should().Throw<Ch13Exception>().WithMessage("*offset 4*dimension 0 is -1*");
    }

    [Fact]
    public void Real_mnist_labels_start_as_documented()
    {
        Idx.ReadLabels(DataFiles.PathOf(TestData.Root, DataFiles.MnistTrainLabels), 5).Should().Equal(5, 0, 4, 1, 9);
        Idx.ReadLabels(DataFiles.PathOf(TestData.Root, DataFiles.MnistTestLabels), 5).Should().Equal(7, 2, 1, 0, 4);
        Idx.ReadLabels(DataFiles.PathOf(TestData.Root, DataFiles.MnistTestLabels)).Should().HaveCount(10000);
    }

    [Fact]
    public void Real_mnist_test_images_are_10000_of_28_by_28()
    {
        var images = Idx.ReadImages(DataFiles.PathOf(TestData.Root, DataFiles.MnistTestImages));
        (images.Count, images.Rows, images.Cols, images.Pixels.Length).Should().Be((10000, 28, 28, 7840000));
    }
}
