#nullable enable
using System.Collections;
using System.Globalization;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

// LightningCheckpoints: the trainer's .ckpt, laid out as Lightning's (a torch.save'd dict, which torch.load reads):
//   epoch, global_step, state_dict (the LightningModule's: the model under "model.", as the book's self.model),
//   optimizer_states (PyTorch's optimizer.state_dict()), lr_schedulers, callbacks (each callback's state by its key),
//   hyper_parameters, and under "ch13" what an exact resume needs beyond Lightning's: the epoch logs so far and the
//   global random generator's state (the shuffling DataLoader draws from it).

/// <summary>A trainer checkpoint read back: where it ends (epoch from 0, optimiser steps) and the whole dictionary.</summary>
public sealed record TrainerCheckpoint(string Path, int Epoch, long GlobalStep, IReadOnlyList<EpochLog> Epochs, Hashtable Contents) : IDisposable
{
    public void Dispose() => Tensors.DisposeAll(Contents);
}

/// <summary>Writing and reading the trainer's Lightning-style <c>.ckpt</c> files.</summary>
public static class LightningCheckpoints
{
    /// <summary>
    /// Writes <paramref name="trainer"/>'s state after its current epoch to <paramref name="path"/> (through a temp
    /// file, so a kill leaves the previous file or the whole new one).
    /// </summary>
    public static void Save(Trainer trainer, string path)
    {
        var model = trainer.Model ?? throw new InvalidOperationException("no model to checkpoint");
        var optimizer = trainer.Optimizer ?? throw new InvalidOperationException("no optimiser to checkpoint");
        var contents = new Dictionary<object, object?>();
        try
        {
            using (no_grad())
                contents["state_dict"] = model.state_dict().ToDictionary(e => (object)(Checkpoints.LightningModelPrefix + e.Key), e => (object?)e.Value.detach().clone());
            contents["epoch"] = trainer.CurrentEpoch;
            contents["global_step"] = trainer.GlobalStep;
            contents["optimizer_states"] = new List<object> { OptimizerStates.ToPyTorch(optimizer) };
            contents["lr_schedulers"] = new List<object>();
            contents["callbacks"] = trainer.Callbacks.Select(c => (c.StateKey, State: c.StateDict()))
                .Where(c => c.State is not null).ToDictionary(c => (object)c.StateKey, c => (object?)c.State);
            contents["hyper_parameters"] = trainer.Task?.Hparams?.ToDictionary(kv => (object)kv.Key, kv => Picklable(kv.Value)) ?? new Dictionary<object, object?>();
            contents["ch13"] = new Dictionary<object, object?>
            {
                ["epoch_logs"] = trainer.Epochs.Select(e => (object)new Dictionary<object, object?>
                {
                    ["epoch"] = e.Epoch,
                    ["step"] = e.Step,
                    ["metrics"] = e.Metrics.ToDictionary(kv => (object)kv.Key, kv => (object?)kv.Value),
                }).ToList(),
                ["rng_state"] = torch.get_rng_state(),
            };
            Files.WriteAtomic(path, temp => PyTorchPickler.PickleStateDict(temp, contents));
        }
        finally { Tensors.DisposeAll(contents); }
    }

    /// <summary>
    /// Reads a checkpoint <see cref="Save"/> wrote. Throws <see cref="Ch13Exception"/> (one line and the fix) when the
    /// file is missing, is not one, or lacks what a resume needs (a weights-only file, e.g. a <c>.pth</c>).
    /// </summary>
    public static TrainerCheckpoint Read(string path)
    {
        if (SafeFiles.KindOf(path) == EntryKind.Missing) throw new Ch13Exception($"checkpoint {path}: no such file. Fix: give the checkpoints/last.ckpt or epoch=E-step=S.ckpt of a run.");
        // One reader, one error path: a regular file, sizes bounded before they are allocated, any failure one line.
        if (Checkpoints.Detect(path) != CheckpointFormat.PyTorch)
            throw new Ch13Exception($"{path} is not a trainer checkpoint (not a torch.save file). Fix: give a .ckpt the Lightning script saved (checkpoints/last.ckpt).");
        var contents = CheckpointBounds.Unpickle(path);
        try
        {
            var missing = new[] { "epoch", "global_step", "state_dict", "optimizer_states", "callbacks", "ch13" }.FirstOrDefault(k => !contents.ContainsKey(k));
            if (missing is not null)
                throw new Ch13Exception($"{path} holds no '{missing}', so it cannot resume a fit (a weights-only file?). " +
                                        "Fix: resume from a .ckpt the trainer saved (checkpoints/last.ckpt); load weights with --weights instead.");
            var extra = (IDictionary)contents["ch13"]!;
            var logs = ((IList)extra["epoch_logs"]!).Cast<IDictionary>()
                .Select(e => new EpochLog(ToInt(e["epoch"]), ToLong(e["step"]),
                    ((IDictionary)e["metrics"]!).Cast<DictionaryEntry>().ToDictionary(m => (string)m.Key, m => Convert.ToDouble(m.Value, CultureInfo.InvariantCulture))))
                .ToList();
            return new TrainerCheckpoint(path, ToInt(contents["epoch"]), ToLong(contents["global_step"]), logs, contents);
        }
        catch (Exception e) when (e is InvalidCastException or NullReferenceException or FormatException or KeyNotFoundException or OverflowException or ArgumentException)
        {
            Tensors.DisposeAll(contents);
            throw new Ch13Exception($"{path} is a damaged trainer checkpoint ({e.Message}). Fix: resume from another .ckpt, or train again.", 1, e);
        }
    }

    // PyTorch's pickle knows lists and tuples, not int[]: hparams such as hidden_units become lists.
    static object? Picklable(object? value) => value is IEnumerable items and not string ? items.Cast<object?>().ToList() : value;

    static int ToInt(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);
    static long ToLong(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
