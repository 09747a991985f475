#nullable enable
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

// Checkpoints: a model's weights (its state_dict), written atomically, and read back only after checking that every
// entry fits the model, so the wrong file gives a message instead of a torn model. Three formats, by what the file
// holds (reading) or its extension (writing): PyTorch's torch.save zip (.pth/.pt, through TorchSharp.PyBridge, with
// PyTorch's names; also a Lightning .ckpt, whose state_dict is read), safetensors (.safetensors) and TorchSharp's own
// (anything else, e.g. .bin).

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
                case CheckpointFormat.PyTorch: { using var state = OwnStorage(model); PyTorchPickler.PickleStateDict(temp, state.Tensors); } break;
                case CheckpointFormat.Safetensors: { using var state = OwnStorage(model); Safetensors.SaveStateDict(temp, state.Tensors); } break;
                default: model.save(temp); break;
            }
        });
    }

    // The flat optimisers keep every parameter as a view into one buffer; PyBridge would write each view's offset into
    // that buffer beside only the view's own bytes (a file nobody can read). Copies with their own storage, in state_dict order.
    sealed class OwnedState(Dictionary<string, Tensor> tensors) : IDisposable
    {
        public Dictionary<string, Tensor> Tensors { get; } = tensors;
        public void Dispose() { foreach (var t in Tensors.Values) t.Dispose(); }
    }

    static OwnedState OwnStorage(nn.Module model)
    {
        using var noGrad = no_grad();
        return new OwnedState(model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone()));
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
        if (SafeFiles.KindOf(path) == EntryKind.Missing) throw new Ch13Exception($"checkpoint {path} not found.");
        using var stream = CheckpointBounds.Open(path);
        var head = new byte[9];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return CheckpointFormat.PyTorch;
        if (n >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return CheckpointFormat.PyTorch;
        if (n == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head, 0) is var size && size > 1 && size <= (ulong)stream.Length - 8)
            return CheckpointFormat.Safetensors;
        return CheckpointFormat.TorchSharp;
    }

    /// <summary>What the file at <paramref name="path"/> is, in words: <c>PyTorch state_dict</c>, <c>Lightning checkpoint</c>, <c>safetensors</c> or <c>TorchSharp</c>.</summary>
    public static string Describe(string path) => Detect(path) switch
    {
        CheckpointFormat.PyTorch => IsLightningCheckpoint(path) ? "Lightning checkpoint" : "PyTorch state_dict",
        CheckpointFormat.Safetensors => "safetensors",
        _ => "TorchSharp",
    };

    // A torch.save'd dict with a state_dict inside (Lightning's .ckpt) rather than a state_dict itself.
    static bool IsLightningCheckpoint(string path)
    {
        try
        {
            var root = CheckpointBounds.Unpickle(path);
            var lightning = root["state_dict"] is System.Collections.IDictionary;
            Tensors.DisposeAll(root);
            return lightning;
        }
        catch (Ch13Exception) { return false; }
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
            case CheckpointFormat.TorchSharp: model.load(path); break;
            default: CopyInto(model, ReadTensors(path, format)); break;
                // TorchSharp's own: ReadTorchSharp checked every size against the file above.
        }
    }

    /// <summary>The entries a checkpoint holds (name, element type, shape), in the file's order (PyTorch's and safetensors': by name).</summary>
    public static IReadOnlyList<CheckpointEntry> Read(string path)
    {
        var format = Detect(path);
        if (format == CheckpointFormat.TorchSharp) return ReadTorchSharp(path);
        var tensors = ReadTensors(path, format);
        var entries = tensors.Select(t => new CheckpointEntry(t.Name, t.Tensor.dtype, t.Tensor.shape)).ToList();
        foreach (var (_, tensor) in tensors) tensor.Dispose();
        return entries;
    }

    // PyBridge reads the whole file (the chapter's models are small), sorted by name so the first difference Mismatch
    // reports does not depend on a hash table's order.
    static List<(string Name, Tensor Tensor)> ReadTensors(string path, CheckpointFormat format)
    {
        var tensors = format == CheckpointFormat.PyTorch ? PyTorchTensors(path) : SafetensorsTensors(path);
        return [.. tensors.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    static List<(string Name, Tensor Tensor)> PyTorchTensors(string path)
    {
        var root = CheckpointBounds.Unpickle(path);
        try
        {
            return StateDictOf(root).Cast<System.Collections.DictionaryEntry>()
                .Select(e => (Name: e.Key as string ?? throw CheckpointBounds.Bad(path, $"a key that is not text ({e.Key})"),
                              Tensor: e.Value as Tensor ?? throw CheckpointBounds.Bad(path, $"'{e.Key}' is not a tensor (save the weights with torch.save(model.state_dict(), path), not the whole model)")))
                .ToList();
        }
        catch (Ch13Exception) { Tensors.DisposeAll(root); throw; }
    }

    static List<(string Name, Tensor Tensor)> SafetensorsTensors(string path)
    {
        using var stream = CheckpointBounds.Open(path);
        CheckpointBounds.CheckSafetensors(stream, path);
        return CheckpointBounds.Guard(path, () => Safetensors.LoadStateDict(stream, leaveOpen: true).Select(e => (Name: e.Key, Tensor: e.Value)).ToList());
    }

    /// <summary>The book's LightningModule keeps its network as <c>self.model</c>: a Lightning checkpoint's weights are named <c>model.1.weight</c>….</summary>
    public const string LightningModelPrefix = "model.";

    // A file torch.save wrote: a state_dict, or a Lightning checkpoint (a dict whose "state_dict" holds the weights,
    // named with the LightningModule's attribute in front; the rest, optimiser state and all, is let go of here).
    static System.Collections.IDictionary StateDictOf(System.Collections.Hashtable root)
    {
        if (root["state_dict"] is not System.Collections.IDictionary weights) return root;
        foreach (System.Collections.DictionaryEntry e in root)
            if (!Equals(e.Key, "state_dict")) Tensors.DisposeAll(e.Value);
        var names = weights.Keys.OfType<string>().ToList();
        if (names.Count == 0 || !names.All(n => n.StartsWith(LightningModelPrefix, StringComparison.Ordinal))) return weights;
        var unprefixed = new System.Collections.Hashtable();
        foreach (System.Collections.DictionaryEntry e in weights) unprefixed[((string)e.Key)[LightningModelPrefix.Length..]] = e.Value;
        return unprefixed;
    }

    // Copies in place (PyTorch's load_state_dict does the same): a parameter that is a view into a flat optimiser's
    // buffer stays that view, so training and the optimiser go on with the loaded values.
    static void CopyInto(nn.Module model, List<(string Name, Tensor Tensor)> tensors)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        foreach (var (name, tensor) in tensors)
        {
            state[name].copy_(tensor);
            tensor.Dispose();
        }
    }

    static IReadOnlyList<CheckpointEntry> ReadTorchSharp(string path)
    {
        try
        {
            using var reader = new BinaryReader(CheckpointBounds.Open(path));
            var count = ReadLeb128(reader);
            var entries = new List<CheckpointEntry>();
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = (ScalarType)ReadLeb128(reader);
                if (!Enum.IsDefined(dtype)) throw new InvalidDataException($"unknown element type {(int)dtype} for '{name}'");
                if (name.Length > 1024) throw new InvalidDataException("an entry name longer than 1024 characters");
                var rank = ReadLeb128(reader);
                if (rank > 64) throw new InvalidDataException($"implausible rank {rank} for '{name}'");
                var shape = new long[rank];
                for (var d = 0; d < shape.Length; d++) shape[d] = ReadLeb128(reader);
                // A negative size would seek backwards and re-read entries, for as many as the (damaged) count says.
                if (shape.Any(n => n is < 0 or > int.MaxValue)) throw new InvalidDataException($"a dimension outside 0..{int.MaxValue} for '{name}'");
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
