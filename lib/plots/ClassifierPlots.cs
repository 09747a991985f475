#nullable enable
using System.Globalization;
using ScottPlot;

/// <summary>
/// Figures for an image classifier (its training curves are <see cref="Plots.History"/> with marks): a confusion
/// matrix, and a grid of test digits labelled true → predicted. Saved as PNG atomically.
/// </summary>
public static class ClassifierPlots
{
    /// <summary>
    /// A confusion matrix as a heatmap with the count in every cell: true class down the side (0 at the top),
    /// predicted class along the bottom, like scikit-learn's <c>ConfusionMatrixDisplay</c>.
    /// </summary>
    public static void ConfusionMatrix(string path, int[,] counts, string title, int size = 760)
    {
        var classes = counts.GetLength(0);
        var cells = new double[classes, classes];
        var max = 1;
        for (var t = 0; t < classes; t++)
            for (var p = 0; p < classes; p++) { cells[t, p] = counts[t, p]; max = Math.Max(max, counts[t, p]); }

        var plot = PlotWarmUp.NewPlot();
        var heatmap = plot.Add.Heatmap(cells); // row 0 is drawn at the top
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues()); // white (0) → dark blue (max)
        heatmap.ManualRange = new ScottPlot.Range(0, max);
        heatmap.Extent = new CoordinateRect(0, classes - 1, 0, classes - 1); // Extent spans cell centres
        plot.Add.ColorBar(heatmap, Edge.Right).Label = "count";
        for (var t = 0; t < classes; t++)
            for (var p = 0; p < classes; p++)
            {
                var text = plot.Add.Text(counts[t, p].ToString(CultureInfo.InvariantCulture), p, classes - 1 - t);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = 15;
                text.LabelBold = t == p;
                text.LabelFontColor = counts[t, p] > max / 2 ? Colors.White : Colors.Black;
            }
        var positions = Enumerable.Range(0, classes).Select(i => (double)i).ToArray();
        var names = Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.Reverse().ToArray(), names);
        plot.Axes.SetLimits(-0.5, classes - 0.5, -0.5, classes - 0.5);
        plot.HideGrid();
        Plots.Label(plot, title, "Predicted label", "True label");
        Plots.Save(plot, path, size + 80, size);
    }

    /// <summary>
    /// The first <c>rows × cols</c> images in a grid, each titled <c>true → predicted</c>; mistakes get a red title and
    /// a red frame. <paramref name="pixels"/> is [n, height, width] row-major (dark digits on white, as matplotlib's gray_r).
    /// </summary>
    public static void Digits(string path, float[] pixels, int height, int width, IReadOnlyList<long> actual, IReadOnlyList<long> predicted,
        string title, int rows = 5, int cols = 8)
    {
        var count = Math.Min(rows * cols, actual.Count);
        rows = (count + cols - 1) / cols;
        const int Band = 12, Gap = 6; // label band above each digit, gap between columns
        int tileH = height + Band, tileW = width + Gap;
        var mosaic = new double[rows * tileH, cols * tileW];
        for (var i = 0; i < mosaic.GetLength(0); i++)
            for (var j = 0; j < mosaic.GetLength(1); j++) mosaic[i, j] = double.NaN;
        var max = 0.0;
        for (var k = 0; k < count; k++)
        {
            int top = k / cols * tileH + Band, left = k % cols * tileW + Gap / 2;
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    double v = pixels[(long)k * height * width + y * width + x];
                    mosaic[top + y, left + x] = v;
                    max = Math.Max(max, v);
                }
        }

        var plot = PlotWarmUp.NewPlot();
        var heatmap = plot.Add.Heatmap(mosaic);
        heatmap.Colormap = new ScottPlot.Colormaps.GrayscaleReversed();
        heatmap.ManualRange = new ScottPlot.Range(0, max > 0 ? max : 1);
        heatmap.NaNCellColor = Colors.White;
        double totalH = rows * tileH, totalW = cols * tileW;
        heatmap.Extent = new CoordinateRect(0.5, totalW - 0.5, 0.5, totalH - 0.5); // cell centres, so edges fall on integers
        var wrong = 0;
        for (var k = 0; k < count; k++)
        {
            var mistake = actual[k] != predicted[k];
            if (mistake) wrong++;
            double tileTop = totalH - k / cols * tileH, left = k % cols * tileW + Gap / 2.0;
            var label = plot.Add.Text($"{actual[k]} → {predicted[k]}", left + width / 2.0, tileTop - Band / 2.0);
            label.Alignment = Alignment.MiddleCenter;
            label.LabelFontSize = 16;
            label.LabelBold = mistake;
            label.LabelFontColor = mistake ? Colors.Red : Colors.Black;
            if (mistake)
            {
                var frame = plot.Add.Rectangle(left - 1, left + width + 1, tileTop - Band - height - 1, tileTop - Band + 1);
                frame.FillColor = Colors.Transparent;
                frame.LineColor = Colors.Red;
                frame.LineWidth = 3;
            }
        }
        plot.Axes.SetLimits(-2, totalW + 2, -3, totalH + 1); // room for the red frames at the edges
        plot.HideAxesAndGrid();
        plot.Title($"{title}: true → predicted ({wrong} of {count} wrong, in red)", size: 18);
        const int PixelsPerUnit = 4; // square pixels: the figure has the mosaic's aspect ratio (plus the title)
        Plots.Save(plot, path, (cols * tileW + 4) * PixelsPerUnit + 20, (rows * tileH + 4) * PixelsPerUnit + 70);
    }
}
