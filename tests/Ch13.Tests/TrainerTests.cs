using static TorchSharp.torch;

namespace Ch13.Tests;

[Collection(TorchGlobalState.Name)]
public class TrainerTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>Records every hook it sees, in order, into a shared list (the fake task writes its steps there too).</summary>
    sealed class Recorder(List<string> calls) : Callback
    {
        public override void OnFitStart(Trainer t) => calls.Add("on_fit_start");
        public override void OnFitEnd(Trainer t) => calls.Add("on_fit_end");
        public override void OnTrainStart(Trainer t) => calls.Add("on_train_start");
        public override void OnTrainEnd(Trainer t) => calls.Add("on_train_end");
        public override void OnTrainEpochStart(Trainer t) => calls.Add("on_train_epoch_start");
        public override void OnTrainEpochEnd(Trainer t) => calls.Add("on_train_epoch_end");
        public override void OnTrainBatchStart(Trainer t, Batch b, int i) => calls.Add($"on_train_batch_start {i}");
        public override void OnTrainBatchEnd(Trainer t, StepOutput o, Batch b, int i) => calls.Add($"on_train_batch_end {i}");
        public override void OnValidationStart(Trainer t) => calls.Add("on_validation_start");
        public override void OnValidationEnd(Trainer t) => calls.Add("on_validation_end");
        public override void OnValidationEpochStart(Trainer t) => calls.Add("on_validation_epoch_start");
        public override void OnValidationEpochEnd(Trainer t) => calls.Add("on_validation_epoch_end");
        public override void OnValidationBatchStart(Trainer t, Batch b, int i) => calls.Add($"on_validation_batch_start {i}");
        public override void OnValidationBatchEnd(Trainer t, StepOutput o, Batch b, int i) => calls.Add($"on_validation_batch_end {i}");
        public override void OnTestStart(Trainer t) => calls.Add("on_test_start");
        public override void OnTestEnd(Trainer t) => calls.Add("on_test_end");
        public override void OnTestEpochStart(Trainer t) => calls.Add("on_test_epoch_start");
        public override void OnTestEpochEnd(Trainer t) => calls.Add("on_test_epoch_end");
        public override void OnTestBatchStart(Trainer t, Batch b, int i) => calls.Add($"on_test_batch_start {i}");
        public override void OnTestBatchEnd(Trainer t, StepOutput o, Batch b, int i) => calls.Add($"on_test_batch_end {i}");
    }

    /// <summary>Blobs-like data: 2 features, 2 classes, <paramref name="n"/> rows.</summary>
    static TensorData TinyData(int n, int seed = 5)
    {
        manual_seed(seed);
        var x = randn(n, 2);
        var y = x[.., 0].gt(0).to_type(ScalarType.Int64);
        return new TensorData(x, y);
    }

    /// <summary>A classifier task whose steps log loss and accuracy (and record that they ran).</summary>
    static LitTask Task(List<string>? calls = null) => new(
        Build: () => { calls?.Add("build"); return Nets.Mlp(new MlpSpec(2, [4], 2, Activation.ReLU)); },
        TrainingStep: s => Step(s, "train"),
        ValidationStep: s => Step(s, "valid"),
        TestStep: s => Step(s, "test"),
        ConfigureOptimizers: m => { calls?.Add("configure_optimizers"); return optim.Adam(m.parameters(), 0.05); });

    static StepOutput Step(StepInput s, string stage, List<string>? calls = null)
    {
        calls?.Add($"{stage}_step {s.BatchIndex}");
        var logits = s.Model.call(s.Batch.X);
        var loss = nn.functional.cross_entropy(logits, s.Batch.Y);
        return new StepOutput(loss, new Dictionary<string, double> { [$"{stage}_loss"] = loss.item<float>(), [$"{stage}_acc"] = Metrics.AccuracyOfLogits(logits, s.Batch.Y) });
    }

    static LitTask RecordingTask(List<string> calls) => new(
        Build: () => { calls.Add("build"); manual_seed(1); return Nets.Mlp(new MlpSpec(2, [4], 2, Activation.ReLU)); },
        TrainingStep: s => Step(s, "training", calls),
        ValidationStep: s => Step(s, "validation", calls),
        TestStep: s => Step(s, "test", calls),
        ConfigureOptimizers: m => { calls.Add("configure_optimizers"); return optim.Adam(m.parameters(), 0.05); });

    [Fact]
    public void Hooks_and_steps_run_in_lightnings_order()
    {
        using var train = TinyData(8);
        using var valid = TinyData(4, seed: 6);
        var data = DataModules.FromTensors(train, valid, valid, batchSize: 4);
        var calls = new List<string>();
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 1, ProgressBar: false), [new Recorder(calls)]);

        trainer.Fit(RecordingTask(calls), data);
        calls.Add("--- test");
        trainer.Test(RecordingTask(calls), data);

        calls.Should().Equal(
            "build", "configure_optimizers", "on_fit_start", "on_train_start", "on_train_epoch_start",
            "on_train_batch_start 0", "training_step 0", "on_train_batch_end 0",
            "on_train_batch_start 1", "training_step 1", "on_train_batch_end 1",
            "on_validation_start", "on_validation_epoch_start",
            "on_validation_batch_start 0", "validation_step 0", "on_validation_batch_end 0",
            "on_validation_epoch_end", "on_validation_end",
            "on_train_epoch_end", "on_train_end", "on_fit_end",
            "--- test",
            "on_test_start", "on_test_epoch_start", "on_test_batch_start 0", "test_step 0", "on_test_batch_end 0",
            "on_test_epoch_end", "on_test_end");
    }

    sealed class ModeProbe : Callback
    {
        public List<string> Seen { get; } = [];
        public override void OnTrainBatchStart(Trainer t, Batch b, int i) => Seen.Add($"train {t.Model!.training} grad {is_grad_enabled()}");
        public override void OnValidationBatchStart(Trainer t, Batch b, int i) => Seen.Add($"valid {t.Model!.training} grad {is_grad_enabled()}");
        public override void OnTestBatchStart(Trainer t, Batch b, int i) => Seen.Add($"test {t.Model!.training} grad {is_grad_enabled()}");
    }

    [Fact]
    public void The_trainer_switches_train_eval_modes_and_gradients()
    {
        using var train = TinyData(4);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var probe = new ModeProbe();
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2, ProgressBar: false), [probe]);
        trainer.Fit(Task(), data);
        trainer.Test(Task(), data);
        probe.Seen.Should().Equal("train True grad True", "valid False grad False", "train True grad True", "valid False grad False", "test False grad False");
    }

    [Fact]
    public void Epoch_metrics_are_batch_size_weighted_means_of_the_step_values()
    {
        using var train = TinyData(6);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4); // batches of 4 and 2
        var task = Task() with
        {
            TrainingStep = s =>
            {
                var loss = nn.functional.cross_entropy(s.Model.call(s.Batch.X), s.Batch.Y);
                return new StepOutput(loss, new Dictionary<string, double> { ["train_index"] = s.BatchIndex });
            },
        };
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 1, ProgressBar: false));
        var fit = trainer.Fit(task, data);
        fit.Epochs.Single().Metrics["train_index"].Should().BeApproximately((0 * 4 + 1 * 2) / 6.0, 1e-12);
        fit.Epochs.Single().Step.Should().Be(2);
        trainer.CallbackMetrics["valid_acc"].Should().BeInRange(0, 1);
    }

    [Fact]
    public void Fitting_learns_and_the_limits_cap_the_batches()
    {
        using var train = TinyData(200);
        using var valid = TinyData(100, seed: 7);
        var data = DataModules.FromTensors(train, valid, valid, batchSize: 20, shuffleTrain: true);
        manual_seed(1);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 15, ProgressBar: false));
        var fit = trainer.Fit(Task(), data);
        fit.Status.Should().Be(RunStatus.Completed);
        fit.Epochs.Should().HaveCount(15);
        fit.Epochs[^1].Metrics["valid_acc"].Should().BeGreaterThan(0.9);
        trainer.Test(Task(), data)["test_acc"].Should().Be(fit.Epochs[^1].Metrics["valid_acc"]);

        using var limited = new Trainer(new TrainerConfig(MaxEpochs: 3, LimitTrainBatches: 2, ProgressBar: false));
        limited.Fit(Task(), data);
        limited.GlobalStep.Should().Be(6);
    }

    sealed class Snapshot : Callback
    {
        public Dictionary<int, float[]> Weights { get; } = [];
        public override void OnValidationEnd(Trainer t) =>
            Weights[t.CurrentEpoch] = t.Model!.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    /// <summary>A task whose validation "accuracy" follows a script, one value per epoch.</summary>
    static LitTask ScriptedValidation(params double[] perEpoch)
    {
        var epoch = -1;
        return Task() with
        {
            ValidationStep = s =>
            {
                if (s.BatchIndex == 0) epoch++;
                var loss = nn.functional.cross_entropy(s.Model.call(s.Batch.X), s.Batch.Y);
                return new StepOutput(loss, new Dictionary<string, double> { ["valid_acc"] = perEpoch[epoch], ["valid_loss"] = 1 - perEpoch[epoch] });
            },
        };
    }

    [Fact]
    public void ModelCheckpoint_keeps_only_the_best_and_test_best_restores_its_weights()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var dir = Path.Combine(temp.Path, "checkpoints");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "epoch=99-step=1.ckpt"), "left over from an earlier run");
        File.WriteAllText(Path.Combine(dir, "epoch=99-step=1.pth"), "left over from an earlier run");
        var checkpoint = new ModelCheckpoint(dir, monitor: "valid_acc", mode: MonitorMode.Max);
        var snapshot = new Snapshot();
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 4, ProgressBar: false), [checkpoint, snapshot]);

        var fit = trainer.Fit(ScriptedValidation(0.5, 0.8, 0.8, 0.7), data);

        checkpoint.BestEpoch.Should().Be(1, "0.8 at epoch 2 is not strictly better");
        checkpoint.BestModelScore.Should().Be(0.8);
        fit.BestModelPath.Should().Be(Path.Combine(dir, "epoch=1-step=4.ckpt"));
        Directory.GetFiles(dir).Select(Path.GetFileName).Should().BeEquivalentTo(["epoch=1-step=4.ckpt", "epoch=1-step=4.pth"],
            "each best is saved twice, for TorchSharp and PyTorch; earlier ones of both go");
        Checkpoints.Detect(Path.Combine(dir, "epoch=1-step=4.pth")).Should().Be(CheckpointFormat.PyTorch);
        snapshot.Weights[3].Should().NotEqual(snapshot.Weights[1]);

        trainer.Test(Task(), data, ckpt: "best");
        trainer.Model!.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(snapshot.Weights[1]);
        using var fromPth = Task().Build();
        Checkpoints.Load(fromPth, Path.Combine(dir, "epoch=1-step=4.pth"));
        fromPth.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(snapshot.Weights[1], "the .pth holds the same weights");
    }

    [Fact]
    public void ModelCheckpoint_keeps_an_earlier_runs_checkpoint_until_this_fit_saves_its_own()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var dir = Path.Combine(temp.Path, "checkpoints");
        Directory.CreateDirectory(dir);
        var earlier = Path.Combine(dir, "epoch=3-step=8.ckpt");
        File.WriteAllText(earlier, "the previous run's best");

        // A rerun that ends before any checkpoint is saved (here: no epoch gives a valid_acc; as a kill or Ctrl+C
        // before the first validation would): the earlier run's checkpoint is still there.
        var interrupted = new ModelCheckpoint(dir, monitor: "valid_acc", mode: MonitorMode.Max);
        using (var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2, ProgressBar: false), [interrupted]))
            trainer.Fit(ScriptedValidation(double.NaN, double.NaN), data);
        interrupted.BestModelPath.Should().BeNull();
        File.ReadAllText(earlier).Should().Be("the previous run's best");

        // Once a fit saves its own, the earlier one goes: the folder holds only this fit's best.
        var rerun = new ModelCheckpoint(dir, monitor: "valid_acc", mode: MonitorMode.Max);
        using (var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2, ProgressBar: false), [rerun]))
            trainer.Fit(ScriptedValidation(0.5, 0.4), data);
        Directory.GetFiles(dir).Select(Path.GetFileName).Should().BeEquivalentTo(["epoch=0-step=2.ckpt", "epoch=0-step=2.pth"]);
    }

    [Fact]
    public void Test_best_without_a_checkpoint_is_a_clear_error()
    {
        using var train = TinyData(4);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 1, ProgressBar: false));
        FluentActions.Invoking(() => trainer.Test(Task(), data, ckpt: "best")).Should().Throw<Ch13Exception>().WithMessage("*ModelCheckpoint*");
    }

    [Fact]
    public void EarlyStopping_stops_after_patience_epochs_without_improvement()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var earlyStopping = new EarlyStopping("valid_loss", patience: 2);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 10, ProgressBar: false), [earlyStopping]);
        var fit = trainer.Fit(ScriptedValidation(0.5, 0.6, 0.6, 0.55, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9), data); // valid_loss = 1 - acc
        fit.Status.Should().Be(RunStatus.EarlyStopped);
        earlyStopping.StoppedEpoch.Should().Be(3);
        fit.Epochs.Should().HaveCount(4);
    }

    [Fact]
    public void LearningRateMonitor_logs_lr_under_the_optimizer_name_and_metrics_csv_follows_the_csv_logger()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2, ProgressBar: false, LogDir: temp.Path), [new LearningRateMonitor()]);
        var fit = trainer.Fit(Task(), data);
        fit.Epochs.Select(e => e.Metrics["lr-Adam"]).Should().Equal(0.05, 0.05);
        trainer.Test(Task(), data);

        var lines = File.ReadAllLines(Path.Combine(temp.Path, "lightning_logs", "version_0", "metrics.csv"));
        lines[0].Should().Be("epoch,step,lr-Adam,test_acc,test_loss,train_acc,train_loss,valid_acc,valid_loss");
        lines.Should().HaveCount(4);
        lines[1].Should().StartWith("0,2,0.05,,,");
        lines[3].Should().MatchRegex(@"^1,4,,[0-9.E-]+,[0-9.E-]+,,,,$");

        var history = Trainers.ToHistory(fit);
        history.Epochs.Select(e => e.Epoch).Should().Equal(1, 2);
        history.Epochs[1].ValidAccuracy.Should().Be(fit.Epochs[1].Metrics["valid_acc"]);
        history.Epochs[1].LearningRate.Should().Be(0.05);
    }

    [Fact]
    public void The_csv_logger_writes_lightning_logs_version_n_with_hparams_yaml_and_counts_versions_up()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var task = Task() with { Hparams = new Dictionary<string, object> { ["lr"] = 0.05, ["hidden_units"] = new[] { 32, 16 }, ["name"] = "tiny" } };
        for (var run = 0; run < 2; run++)
        {
            using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 1, ProgressBar: false, LogDir: temp.Path));
            trainer.Fit(task, data);
            trainer.Callbacks.OfType<CsvLogger>().Single().Version.Should().Be(run);
        }

        var logs = Path.Combine(temp.Path, "lightning_logs");
        Directory.GetDirectories(logs).Select(Path.GetFileName).Should().BeEquivalentTo("version_0", "version_1");
        File.ReadAllText(Path.Combine(logs, "version_1", "hparams.yaml")).Should().Be("hidden_units:\n- 32\n- 16\nlr: 0.05\nname: tiny\n");
        File.ReadAllLines(Path.Combine(logs, "version_1", "metrics.csv")).Should().HaveCount(2);
        File.Exists(Path.Combine(temp.Path, "metrics.csv")).Should().BeFalse();

        using var given = new Trainer(new TrainerConfig(MaxEpochs: 1, ProgressBar: false, LogDir: temp.Path, LogVersion: 7));
        given.Test(Task(), data); // no hparams: Lightning's "{}"
        File.ReadAllText(Path.Combine(logs, "version_7", "hparams.yaml")).Should().Be("{}\n");
        File.ReadAllLines(Path.Combine(logs, "version_7", "metrics.csv")).Should().HaveCount(2);
        LightningLogs.NextVersion(logs, Path.Combine(temp.Path, "missing")).Should().Be(8);
        LightningLogs.NextVersion(Path.Combine(temp.Path, "missing")).Should().Be(0);
    }

    [Fact]
    public void The_config_adds_a_progress_bar_that_prints_each_epochs_line_and_a_csv_logger()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2, LogDir: temp.Path), [new LearningRateMonitor()]);
        trainer.Callbacks.Select(c => c.GetType()).Should().Equal(typeof(LearningRateMonitor), typeof(TrainerProgressBar), typeof(CsvLogger));

        var original = Console.Out;
        var previous = Environment.GetEnvironmentVariable("CH13_PROGRESS");
        var capture = new StringWriter();
        Environment.SetEnvironmentVariable("CH13_PROGRESS", "plain"); // what a pipe gets
        Console.SetOut(capture);
        try { trainer.Fit(Task(), data); }
        finally
        {
            Console.SetOut(original);
            Environment.SetEnvironmentVariable("CH13_PROGRESS", previous);
        }

        capture.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().SatisfyRespectively(
            first => first.Should().MatchRegex(@"^Epoch 0/1: 2 batches, [\d.]+ s, \d+ it/s, lr-Adam=0\.050$"),
            firstMetrics => firstMetrics.Should().MatchRegex(@"^  train_acc=[\d.]+ train_loss=[\d.]+ valid_acc=[\d.]+ valid_loss=[\d.]+$"),
            second => second.Should().StartWith("Epoch 1/1: 2 batches, "),
            secondMetrics => secondMetrics.Should().StartWith("  train_acc="),
            last => last.Should().Be("`Trainer.fit` stopped: `max_epochs=2` reached."));
        File.ReadAllLines(Path.Combine(temp.Path, "lightning_logs", "version_0", "metrics.csv")).Should().HaveCount(3);
    }

    /// <summary>Cancels after training batch <paramref name="index"/> of epoch <paramref name="epoch"/> (Lightning's, from 0).</summary>
    sealed class CancelAt(CancellationTokenSource cancel, int epoch, int index) : Callback
    {
        public override void OnTrainBatchEnd(Trainer t, StepOutput output, Batch batch, int batchIndex)
        {
            if (t.CurrentEpoch == epoch && batchIndex == index) cancel.Cancel();
        }
    }

    [Fact]
    public void An_epoch_cut_mid_way_is_logged_partial_and_says_so()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        using var cancel = new CancellationTokenSource();
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 5, ProgressBar: false), [new CancelAt(cancel, epoch: 1, index: 0)], cancel.Token);
        var fit = trainer.Fit(Task(), data);

        fit.Status.Should().Be(RunStatus.Interrupted);
        fit.Epochs.Select(e => e.Partial).Should().Equal(null, new EpochCut(1, 2));
        Trainers.ToHistory(fit).Epochs.Select(e => e.Partial).Should().Equal(null, new EpochCut(1, 2));
        TrainerText.ProgressLine(1, 5, 1, 0.5, fit.Epochs[1].Metrics, fit.Epochs[1].Partial).Split('\n')[0]
            .Should().Be("Epoch 1/4 (partial: 1/2 batches): 0.5 s, 2 it/s");
    }

    [Fact]
    public void Fit_leaves_no_live_tensors_behind()
    {
        using var train = TinyData(40);
        var data = DataModules.FromTensors(train, train, train, batchSize: 8, shuffleTrain: true);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 1, ProgressBar: false));
        trainer.Fit(Task(), data); // builds the model and optimiser
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Fit(Task(), data);
        trainer.Test(Task(), data);
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }

    [Fact]
    public void A_cancelled_fit_stops_and_says_interrupted()
    {
        using var train = TinyData(40);
        var data = DataModules.FromTensors(train, train, train, batchSize: 8);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 5, ProgressBar: false), cancel: cancel.Token);
        var fit = trainer.Fit(Task(), data);
        fit.Status.Should().Be(RunStatus.Interrupted);
        trainer.GlobalStep.Should().Be(1);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("tpu")]
    public void Devices_other_than_cpu_are_usage_errors_here(string device)
    {
        FluentActions.Invoking(() => new Trainer(new TrainerConfig(Device: device))).Should().Throw<Ch13Exception>().Which.ExitCode.Should().Be(2);
        Devices.Parse("CPU").type.Should().Be(DeviceType.CPU);
    }

    [Fact]
    public void RandomSplit_matches_pytorchs_random_split_with_a_seeded_generator()
    {
        // PyTorch: torch.randperm(10, generator=torch.Generator().manual_seed(42)) == [2, 6, 1, 8, 4, 5, 0, 9, 3, 7]
        var parts = DataModules.RandomSplit(10, [7, 3], seed: 42);
        parts[0].Should().Equal(2, 6, 1, 8, 4, 5, 0);
        parts[1].Should().Equal(9, 3, 7);
        DataModules.SequentialSplit([3, 2]).Should().BeEquivalentTo(new[] { new long[] { 0, 1, 2 }, [3, 4] }, o => o.WithStrictOrdering());
        FluentActions.Invoking(() => DataModules.RandomSplit(10, [7, 2], seed: 1)).Should().Throw<ArgumentException>();
    }
}
