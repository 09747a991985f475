#nullable enable
// The progress hooks a script hands to Training.Fit, for its run: the mode its --quiet and stdout ask for (reads the
// CH13_PROGRESS environment variable) and its Ctrl+C. The display itself is ground's (ProgressDisplay.cs).

/// <summary>The mode for a run and the hooks a script hands to Training.Fit.</summary>
public static class Progress
{
    /// <summary>
    /// Hooks for <see cref="Training.Fit(TorchSharp.torch.nn.Module{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor}, TensorData, TensorData?, TrainConfig, OptimizerSpec, LossSpec, FitHooks?)"/>
    /// in a script: <paramref name="callbacks"/> in order, then a progress bar labelled <paramref name="label"/>,
    /// interrupted by the run's Ctrl+C. <c>Training.Fit(..., Progress.Hooks(run, "MLP", config.Epochs, log))</c>.
    /// Training is about to start, and every script plots after it: ScottPlot warms up meanwhile (<see cref="PlotWarmUp"/>).
    /// </summary>
    public static FitHooks Hooks(Run run, string label, int epochs, params EpochCallback[] callbacks)
    {
        PlotWarmUp.Start();
        return new([.. callbacks, new EpochProgressBar(ModeFor(run), label, epochs)], Cancel: run.Cancel);
    }

    /// <summary>The mode for <paramref name="run"/>: <see cref="ProgressModes.For(bool, bool, string?)"/> with this process's stdout and setting.</summary>
    public static ProgressMode ModeFor(Run run) => ProgressModes.For(run.Quiet);
}
