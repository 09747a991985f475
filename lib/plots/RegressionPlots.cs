#nullable enable
using System.Globalization;
using ScottPlot;

// RegressionPlots: the figures of a regression run: its loss curve, predictions against truth, residuals.

/// <summary>Regression figures, saved as PNG atomically through <see cref="Plots.Save(string, Action{string})"/>.</summary>
public static class RegressionPlots
{
    /// <summary>
    /// Mean train loss per epoch on a log scale (the first epoch's loss is ~100× the rest), epochs counted
    /// from 0 as the notebook logs them.
    /// </summary>
    public static void Loss(string path, History history, string title, int width = 800, int height = 500)
    {
        var plot = PlotWarmUp.NewPlot();
        var points = history.Epochs.Where(e => e.TrainLoss > 0 && double.IsFinite(e.TrainLoss)).ToArray();
        var line = plot.Add.ScatterLine(points.Select(e => (double)(e.Epoch - 1)).ToArray(),
                                        points.Select(e => Math.Log10(e.TrainLoss)).ToArray(), Plots.ClassColors[0]);
        line.LegendText = "train loss (mean over batches)";
        line.LineWidth = 2.5f;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = y => Math.Pow(10, y).ToString("G4", CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
        plot.ShowLegend(Edge.Bottom);
        Plots.Label(plot, title, "Epoch", "MSE loss (log scale)");
        Plots.Save(plot, path, width, height);
    }

    /// <summary>Predicted against actual values, with the y = x line where a perfect model's points would lie.</summary>
    public static void PredictedVsActual(string path, IReadOnlyList<float> actual, IReadOnlyList<float> predicted, string title, string quantity, int width = 700, int height = 700)
    {
        var plot = PlotWarmUp.NewPlot();
        var xs = actual.Select(v => (double)v).ToArray();
        var markers = plot.Add.Markers(xs, predicted.Select(v => (double)v).ToArray(), MarkerShape.FilledCircle, 7, Plots.ClassColors[0]);
        markers.LegendText = "test samples";
        // Limits from finite values only: a diverged model predicts NaN.
        var finite = actual.Concat(predicted).Where(float.IsFinite).DefaultIfEmpty(0).ToArray();
        var (lo, hi) = (finite.Min(), finite.Max());
        var diagonal = plot.Add.Line(lo, lo, hi, hi);
        diagonal.Color = Plots.ClassColors[1];
        diagonal.LineWidth = 2;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "y = x (perfect prediction)";
        var pad = (hi - lo) * 0.05;
        plot.Axes.SetLimits(lo - pad, hi + pad, lo - pad, hi + pad);
        plot.ShowLegend(Edge.Bottom);
        Plots.Label(plot, title, $"Actual {quantity}", $"Predicted {quantity}");
        Plots.Save(plot, path, width, height);
    }

    /// <summary>Residuals (actual − predicted) against the prediction, with the zero line: structure here is what the model missed.</summary>
    public static void Residuals(string path, IReadOnlyList<float> actual, IReadOnlyList<float> predicted, string title, string quantity, int width = 800, int height = 500)
    {
        var plot = PlotWarmUp.NewPlot();
        var residuals = actual.Zip(predicted, (a, p) => (double)a - p).ToArray();
        var markers = plot.Add.Markers(predicted.Select(v => (double)v).ToArray(), residuals, MarkerShape.FilledCircle, 7, Plots.ClassColors[0]);
        markers.LegendText = "test samples";
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Plots.ClassColors[1];
        zero.LineWidth = 2;
        zero.LinePattern = LinePattern.Dashed;
        zero.LegendText = "zero residual";
        plot.ShowLegend(Edge.Bottom);
        Plots.Label(plot, title, $"Predicted {quantity}", $"Residual (actual − predicted {quantity})");
        Plots.Save(plot, path, width, height);
    }
}
