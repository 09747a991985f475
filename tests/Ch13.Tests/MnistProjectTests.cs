using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>The MNIST project on the notebook's slices: training works, and the notebook's schedule events come out.</summary>
[Collection(TorchGlobalState.Name)]
public class MnistProjectTests : IDisposable
{
    readonly TempFolder temp = new();
    readonly TrainTest<TensorData> data = Mnist.Load(TestData.Root, trainCount: 1000, testCount: 200);

    public void Dispose()
    {
        data.Train.Dispose();
        data.Test.Dispose();
        temp.Dispose();
    }

    static readonly MlpSpec Spec = new(28 * 28, [32, 16], 10, Activation.ReLU, Flatten: true);

    [Fact]
    public void A_few_epochs_on_the_subset_improve_accuracy()
    {
        manual_seed(1);
        using var model = Nets.Mlp(Spec);
        var history = Training.Fit(model, data.Train, data.Test, new TrainConfig(Epochs: 3, BatchSize: 20), new Adam(1e-3), new CrossEntropy());
        history.Epochs[0].ValidAccuracy.Should().BeApproximately(0.575, 1e-6, "the notebook prints Valid Acc: 0.5750 after epoch 1");
        history.Epochs[^1].ValidAccuracy.Should().BeGreaterThan(0.7);
        history.Epochs[^1].TrainAccuracy.Should().BeGreaterThan(history.Epochs[0].TrainAccuracy!.Value);
    }

    [Fact]
    public void The_notebooks_run_cuts_the_lr_at_epochs_23_and_34_and_stops_early_after_42()
    {
        // The notebook's train_model: scheduler.step(valid_loss), then the early-stop counter (30), best weights saved.
        manual_seed(1);
        using var model = Nets.Mlp(Spec);
        using var optimizer = Optimizers.Flat(new Adam(1e-3), model.parameters());
        var printed = new List<string>();
        var plateau = new PlateauScheduler(new PlateauSpec(Patience: 10), 1e-3, print: printed.Add);
        var checkpoint = Path.Combine(temp.Path, "best_model.bin");
        var stop = new EarlyStopWithCheckpoint(new EarlyStopSpec(Patience: 30), checkpoint, print: printed.Add);

        var history = Training.Fit(model, optimizer, data.Train, data.Test, new TrainConfig(Epochs: 200, BatchSize: 20), new CrossEntropy(),
            new FitHooks([plateau, stop]));

        printed.Should().Equal("Epoch 00023: reducing learning rate of group 0 to 1.0000e-04.", "Epoch 00034: reducing learning rate of group 0 to 1.0000e-05.",
            "Early stopping triggered!");
        plateau.Cuts.Select(c => c.Epoch).Should().Equal(23, 34);
        plateau.Cuts[1].LearningRate.Should().BeApproximately(1e-5, 1e-12);
        history.Status.Should().Be(RunStatus.EarlyStopped);
        history.Epochs.Should().HaveCount(42);
        stop.StoppedEpoch.Should().Be(42);
        history.Epochs[^1].ValidAccuracy.Should().BeApproximately(0.865, 1e-6, "the notebook's last printed Valid Acc is 0.8650");
        history.Epochs[^1].LearningRate.Should().BeApproximately(1e-5, 1e-12);
        stop.BestEpoch.Should().Be(12);
        stop.Best.Should().Be(history.Epochs[11].ValidLoss!.Value);

        Checkpoints.Load(model, checkpoint);
        Training.Evaluate(model, data.Test, new CrossEntropy()).Loss.Should().BeApproximately(history.Epochs[11].ValidLoss!.Value, 1e-6);
    }

    [Fact]
    public void Predictions_give_a_confusion_matrix_and_the_figures_are_written()
    {
        manual_seed(1);
        using var model = Nets.Mlp(Spec);
        var history = Training.Fit(model, data.Train, data.Test, new TrainConfig(Epochs: 2, BatchSize: 20), new Adam(1e-3), new CrossEntropy());
        var actual = data.Test.Y.data<long>().ToArray();
        var predicted = Metrics.PredictClasses(model, data.Test.X, batchSize: 64);
        var confusion = Metrics.ConfusionMatrix(actual, predicted, 10);

        Metrics.Accuracy(actual, predicted).Should().BeApproximately(history.Last!.ValidAccuracy!.Value, 1e-6);
        confusion.Cast<int>().Sum().Should().Be(200);
        Enumerable.Range(0, 10).Sum(c => confusion[c, c]).Should().Be(actual.Where((y, i) => y == predicted[i]).Count());

        Plots.History(Path.Combine(temp.Path, "history.png"), [("MLP", history)], "MNIST", [new CurveMark(1, "mark", Plots.ClassColors[3])]);
        ClassifierPlots.ConfusionMatrix(Path.Combine(temp.Path, "confusion_matrix.png"), confusion, "Confusion");
        ClassifierPlots.Digits(Path.Combine(temp.Path, "samples.png"), data.Test.X.narrow(0, 0, 12).data<float>().ToArray(), 28, 28, actual, predicted, "Digits", rows: 2, cols: 6);
        foreach (var png in new[] { "history.png", "confusion_matrix.png", "samples.png" })
            new FileInfo(Path.Combine(temp.Path, png)).Length.Should().BeGreaterThan(5000, png);
        Directory.GetFiles(temp.Path).Should().HaveCount(3, "atomic saves leave no temp files");
    }
}
