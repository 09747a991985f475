#nullable enable
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

/// <summary>
/// The chapter's training loop, once: mini-batches in PyTorch's DataLoader order, then a validation pass
/// per epoch. Pure apart from the model's weights (which it trains) and torch's random generator (which
/// the shuffling advances exactly as PyTorch's would).
/// </summary>
public static class Training
{
    /// <summary>
    /// Trains <paramref name="model"/> for <c>config.Epochs</c> epochs and returns the per-epoch history.
    /// Train loss/accuracy are means over the epoch's batches (as the notebook computes them); valid numbers come
    /// from one pass over <paramref name="valid"/> in eval mode without gradients. Stops early, with the status
    /// recorded, at the first batch whose loss is not finite or whose step overflows (diverged: that epoch is the
    /// last in the history), once <c>hooks.Cancel</c> fires (interrupted; checked after every batch), or after an
    /// epoch for which a callback answers <see cref="EpochDecision.Stop"/> (early stopped).
    /// <c>hooks.Callbacks</c> see every epoch as it ends, in order (printing is theirs); an optional <c>hooks.Penalty</c>
    /// (e.g. λ·Σ|w|) is added to every batch's loss before backward; the train loss then records the penalised
    /// objective, while validation stays the plain loss.
    /// </summary>
    public static History Fit(
        nn.Module<Tensor, Tensor> model,
        TensorData train,
        TensorData? valid,
        TrainConfig config,
        OptimizerSpec optimizerSpec,
        LossSpec lossSpec,
        FitHooks? hooks = null)
    {
        using var optimizer = Optimizers.Flat(optimizerSpec, model.parameters());
        return Fit(model, optimizer, train, valid, config, lossSpec, hooks);
    }

    /// <summary>As the other overload, with an optimiser the caller owns (and callbacks may schedule).</summary>
    public static History Fit(
        nn.Module<Tensor, Tensor> model,
        optim.Optimizer optimizer,
        TensorData train,
        TensorData? valid,
        TrainConfig config,
        LossSpec lossSpec,
        FitHooks? hooks = null)
    {
        hooks ??= FitHooks.None;
        var callbacks = hooks.Callbacks ?? [];
        foreach (var callback in callbacks) callback.OnFitStart();
        try { return Loop(model, optimizer, train, valid, config, lossSpec, hooks, callbacks); }
        finally
        {
            foreach (var callback in callbacks) callback.OnFitEnd();
        }
    }

    static History Loop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, TensorData train, TensorData? valid,
        TrainConfig config, LossSpec lossSpec, FitHooks hooks, IReadOnlyList<EpochCallback> callbacks)
    {
        var (penalty, cancel) = (hooks.Penalty, hooks.Cancel);
        var lossFn = Losses.Create(lossSpec);
        var classification = Losses.IsClassification(lossSpec);
        var epochs = new List<EpochMetrics>(); // grows as epochs finish: nothing sized by the user's --epochs up front
        var status = RunStatus.Completed;
        var clock = Stopwatch.StartNew();
        // Labels on the managed side once, so a batch's accuracy costs one argmax (see BatchAccuracy).
        var labels = classification && IsCpuInt64(train.Y) && train.X.device_type == DeviceType.CPU ? train.Y.data<long>().ToArray() : null;
        var batchCount = (int)((train.Count + config.BatchSize - 1) / Math.Max(1, config.BatchSize));

        for (var epoch = 1; epoch <= config.Epochs && status == RunStatus.Completed; epoch++)
        {
            if (cancel.IsCancellationRequested) { status = RunStatus.Interrupted; break; }
            model.train();
            double lossSum = 0, accuracySum = 0;
            var batches = 0;
            var order = Loader.EpochOrder(train.Count, config.Shuffle);
            using var epochBatches = new EpochBatches(train, order); // no per-batch index tensors; small sets gathered once
            foreach (var (start, count) in Loader.BatchRanges(train.Count, config.BatchSize))
            {
                using var scope = NewDisposeScope();
                var (x, y) = epochBatches.Batch(start, count);
                optimizer.zero_grad();
                var pred = model.call(x);
                var loss = lossFn(pred, y);
                if (penalty is not null) loss = loss + penalty(model);
                var lossValue = loss.item<float>();
                lossSum += lossValue;
                if (classification) accuracySum += labels is null ? Metrics.AccuracyOfLogits(pred, y) : BatchAccuracy(pred, labels, order, start, count);
                batches++;
                // A NaN/∞ loss only spreads: stop here, with the weights of the last finite step.
                if (!float.IsFinite(lossValue) || !TryStep(loss, optimizer)) { status = RunStatus.Diverged; break; }
                if (callbacks.Count > 0) Tell(callbacks, new BatchEnd(epoch, batches, batchCount, lossSum / batches, classification ? accuracySum / batches : null));
                if (cancel.IsCancellationRequested) { status = RunStatus.Interrupted; break; }
            }
            var trainLoss = lossSum / batches;
            if (!double.IsFinite(trainLoss) && status == RunStatus.Completed) status = RunStatus.Diverged;

            double? validLoss = null, validAccuracy = null;
            if (valid is not null) (validLoss, validAccuracy) = Evaluate(model, valid, lossSpec);
            var metrics = new EpochMetrics(epoch, trainLoss, classification ? accuracySum / batches : null,
                validLoss, validAccuracy, Optimizers.LearningRate(optimizer))
            { Partial = EpochCut.After(batches, batchCount) };
            epochs.Add(metrics);
            var ending = status != RunStatus.Completed;
            if (AskCallbacks(callbacks, new EpochEnd(metrics, model, optimizer, Stopping: false, ending)) && !ending) status = RunStatus.EarlyStopped;
        }
        return new History(epochs, status, clock.Elapsed.TotalSeconds);
    }

    static void Tell(IReadOnlyList<EpochCallback> callbacks, BatchEnd batch)
    {
        foreach (var callback in callbacks) callback.OnBatchEnd(batch);
    }

    /// <summary>Every callback sees the epoch, in order, each told whether one before it asked to stop; true if any did.</summary>
    static bool AskCallbacks(IReadOnlyList<EpochCallback> callbacks, EpochEnd epoch)
    {
        foreach (var callback in callbacks)
            if (callback.OnEpochEnd(epoch) == EpochDecision.Stop) epoch = epoch with { Stopping = true };
        return epoch.Stopping;
    }

    /// <summary>
    /// Backward pass and optimiser step; false when the step overflows. With a huge learning rate libtorch
    /// throws ("value cannot be converted to type float without overflow") before the loss turns NaN.
    /// </summary>
    public static bool TryStep(Tensor loss, optim.Optimizer optimizer)
    {
        loss.backward();
        try { optimizer.step(); }
        catch (System.Runtime.InteropServices.ExternalException e) when (e.Message.Contains("overflow")) { return false; }
        return true;
    }

    /// <summary>Loss and (for classification) accuracy over a whole data set, in eval mode without gradients.</summary>
    public static (double Loss, double? Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, TensorData data, LossSpec lossSpec)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var pred = model.call(data.X);
        var loss = Losses.Create(lossSpec)(pred, data.Y).item<float>();
        return (loss, Losses.IsClassification(lossSpec) ? Metrics.AccuracyOfLogits(pred, data.Y) : null);
    }

    /// <summary>
    /// <see cref="Metrics.AccuracyOfLogits(Tensor, Tensor)"/> of a training batch (rows <c>order[start..start+count)</c>) with the labels read from a
    /// managed copy: one argmax instead of five tensor ops. The same float32 number (count / n, correctly rounded).
    /// </summary>
    public static double BatchAccuracy(Tensor logits, long[] labels, long[] order, long start, long count)
    {
        if (logits.device_type != DeviceType.CPU) throw new ArgumentException("BatchAccuracy reads CPU logits.", nameof(logits));
        using var predicted = logits.argmax(1);
        // Its memory read in place (a fresh, contiguous CPU int64 tensor): 0.1 µs, where data<long>().ToArray() takes 2 µs.
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(predicted.bytes);
        if (values.Length != count) throw new ArgumentException($"{values.Length} rows of logits for a batch of {count}.", nameof(logits));
        var correct = 0;
        for (var i = 0; i < values.Length; i++)
            if (values[i] == labels[order[start + i]]) correct++;
        return (float)correct / count;
    }

    static bool IsCpuInt64(Tensor t) => t.dtype == ScalarType.Int64 && t.device_type == DeviceType.CPU;
}
