#nullable enable
using ScottPlot;

/// <summary>Composite figures built from <see cref="Plots"/> panels.</summary>
public static class Figures
{
    /// <summary>
    /// The notebook's three-panel figure (13_06): loss and accuracy per epoch (train solid, validation dashed),
    /// then the decision regions of <paramref name="predict"/> over <paramref name="points"/>, side by side.
    /// </summary>
    public static void HistoryAndDecisionRegions(string path, string title, History history, string regionsTitle,
        Func<float[,], long[]> predict, ArrayData points, int width = 2100, int height = 620)
    {
        var (figure, plots) = Plots.Panels(3);
        Plots.LossPanel(plots[0], [(title, history)], title);
        Plots.AccuracyPanel(plots[1], [(title, history)], title);
        Plots.DecisionRegionsPanel(plots[2], regionsTitle, predict, points);
        Plots.Save(path, temp => figure.SavePng(temp, width, height));
    }
}
