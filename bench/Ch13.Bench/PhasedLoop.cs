using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Bench;

/// <summary>Where one loop's time went: seconds per phase, the mirror's total and <c>Training.Fit</c>'s on the same setup.</summary>
public sealed record LoopSplit(string Id, int Epochs, long Steps, IReadOnlyDictionary<string, double> Seconds, double MirrorSeconds, double FitSeconds);

/// <summary>One workload's loop as a script sets it up: model, optimiser, data, settings and callbacks.</summary>
public sealed record LoopSetup(nn.Module<Tensor, Tensor> Model, optim.Optimizer Optimizer, TensorData Train, TensorData? Valid, TrainConfig Config,
    LossSpec Loss, IReadOnlyList<EpochCallback> Callbacks) : IDisposable
{
    public void Dispose()
    {
        Optimizer.Dispose();
        Model.Dispose();
    }
}

/// <summary>
/// <c>Training.Fit</c>'s loop written out again with a clock around each phase (the same lib calls in the same order),
/// to say where a loop's time goes; its total is checked against <c>Training.Fit</c> on an identical setup.
/// </summary>
public static class PhasedLoop
{
    public static readonly string[] Phases =
        ["epoch_order", "scope", "gather", "zero_grad", "forward", "loss", "item", "accuracy", "backward", "step", "validation", "callbacks"];

    /// <summary>Runs the mirror on one fresh setup and <c>Training.Fit</c> on another (the same seed, so the same work).</summary>
    public static LoopSplit Measure(string id, Func<LoopSetup> setup)
    {
        Dictionary<string, double> seconds;
        int epochs;
        var clock = Stopwatch.StartNew();
        using (var mirror = setup()) (seconds, epochs) = Run(mirror);
        var mirrorSeconds = clock.Elapsed.TotalSeconds;
        using var fit = setup();
        var history = Training.Fit(fit.Model, fit.Optimizer, fit.Train, fit.Valid, fit.Config, fit.Loss, new FitHooks(fit.Callbacks));
        var batches = (fit.Train.Count + fit.Config.BatchSize - 1) / fit.Config.BatchSize;
        return new LoopSplit(id, epochs, epochs * batches, seconds, mirrorSeconds, history.Seconds);
    }

    static (Dictionary<string, double> Seconds, int Epochs) Run(LoopSetup s)
    {
        var ticks = new long[Phases.Length];
        var lossFn = Losses.Create(s.Loss);
        var classification = Losses.IsClassification(s.Loss);
        var labels = classification ? s.Train.Y.data<long>().ToArray() : null;
        foreach (var callback in s.Callbacks) callback.OnFitStart();
        var epoch = 0;
        var stop = false;
        long t = Stopwatch.GetTimestamp();
        void Lap(int phase) { var now = Stopwatch.GetTimestamp(); ticks[phase] += now - t; t = now; }
        while (!stop && ++epoch <= s.Config.Epochs)
        {
            t = Stopwatch.GetTimestamp();
            s.Model.train();
            double lossSum = 0, accuracySum = 0;
            var batches = 0;
            var order = Loader.EpochOrder(s.Train.Count, s.Config.Shuffle);
            using var epochBatches = new EpochBatches(s.Train, order);
            Lap(0);
            foreach (var (start, count) in Loader.BatchRanges(s.Train.Count, s.Config.BatchSize))
            {
                var scope = NewDisposeScope();
                Lap(1);
                var (x, y) = epochBatches.Batch(start, count);
                Lap(2);
                s.Optimizer.zero_grad();
                Lap(3);
                var pred = s.Model.call(x);
                Lap(4);
                var loss = lossFn(pred, y);
                Lap(5);
                lossSum += loss.item<float>();
                Lap(6);
                if (classification) accuracySum += Training.BatchAccuracy(pred, labels!, order, start, count);
                batches++;
                Lap(7);
                loss.backward();
                Lap(8);
                s.Optimizer.step();
                Lap(9);
                scope.Dispose();
                Lap(1);
            }
            double? validLoss = null, validAccuracy = null;
            if (s.Valid is not null) (validLoss, validAccuracy) = Training.Evaluate(s.Model, s.Valid, s.Loss);
            Lap(10);
            var metrics = new EpochMetrics(epoch, lossSum / batches, classification ? accuracySum / batches : null, validLoss, validAccuracy,
                Optimizers.LearningRate(s.Optimizer));
            var end = new EpochEnd(metrics, s.Model, s.Optimizer, Stopping: false, Ending: false);
            foreach (var callback in s.Callbacks)
                if (callback.OnEpochEnd(end) == EpochDecision.Stop) { end = end with { Stopping = true }; stop = true; }
            Lap(11);
        }
        foreach (var callback in s.Callbacks) callback.OnFitEnd();
        return (Phases.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => ticks[x.i] / (double)Stopwatch.Frequency), Math.Min(epoch, s.Config.Epochs));
    }
}
