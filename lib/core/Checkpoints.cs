#nullable enable
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

// Checkpoints: a model's weights (its state_dict), written atomically, and read back only after checking that every
// entry fits the model, so the wrong file gives a message instead of a torn model. Three formats, by what the file
// holds (reading) or its extension (writing): PyTorch's torch.save zip (.pth/.pt, through TorchSharp.PyBridge, with
// PyTorch's names), safetensors (.safetensors) and TorchSharp's own (anything else, e.g. .bin and Lightning's .ckpt).

/// <summary>The file formats a state_dict can be in.</summary>
public enum CheckpointFormat
{
    /// <summary>TorchSharp's <c>module.save</c> format (PyTorch cannot read it).</summary>
    TorchSharp,
    /// <summary>PyTorch's <c>torch.save(model.state_dict(), path)</c> zip file.</summary>
    PyTorch,
    /// <summary>Hugging Face's safetensors.</summary>
    Safetensors,
}

/// <summary>One entry of a saved state_dict: its name (<c>1.weight</c>), element type and shape.</summary>
public sealed record CheckpointEntry(string Name, ScalarType DType, IReadOnlyList<long> Shape);

/// <summary>Saving and restoring a model's weights: TorchSharp's <c>save</c>/<c>load</c>, PyBridge's <c>save_py</c>/<c>load_py</c>.</summary>
public static class Checkpoints
{
    /// <summary>
    /// Writes the model's state_dict to <paramref name="path"/> through a temp file, so a kill never leaves half a
    /// checkpoint; in the format its extension names (<see cref="FormatFor"/>: <c>.pth</c> is PyTorch's).
    /// </summary>
    public static void Save(nn.Module model, string path)
    {
        var format = FormatFor(path);
        Files.WriteAtomic(path, temp =>
        {
            switch (format)
            {
                case CheckpointFormat.PyTorch: model.save_py(temp); break;
                case CheckpointFormat.Safetensors: model.save_safetensors(temp); break;
                default: model.save(temp); break;
            }
        });
    }

    /// <summary>The format <see cref="Save"/> writes to <paramref name="path"/>: <c>.pth</c>/<c>.pt</c> PyTorch, <c>.safetensors</c>, else TorchSharp's.</summary>
    public static CheckpointFormat FormatFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".pth" or ".pt" => CheckpointFormat.PyTorch,
        ".safetensors" => CheckpointFormat.Safetensors,
        _ => CheckpointFormat.TorchSharp,
    };

    /// <summary>
    /// The format of the file at <paramref name="path"/>, told by its first bytes (a zip is PyTorch's, a pickle PyTorch's
    /// legacy one, an 8-byte length and a JSON header safetensors; anything else is taken for TorchSharp's, which
    /// <see cref="Read"/> then checks entry by entry).
    /// </summary>
    public static CheckpointFormat Detect(string path)
    {
        if (!File.Exists(path)) throw new Ch13Exception($"checkpoint {path} not found.");
        using var stream = File.OpenRead(path);
        var head = new byte[9];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return CheckpointFormat.PyTorch;
        if (n >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return CheckpointFormat.PyTorch;
        if (n == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head, 0) is var size && size > 1 && size <= (ulong)stream.Length - 8)
            return CheckpointFormat.Safetensors;
        return CheckpointFormat.TorchSharp;
    }

    /// <summary>
    /// Loads a state_dict in any of the three formats into <paramref name="model"/>. Throws <see cref="Ch13Exception"/>,
    /// leaving the model untouched, when the file is missing, is not a state_dict, or belongs to another
    /// architecture (the message names the first entry that differs and both shapes).
    /// </summary>
    public static void Load(nn.Module model, string path)
    {
        var format = Detect(path);
        var problem = Mismatch(Read(path), model);
        if (problem is not null)
            throw new Ch13Exception($"checkpoint {path} does not fit this model: {problem}.\n" +
                                    "Fix: load it into the architecture that saved it, or delete it and train again.");
        switch (format)
        {
            case CheckpointFormat.PyTorch: model.load_py(path); break;
            case CheckpointFormat.Safetensors: model.load_safetensors(path); break;
            default: model.load(path); break;
        }
    }

    /// <summary>The entries a checkpoint holds (name, element type, shape), in the file's order (PyTorch's: by name).</summary>
    public static IReadOnlyList<CheckpointEntry> Read(string path) => Detect(path) switch
    {
        CheckpointFormat.PyTorch => ReadForeign(path, "PyTorch state_dict (torch.save(model.state_dict(), path))", () =>
            PyTorchUnpickler.UnpickleStateDict(path).Cast<System.Collections.DictionaryEntry>()
                .Select(e => (Name: e.Key as string ?? throw new InvalidDataException($"a key that is not text ({e.Key})"),
                              Tensor: e.Value as Tensor ?? throw new InvalidDataException($"'{e.Key}' is not a tensor")))
                .ToList()),
        CheckpointFormat.Safetensors => ReadForeign(path, "safetensors file", () =>
            Safetensors.LoadStateDict(path).Select(e => (Name: e.Key, Tensor: e.Value)).ToList()),
        _ => ReadTorchSharp(path),
    };

    // PyBridge reads the whole file (the chapter's models are small); the entries are sorted by name, so the first
    // difference Mismatch reports does not depend on a hash table's order.
    static IReadOnlyList<CheckpointEntry> ReadForeign(string path, string what, Func<List<(string Name, Tensor Tensor)>> read)
    {
        List<(string Name, Tensor Tensor)> tensors;
        try { tensors = read(); }
        catch (Exception e) when (e is not Ch13Exception)
        {
            throw new Ch13Exception($"checkpoint {path} looks like a {what} but is not a readable state_dict ({OneLine(e.Message)}).\n" +
                                    "Fix: save the weights with torch.save(model.state_dict(), path), not the whole model.", 1, e);
        }
        var entries = tensors.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new CheckpointEntry(t.Name, t.Tensor.dtype, t.Tensor.shape)).ToList();
        foreach (var (_, tensor) in tensors) tensor.Dispose();
        return entries;
    }

    static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    static IReadOnlyList<CheckpointEntry> ReadTorchSharp(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var count = ReadLeb128(reader);
            var entries = new List<CheckpointEntry>();
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = (ScalarType)ReadLeb128(reader);
                if (!Enum.IsDefined(dtype)) throw new InvalidDataException($"unknown element type {(int)dtype} for '{name}'");
                var rank = ReadLeb128(reader);
                if (rank > 64) throw new InvalidDataException($"implausible rank {rank} for '{name}'");
                var shape = new long[rank];
                for (var d = 0; d < shape.Length; d++) shape[d] = ReadLeb128(reader);
                // A negative size would seek backwards and re-read entries, for as many as the (damaged) count says.
                if (shape.Any(n => n < 0)) throw new InvalidDataException($"negative dimension for '{name}'");
                reader.BaseStream.Seek(checked(shape.Aggregate(1L, (n, s) => n * s) * ElementSize(dtype)), SeekOrigin.Current);
                if (reader.BaseStream.Position > reader.BaseStream.Length) throw new EndOfStreamException($"truncated in '{name}'");
                entries.Add(new CheckpointEntry(name, dtype, shape));
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("trailing bytes");
            return entries;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException or ArgumentException or OverflowException or FormatException)
        {
            throw new Ch13Exception($"checkpoint {path} is not a state_dict: neither PyTorch's (.pth), safetensors nor a readable TorchSharp checkpoint ({e.Message}).", 1, e);
        }
    }

    /// <summary>Why <paramref name="entries"/> cannot load into <paramref name="model"/> (first difference), or null when they fit.</summary>
    public static string? Mismatch(IReadOnlyList<CheckpointEntry> entries, nn.Module model)
    {
        var expected = model.state_dict();
        foreach (var entry in entries)
        {
            if (!expected.TryGetValue(entry.Name, out var tensor))
                return $"it holds '{entry.Name}' {Shape(entry.Shape)}, which the model does not have";
            if (!tensor.shape.SequenceEqual(entry.Shape))
                return $"parameter '{entry.Name}' has shape {Shape(entry.Shape)} in the checkpoint but {Shape(tensor.shape)} in the model";
            if (tensor.dtype != entry.DType)
                return $"parameter '{entry.Name}' is {entry.DType} in the checkpoint but {tensor.dtype} in the model";
        }
        var missing = expected.Keys.Except(entries.Select(e => e.Name)).FirstOrDefault();
        return missing is null ? null : $"the model's '{missing}' {Shape(expected[missing].shape)} is not in the checkpoint";
    }

    /// <summary>A shape as PyTorch prints it: <c>[32, 784]</c>.</summary>
    public static string Shape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    // TorchSharp writes counts, element types and sizes as unsigned LEB128 (7 bits a byte, low bits first).
    static long ReadLeb128(BinaryReader reader)
    {
        long value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("bad length encoding");
    }

    static long ElementSize(ScalarType dtype)
    {
        using var probe = empty(0, dtype: dtype);
        return probe.ElementSize;
    }
}
