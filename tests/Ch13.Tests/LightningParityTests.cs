using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// Lightning parity of the trainer's console and plots (lib/lightning): the ModelSummary table, the "`Trainer.fit`
/// stopped" line, test metrics in one format, and epochs numbered from 0 in the plot as in the checkpoint names.
/// Seeds torch's global generator and swaps Console.Out, so it runs in the torch collection.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class LightningParityTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static TensorData TinyData(int n)
    {
        manual_seed(5);
        var x = randn(n, 2);
        return new TensorData(x, x[.., 0].gt(0).to_type(ScalarType.Int64));
    }

    static StepOutput Step(StepInput s, string stage)
    {
        var logits = s.Model.call(s.Batch.X);
        var loss = nn.functional.cross_entropy(logits, s.Batch.Y);
        return new StepOutput(loss, new Dictionary<string, double> { [$"{stage}_loss"] = loss.item<float>(), [$"{stage}_acc"] = Metrics.AccuracyOfLogits(logits, s.Batch.Y) });
    }

    static LitTask Task() => new(
        Build: () => { manual_seed(1); return Nets.Mlp(new MlpSpec(2, [4], 2, Activation.ReLU)); },
        TrainingStep: s => Step(s, "train"), ValidationStep: s => Step(s, "valid"), TestStep: s => Step(s, "test"),
        ConfigureOptimizers: m => optim.Adam(m.parameters(), 0.05));

    [Fact]
    public void The_model_summary_is_lightnings_table()
    {
        using var model = Nets.Mlp(new MlpSpec(InputSize: 28 * 28, HiddenUnits: [32, 16], OutputSize: 10, Activation.ReLU, Flatten: true));
        TrainerText.ModelSummaryTable(model).ReplaceLineEndings("\n").Should().Be(
            "  | Name    | Type       | Params | Mode \n" +
            "-----------------------------------------\n" +
            "0 | model   | Sequential | 25.8 K | train\n" +
            "1 | model.0 | Flatten    | 0      | train\n" +
            "2 | model.1 | Linear     | 25.1 K | train\n" +
            "3 | model.2 | ReLU       | 0      | train\n" +
            "4 | model.3 | Linear     | 528    | train\n" +
            "5 | model.4 | ReLU       | 0      | train\n" +
            "6 | model.5 | Linear     | 170    | train\n" +
            "-----------------------------------------\n" +
            "25.8 K     Trainable params\n" +
            "0          Non-trainable params\n" +
            "25.8 K     Total params\n" +
            "0.103      Total estimated model params size (MB)\n" +
            "7          Modules in train mode\n" +
            "0          Modules in eval mode");
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(330, "330")]
    [InlineData(25818, "25.8 K")]
    [InlineData(100480, "100 K")]
    [InlineData(1_234_567, "1.2 M")]
    public void Parameter_counts_read_as_lightning_prints_them(long count, string expected) =>
        TrainerText.HumanCount(count).Should().Be(expected);

    [Fact]
    public void A_fit_that_runs_all_its_epochs_says_so_and_test_metrics_share_one_format()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Environment.SetEnvironmentVariable("CH13_PROGRESS", "plain");
            using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 2));
            trainer.Fit(Task(), data);
            trainer.Test(Task(), data);
        }
        finally
        {
            Console.SetOut(original);
            Environment.SetEnvironmentVariable("CH13_PROGRESS", null);
        }
        var lines = output.ToString().ReplaceLineEndings("\n").Split('\n');
        lines.Should().Contain("`Trainer.fit` stopped: `max_epochs=2` reached.");
        lines.Where(l => l.StartsWith("test_", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.AllSatisfy(l => l.Should().MatchRegex(@"^test_(acc|loss) +\d+\.\d{4} *$"));
    }

    [Fact]
    public void An_early_stopped_fit_does_not_claim_max_epochs()
    {
        using var train = TinyData(8);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Environment.SetEnvironmentVariable("CH13_PROGRESS", "plain");
            using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 50), [new EarlyStopping("valid_loss", patience: 1, minDelta: 10)]);
            trainer.Fit(Task(), data).Status.Should().Be(RunStatus.EarlyStopped);
        }
        finally
        {
            Console.SetOut(original);
            Environment.SetEnvironmentVariable("CH13_PROGRESS", null);
        }
        output.ToString().Should().NotContain("Trainer.fit` stopped");
    }

    [Fact]
    public void The_plot_counts_epochs_from_0_so_the_checkpoint_marker_sits_on_its_epoch()
    {
        using var train = TinyData(16);
        var data = DataModules.FromTensors(train, train, train, batchSize: 4);
        var checkpoint = new ModelCheckpoint(temp.Path, monitor: "valid_acc");
        using var trainer = new Trainer(new TrainerConfig(MaxEpochs: 4, ProgressBar: false), [checkpoint]);
        var fit = trainer.Fit(Task(), data);

        var history = Trainers.ToHistory(fit, firstEpoch: 0);
        history.Epochs.Select(e => e.Epoch).Should().Equal(fit.Epochs.Select(e => e.Epoch), "the plot's x values are Lightning's epochs");
        history.Epochs[0].Epoch.Should().Be(0);
        var best = checkpoint.BestEpoch!.Value;
        Path.GetFileName(checkpoint.BestModelPath).Should().StartWith($"epoch={best}-");
        history.Epochs.Single(e => e.Epoch == best).ValidAccuracy.Should().Be(checkpoint.BestModelScore, "the marker sits on the checkpoint's epoch");
    }
}
