using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ch13.Bench;

/// <summary>Which optimiser implementation a step uses: TorchSharp's own (per parameter) or the lib's (what the loop uses).</summary>
public enum StepImpl { Naive, Lib }

/// <summary>One of the step workloads: the model, the batch and the optimiser.</summary>
public sealed record StepCase(string Id, MlpSpec Model, int BatchSize, OptimizerSpec Optimizer, string Description)
{
    public static readonly StepCase SmallSgd = new("step_small_sgd", new MlpSpec(2, [10, 6], 2), 20, new Sgd(0.01),
        "one step, 2→10→6→2 sigmoid MLP, batch 20, SGD");
    public static readonly StepCase SmallAdam = new("step_small_adam", new MlpSpec(2, [10, 6], 2), 20, new Adam(0.015),
        "one step, 2→10→6→2 sigmoid MLP, batch 20, Adam");
    public static readonly StepCase LargeAdam = new("step_large_adam", new MlpSpec(784, [256, 128], 10, Activation.ReLU), 1024, new Adam(0.001),
        "one step, 784→256→128→10 ReLU MLP, batch 1024, Adam");
    public static readonly StepCase LargeSgd = new("step_large_sgd", new MlpSpec(784, [256, 128], 10, Activation.ReLU), 1024, new Sgd(0.01),
        "one step, 784→256→128→10 ReLU MLP, batch 1024, SGD");

    public static IReadOnlyList<StepCase> All { get; } = [SmallSgd, SmallAdam, LargeAdam, LargeSgd];

    public bool Large => BatchSize >= 1000;
}

/// <summary>
/// A ready-to-step model: one training step is zero_grad, forward, loss, backward and the optimiser step (what the
/// issue's breakdown adds up), on a fixed random batch, inside a dispose scope.
/// </summary>
public sealed class StepRig : IDisposable
{
    readonly nn.Module<Tensor, Tensor> model;
    readonly optim.Optimizer optimizer;
    readonly Tensor x;
    readonly Tensor y;

    public StepRig(StepCase step, StepImpl impl)
    {
        manual_seed(1);
        model = Nets.Mlp(step.Model);
        x = randn(step.BatchSize, step.Model.InputSize);
        y = randint(0, step.Model.OutputSize, step.BatchSize);
        optimizer = impl == StepImpl.Lib ? Optimizers.Flat(step.Optimizer, model.parameters()) : Naive(step.Optimizer, model);
        model.train();
    }

    /// <summary>TorchSharp's optimisers as the loop created them before the flat ones.</summary>
    public static optim.Optimizer Naive(OptimizerSpec spec, nn.Module model) => spec switch
    {
        Sgd sgd => optim.SGD(model.parameters(), sgd.LearningRate, momentum: sgd.Momentum, weight_decay: sgd.WeightDecay),
        Adam adam => optim.Adam(model.parameters(), adam.LearningRate, weight_decay: adam.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    public float Step()
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>One step with each phase's ticks added to <paramref name="ticks"/>: zero_grad, forward, loss, backward, step, item.</summary>
    public void TimedStep(long[] ticks)
    {
        using var scope = NewDisposeScope();
        var t0 = Stopwatch.GetTimestamp();
        optimizer.zero_grad();
        var t1 = Stopwatch.GetTimestamp();
        var output = model.call(x);
        var t2 = Stopwatch.GetTimestamp();
        var loss = nn.functional.cross_entropy(output, y);
        var t3 = Stopwatch.GetTimestamp();
        loss.backward();
        var t4 = Stopwatch.GetTimestamp();
        optimizer.step();
        var t5 = Stopwatch.GetTimestamp();
        loss.item<float>();
        var t6 = Stopwatch.GetTimestamp();
        ticks[0] += t1 - t0; ticks[1] += t2 - t1; ticks[2] += t3 - t2; ticks[3] += t4 - t3; ticks[4] += t5 - t4; ticks[5] += t6 - t5;
    }

    public static readonly string[] Phases = ["zero_grad", "forward", "loss", "backward", "step", "item"];

    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
        x.Dispose();
        y.Dispose();
    }
}

/// <summary>Times steps in-process: naive and lib rigs alternate rounds (and which goes first), so both see the same machine load.</summary>
public static class StepTimer
{
    /// <summary>Median microseconds per step over <paramref name="rounds"/> rounds of <paramref name="steps"/> steps, per implementation.</summary>
    public static IReadOnlyDictionary<StepImpl, double> Measure(StepCase step, int steps, int rounds, int warmup)
    {
        using var naive = new StepRig(step, StepImpl.Naive);
        using var lib = new StepRig(step, StepImpl.Lib);
        var rigs = new[] { (StepImpl.Naive, naive), (StepImpl.Lib, lib) };
        foreach (var (_, rig) in rigs)
            for (var i = 0; i < warmup; i++) rig.Step();
        var samples = rigs.ToDictionary(r => r.Item1, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
            foreach (var (impl, rig) in round % 2 == 0 ? rigs : rigs.Reverse()) // who goes first alternates too
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < steps; i++) rig.Step();
                samples[impl].Add(clock.Elapsed.TotalMicroseconds / steps);
            }
        return samples.ToDictionary(kv => kv.Key, kv => Stats.Median(kv.Value));
    }

    /// <summary>Where a step's time goes (µs per phase, medians over rounds), per implementation.</summary>
    public static IReadOnlyDictionary<StepImpl, IReadOnlyDictionary<string, double>> Phases(StepCase step, int steps, int rounds, int warmup)
    {
        using var naive = new StepRig(step, StepImpl.Naive);
        using var lib = new StepRig(step, StepImpl.Lib);
        var rigs = new[] { (StepImpl.Naive, naive), (StepImpl.Lib, lib) };
        var scratch = new long[StepRig.Phases.Length];
        foreach (var (_, rig) in rigs)
            for (var i = 0; i < warmup; i++) rig.TimedStep(scratch);
        var samples = rigs.ToDictionary(r => r.Item1, _ => StepRig.Phases.ToDictionary(p => p, _ => new List<double>()));
        for (var round = 0; round < rounds; round++)
            foreach (var (impl, rig) in round % 2 == 0 ? rigs : rigs.Reverse())
            {
                var ticks = new long[StepRig.Phases.Length];
                for (var i = 0; i < steps; i++) rig.TimedStep(ticks);
                for (var p = 0; p < ticks.Length; p++)
                    samples[impl][StepRig.Phases[p]].Add(ticks[p] * 1e6 / Stopwatch.Frequency / steps);
            }
        return samples.ToDictionary(kv => kv.Key,
            kv => (IReadOnlyDictionary<string, double>)kv.Value.ToDictionary(p => p.Key, p => Stats.Median(p.Value)));
    }
}
