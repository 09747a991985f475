using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Bench;

/// <summary>A training loop run in-process: its time, steps, and memory after every epoch.</summary>
public sealed record LoopResult(string Id, double Seconds, long Steps, int Epochs, IReadOnlyList<double> EpochRssMb,
    IReadOnlyList<long> EpochLiveTensors)
{
    public double StepsPerSecond => Steps / Seconds;
    /// <summary>RSS after the last epoch minus after the first (MB): ≈ 0 when memory is flat across epochs.</summary>
    public double RssGrowthMb => EpochRssMb.Count < 2 ? 0 : EpochRssMb[^1] - EpochRssMb[0];
    /// <summary>Live tensors after the last epoch minus after the first: 0 when nothing leaks.</summary>
    public long LiveTensorGrowth => EpochLiveTensors.Count < 2 ? 0 : EpochLiveTensors[^1] - EpochLiveTensors[0];
}

/// <summary>
/// The section scripts' training loops, in-process, with the scripts' data, seeds, models and settings (the script
/// code they mirror is named on each). Used for the smoke run and to watch memory epoch by epoch.
/// </summary>
public static class Loops
{
    /// <summary>scripts/auto_mpg.csx: 9 → 10 → 6 → 4 → 1 ReLU, SGD 0.001, MSE, batch 8, no validation pass.</summary>
    public static LoopResult AutoMpg(string dataRoot, int epochs)
    {
        var raw = global::AutoMpg.Load(DataFiles.Ensure(dataRoot, DataFiles.AutoMpgFile));
        var df = global::AutoMpg.DropMissing(raw);
        var prepared = Regression.PrepareAutoMpg(df, Data.TrainTestSplitIndices(df.RowCount, trainSize: 0.8, randomState: 1));
        using var train = Data.ToTensors(prepared.Arrays.Train, labelsAsClasses: false);
        manual_seed(1);
        using var model = Nets.Mlp(new MlpSpec((int)train.X.shape[1], [10, 6, 4], 1, Activation.ReLU));
        return Fit("auto_mpg", model, train, null, new TrainConfig(epochs, BatchSize: 8), new Sgd(0.001), new MeanSquaredError());
    }

    /// <summary>scripts/mnist.csx (subset, or --full): Flatten → 784 → 32 → 16 → 10 ReLU, Adam 0.001, validation on the test images,
    /// ReduceLROnPlateau and early stopping with a checkpoint at every new best (as the script).</summary>
    public static LoopResult Mnist(string dataRoot, int epochs, bool full, int? trainCount = null)
    {
        var data = full ? global::Mnist.Load(dataRoot, trainCount, null, scale: true) : global::Mnist.Load(dataRoot, trainCount: 1000, testCount: 200);
        using var train = data.Train;
        using var test = data.Test;
        manual_seed(1);
        using var model = Nets.Mlp(new MlpSpec(28 * 28, [32, 16], 10, Activation.ReLU, Flatten: true));
        var adam = new Adam(0.001);
        using var optimizer = Optimizers.Flat(adam, model.parameters());
        var checkpoint = Path.Combine(Path.GetTempPath(), $"ch13-bench-{Environment.ProcessId}.bin");
        try
        {
            return Fit(full ? "mnist_full" : "mnist_subset", model, train, test, new TrainConfig(epochs, BatchSize: full ? 64 : 20), new CrossEntropy(),
                optimizer, [new PlateauScheduler(new PlateauSpec(Mode: MonitorMode.Min, Factor: 0.1, Patience: 10), adam.LearningRate),
                            new EarlyStopWithCheckpoint(new EarlyStopSpec(Patience: 30), checkpoint)]);
        }
        finally { File.Delete(checkpoint); }
    }

    /// <summary>scripts/xor.csx: Linear(2, 2) then MyModule (2 → 10 → 6 → 2 sigmoid), Adam 0.015, batch 20, validation each epoch.</summary>
    public static LoopResult Xor(int epochs)
    {
        var data = Data.Xor();
        using var train = Data.ToTensors(data.Train);
        using var valid = Data.ToTensors(data.Test);
        manual_seed(1);
        using var linear = Nets.Mlp(new MlpSpec(2, [], 2));
        var first = Fit("xor", linear, train, valid, new TrainConfig(epochs), new Adam(0.015), new CrossEntropy());
        manual_seed(1);
        TorchRandom.Skip(370);
        using var mlp = new MyModule();
        var second = Fit("xor", mlp, train, valid, new TrainConfig(epochs), new Adam(0.015), new CrossEntropy());
        // Memory per epoch of the second run only: the MLP built between the runs is not a leak.
        return new LoopResult("xor", first.Seconds + second.Seconds, first.Steps + second.Steps, first.Epochs + second.Epochs,
            second.EpochRssMb, second.EpochLiveTensors);
    }

    static LoopResult Fit(string id, nn.Module<Tensor, Tensor> model, TensorData train, TensorData? valid, TrainConfig config,
        OptimizerSpec optimizerSpec, LossSpec loss)
    {
        using var optimizer = Optimizers.Flat(optimizerSpec, model.parameters());
        return Fit(id, model, train, valid, config, loss, optimizer, []);
    }

    static LoopResult Fit(string id, nn.Module<Tensor, Tensor> model, TensorData train, TensorData? valid, TrainConfig config,
        LossSpec loss, optim.Optimizer optimizer, IReadOnlyList<EpochCallback> callbacks)
    {
        var rss = new List<double>();
        var live = new List<long>();
        var measure = new OnEachEpoch(_ =>
        {
            rss.Add(Stats.SelfRssMb());
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        });
        // Measured after the other callbacks: what an epoch leaves is what they keep too (early stopping's copy of the
        // best weights, made at the first epoch and copied into after, is the model's size once, not growth).
        var history = Training.Fit(model, optimizer, train, valid, config, loss, new FitHooks([.. callbacks, measure]));
        var steps = history.Epochs.Count * ((train.Count + config.BatchSize - 1) / config.BatchSize);
        return new LoopResult(id, history.Seconds, steps, history.Epochs.Count, rss, live);
    }
}
