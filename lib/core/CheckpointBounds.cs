#nullable enable
using System.Collections;
using System.IO.Compression;
using System.Text.Json;
using TorchSharp.PyBridge;

/// <summary>
/// One way in for every checkpoint a user hands over (<c>--weights</c>, <c>--ckpt-path</c>): a regular file of at most
/// <see cref="MaxFileBytes"/>, and every size checked before anything is allocated: a zip's entries inflate (counted,
/// never kept) to at most <see cref="MaxInflatedBytes"/> and <see cref="MaxRatio"/> times the file; a safetensors
/// header's shapes × element sizes match their byte ranges inside the file. Any failure, whatever the layer that finds
/// it (the zip, the pickle, libtorch), is one line naming the file and what is wrong, then the fix (exit 1). Pickled code never runs:
/// PyBridge's unpickler builds only tensors and plain containers.
/// </summary>
public static class CheckpointBounds
{
    /// <summary>The largest checkpoint file read (the chapter's are kilobytes to a few megabytes).</summary>
    public const long MaxFileBytes = 256L << 20;
    /// <summary>The most a checkpoint may hold once inflated, in total.</summary>
    public const long MaxInflatedBytes = 256L << 20;
    /// <summary>A torch.save zip stores its entries uncompressed; more than this ratio is a bomb, not a checkpoint.</summary>
    public const long MaxRatio = 16;

    /// <summary>The one-line error for checkpoint <paramref name="path"/>.</summary>
    public static Ch13Exception Bad(string path, string problem, Exception? inner = null) =>
        new($"checkpoint {path} looks like a {WhatFor(path)} but is not a readable state_dict ({problem}).\n" +
            "Fix: save the weights with torch.save(model.state_dict(), path), not the whole model.", 1, inner);

    static string WhatFor(string path) => Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase)
        ? "safetensors file" : "PyTorch state_dict (torch.save(model.state_dict(), path))";

    /// <summary>Opens checkpoint <paramref name="path"/> (a regular file within <see cref="MaxFileBytes"/>; FIFOs and links are refused at once).</summary>
    public static FileStream Open(string path) => SafeFiles.OpenRead(path, "checkpoint", MaxFileBytes);

    /// <summary>
    /// Checks a torch.save zip on <paramref name="stream"/> without keeping what it inflates: the declared and the real
    /// sizes stay within the caps, and a <c>data.pkl</c> is there. Leaves the stream at its start.
    /// </summary>
    public static void CheckZip(Stream stream, string path)
    {
        var limit = Math.Min(MaxInflatedBytes, MaxRatio * stream.Length + (1L << 20));
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > 100_000) throw Bad(path, $"its zip lists {zip.Entries.Count:N0} entries");
            if (!zip.Entries.Any(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))) throw Bad(path, "its zip holds no data.pkl (not a torch.save file)");
            long declared = 0, inflated = 0;
            foreach (var entry in zip.Entries) declared += entry.Length;
            if (declared > limit) throw Bad(path, $"its zip entries would inflate to {declared:N0} bytes, more than the {limit:N0} allowed for a {stream.Length:N0}-byte file");
            var buffer = new byte[1 << 16];
            foreach (var entry in zip.Entries)
            {
                using var data = entry.Open();
                long real = 0;
                for (int n; (n = data.Read(buffer)) > 0;)
                {
                    real += n;
                    inflated += n;
                    if (real > entry.Length || inflated > limit) throw Bad(path, $"zip entry {entry.FullName} inflates beyond its declared {entry.Length:N0} bytes");
                }
                if (real != entry.Length) throw Bad(path, $"zip entry {entry.FullName} is truncated");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            throw Bad(path, $"not a readable zip ({e.Message.TrimEnd('.')})", e);
        }
        stream.Position = 0;
    }

    /// <summary>Checks a safetensors header: every entry's byte range lies inside the file and equals its shape × element size.</summary>
    public static void CheckSafetensors(Stream stream, string path)
    {
        var head = new byte[8];
        stream.ReadExactly(head);
        var size = BitConverter.ToUInt64(head);
        if (size > (ulong)(stream.Length - 8) || size > 100 << 20) throw Bad(path, $"its safetensors header claims {size:N0} bytes");
        var header = new byte[size];
        stream.ReadExactly(header);
        var data = stream.Length - 8 - (long)size;
        try
        {
            using var json = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var element = ElementBytes(entry.Value.GetProperty("dtype").GetString()) ?? throw Bad(path, $"'{entry.Name}' has an unknown dtype");
                long count = 1;
                foreach (var dim in entry.Value.GetProperty("shape").EnumerateArray())
                    count = dim.GetInt64() is var d and >= 0 and <= int.MaxValue ? checked(count * d) : throw Bad(path, $"'{entry.Name}' has a dimension outside 0..{int.MaxValue}");
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data)
                    throw Bad(path, $"'{entry.Name}' lies outside the file's {data:N0} bytes of data");
                if (checked(count * element) != offsets[1] - offsets[0])
                    throw Bad(path, $"'{entry.Name}' holds {offsets[1] - offsets[0]:N0} bytes but its shape needs {count * element:N0}");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            throw Bad(path, $"its safetensors header is damaged ({e.Message.TrimEnd('.')})", e);
        }
        stream.Position = 0;
    }

    static long? ElementBytes(string? dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };

    /// <summary>
    /// The dictionary torch.save wrote to <paramref name="path"/>, read through the checks above; anything the zip, the
    /// pickle or libtorch throws on the way is the one line.
    /// </summary>
    public static Hashtable Unpickle(string path)
    {
        using var stream = Open(path);
        CheckZip(stream, path);
        return Guard(path, () => PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true));
    }

    /// <summary>Runs <paramref name="read"/>, turning any failure but our own into <see cref="Bad"/>'s one line (libtorch's native trace cut off).</summary>
    public static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is not Ch13Exception and not OutOfMemoryException)
        {
            throw Bad(path, OneLine(e.Message), e);
        }
    }

    // libtorch's messages carry a native stack trace after "Exception raised from"; the problem is the part before it.
    public static string OneLine(string text)
    {
        var trace = text.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (trace > 0) text = text[..trace];
        text = string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
