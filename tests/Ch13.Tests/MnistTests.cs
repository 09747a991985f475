namespace Ch13.Tests;

public class MnistTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void Loads_the_notebook_slices_as_float_pixels_and_int64_labels()
    {
        var data = Mnist.Load(TestData.Root, trainCount: 1000, testCount: 200);
        using var train = data.Train;
        using var test = data.Test;

        train.X.shape.Should().Equal(1000, 28, 28);
        train.X.dtype.Should().Be(torch.ScalarType.Float32);
        train.Y.shape.Should().Equal(1000);
        train.Y.dtype.Should().Be(torch.ScalarType.Int64);
        test.X.shape.Should().Equal(200, 28, 28);
        train.Y.data<long>().Take(5).Should().Equal(5, 0, 4, 1, 9);
        test.Y.data<long>().Take(5).Should().Equal(7, 2, 1, 0, 4);
        train.X.max().item<float>().Should().Be(255f);
    }

    [Fact]
    public void Scaling_divides_pixels_by_255()
    {
        var data = Mnist.Load(TestData.Root, trainCount: 3, testCount: 0, scale: true);
        using var train = data.Train;
        using var test = data.Test;
        train.X.max().item<float>().Should().Be(1f);
        test.Count.Should().Be(0);

        var images = Idx.ReadImages(DataFiles.PathOf(TestData.Root, DataFiles.MnistTrainImages), 3);
        var pixels = train.X.data<float>().ToArray();
        for (var i = 0; i < pixels.Length; i++) pixels[i].Should().Be(images.Pixels[i] / 255f);
    }

    [Fact]
    public void Tensors_keep_the_row_major_pixel_layout()
    {
        var images = new IdxImages(2, 2, 3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        using var data = Mnist.ToTensors(images, [3, 8]);
        data.X.shape.Should().Equal(2, 2, 3);
        data.X[1, 0, 2].item<float>().Should().Be(8f);
        data.Y.data<long>().ToArray().Should().Equal(3L, 8L);
    }

    [Fact]
    public void A_count_beyond_the_data_set_is_a_usage_error()
    {
        var act = () => Mnist.Load(TestData.Root, trainCount: 70000);
        act.Should().Throw<Ch13Exception>().Which.ExitCode.Should().Be(2);
    }

    [Fact]
    public void Mismatched_image_and_label_files_are_reported()
    {
        var images = Path.Combine(temp.Path, "images");
        var labels = Path.Combine(temp.Path, "labels");
        File.WriteAllBytes(images, IdxFiles.Images(3, 2, 2));
        File.WriteAllBytes(labels, IdxFiles.Labels(1, 2));
        var act = () => Mnist.FromFiles(images, labels);
        act.Should().Throw<Ch13Exception>().WithMessage($"*{images} holds 3 images*{labels} holds 2 labels*byte offset 4*");
    }

    [Fact]
    public void A_label_outside_0_to_9_is_a_data_error_naming_the_file_and_offset()
    {
        var images = Path.Combine(temp.Path, "images");
        var labels = Path.Combine(temp.Path, "labels");
        File.WriteAllBytes(images, IdxFiles.Images(3, 2, 2));
        File.WriteAllBytes(labels, IdxFiles.Labels(1, 200, 3));
        var act = () => Mnist.FromFiles(images, labels);
        var error = act.Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(1);
        error.Message.Should().Contain(labels).And.Contain("label 200 at byte offset 9").And.Contain("0 to 9");
    }

    [Fact]
    public void Missing_files_in_an_offline_root_are_listed_with_their_urls()
    {
        var act = () => Mnist.Load(temp.Path, 10, 10, handler: FakeHttp.Offline());
        act.Should().Throw<Ch13Exception>().WithMessage("*4 data file(s)*t10k-labels-idx1-ubyte.gz*CH13_DATA*");
    }
}
