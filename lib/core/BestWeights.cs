#nullable enable
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// A model's best weights so far, kept in memory (<see cref="Keep"/>) and written as a checkpoint only when asked
/// (<see cref="WriteIfNewer"/>: once per new best at most). The model itself is what gets saved, with the kept weights
/// copied in for the write and its own copied back after, so the file is exactly what <see cref="Checkpoints.Save"/>
/// writes for that model at the moment it was kept.
/// </summary>
public sealed class BestWeights
{
    nn.Module? model;
    Dictionary<string, Tensor>? kept;
    bool unwritten;

    /// <summary>Copies <paramref name="model"/>'s state (parameters and buffers) as the best so far.</summary>
    public void Keep(nn.Module model)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        if (ReferenceEquals(this.model, model) && kept is not null && SameShape(kept, state))
            foreach (var (name, value) in state) kept[name].copy_(value);
        else
        {
            Release();
            kept = state.ToDictionary(e => e.Key, e => e.Value.clone().DetachFromDisposeScope());
            this.model = model;
        }
        unwritten = true;
    }

    /// <summary>Writes the kept weights to <paramref name="path"/> if they changed since the last write; otherwise nothing.</summary>
    public void WriteIfNewer(string path)
    {
        if (!unwritten || model is null || kept is null) return;
        using var noGrad = no_grad();
        var state = model.state_dict();
        var current = state.ToDictionary(e => e.Key, e => e.Value.clone().DetachFromDisposeScope());
        try
        {
            foreach (var (name, value) in state) value.copy_(kept[name]);
            Checkpoints.Save(model, path);
            unwritten = false;
        }
        finally
        {
            foreach (var (name, value) in state) value.copy_(current[name]);
            foreach (var t in current.Values) t.Dispose();
        }
    }

    static bool SameShape(Dictionary<string, Tensor> kept, Dictionary<string, Tensor> state) =>
        kept.Count == state.Count && state.All(e => kept.TryGetValue(e.Key, out var k) && k.shape.SequenceEqual(e.Value.shape) && k.dtype == e.Value.dtype);

    void Release()
    {
        if (kept is not null) foreach (var t in kept.Values) t.Dispose();
        (kept, model) = (null, null);
    }
}
