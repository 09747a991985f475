#nullable enable

/// <summary>One epoch's aggregated metrics, keyed like Lightning's CSVLogger rows (epoch from 0, step = optimiser steps so far).</summary>
public sealed record EpochLog(int Epoch, long Step, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>Set on a training epoch cut short (Ctrl+C, divergence): it was not validated, its means cover the batches that ran.</summary>
    public EpochCut? Partial { get; init; }
}

/// <summary>How <see cref="Trainer.Fit"/> ended: per-epoch logs, status and the best checkpoint, if one was kept.</summary>
public sealed record FitResult(IReadOnlyList<EpochLog> Epochs, RunStatus Status, string? BestModelPath, double? BestModelScore, double Seconds);
