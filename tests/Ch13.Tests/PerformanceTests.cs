using Ch13.Bench;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ch13.Tests;

/// <summary>
/// The optimisations keep the numbers: flat optimisers against TorchSharp's own, bit for bit; the loop's batching and
/// accuracy shortcuts against the plain forms; memory flat across epochs; and the benchmark's smoke run. No timings.
/// </summary>
[Collection(TorchGlobalState.Name)]
public class PerformanceTests
{
    static readonly MlpSpec Xor = new(2, [10, 6], 2);
    static readonly MlpSpec AutoMpg = new(9, [10, 6, 4], 1, Activation.ReLU);
    static readonly MlpSpec MnistMlp = new(784, [32, 16], 10, Activation.ReLU);

    /// <summary>Trains two copies of a model on the same batches, one per optimiser; returns both parameter lists.</summary>
    static (float[][] Reference, float[][] Flat) TrainTwins(MlpSpec spec, Func<IEnumerable<Parameter>, optim.Optimizer> reference,
        Func<IEnumerable<Parameter>, optim.Optimizer> flat, int steps, int batch = 20, Action<int, (nn.Module, optim.Optimizer), (nn.Module, optim.Optimizer)>? between = null,
        int zeroInputs = 0)
    {
        manual_seed(5);
        using var x = randn(batch * 7, spec.InputSize);
        using (no_grad()) x.narrow(1, 0, zeroInputs).zero_(); // inputs that are always zero, as MNIST's border pixels
        using var y = randint(0, Math.Max(spec.OutputSize, 2), batch * 7);
        using var target = randn(batch * 7);
        manual_seed(1);
        using var a = Nets.Mlp(spec);
        manual_seed(1);
        using var b = Nets.Mlp(spec);
        using var optA = reference(a.parameters());
        using var optB = flat(b.parameters());
        for (var step = 0; step < steps; step++)
        {
            between?.Invoke(step, (a, optA), (b, optB));
            foreach (var (model, optimizer) in new[] { (a, optA), (b, optB) })
            {
                using var scope = NewDisposeScope();
                var xb = x.narrow(0, step % 7 * batch, batch);
                optimizer.zero_grad();
                var output = model.call(xb);
                var loss = spec.OutputSize == 1
                    ? nn.functional.mse_loss(output.select(1, 0), target.narrow(0, step % 7 * batch, batch))
                    : nn.functional.cross_entropy(output, y.narrow(0, step % 7 * batch, batch));
                loss.backward();
                optimizer.step();
            }
        }
        return (Values(a), Values(b));
    }

    static float[][] Values(nn.Module model) => model.parameters().Select(p => p.data<float>().ToArray()).ToArray();

    [Theory]
    [InlineData(0.0, 0.0, false)]
    [InlineData(0.9, 0.0, false)]
    [InlineData(0.9, 0.01, true)]
    public void Flat_sgd_gives_torchsharps_sgd_numbers_bit_for_bit(double momentum, double weightDecay, bool nesterov)
    {
        foreach (var spec in new[] { Xor, AutoMpg, MnistMlp })
        {
            var (reference, flat) = TrainTwins(spec,
                ps => optim.SGD(ps, 0.01, momentum: momentum, weight_decay: weightDecay, nesterov: nesterov),
                ps => new FlatSgd(ps, 0.01, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov), steps: 60);
            flat.Should().BeEquivalentTo(reference, o => o.WithStrictOrdering());
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Flat_adam_gives_torchsharps_adam_numbers_bit_for_bit(double weightDecay)
    {
        foreach (var spec in new[] { Xor, AutoMpg, MnistMlp })
        {
            var (reference, flat) = TrainTwins(spec, ps => optim.Adam(ps, 0.015, weight_decay: weightDecay),
                ps => new FlatAdam(ps, 0.015, weightDecay: weightDecay), steps: 60);
            flat.Should().BeEquivalentTo(reference, o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void Flat_adam_gives_torchsharps_adam_numbers_where_many_gradients_stay_zero()
    {
        // 300 of 784 inputs always zero: their weights never get a gradient, so Adam's v stays 0 there (AdamDenominator).
        manual_seed(1);
        using var initial = Nets.Mlp(MnistMlp);
        var (reference, flat) = TrainTwins(MnistMlp, ps => optim.Adam(ps, 0.015), ps => new FlatAdam(ps, 0.015), steps: 60, zeroInputs: 300);
        flat.Should().BeEquivalentTo(reference, o => o.WithStrictOrdering());
        var firstWeights = initial.parameters().First().data<float>().ToArray();
        Enumerable.Range(0, 32 * 784).Where(i => i % 784 < 300).Should().OnlyContain(i => flat[0][i] == firstWeights[i], "no gradient, no update");
        Enumerable.Range(0, 32 * 784).Count(i => i % 784 >= 300 && flat[0][i] != firstWeights[i]).Should().BeGreaterThan(32 * 400);
    }

    [Fact]
    public void A_learning_rate_set_by_a_scheduler_applies_to_the_flat_update()
    {
        var (reference, flat) = TrainTwins(Xor, ps => optim.Adam(ps, 0.015), ps => new FlatAdam(ps, 0.015), steps: 40,
            between: (step, a, b) =>
            {
                if (step != 20) return;
                Schedules.SetLearningRate(a.Item2, 0.0015);
                Schedules.SetLearningRate(b.Item2, 0.0015);
            });
        flat.Should().BeEquivalentTo(reference, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Packing_keeps_the_modules_parameters_values_and_gradients()
    {
        manual_seed(1);
        using var model = new MyModule();
        var before = Values(model);
        var handles = model.parameters().Select(p => p.Handle).ToList();
        using var optimizer = new FlatAdam(model.parameters(), 0.015);
        var flat = optimizer.Flat!;
        flat.IsIntact().Should().BeTrue();
        model.parameters().Select(p => p.Handle).Should().Equal(handles);
        Values(model).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        flat.Values.numel().Should().Be(160, "each slice starts on 16 floats (64 bytes): 20+10+60+6+12+2 → 32+16+64+16+16+16");
        model.parameters().All(p => p.requires_grad && p.is_leaf).Should().BeTrue();
    }

    [Fact]
    public void A_checkpoint_loaded_into_a_packed_model_lands_in_the_flat_buffer()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "model.bin");
        manual_seed(1);
        using var saved = new MyModule();
        Checkpoints.Save(saved, path);
        manual_seed(2);
        using var model = new MyModule();
        using var optimizer = new FlatSgd(model.parameters(), 0.1);
        Checkpoints.Load(model, path);
        optimizer.Flat!.IsIntact().Should().BeTrue("the load copied into the packed parameters");
        model.parameters().Select(p => p.Handle).Should().Equal(optimizer.Flat.Parameters.Select(p => p.Handle));
        Values(model).Should().BeEquivalentTo(Values(saved), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Grads_set_to_none_by_the_module_switch_the_flat_optimiser_to_the_per_parameter_update()
    {
        var (reference, flat) = TrainTwins(Xor, ps => optim.Adam(ps, 0.015), ps => new FlatAdam(ps, 0.015), steps: 30,
            between: (step, a, b) =>
            {
                if (step != 10) return;
                a.Item1.zero_grad(set_to_none: true);
                b.Item1.zero_grad(set_to_none: true);
            });
        flat.Should().BeEquivalentTo(reference, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Fit_with_the_flat_optimisers_gives_the_same_history_as_with_torchsharps()
    {
        foreach (var spec in new OptimizerSpec[] { new Adam(0.015), new Sgd(0.01), new Sgd(0.01, Momentum: 0.9) })
        {
            var data = Data.Xor(count: 300);
            using var train = Data.ToTensors(data.Train);
            using var valid = Data.ToTensors(data.Test);
            History Run(Func<nn.Module, optim.Optimizer> create)
            {
                manual_seed(3);
                using var model = new MyModule();
                using var optimizer = create(model);
                return Training.Fit(model, optimizer, train, valid, new TrainConfig(Epochs: 4), new CrossEntropy());
            }
            var reference = Run(m => StepRig.Naive(spec, m));
            var flat = Run(m => Optimizers.Flat(spec, m.parameters()));
            flat.Epochs.Should().Equal(reference.Epochs);
        }
    }

    [Fact]
    public void Batch_accuracy_from_managed_labels_equals_the_tensor_accuracy()
    {
        manual_seed(7);
        foreach (var n in new[] { 1, 2, 3, 7, 8, 20, 33, 64, 70 })
        {
            using var logits = randn(n, 10);
            using var labels = randint(0, 10, n);
            var managed = labels.data<long>().ToArray();
            var order = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
            Training.BatchAccuracy(logits, managed, order, 0, n).Should().Be(Metrics.AccuracyOfLogits(logits, labels));
        }
    }

    [Fact]
    public void Live_tensors_return_to_the_same_count_after_every_epoch()
    {
        var data = Data.Xor(count: 200);
        using var train = Data.ToTensors(data.Train);
        using var valid = Data.ToTensors(data.Test);
        foreach (var spec in new OptimizerSpec[] { new Adam(0.015), new Sgd(0.01, Momentum: 0.9) })
        {
            using var model = new MyModule();
            var counts = new List<long>();
            Training.Fit(model, train, valid, new TrainConfig(Epochs: 5), spec, new CrossEntropy(),
                new FitHooks([new OnEachEpoch(_ => counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount))]));
            counts.Should().HaveCount(5).And.OnlyContain(c => c == counts[0], "nothing a step or an epoch makes outlives it");
        }
    }

    [Fact]
    public void The_benchmark_smoke_run_fills_every_row_it_measures_and_writes_bench_json()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "bench.json");
        var options = BenchOptions.Parse(["--smoke", "--no-scripts", "--only", "steps,loops", "--out", file, "--repo", TestPaths.RepoRoot, "--data", TestData.Root]);
        var report = Workloads.Run(options, TextWriter.Null);
        report.Failures.Should().BeEmpty();
        report.Table.Select(r => r.Id).Should().Equal(Targets.All.Select(t => t.Id));
        report.Table.Where(r => r.Id.StartsWith("step_")).Should().OnlyContain(r => r.Measured > 0 && r.Before > 0);
        report.Loops.Select(l => l.Id).Should().Equal("auto_mpg", "mnist_subset", "mnist_full", "xor");
        report.Loops.Should().OnlyContain(l => l.Steps > 0 && l.LiveTensorGrowth == 0);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        json["table"]!.AsArray().Should().HaveCount(Targets.All.Count);
        json["mode"]!.GetValue<string>().Should().Be("smoke");
    }

    [Fact]
    public void The_benchmark_counts_steps_from_a_scripts_metrics_json()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "metrics.json");
        File.WriteAllText(file, """
            { "config": { "train_size": 700, "training": { "batch_size": 20 } },
              "results": { "linear": { "history": [{}, {}] }, "mlp": { "history": [{}, {}, {}] } },
              "timings": { "train_seconds": 1.5 } }
            """);
        ScriptRuns.ReadMetrics(file).Should().Be((1.5, 5L * 35));
    }
}
