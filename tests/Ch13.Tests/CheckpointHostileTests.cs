using System.Diagnostics;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// Untrusted checkpoints built for real: zip bombs, zips without their pickle or with storages that do not exist,
/// safetensors headers with counts outside Int32 or byte ranges outside the file, TorchSharp files with huge
/// dimensions, a pickle with a live os.system payload, a FIFO. Each is one line naming the file (exit 1), within a
/// timeout (a line with the fix may follow), and the bomb is refused before it is inflated into memory.
/// </summary>
public sealed class CheckpointHostileTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static nn.Module<Tensor, Tensor> Model() => Nets.Mlp(new MlpSpec(2, [4], 1, Activation.ReLU));

    string SavedPth()
    {
        var path = Path.Combine(temp.Path, "good.pth");
        Checkpoints.Save(Model(), path);
        return path;
    }

    // A copy of a real torch.save zip with entries dropped, replaced or added.
    string Rezip(string name, Func<string, bool> keep, Action<ZipArchive>? add = null)
    {
        var source = SavedPth();
        var path = Path.Combine(temp.Path, name);
        using (var input = ZipFile.OpenRead(source))
        using (var output = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in input.Entries.Where(e => keep(e.FullName)))
            {
                using var from = entry.Open();
                using var to = output.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                from.CopyTo(to);
            }
            add?.Invoke(output);
        }
        return path;
    }

    static Ch13Exception OneLine(Action read, string path)
    {
        var clock = Stopwatch.StartNew();
        var task = Task.Run(read);
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)).Should().BeTrue("no checkpoint hangs the reader");
        var error = task.Exception?.InnerException.Should().BeOfType<Ch13Exception>().Which!;
        error.Should().NotBeNull();
        error.ExitCode.Should().Be(1);
        error.Message.Should().Contain(path).And.NotContain("   at ").And.NotContain("Exception raised from");
        error.Message.Split('\n').Should().HaveCountLessThanOrEqualTo(2, "one line naming the file and the problem, at most one more with the fix");
        error.Message.Split('\n')[0].Should().Contain(path);
        return error;
    }

    [Fact]
    public void A_zip_bomb_is_refused_by_its_declared_size_before_anything_is_inflated()
    {
        var path = Rezip("bomb.pth", _ => true, zip =>
        {
            using var data = zip.CreateEntry("archive/data/99", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 600; i++) data.Write(zeros);
        });
        new FileInfo(path).Length.Should().BeLessThan(10 << 20);
        var error = OneLine(() => Checkpoints.Read(path), path);
        error.Message.Should().Contain("inflate");
        OneLine(() => LightningCheckpoints.Read(path), path);
    }

    [Fact]
    public void A_zip_without_its_pickle_or_storage_is_one_line_on_every_reader()
    {
        var noPickle = Rezip("nopickle.pth", n => !n.EndsWith("data.pkl"));
        OneLine(() => Checkpoints.Read(noPickle), noPickle).Message.Should().Contain("data.pkl");
        var noStorage = Rezip("nostorage.pth", n => !n.Contains("/data/"));
        OneLine(() => Checkpoints.Read(noStorage), noStorage);
        OneLine(() => Checkpoints.Load(Model(), noStorage), noStorage);
        OneLine(() => LightningCheckpoints.Read(noStorage), noStorage);
    }

    [Fact]
    public void A_truncated_zip_is_one_line()
    {
        var source = SavedPth();
        var path = Path.Combine(temp.Path, "cut.pth");
        File.WriteAllBytes(path, File.ReadAllBytes(source)[..(int)(new FileInfo(source).Length / 2)]);
        OneLine(() => Checkpoints.Read(path), path);
        OneLine(() => LightningCheckpoints.Read(path), path);
    }

    static void WriteSafetensors(string path, string header, int dataBytes)
    {
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.Write(new byte[dataBytes]);
    }

    [Theory]
    [InlineData("""{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 16]}}""", "dimension")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 1600000000]}}""", "outside")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [100000, 100000], "data_offsets": [0, 16]}}""", "needs")]
    [InlineData("""{"w": {"dtype": "Q9", "shape": [2], "data_offsets": [0, 16]}}""", "dtype")]
    [InlineData("""{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]""", "damaged")]
    public void A_safetensors_header_that_lies_about_sizes_is_one_line(string header, string says)
    {
        var path = Path.Combine(temp.Path, "bad.safetensors");
        WriteSafetensors(path, header, 16);
        OneLine(() => Checkpoints.Read(path), path).Message.Should().Contain(says);
    }

    [Fact]
    public void A_torchsharp_file_with_a_huge_dimension_is_one_line()
    {
        var path = Path.Combine(temp.Path, "huge.bin");
        using (var file = new BinaryWriter(File.Create(path)))
        {
            file.Write((byte)1); // one entry
            file.Write("w");
            file.Write((byte)6); // float32
            file.Write((byte)1); // rank 1
            foreach (var b in new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f }) file.Write(b); // 2^56 - 1
            file.Write(new byte[16]);
        }
        OneLine(() => Checkpoints.Read(path), path);
    }

    [Fact]
    public void A_fifo_checkpoint_is_refused_at_once_by_every_reader()
    {
        if (!OperatingSystem.IsLinux()) return;
        var fifo = Path.Combine(temp.Path, "last.ckpt");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        OneLine(() => Checkpoints.Describe(fifo), fifo).Message.Should().Contain("named pipe");
        OneLine(() => LightningCheckpoints.Read(fifo), fifo);
    }

    [Fact]
    public void A_pickle_with_a_live_payload_never_runs_it()
    {
        var witness = Path.Combine(temp.Path, "pwned");
        var command = System.Text.Encoding.ASCII.GetBytes($"touch {witness}");
        // protocol 2: GLOBAL posix.system, the command, TUPLE1, REDUCE, STOP: what torch.load would run unless weights_only.
        byte[] pickle = [0x80, 2, .. "cposix\nsystem\n"u8, (byte)'X', .. BitConverter.GetBytes(command.Length), .. command, 0x85, (byte)'R', (byte)'.'];
        foreach (var name in new[] { "archive/data.pkl", "payload/data.pkl" })
        {
            var path = Rezip($"payload-{name[0]}.pth", n => !n.EndsWith("data.pkl"), zip =>
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(pickle);
            });
            OneLine(() => Checkpoints.Load(Model(), path), path);
            OneLine(() => LightningCheckpoints.Read(path), path);
        }
        File.Exists(witness).Should().BeFalse("pickled code never runs");
    }
}
