using static TorchSharp.torch;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class TrainingTests
{
    static readonly TrainConfig Config = new(Epochs: 100, BatchSize: 20);

    static History TrainOnXor(Func<nn.Module<Tensor, Tensor>> build, int epochs, int seed = 1)
    {
        var data = Data.Xor();
        using var train = Data.ToTensors(data.Train);
        using var valid = Data.ToTensors(data.Test);
        manual_seed(seed);
        using var model = build();
        return Training.Fit(model, train, valid, Config with { Epochs = epochs }, new Adam(0.015), new CrossEntropy());
    }

    [Fact]
    public void Linear_model_cannot_learn_xor()
    {
        var history = TrainOnXor(() => Nets.Mlp(new MlpSpec(2, [], 2)), epochs: 30);
        history.Last!.ValidAccuracy.Should().BeLessThanOrEqualTo(0.75);
    }

    [Fact]
    public void Mlp_learns_xor()
    {
        var history = TrainOnXor(() => new MyModule(), epochs: 100);
        history.Status.Should().Be(RunStatus.Completed);
        history.Epochs.Should().HaveCount(100);
        history.Last!.ValidAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void Same_seed_gives_identical_history()
    {
        var a = TrainOnXor(() => new MyModule(), epochs: 5, seed: 3);
        var b = TrainOnXor(() => new MyModule(), epochs: 5, seed: 3);
        b.Epochs.Should().Equal(a.Epochs);
        var c = TrainOnXor(() => new MyModule(), epochs: 5, seed: 4);
        c.Epochs.Should().NotEqual(a.Epochs);
    }

    [Fact]
    public void Fit_leaves_no_live_tensors_behind()
    {
        var data = Data.Xor(count: 200);
        using var train = Data.ToTensors(data.Train);
        using var valid = Data.ToTensors(data.Test);
        using var model = new MyModule();
        Training.Fit(model, train, valid, Config with { Epochs = 1 }, new Adam(0.015), new CrossEntropy()); // warm-up
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Training.Fit(model, train, valid, Config with { Epochs = 3 }, new Adam(0.015), new CrossEntropy());
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void A_huge_learning_rate_diverges_and_stops()
    {
        var data = Data.Blobs(count: 200);
        using var train = Data.ToTensors(data.Train, labelsAsClasses: false);
        using var valid = Data.ToTensors(data.Test, labelsAsClasses: false);
        manual_seed(1);
        using var model = Nets.Mlp(new MlpSpec(2, [10], 1, Activation.ReLU));
        var history = Training.Fit(model, train, valid, Config with { Epochs = 50 }, new Sgd(1e6), new MeanSquaredError());
        history.Status.Should().Be(RunStatus.Diverged);
        history.Epochs.Count.Should().BeLessThan(50);
    }

    [Fact]
    public void A_cancelled_run_stops_and_says_interrupted()
    {
        var data = Data.Xor(count: 200);
        using var train = Data.ToTensors(data.Train);
        using var model = new MyModule();
        using var cancel = new CancellationTokenSource();
        var history = Training.Fit(model, train, null, Config with { Epochs = 50 }, new Adam(0.015), new CrossEntropy(),
            new FitHooks([new OnEachEpoch(m => { if (m.Epoch == 2) cancel.Cancel(); })], Cancel: cancel.Token));
        history.Status.Should().Be(RunStatus.Interrupted);
        history.Epochs.Should().HaveCount(2);
        history.Epochs.Should().OnlyContain(e => e.Partial == null, "both epochs ran all their batches");
    }

    /// <summary>Cancels after batch <paramref name="batch"/> of epoch <paramref name="epoch"/>, as Ctrl+C mid-epoch does.</summary>
    sealed class CancelAt(CancellationTokenSource cancel, int epoch, int batch) : EpochCallback
    {
        public override void OnBatchEnd(BatchEnd b)
        {
            if (b.Epoch == epoch && b.Batch == batch) cancel.Cancel();
        }
    }

    [Fact]
    public void An_epoch_cut_mid_way_is_marked_partial_and_the_whole_ones_before_it_are_not()
    {
        var data = Data.Xor(count: 200);
        using var train = Data.ToTensors(data.Train);
        using var model = new MyModule();
        using var cancel = new CancellationTokenSource();
        var batches = (int)((train.Count + Config.BatchSize - 1) / Config.BatchSize);
        var history = Training.Fit(model, train, null, Config with { Epochs = 50 }, new Adam(0.015), new CrossEntropy(),
            new FitHooks([new CancelAt(cancel, epoch: 3, batch: 2)], Cancel: cancel.Token));

        history.Status.Should().Be(RunStatus.Interrupted);
        history.Epochs.Select(e => e.Partial).Should().Equal(null, null, new EpochCut(2, batches));
        EpochLines.Loss(history.Epochs[2], 50).Should().StartWith($"Epoch [3/50] (partial: 2/{batches} batches), Loss: ");
        EpochLines.Loss(history.Epochs[1], 50).Should().StartWith("Epoch [2/50], Loss: ");
        System.Text.Json.JsonSerializer.Serialize(history.Epochs[2], RunRecords.Json).Should().Contain($"\"partial\": {{\n").And.Contain($"\"of\": {batches}");
        System.Text.Json.JsonSerializer.Serialize(history.Epochs[1], RunRecords.Json).Should().NotContain("partial", "a whole epoch's record is unchanged");
    }

    [Fact]
    public void A_huge_epoch_count_allocates_nothing_up_front()
    {
        // Today's OutOfMemoryException came from a history list preallocated to the epoch count.
        var data = Data.Xor(count: 100);
        using var train = Data.ToTensors(data.Train);
        using var model = new MyModule();
        using var cancel = new CancellationTokenSource();
        var history = Training.Fit(model, train, null, Config with { Epochs = int.MaxValue }, new Adam(0.015), new CrossEntropy(),
            new FitHooks([new OnEachEpoch(m => { if (m.Epoch == 1) cancel.Cancel(); })], Cancel: cancel.Token));
        history.Status.Should().Be(RunStatus.Interrupted);
        history.Epochs.Should().HaveCount(1);
    }

    [Fact]
    public void Evaluate_runs_in_eval_mode_without_tracking_gradients()
    {
        var data = Data.Xor(count: 100);
        using var valid = Data.ToTensors(data.Test);
        using var model = nn.Sequential(("0", nn.Linear(2, 2)), ("1", nn.Dropout(0.9)));
        var first = Training.Evaluate(model, valid, new CrossEntropy());
        var second = Training.Evaluate(model, valid, new CrossEntropy());
        second.Should().Be(first); // dropout off in eval mode: deterministic
        model.training.Should().BeFalse();
        using (no_grad())
        {
            using var y = model.call(valid.X);
            y.requires_grad.Should().BeFalse();
        }
    }
}
