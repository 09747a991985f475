using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// <c>trainer.fit(…, ckpt_path=…)</c>: a fit resumed from the checkpoint after epoch k ends exactly where the
/// uninterrupted fit ends (history, weights, optimiser state, callbacks), with shuffled batches and the flat Adam the
/// scripts train with.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class TrainerResumeTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    const int Epochs = 5;

    static TensorData Blobs(int n, int seed)
    {
        manual_seed(seed);
        var x = randn(n, 2);
        var y = (x[.., 0] * x[.., 1]).gt(0).to_type(ScalarType.Int64); // XOR-like: the fit keeps improving for a while
        return new TensorData(x, y);
    }

    static LitTask Task() => new(
        Build: () => Nets.Mlp(new MlpSpec(2, [8], 2, Activation.ReLU)),
        TrainingStep: s => Step(s, "train"),
        ValidationStep: s => Step(s, "valid"),
        TestStep: s => Step(s, "test"),
        ConfigureOptimizers: m => Optimizers.Flat(new Adam(LearningRate: 0.03), m.parameters()));

    static StepOutput Step(StepInput s, string stage)
    {
        var logits = s.Model.call(s.Batch.X);
        var loss = nn.functional.cross_entropy(logits, s.Batch.Y);
        return new StepOutput(loss, new Dictionary<string, double> { [$"{stage}_loss"] = loss.item<float>(), [$"{stage}_acc"] = Metrics.AccuracyOfLogits(logits, s.Batch.Y) });
    }

    sealed record Outcome(IReadOnlyList<EpochLog> Epochs, float[] Weights, float[] Moments, ModelCheckpoint Checkpoint, EarlyStopping EarlyStopping,
        string[] Files, IReadOnlyDictionary<string, double> Test);

    Outcome Fit(string name, int maxEpochs, string? ckptPath = null, int seed = 7)
    {
        using var train = Blobs(96, seed: 1);
        using var valid = Blobs(32, seed: 2);
        var data = DataModules.FromTensors(train, valid, valid, batchSize: 16, shuffleTrain: true);
        var dir = Path.Combine(temp.Path, name);
        var checkpoint = new ModelCheckpoint(dir, monitor: "valid_acc", mode: MonitorMode.Max, saveLast: true);
        var earlyStopping = new EarlyStopping("valid_loss", patience: 50);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: maxEpochs, ProgressBar: false), [checkpoint, new LearningRateMonitor(), earlyStopping]);
        manual_seed(seed);
        var fit = trainer.Fit(Task(), data, ckptPath);
        fit.Status.Should().Be(RunStatus.Completed);
        var test = trainer.Test(Task(), data, ckpt: "best");
        var moments = OptimizerStates.ToPyTorch(trainer.Optimizer!);
        var state = (Dictionary<object, object?>)moments["state"]!;
        var flatMoments = state.Values.Cast<Dictionary<object, object?>>().SelectMany(e => ((Tensor)e["exp_avg"]!).data<float>().ToArray().Concat(((Tensor)e["exp_avg_sq"]!).data<float>().ToArray())).ToArray();
        Tensors.DisposeAll(moments);
        // The weights after the last epoch (Test restored the best into the model, so read them from last.ckpt).
        using var last = Task().Build();
        Checkpoints.Load(last, Path.Combine(dir, ModelCheckpoint.LastName));
        return new Outcome(fit.Epochs, last.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray(), flatMoments, checkpoint, earlyStopping,
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!, test);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Resuming_after_k_epochs_gives_the_uninterrupted_fit(int k)
    {
        var whole = Fit("whole", Epochs);
        var first = Fit("first", k);
        // Another seed before the resumed fit: what it draws (the model's init, the shuffling) must come from the checkpoint.
        var resumed = Fit("resumed", Epochs, ckptPath: Path.Combine(temp.Path, "first", ModelCheckpoint.LastName), seed: 1234);

        first.Epochs.Should().HaveCount(k);
        // The logs before the resume come from the checkpoint, the rest are recomputed: all exactly the uninterrupted ones.
        resumed.Epochs.Select(Row).Should().Equal(whole.Epochs.Select(Row));
        resumed.Epochs.Should().HaveCount(Epochs);
        resumed.Weights.Should().Equal(whole.Weights);
        resumed.Moments.Should().Equal(whole.Moments, "Adam's moments and step count go on from the checkpoint");
        resumed.Checkpoint.BestEpoch.Should().Be(whole.Checkpoint.BestEpoch);
        resumed.Checkpoint.BestModelScore.Should().Be(whole.Checkpoint.BestModelScore);
        resumed.Files.Should().Equal(whole.Files, "the resumed run's folder holds its best (copied when it is from before the resume) and last.ckpt");
        resumed.EarlyStopping.State.Should().Be(whole.EarlyStopping.State);
        resumed.Test.Should().Equal(whole.Test);
    }

    static string Row(EpochLog e) =>
        $"{e.Epoch} {e.Step} " + string.Join(" ", e.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value:R}"));

    [Fact]
    public void Weights_alone_do_not_resume_a_fit_the_optimiser_and_shuffling_state_matter()
    {
        var whole = Fit("whole", Epochs);
        Fit("first", 2);
        using var train = Blobs(96, seed: 1);
        using var valid = Blobs(32, seed: 2);
        var data = DataModules.FromTensors(train, valid, valid, batchSize: 16, shuffleTrain: true);
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: Epochs - 2, ProgressBar: false));
        manual_seed(7);
        var task = Task() with { Build = () => { var m = Nets.Mlp(new MlpSpec(2, [8], 2, Activation.ReLU)); Checkpoints.Load(m, Path.Combine(temp.Path, "first", ModelCheckpoint.LastName)); return m; } };
        var fromWeights = trainer.Fit(task, data);
        fromWeights.Epochs[^1].Metrics["train_loss"].Should().NotBe(whole.Epochs[^1].Metrics["train_loss"]);
    }

    [Fact]
    public void The_checkpoint_is_laid_out_as_lightnings_and_its_weights_load_as_a_state_dict()
    {
        var whole = Fit("whole", 2);
        var path = Path.Combine(temp.Path, "whole", ModelCheckpoint.LastName);
        var contents = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(path);
        try
        {
            contents.Keys.Cast<string>().Should().Contain(["epoch", "global_step", "state_dict", "optimizer_states", "lr_schedulers", "callbacks", "hyper_parameters"]);
            Convert.ToInt32(contents["epoch"]).Should().Be(1);
            Convert.ToInt64(contents["global_step"]).Should().Be(whole.Epochs[^1].Step);
            ((System.Collections.IDictionary)contents["state_dict"]!).Keys.Cast<string>().Should().BeEquivalentTo(["model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"]);
            ((System.Collections.IDictionary)contents["callbacks"]!).Keys.Cast<string>().Should().Contain(k => k.StartsWith("ModelCheckpoint{'monitor': 'valid_acc'"))
                .And.Contain("EarlyStopping{'monitor': 'valid_loss', 'mode': 'min'}");
        }
        finally { Tensors.DisposeAll(contents); }

        using var model = Task().Build();
        Checkpoints.Load(model, path);
        model.parameters().SelectMany(p => p.data<float>().ToArray()).Should().Equal(whole.Weights, "--weights takes a .ckpt too");
    }

    [Fact]
    public void A_missing_weights_only_or_foreign_checkpoint_is_a_clear_error_before_training()
    {
        Fit("whole", 1);
        using var train = Blobs(32, seed: 1);
        var data = DataModules.FromTensors(train, train, train, batchSize: 16);
        Action Resume(string path, LitTask? task = null) => () =>
        {
            using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2, ProgressBar: false));
            trainer.Fit(task ?? Task(), data, ckptPath: path);
        };
        Resume(Path.Combine(temp.Path, "nowhere.ckpt")).Should().Throw<Ch13Exception>().WithMessage("*no such file*").Which.ExitCode.Should().Be(1);
        var pth = Directory.GetFiles(Path.Combine(temp.Path, "whole"), "*.pth").Single();
        Resume(pth).Should().Throw<Ch13Exception>().WithMessage("*holds no 'epoch'*--weights*");
        var wider = Task() with { Build = () => Nets.Mlp(new MlpSpec(2, [16], 2, Activation.ReLU)) };
        Resume(Path.Combine(temp.Path, "whole", ModelCheckpoint.LastName), wider).Should().Throw<Ch13Exception>().WithMessage("*does not fit this model*[8]*[16]*");
        var text = Path.Combine(temp.Path, "text.ckpt");
        File.WriteAllText(text, "not a checkpoint");
        Resume(text).Should().Throw<Ch13Exception>().WithMessage("*not a trainer checkpoint*");
    }
}
