using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// Training.Fit's epoch callbacks (lib/core/EpochCallbacks.cs, ScheduleCallbacks.cs) and the notebook log
/// (lib/run/NotebookLog.cs): the order they are asked in, stopping, the plateau scheduler and early stopping with its
/// checkpoint. Swaps Console.Out in one test, so it runs in the torch collection (apart from the rest).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class EpochCallbacksTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static EpochMetrics Epoch(int epoch, double validLoss) => new(epoch, validLoss + 0.1, 0.5, validLoss, 0.5, 1e-3);

    /// <summary>Says Stop after epoch <paramref name="stopAfter"/>; records what it was told, and the fit's start and end.</summary>
    sealed class Probe(List<string> seen, string name, int stopAfter = int.MaxValue) : EpochCallback
    {
        public override void OnFitStart() => seen.Add($"{name} start");
        public override EpochDecision OnEpochEnd(EpochEnd epoch)
        {
            seen.Add($"{name} {epoch.Metrics.Epoch}{(epoch.Stopping ? " stopping" : "")}");
            return epoch.Metrics.Epoch >= stopAfter ? EpochDecision.Stop : EpochDecision.Continue;
        }
        public override void OnFitEnd() => seen.Add($"{name} end");
    }

    sealed class Throws : EpochCallback
    {
        public override EpochDecision OnEpochEnd(EpochEnd epoch) => throw new InvalidOperationException("boom");
    }

    static (TensorData Train, TensorData Valid) Xor()
    {
        var data = Data.Xor(count: 100);
        return (Data.ToTensors(data.Train), Data.ToTensors(data.Test));
    }

    sealed class BatchProbe(List<BatchEnd> seen) : EpochCallback
    {
        public override void OnBatchEnd(BatchEnd batch) => seen.Add(batch);
    }

    [Fact]
    public void Callbacks_see_every_batch_with_the_epochs_running_means()
    {
        var (train, valid) = Xor(); // 50 training rows: batches of 20, 20 and 10
        using (train)
        using (valid)
        {
            manual_seed(1);
            using var model = new MyModule();
            var seen = new List<BatchEnd>();
            var history = Training.Fit(model, train, valid, new TrainConfig(Epochs: 2, BatchSize: 20), new Adam(0.015), new CrossEntropy(),
                new FitHooks([new BatchProbe(seen)]));

            var batches = (int)((train.Count + 19) / 20);
            seen.Select(b => (b.Epoch, b.Batch, b.Batches)).Should().Equal(
                Enumerable.Range(1, 2).SelectMany(e => Enumerable.Range(1, batches).Select(b => (e, b, batches))));
            seen.Where(b => b.Batch == batches).Select(b => b.TrainLoss).Should().Equal(history.Epochs.Select(m => m.TrainLoss),
                "the last batch's running mean is the epoch's train loss");
            seen.Where(b => b.Batch == batches).Select(b => b.TrainAccuracy).Should().Equal(history.Epochs.Select(m => m.TrainAccuracy));
        }
    }

    [Fact]
    public void Callbacks_see_every_epoch_in_order_and_a_stop_ends_training_after_that_epoch()
    {
        var (train, valid) = Xor();
        using (train)
        using (valid)
        {
            manual_seed(1);
            using var model = new MyModule();
            var seen = new List<string>();
            var history = Training.Fit(model, train, valid, new TrainConfig(Epochs: 10), new Adam(0.015), new CrossEntropy(),
                new FitHooks([new Probe(seen, "a", stopAfter: 2), new Probe(seen, "b")]));

            history.Status.Should().Be(RunStatus.EarlyStopped);
            history.Epochs.Should().HaveCount(2);
            seen.Should().Equal("a start", "b start", "a 1", "b 1", "a 2", "b 2 stopping", "a end", "b end");
        }
    }

    [Fact]
    public void The_fit_end_is_signalled_even_when_a_callback_throws()
    {
        var (train, valid) = Xor();
        using (train)
        using (valid)
        {
            using var model = new MyModule();
            var seen = new List<string>();
            FluentActions.Invoking(() => Training.Fit(model, train, valid, new TrainConfig(Epochs: 3), new Adam(0.015), new CrossEntropy(),
                    new FitHooks([new Probe(seen, "p"), new Throws()])))
                .Should().Throw<InvalidOperationException>().WithMessage("boom");
            seen.Should().Equal("p start", "p 1", "p end");
        }
    }

    [Fact]
    public void The_plateau_scheduler_cuts_the_optimisers_learning_rate_after_patience_plus_one_bad_epochs()
    {
        using var model = nn.Linear(2, 2);
        using var optimizer = Optimizers.Flat(new Adam(1e-3), model.parameters());
        var printed = new List<string>();
        var scheduler = new PlateauScheduler(new PlateauSpec(Patience: 2), 1e-3, print: printed.Add);
        double[] losses = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95];
        var rates = new List<double>();
        for (var e = 1; e <= losses.Length; e++)
        {
            scheduler.OnEpochEnd(new EpochEnd(Epoch(e, losses[e - 1]), model, optimizer, Stopping: false, Ending: false)).Should().Be(EpochDecision.Continue);
            rates.Add(Optimizers.LearningRate(optimizer));
        }

        scheduler.Cuts.Select(c => c.Epoch).Should().Equal(5, 8); // best at 2; bad 3, 4, 5 → cut; cooldown 0, bad 6, 7, 8 → cut
        rates[3].Should().Be(1e-3);
        rates[4].Should().BeApproximately(1e-4, 1e-18);
        rates[7].Should().BeApproximately(1e-5, 1e-19);
        printed.Should().Equal("Epoch 00005: reducing learning rate of group 0 to 1.0000e-04.", "Epoch 00008: reducing learning rate of group 0 to 1.0000e-05.");
    }

    [Fact]
    public void An_epoch_that_ends_training_anyway_is_no_step_for_the_schedules()
    {
        using var model = nn.Linear(2, 2);
        using var optimizer = Optimizers.Flat(new Adam(1e-3), model.parameters());
        var scheduler = new PlateauScheduler(new PlateauSpec(Patience: 0), 1e-3);
        var stop = new EarlyStopWithCheckpoint(new EarlyStopSpec(Patience: 1), Path.Combine(temp.Path, "best.bin"));
        foreach (var callback in new EpochCallback[] { scheduler, stop })
            callback.OnEpochEnd(new EpochEnd(Epoch(1, 0.5), model, optimizer, Stopping: false, Ending: true));
        scheduler.State.LastEpoch.Should().Be(0);
        stop.BestEpoch.Should().Be(0);
        File.Exists(stop.CheckpointPath).Should().BeFalse();
    }

    [Fact]
    public void Early_stopping_stops_after_patience_bad_epochs_and_its_checkpoint_holds_the_best_epochs_weights()
    {
        using var model = nn.Linear(2, 2);
        using var optimizer = Optimizers.Flat(new Sgd(0.1), model.parameters());
        var printed = new List<string>();
        var stop = new EarlyStopWithCheckpoint(new EarlyStopSpec(Patience: 3), Path.Combine(temp.Path, "best.bin"), print: printed.Add);
        double[] losses = [0.5, 0.4, 0.45, 0.3, 0.35, 0.36, 0.37, 0.2];
        var decisions = new List<EpochDecision>();
        for (var e = 1; e <= losses.Length && (decisions.Count == 0 || decisions[^1] == EpochDecision.Continue); e++)
        {
            using (no_grad())
                foreach (var p in model.parameters()) p.fill_(e); // the weights say which epoch they are from
            decisions.Add(stop.OnEpochEnd(new EpochEnd(Epoch(e, losses[e - 1]), model, optimizer, Stopping: false, Ending: false)));
        }

        decisions.Should().Equal(Enumerable.Repeat(EpochDecision.Continue, 6).Append(EpochDecision.Stop));
        stop.StoppedEpoch.Should().Be(7);
        (stop.BestEpoch, stop.Best).Should().Be((4, 0.3));
        printed.Should().Equal("Early stopping triggered!");
        File.Exists(stop.CheckpointPath).Should().BeFalse("the best weights are written once, when the fit ends");
        stop.OnFitEnd();

        using var restored = nn.Linear(2, 2);
        Checkpoints.Load(restored, stop.CheckpointPath);
        restored.parameters().SelectMany(p => p.data<float>().ToArray()).Should().OnlyContain(w => w == 4f);
    }

    [Fact]
    public void The_notebook_log_prints_the_first_then_every_nth_epoch_but_not_one_a_callback_stops_after()
    {
        var config = new TrainConfig(Epochs: 25, LogEvery: 10);
        var log = new NotebookLog(TestRun(quiet: false), config, EpochLines.Loss);
        using var model = nn.Linear(2, 2);
        using var optimizer = Optimizers.Flat(new Adam(1e-3), model.parameters());

        var output = CaptureConsole(() =>
        {
            foreach (var e in new[] { 1, 2, 10, 11 }) log.OnEpochEnd(new EpochEnd(Epoch(e, 0.25), model, optimizer, Stopping: false, Ending: false));
            log.OnEpochEnd(new EpochEnd(Epoch(21, 0.25), model, optimizer, Stopping: true, Ending: false));
        });
        output.Should().Be("Epoch [1/25], Loss: 0.25\nEpoch [11/25], Loss: 0.25\n");

        var quiet = new NotebookLog(TestRun(quiet: true), config, EpochLines.Loss);
        CaptureConsole(() => quiet.OnEpochEnd(new EpochEnd(Epoch(1, 0.25), model, optimizer, false, false))).Should().BeEmpty();
    }

    [Fact]
    public void The_epoch_line_formats_are_the_notebooks()
    {
        var m = new EpochMetrics(21, 8.21712, 0.96501, 0.456749, 0.87, 1e-3);
        EpochLines.Loss(m, 100).Should().Be("Epoch [21/100], Loss: 0.456749");
        EpochLines.ZeroBasedTrainLoss(m with { ValidLoss = null }, 200).Should().Be("Epoch 20  Loss 8.2171");
        EpochLines.TrainAndValid(m, 200).Should().Be("Epoch [21/200], Train Loss: 8.2171, Train Acc: 0.9650, Valid Loss: 0.4567, Valid Acc: 0.8700");
    }

    static Run TestRun(bool quiet) => new("test", "/", "/tmp", Seed: 1, Epochs: 25, quiet, Quick: false,
        new ParsedArgs(new Dictionary<string, object?>(), false), [], DateTimeOffset.Now, 0, default);

    static string CaptureConsole(Action action)
    {
        var original = Console.Out;
        var capture = new StringWriter();
        Console.SetOut(capture);
        try { action(); }
        finally { Console.SetOut(original); }
        return capture.ToString().ReplaceLineEndings("\n");
    }
}
