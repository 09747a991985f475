namespace Ch13.Tests;

/// <summary>
/// ReduceLROnPlateau and early stopping on synthetic metric sequences. Expected epochs come from PyTorch's step():
/// a bad epoch is one not better than best·(1 − threshold); the cut happens on the step where num_bad_epochs
/// exceeds patience, i.e. patience + 1 bad epochs after the best; last_epoch starts at 0, so the first step is epoch 1.
/// </summary>
[Collection(TorchGlobalState.Name)] // one test builds a Linear (draws initial weights)
public class SchedulesTests
{
    static List<PlateauState> RunPlateau(PlateauSpec spec, IEnumerable<double> metrics, double lr = 1e-3)
    {
        var state = Schedules.StartPlateau(spec, lr);
        var states = new List<PlateauState>();
        foreach (var m in metrics) states.Add(state = Schedules.StepPlateau(spec, state, m));
        return states;
    }

    static int[] CutEpochs(IEnumerable<PlateauState> states) => states.Where(s => s.Reduced).Select(s => s.LastEpoch).ToArray();

    [Fact]
    public void A_flat_loss_cuts_the_learning_rate_after_patience_plus_one_bad_epochs()
    {
        var states = RunPlateau(new PlateauSpec(Patience: 10), Enumerable.Repeat(1.0, 30));
        CutEpochs(states).Should().Equal(12, 23);
        states[11].LearningRate.Should().BeApproximately(1e-4, 1e-18);
        states[22].LearningRate.Should().BeApproximately(1e-5, 1e-19);
        states[^1].NumBadEpochs.Should().Be(7);
    }

    [Fact]
    public void A_best_at_epoch_12_gives_the_notebooks_cuts_at_23_and_34()
    {
        // Improving until epoch 12, then never better: the notebook's MNIST valid-loss shape.
        var losses = Enumerable.Range(1, 12).Select(e => 2.0 - 0.1 * e).Concat(Enumerable.Repeat(1.5, 30));
        CutEpochs(RunPlateau(new PlateauSpec(Patience: 10), losses)).Should().Equal(23, 34);
    }

    [Fact]
    public void Improvements_smaller_than_the_relative_threshold_count_as_bad_epochs()
    {
        // 1.0 → 0.99995 is a 5e-5 relative gain, below threshold 1e-4: still a plateau.
        var losses = new[] { 1.0 }.Concat(Enumerable.Range(1, 11).Select(i => 1.0 - 5e-6 * i));
        var states = RunPlateau(new PlateauSpec(Patience: 10), losses);
        CutEpochs(states).Should().Equal(12);
        states[^1].Best.Should().Be(1.0);
    }

    [Fact]
    public void Absolute_threshold_mode_compares_differences()
    {
        var spec = new PlateauSpec(Patience: 1, Threshold: 0.1, ThresholdMode: ThresholdMode.Abs);
        var states = RunPlateau(spec, [1.0, 0.95, 0.85, 0.84]);
        states.Select(s => s.NumBadEpochs).Should().Equal(0, 1, 0, 1);
    }

    [Fact]
    public void Max_mode_treats_rising_values_as_better()
    {
        var states = RunPlateau(new PlateauSpec(Mode: MonitorMode.Max, Patience: 1), [0.5, 0.6, 0.6, 0.6, 0.7]);
        CutEpochs(states).Should().Equal(4);
        states[^1].Best.Should().Be(0.7);
    }

    [Fact]
    public void Cooldown_epochs_do_not_count_towards_the_next_cut()
    {
        CutEpochs(RunPlateau(new PlateauSpec(Patience: 10, Cooldown: 2), Enumerable.Repeat(1.0, 30))).Should().Equal(12, 25);
    }

    [Fact]
    public void The_learning_rate_never_drops_below_min_lr_and_tiny_cuts_are_skipped()
    {
        var states = RunPlateau(new PlateauSpec(Patience: 0, MinLearningRate: 5e-4), [1.0, 1.0, 1.0, 1.0]);
        CutEpochs(states).Should().Equal(2);
        states[^1].LearningRate.Should().Be(5e-4);
    }

    [Fact]
    public void The_message_is_pytorchs_verbose_line()
    {
        var state = new PlateauState(LearningRate: 1e-3 * 0.1, Best: 0.5, NumBadEpochs: 0, CooldownCounter: 0, LastEpoch: 23, Reduced: true);
        Schedules.PlateauMessage(state).Should().Be("Epoch 00023: reducing learning rate of group 0 to 1.0000e-04.");
        Schedules.PlateauMessage(state with { LearningRate = 1e-5, LastEpoch = 134 }, group: 1)
            .Should().Be("Epoch 00134: reducing learning rate of group 1 to 1.0000e-05.");
    }

    static List<EarlyStopState> RunEarlyStop(EarlyStopSpec spec, IEnumerable<double> metrics)
    {
        var state = Schedules.StartEarlyStop(spec);
        var states = new List<EarlyStopState>();
        foreach (var m in metrics)
        {
            states.Add(state = Schedules.StepEarlyStop(spec, state, m));
            if (state.ShouldStop) break;
        }
        return states;
    }

    [Fact]
    public void Early_stopping_fires_after_patience_epochs_without_a_strictly_better_value()
    {
        // The notebook's rule: counter reset on valid_loss < best, stop when counter >= 30. Best at 12 → stop at 42.
        var losses = Enumerable.Range(1, 12).Select(e => 2.0 - 0.1 * e).Concat(Enumerable.Repeat(0.8, 100));
        var states = RunEarlyStop(new EarlyStopSpec(Patience: 30), losses);
        states.Should().HaveCount(42);
        states[^1].Should().Be(new EarlyStopState(Best: 2.0 - 0.1 * 12, BestEpoch: 12, Wait: 30, Epoch: 42, Improved: false, ShouldStop: true));
    }

    [Fact]
    public void Equal_values_are_not_improvements_and_improvements_are_flagged_for_checkpointing()
    {
        var states = RunEarlyStop(new EarlyStopSpec(Patience: 3), [1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8]);
        states.Select(s => s.Improved).Should().Equal(true, true, false, true, false, false, false);
        states.Select(s => s.Wait).Should().Equal(0, 0, 1, 0, 1, 2, 3);
        states[^1].ShouldStop.Should().BeTrue();
        states[^1].BestEpoch.Should().Be(4);
    }

    [Fact]
    public void Min_delta_and_max_mode_follow_lightning()
    {
        // Lightning: improvement means current < best - min_delta (min) or current > best + min_delta (max).
        RunEarlyStop(new EarlyStopSpec(Patience: 5, MinDelta: 0.1), [1.0, 0.95, 0.85]).Select(s => s.Improved).Should().Equal(true, false, true);
        RunEarlyStop(new EarlyStopSpec(Patience: 5, Mode: MonitorMode.Max, MinDelta: 0.01), [0.5, 0.505, 0.52])
            .Select(s => s.Improved).Should().Equal(true, false, true);
    }

    [Fact]
    public void A_nan_metric_never_counts_as_an_improvement()
    {
        var states = RunEarlyStop(new EarlyStopSpec(Patience: 2), [1.0, double.NaN, double.NaN]);
        states[^1].ShouldStop.Should().BeTrue();
        states[^1].Best.Should().Be(1.0);
    }

    [Fact]
    public void SetLearningRate_changes_every_parameter_group()
    {
        using var linear = torch.nn.Linear(2, 2);
        using var optimizer = Optimizers.Flat(new Adam(1e-3), linear.parameters());
        Schedules.SetLearningRate(optimizer, 1e-4);
        Optimizers.LearningRate(optimizer).Should().Be(1e-4);
    }
}
