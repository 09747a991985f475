#nullable enable
using System.Buffers.Binary;
using System.IO.Compression;

// Idx: the IDX format MNIST ships in (big-endian header, then unsigned bytes), raw or gzip-compressed.

/// <summary><see cref="Count"/> images of <see cref="Rows"/> x <see cref="Cols"/> pixels, row-major, one byte each.</summary>
public sealed record IdxImages(int Count, int Rows, int Cols, byte[] Pixels)
{
    public int PixelsPerImage => Rows * Cols;
}

/// <summary>Reads IDX image and label files, checking magic, dimensions and length before trusting them.</summary>
public static class Idx
{
    /// <summary>Unsigned bytes (0x08), three dimensions: count, rows, cols.</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>Unsigned bytes (0x08), one dimension: count.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The first <paramref name="limit"/> images (all when null; at most the file's count).</summary>
    public static IdxImages ReadImages(string path, int? limit = null)
    {
        var (dims, data) = Read(path, ImagesMagic, limit);
        return new IdxImages(data.Length / (dims[1] * dims[2]), dims[1], dims[2], data);
    }

    /// <summary>The first <paramref name="limit"/> labels (all when null; at most the file's count).</summary>
    public static byte[] ReadLabels(string path, int? limit = null) => Read(path, LabelsMagic, limit).Data;

    /// <summary>True when the bytes start with gzip's magic (1f 8b), whatever the file is called.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    static (int[] Dims, byte[] Data) Read(string path, int magic, int? limit)
    {
        if (limit < 0) throw Ch13Exception.Usage($"Cannot read {limit} items from {path}: the count must be 0 or more.");
        if (!File.Exists(path))
            throw new Ch13Exception($"IDX file {path} not found.\nFix: run the script again to download it (DataFiles.Ensure), or set {DataFiles.EnvVar} to a folder holding mnist/.");

        using var file = SafeFiles.OpenRead(path, "IDX file", DataFiles.MaxDataBytes);
        Span<byte> head = stackalloc byte[2];
        var gzip = file.Read(head) == 2 && IsGzip(head);
        file.Position = 0;
        using var stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        var where = gzip ? "of the decompressed data" : "";
        long offset = 0;
        try
        {
            var header = ReadHeader(path, stream, magic, ref offset, where);
            var dims = header.Dims;
            long itemSize = 1;
            for (var i = 1; i < dims.Length; i++) itemSize *= dims[i];
            // Checked in two steps so the product cannot overflow (rows x cols alone can pass int, even long, range).
            if (itemSize > Array.MaxLength || dims[0] * itemSize > Array.MaxLength)
                throw Corrupt(path, offset, where, $"its header claims {Shape(dims)} = {(decimal)dims[0] * itemSize} bytes " +
                                                   $"({itemSize} per item), more than any MNIST file");
            long total = dims[0] * itemSize;

            if (!gzip && file.Length != offset + total)
                throw Corrupt(path, Math.Min(file.Length, offset + total), "",
                    $"the file is {file.Length} bytes but its header ({Shape(dims)}) needs {offset + total}; it is truncated or corrupt");

            var count = Math.Min(limit ?? dims[0], dims[0]);
            var data = ReadExactly(path, stream, count * itemSize, ref offset, where, gzip);
            // A complete gzip read also checks the trailer (CRC and length); trailing bytes mean a wrong header.
            if (gzip && count == dims[0] && stream.ReadByte() >= 0)
                throw Corrupt(path, offset, where, $"there is data after the {Shape(dims)} the header announces");
            return (dims, data);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, offset, where, $"the gzip data is damaged ({e.Message})", e);
        }
    }

    sealed record Header(int Magic, int[] Dims);

    static Header ReadHeader(string path, Stream stream, int magic, ref long offset, string where)
    {
        var start = ReadExactly(path, stream, 4, ref offset, where, small: true);
        var found = BinaryPrimitives.ReadInt32BigEndian(start);
        if (found != magic)
        {
            var hint = found == ImagesMagic ? " (that is an images file)"
                     : found == LabelsMagic ? " (that is a labels file)"
                     : " (not an IDX unsigned-byte file)";
            throw Corrupt(path, 0, where, $"bad magic number 0x{found:X8}{hint}, expected 0x{magic:X8} ({Kind(magic)})");
        }
        var ndims = magic & 0xff;
        var raw = ReadExactly(path, stream, 4L * ndims, ref offset, where, small: true);
        var dims = new int[ndims];
        for (var i = 0; i < ndims; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 * i));
            if (dims[i] < 0 || (i > 0 && dims[i] == 0))
                throw Corrupt(path, 4 + 4 * i, where, $"dimension {i} is {dims[i]}");
        }
        return new Header(found, dims);
    }

    static string Kind(int magic) => magic == ImagesMagic ? "IDX images: count, rows, cols" : "IDX labels: count";

    static string Shape(int[] dims) => string.Join(" x ", dims);

    /// <summary>Reads exactly <paramref name="length"/> bytes; a gzip stream's buffer grows as data arrives,
    /// so a corrupt header cannot make us allocate gigabytes up front.</summary>
    static byte[] ReadExactly(string path, Stream stream, long length, ref long offset, string where, bool growing = false, bool small = false)
    {
        var buffer = new byte[growing && !small ? Math.Min(length, 1 << 20) : length];
        long filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            var n = stream.Read(buffer, (int)filled, (int)Math.Min(buffer.Length - filled, int.MaxValue));
            if (n == 0)
                throw Corrupt(path, offset + filled, where, $"it ends early: {length - filled} more bytes expected; the file is truncated");
            filled += n;
        }
        offset += length;
        return buffer;
    }

    static Ch13Exception Corrupt(string path, long offset, string where, string what, Exception? inner = null) =>
        new($"IDX file {path} is corrupt at byte offset {offset}{(where.Length > 0 ? " " + where : "")}: {what}.\n" +
            $"Fix: delete it so the next run downloads it again, or replace it with the original MNIST file.",
            inner: inner);
}
