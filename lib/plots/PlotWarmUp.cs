#nullable enable
using System.Threading;
using System.Threading.Tasks;
using ScottPlot;

// A process's first ScottPlot figure costs ~0.15 s more than the next (JIT, SkiaSharp's native library, the font
// lookup). Scripts train first and plot after, so that first cost can be paid on the other core while they train.

/// <summary>
/// Renders a small history panel in memory on a background thread (<see cref="Start"/>, once per process); every
/// figure the lib makes first waits for it (<see cref="NewPlot"/>, <see cref="NewMultiplot"/>), so ScottPlot's shared
/// state is never used by two threads at once. Nothing is written and nothing printed; a failure here is ignored
/// (the real figure then pays the first cost, or reports its own error).
/// </summary>
public static class PlotWarmUp
{
    static Task? warming;

    /// <summary>Starts the warm-up unless it has started already.</summary>
    public static void Start()
    {
        var task = new Task(Render, TaskCreationOptions.LongRunning);
        if (Interlocked.CompareExchange(ref warming, task, null) is null) task.Start();
    }

    /// <summary>A new plot, once any warm-up has finished.</summary>
    public static Plot NewPlot()
    {
        Wait();
        return new Plot();
    }

    /// <summary>A new multiplot, once any warm-up has finished.</summary>
    public static Multiplot NewMultiplot()
    {
        Wait();
        return new Multiplot();
    }

    static void Wait()
    {
        var task = Volatile.Read(ref warming);
        if (task is null) return;
        try { task.Wait(); }
        catch (AggregateException) { } // see the summary: only a warm-up
    }

    static void Render()
    {
        try
        {
            var plot = new Plot();
            EpochMetrics Epoch(int e) => new(e, 1.0 / e, 0.5, 1.2 / e, 0.4, 1e-3);
            Plots.LossPanel(plot, [("warm-up", new History([Epoch(1), Epoch(2), Epoch(3)], RunStatus.Completed, 0))], "warm-up");
            plot.GetImageBytes(320, 240, ImageFormat.Png);
        }
        catch (Exception) { } // see the summary: only a warm-up
    }
}
