using System.Globalization;

namespace Ch13.Bench;

/// <summary><c>--where</c>: where the time goes, for issue 21's optimisation half (bench/README.md, "Where the time goes").</summary>
public static class WhereRun
{
    public static WhereReport Run(string repo, string dataRoot, BenchOptions options, TextWriter log)
    {
        var smoke = options.Smoke;
        var ops = Floor.Measure(smoke ? 200 : 5000, smoke ? 1 : 9);
        log.WriteLine($"  per call (µs): in-place {ops.InPlace:F2}, allocating {ops.Allocating:F2}, view {ops.View:F2}, item {ops.Item:F2}, empty scope {ops.Scope:F2}; " +
                      $"2-10-6-2 forward: Module.call {ops.ForwardModuleCall:F2}, direct {ops.ForwardDirect:F2}; zero_grad: flat {ops.ZeroGradFlat:F2}, bare zero_ {ops.ZeroGradBare:F2}");
        var steps = new List<StepSummary>();
        foreach (var step in new[] { StepCase.SmallSgd, StepCase.SmallAdam, StepCase.LargeAdam })
        {
            var (perRound, rounds, warmup) = smoke ? (step.Large ? 2 : 50, 1, step.Large ? 1 : 20) : (step.Large ? 30 : 2000, 5, step.Large ? 5 : 500);
            var phases = StepTimer.Phases(step, perRound, rounds, warmup);
            steps.Add(new StepSummary(step.Id, step.Description, phases[StepImpl.Naive].Values.Sum(), phases[StepImpl.Lib].Values.Sum(),
                perRound, rounds, phases[StepImpl.Naive], phases[StepImpl.Lib]));
            log.WriteLine($"  {step.Id} lib: " + string.Join(", ", phases[StepImpl.Lib].Select(p => $"{p.Key} {p.Value:F1}")) + " µs");
        }
        var loops = new List<LoopSplit>();
        foreach (var (id, setup) in LoopSetups.All(dataRoot, smoke))
        {
            var split = PhasedLoop.Measure(id, setup);
            loops.Add(split);
            log.WriteLine($"  loop {id}: mirror {split.MirrorSeconds:F3} s, Training.Fit {split.FitSeconds:F3} s, {split.Epochs} epochs, {split.Steps} steps; " +
                          string.Join(", ", split.Seconds.Select(p => $"{p.Key} {p.Value:F3}")));
        }
        var (process, wall) = options.Scripts ? Floor.ProcessPhases(repo, smoke ? 1 : options.Repeat) : (new Dictionary<string, double>(), double.NaN);
        if (options.Scripts) log.WriteLine($"  process (wall {wall:F3} s): " + string.Join(", ", process.Select(p => $"{p.Key} {p.Value:F3}")));
        return new WhereReport(ops, steps, loops, process, options.Scripts ? (smoke ? 1 : options.Repeat) : 0, wall);
    }

    /// <summary>
    /// The phases that are libtorch's work with the chapter's code (the model's forward, the loss, autograd's backward,
    /// the optimiser's update): a loop's floor with these tools is their sum; the rest (batching, scopes, zero_grad,
    /// item, accuracy, validation, callbacks, epoch order) is what the lib adds and could still cut.
    /// </summary>
    public static readonly string[] FloorPhases = ["forward", "loss", "backward", "step"];

    /// <summary>A loop's floor (seconds): the sum of its <see cref="FloorPhases"/>.</summary>
    public static double FloorSeconds(LoopSplit loop) => FloorPhases.Sum(p => loop.Seconds.GetValueOrDefault(p));

    /// <summary>The loops' phases as Markdown: seconds per phase, the mirror's total beside Training.Fit's, the floor and how close Fit is to it.</summary>
    public static string Format(WhereReport report)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"| loop | steps | {string.Join(" | ", PhasedLoop.Phases)} | mirror | Training.Fit | floor | Fit ÷ floor |");
        text.AppendLine($"|---|---|{string.Concat(PhasedLoop.Phases.Select(_ => "---|"))}---|---|---|---|");
        foreach (var loop in report.Loops)
            text.AppendLine($"| {loop.Id} | {loop.Steps} | {string.Join(" | ", PhasedLoop.Phases.Select(p => F(loop.Seconds[p])))} | {F(loop.MirrorSeconds)} | {F(loop.FitSeconds)} | " +
                            $"{F(FloorSeconds(loop))} | {(loop.FitSeconds / FloorSeconds(loop)).ToString("F2", CultureInfo.InvariantCulture)} |");
        text.Append($"(seconds; floor = {string.Join(" + ", FloorPhases)}; per call: in-place {F(report.Ops.InPlace)} µs, allocating {F(report.Ops.Allocating)} µs, view {F(report.Ops.View)} µs, " +
                    $"item {F(report.Ops.Item)} µs, empty scope {F(report.Ops.Scope)} µs)");
        return text.ToString();
    }

    static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
