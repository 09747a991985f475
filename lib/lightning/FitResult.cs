#nullable enable

/// <summary>One epoch's aggregated metrics, keyed like Lightning's CSVLogger rows (epoch from 0, step = optimiser steps so far).</summary>
public sealed record EpochLog(int Epoch, long Step, IReadOnlyDictionary<string, double> Metrics);

/// <summary>How <see cref="Trainer.Fit"/> ended: per-epoch logs, status and the best checkpoint, if one was kept.</summary>
public sealed record FitResult(IReadOnlyList<EpochLog> Epochs, RunStatus Status, string? BestModelPath, double? BestModelScore, double Seconds);
