#nullable enable
using TorchSharp;
using static TorchSharp.torch;

// Checkpoints: a model's weights (its state_dict) in TorchSharp's own file format, written atomically, and read back
// only after checking that every entry fits the model, so the wrong file gives a message instead of a torn model.

/// <summary>One entry of a saved state_dict: its name (<c>1.weight</c>), element type and shape.</summary>
public sealed record CheckpointEntry(string Name, ScalarType DType, IReadOnlyList<long> Shape);

/// <summary>Saving and restoring a model's weights with TorchSharp's <c>save</c>/<c>load</c>.</summary>
public static class Checkpoints
{
    /// <summary>Writes the model's state_dict to <paramref name="path"/> through a temp file, so a kill never leaves half a checkpoint.</summary>
    public static void Save(nn.Module model, string path) => Files.WriteAtomic(path, temp => model.save(temp));

    /// <summary>
    /// Loads weights saved by <see cref="Save"/> into <paramref name="model"/>. Throws <see cref="Ch13Exception"/>,
    /// leaving the model untouched, when the file is missing, is not a TorchSharp checkpoint, or belongs to another
    /// architecture (the message names the first entry that differs and both shapes).
    /// </summary>
    public static void Load(nn.Module model, string path)
    {
        var problem = Mismatch(Read(path), model);
        if (problem is not null)
            throw new Ch13Exception($"checkpoint {path} does not fit this model: {problem}.\n" +
                                    "Fix: load it into the architecture that saved it, or delete it and train again.");
        model.load(path);
    }

    /// <summary>The entries a checkpoint holds, read from its headers (the weights themselves are skipped).</summary>
    public static IReadOnlyList<CheckpointEntry> Read(string path)
    {
        if (!File.Exists(path)) throw new Ch13Exception($"checkpoint {path} not found.");
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
            throw new Ch13Exception($"checkpoint {path} is not a readable TorchSharp checkpoint ({e.Message}).", 1, e);
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
