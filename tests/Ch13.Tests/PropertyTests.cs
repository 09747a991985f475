using System.IO.Compression;
using System.Text;
using CsCheck;

namespace Ch13.Tests;

/// <summary>
/// The readers of untrusted input (IDX files, the Auto MPG text, command-line arguments) fed thousands of valid
/// inputs damaged at random: each case either parses into something consistent or fails with a
/// <see cref="Ch13Exception"/> that says what is wrong; never another exception, never a hang.
/// A few thousand cases each keep the whole class to a few seconds; set CsCheck_Iter or CsCheck_Time for longer runs.
/// </summary>
public sealed class PropertyTests : IDisposable
{
    static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    /// <summary><paramref name="cases"/> by default; CsCheck's own count when CsCheck_Iter or CsCheck_Time is set.</summary>
    internal static long Cases(long cases) =>
        Environment.GetEnvironmentVariable("CsCheck_Iter") is { Length: > 0 } || Environment.GetEnvironmentVariable("CsCheck_Time") is { Length: > 0 }
            ? -1 : cases;
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    // --- IDX files: valid small image/label files, then bytes flipped, cut, inserted, or header fields set to extremes

    /// <summary>One damage done to a byte string; a record so that a failing case prints what was done.</summary>
    public sealed record ByteEdit(string Kind, int Position, int Value, byte[] Garbage)
    {
        public byte[] Apply(byte[] bytes)
        {
            var at = bytes.Length == 0 ? 0 : Position % (bytes.Length + 1);
            switch (Kind)
            {
                case "flip" when bytes.Length > 0:
                    var flipped = bytes.ToArray();
                    flipped[Position % bytes.Length] ^= (byte)(Value | 1);
                    return flipped;
                case "truncate":
                    return bytes[..at];
                case "insert":
                    return [.. bytes[..at], .. Garbage, .. bytes[at..]];
                case "header":
                    // Magic or a dimension (offsets 0, 4, 8, 12) set to a value chosen to hurt: 0, -1, huge, the other magic.
                    var offset = Position % 4 * 4;
                    if (bytes.Length < offset + 4) return bytes;
                    var edited = bytes.ToArray();
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(edited.AsSpan(offset), Value);
                    return edited;
                default:
                    return bytes;
            }
        }
    }

    static readonly Gen<int> NastyInt = Gen.OneOf<int>(
        Gen.OneOf(0, -1, 1, 2, int.MaxValue, int.MinValue, 65536, 1 << 20, Idx.ImagesMagic, Idx.LabelsMagic), Gen.Int);

    internal static readonly Gen<ByteEdit> AnyByteEdit = Gen.OneOf<ByteEdit>(
        Gen.Select(Gen.Int[0, 4000], Gen.Byte, (p, b) => new ByteEdit("flip", p, b, [])),
        Gen.Int[0, 4000].Select(p => new ByteEdit("truncate", p, 0, [])),
        Gen.Select(Gen.Int[0, 4000], Gen.Byte.Array[1, 40], (p, g) => new ByteEdit("insert", p, 0, g)),
        Gen.Select(Gen.Int[0, 3], NastyInt, (p, v) => new ByteEdit("header", p, v, [])));

    static readonly Gen<(bool Images, byte[] Bytes)> ValidIdx =
        Gen.Select(Gen.Bool, Gen.Int[0, 6], Gen.Int[1, 5], Gen.Int[1, 5], (images, count, rows, cols) => images
            ? (true, IdxFiles.Images(count, rows, cols))
            : (false, IdxFiles.Labels(Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray())));

    /// <summary>How gzip meets the damage: none, around damaged IDX (valid gzip), or damage inside the gzip stream.</summary>
    public enum Gzip { None, AfterEdits, BeforeEdits }

    [Fact]
    public void Idx_reader_parses_or_names_the_problem_for_any_damaged_file()
    {
        Gen.Select(ValidIdx, AnyByteEdit.Array[0, 4], Gen.Enum<Gzip>(), Gen.Int[-1, 8], Gen.Bool).Sample((valid, edits, gzip, limit, asImages) =>
        {
            var bytes = gzip == Gzip.BeforeEdits ? Compress(valid.Bytes) : valid.Bytes;
            bytes = edits.Aggregate(bytes, (b, edit) => edit.Apply(b));
            if (gzip == Gzip.AfterEdits) bytes = Compress(bytes);
            var path = Path.Combine(temp.Path, $"{Guid.NewGuid():N}-idx3-ubyte");
            File.WriteAllBytes(path, bytes);
            int? take = limit < 0 ? null : limit;

            ParsesOrFailsClearly(() =>
            {
                if (asImages)
                {
                    var images = Idx.ReadImages(path, take);
                    images.Pixels.Length.Should().Be(images.Count * images.Rows * images.Cols);
                    if (take is int n) images.Count.Should().BeLessThanOrEqualTo(n);
                }
                else
                {
                    var labels = Idx.ReadLabels(path, take);
                    if (take is int n) labels.Length.Should().BeLessThanOrEqualTo(n);
                }
            }, path);
            File.Delete(path);
        }, iter: Cases(3000));
    }

    static byte[] Compress(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest)) gzip.Write(bytes);
        return memory.ToArray();
    }

    // --- Auto MPG text: windows of the real file (or a few embedded rows) with characters inserted, deleted, cut

    const string SampleRows =
        "18.0   8   307.0      130.0      3504.      12.0   70  1\t\"chevrolet chevelle malibu\"\n" +
        "15.0   8   350.0      165.0      3693.      11.5   70  1\t\"buick skylark 320\"\n" +
        "25.0   4   98.00      ?          2046.      19.0   71  1\t\"ford pinto\"\n" +
        "27.0   4   140.0      86.00      2790.      15.6   82  1\t\"ford mustang gl\"\n" +
        "44.0   4   97.00      52.00      2130.      24.6   82  2\t\"vw pickup\"\n" +
        "31.0   4   119.0      82.00      2720.      19.4   82  1\t\"chevy s-10\"\n";

    static readonly Lazy<string[]> AutoMpgLines = new(() =>
        File.Exists(TestData.AutoMpgPath) ? File.ReadAllLines(TestData.AutoMpgPath) : SampleRows.Split('\n'));

    static readonly string[] NastyText =
        ["?", "", " ", "  ", "\t", "\r", "\n", "\r\n", "-", ".", "e", "E5", "1e999", "-1e999", "NaN", "Infinity", "abc", "\0",
         "\"", "1.5.2", "٣", "0x10", "+", "1,5", "∞", "18.0", "?  ?", "\t\"name\"\n"];

    /// <summary>One damage done to a text.</summary>
    public sealed record TextEdit(string Kind, int Position, int Length, string Text)
    {
        public string Apply(string text)
        {
            var at = Position % (text.Length + 1);
            return Kind switch
            {
                "insert" => text.Insert(at, Text),
                "delete" => text.Remove(at, Math.Min(Length, text.Length - at)),
                "truncate" => text[..at],
                "replace-line" => string.Join('\n', text.Split('\n').Select((line, i) => i == Length ? Text : line)),
                _ => text,
            };
        }
    }

    static readonly Gen<TextEdit> AnyTextEdit = Gen.OneOf<TextEdit>(
        Gen.Select(Gen.Int[0, 3000], Gen.OneOf(NastyText), (p, t) => new TextEdit("insert", p, 0, t)),
        Gen.Select(Gen.Int[0, 3000], Gen.String[0, 12], (p, t) => new TextEdit("insert", p, 0, t)),
        Gen.Select(Gen.Int[0, 3000], Gen.Int[1, 30], (p, n) => new TextEdit("delete", p, n, "")),
        Gen.Int[0, 3000].Select(p => new TextEdit("truncate", p, 0, "")),
        Gen.Select(Gen.Int[0, 20], Gen.OneOf(NastyText), (line, t) => new TextEdit("replace-line", 0, line, t)));

    [Fact]
    public void Auto_mpg_parser_parses_or_names_the_line_for_any_damaged_text()
    {
        Gen.Select(Gen.Int[0, 400], Gen.Int[0, 20], AnyTextEdit.Array[0, 4]).Sample((start, count, edits) =>
        {
            var lines = AutoMpgLines.Value;
            var window = string.Join('\n', lines.Skip(start % lines.Length).Take(count)) + "\n";
            var text = edits.Aggregate(window, (t, edit) => edit.Apply(t));

            ParsesOrFailsClearly(() =>
            {
                var frame = AutoMpg.Parse(new StringReader(text), "damaged.data");
                frame.ColumnCount.Should().Be(8);
                frame.RowCount.Should().BeGreaterThan(0);
            }, "damaged.data");
        }, iter: Cases(3000));
    }

    // --- Arguments: random mixes of real options, edge-case values and junk

    static readonly DoubleOption Lr = new("lr", 0.015, "learning rate");
    static readonly IntOption BatchSize = new("batch-size", 20, "batch size");
    static readonly IReadOnlyList<OptionSpec> Specs = CommonOptions.All(epochs: 100).Concat([Lr, BatchSize]).ToList();

    static readonly string[] OptionWords =
        ["--epochs", "--seed", "--threads", "--out", "--quiet", "--quick", "--help", "--lr", "--batch-size", "-h", "-?", "--",
         "--epoch", "--lr=", "--epochs=", "--quiet=", "-", "---", "--=", "epochs", "--EPOCHS", "—epochs"];

    static readonly string[] ValueWords =
        ["0", "1", "-1", "3", "20", "256", "257", "2147483647", "2147483648", "-2147483649", "nan", "NaN", "inf", "-inf",
         "Infinity", "1e6", "1e-9", "1e308", "1e309", "0.0", "-0", "", " ", "abc", "1,5", "١٢", "0x10", "+5", "5e-324",
         "1_000", "0.015", "/tmp/x", "\0", "\n"];

    static readonly Gen<string> AnyArg = Gen.OneOf<string>(
        Gen.OneOf(OptionWords), Gen.OneOf(ValueWords), Gen.String[0, 10],
        Gen.Select(Gen.OneOf(OptionWords), Gen.OneOf(ValueWords), (o, v) => $"{o}={v}"));

    [Fact]
    public void Argument_parser_accepts_only_values_in_range_or_gives_one_usage_line()
    {
        AnyArg.Array[0, 8].Sample(args =>
        {
            ParsedArgs parsed;
            try { parsed = ArgParser.Parse("xor", args, Specs); }
            catch (Ch13Exception e)
            {
                e.ExitCode.Should().Be(2);
                e.Message.Should().StartWith("xor: ").And.EndWith("Try --help.");
                return;
            }
            foreach (var spec in Specs)
            {
                var value = parsed.Values[spec.Name];
                switch (spec)
                {
                    case IntOption o: ((int)value!).Should().BeInRange(o.Min, o.Max); break;
                    case DoubleOption o:
                        var x = (double)value!;
                        double.IsFinite(x).Should().BeTrue();
                        (o.MinExclusive ? x > o.Min : x >= o.Min).Should().BeTrue();
                        break;
                    case TextOption: (value is null || ((string)value).Length > 0).Should().BeTrue(); break;
                }
            }
        }, iter: Cases(10000));
    }

    /// <summary>
    /// Runs <paramref name="parse"/> within <see cref="PerCase"/>: success, or a <see cref="Ch13Exception"/> whose
    /// message names every string in <paramref name="mustName"/> (the file). Anything else fails the case.
    /// </summary>
    internal static void ParsesOrFailsClearly(Action parse, params string[] mustName)
    {
        var task = Task.Run(() =>
        {
            try { parse(); }
            catch (Ch13Exception e)
            {
                e.Message.Should().NotBeNullOrWhiteSpace();
                foreach (var name in mustName) e.Message.Should().Contain(name);
            }
        });
        if (Task.WhenAny(task, Task.Delay(PerCase)).GetAwaiter().GetResult() != task)
            throw new TimeoutException($"no answer within {PerCase}: the reader hangs");
        task.GetAwaiter().GetResult();
    }
}

/// <summary>
/// Checkpoint files damaged at random, loaded into the model that saved them or into another architecture: the
/// weights load, or a <see cref="Ch13Exception"/> names the file. (Building models draws from torch's generator.)
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class CheckpointPropertyTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static torch.nn.Module<torch.Tensor, torch.Tensor> Model(int hidden) => Nets.Mlp(new MlpSpec(2, [hidden], 2));

    [Fact]
    public void Checkpoint_loader_loads_or_names_the_problem_for_any_damaged_file()
    {
        var original = Path.Combine(temp.Path, "model.pt");
        using (var saved = Model(3)) Checkpoints.Save(saved, original);
        var valid = File.ReadAllBytes(original);

        Gen.Select(PropertyTests.AnyByteEdit.Array[0, 3], Gen.Bool).Sample((edits, sameArchitecture) =>
        {
            var path = Path.Combine(temp.Path, $"{Guid.NewGuid():N}.pt");
            File.WriteAllBytes(path, edits.Aggregate(valid, (b, edit) => edit.Apply(b)));
            using var model = Model(sameArchitecture ? 3 : 4);
            PropertyTests.ParsesOrFailsClearly(() => Checkpoints.Load(model, path), path);
            File.Delete(path);
        }, iter: PropertyTests.Cases(1000), threads: 1);
    }
}
