using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Bench;

/// <summary>
/// The six workloads' loops as the scripts set them up (data, seeds, model, optimiser, settings, the callbacks that
/// do work: plateau and early stopping with its checkpoint), for <see cref="PhasedLoop"/>. Printing callbacks are
/// left out: their cost is the script's loop minus this one.
/// </summary>
public static class LoopSetups
{
    public static IReadOnlyList<(string Id, Func<LoopSetup> Setup)> All(string dataRoot, bool smoke)
    {
        var auto = AutoMpgData(dataRoot);
        var subset = global::Mnist.Load(dataRoot, trainCount: 1000, testCount: 200);
        var full = global::Mnist.Load(dataRoot, smoke ? 640 : null, smoke ? 200 : null, scale: true);
        var blobs = Data.Blobs();
        var xor = Data.Xor();
        var checkpoint = Path.Combine(Path.GetTempPath(), $"ch13-bench-phases-{Environment.ProcessId}.pth");
        int Epochs(int n) => smoke ? 2 : n;
        LoopSetup Mnist(TrainTest<TensorData> data, int epochs, int batch)
        {
            manual_seed(1);
            var model = Nets.Mlp(new MlpSpec(28 * 28, [32, 16], 10, Activation.ReLU, Flatten: true));
            var adam = new Adam(0.001);
            return new(model, Optimizers.Flat(adam, model.parameters()), data.Train, data.Test, new TrainConfig(Epochs(epochs), BatchSize: batch),
                new CrossEntropy(), [new PlateauScheduler(new PlateauSpec(Mode: MonitorMode.Min, Factor: 0.1, Patience: 10), adam.LearningRate),
                                     new EarlyStopWithCheckpoint(new EarlyStopSpec(Patience: 30), checkpoint)]);
        }
        LoopSetup Small(nn.Module<Tensor, Tensor> model, TrainTest<ArrayData> data, OptimizerSpec optimizer, int epochs)
        {
            manual_seed(1);
            return new(model, Optimizers.Flat(optimizer, model.parameters()), Data.ToTensors(data.Train), Data.ToTensors(data.Test),
                new TrainConfig(Epochs(epochs)), new CrossEntropy(), []);
        }
        T Seeded<T>(Func<T> make) { manual_seed(1); return make(); }
        return
        [
            ("auto_mpg", () =>
            {
                manual_seed(1);
                var model = Nets.Mlp(new MlpSpec((int)auto.X.shape[1], [10, 6, 4], 1, Activation.ReLU));
                return new(model, Optimizers.Flat(new Sgd(0.001), model.parameters()), auto, null, new TrainConfig(Epochs(200), BatchSize: 8),
                    new MeanSquaredError(), []);
            }),
            ("mnist_subset", () => Mnist(subset, 200, 20)),
            ("mnist_full", () => Mnist(full, 5, 64)),
            ("seq_blobs", () => Small(Seeded(() => Nets.Mlp(new MlpSpec(2, [10, 6], 2))), blobs, new Sgd(0.01), 200)),
            ("xor", () => Small(Seeded(() => new MyModule()), xor, new Adam(0.015), 100)),
            ("noisy_xor", () => Small(Seeded(() => new MyNoisyModule()), xor, new Adam(0.015), 200)),
        ];
    }

    static TensorData AutoMpgData(string dataRoot)
    {
        var df = global::AutoMpg.DropMissing(global::AutoMpg.Load(DataFiles.Ensure(dataRoot, DataFiles.AutoMpgFile)));
        var prepared = Regression.PrepareAutoMpg(df, Data.TrainTestSplitIndices(df.RowCount, trainSize: 0.8, randomState: 1));
        return Data.ToTensors(prepared.Arrays.Train, labelsAsClasses: false);
    }
}
