#nullable enable

/// <summary>The learning-rate chart report.html shows for a script whose rate changed during training.</summary>
public static class LearningRateCharts
{
    /// <summary>
    /// The learning rate by epoch of the models whose rate changed during training (mnist's ReduceLROnPlateau), drawn
    /// into the run folder as <c>&lt;script&gt;.lr.webp</c>: the schedule is the one thing the loss curves do not show.
    /// Null when every model kept one rate.
    /// </summary>
    public static string? Draw(string runDir, string script, RunRecord record)
    {
        var changing = record.Series.Where(s => s.History.Select(e => e.LearningRate).Distinct().Count() > 1).ToList();
        if (changing.Count == 0) return null;
        var plot = new ScottPlot.Plot();
        for (var i = 0; i < changing.Count; i++)
        {
            var history = changing[i].History;
            var line = plot.Add.ScatterLine(history.Select(e => (double)e.Epoch).ToArray(), history.Select(e => e.LearningRate).ToArray(),
                Plots.ClassColors[i % Plots.ClassColors.Length]);
            line.LegendText = changing[i].Name;
            line.LineWidth = 2.5f;
            line.MarkerSize = 6;
        }
        plot.ShowLegend(ScottPlot.Edge.Right);
        Plots.Label(plot, $"{script} · learning rate", "Epoch", "lr");
        var name = $"{script}.lr.webp";
        var png = Path.Combine(runDir, $".{script}.lr.png");
        Plots.Save(plot, png, 760, 320);
        try { Images.CompactCopy(png, Path.Combine(runDir, name)); }
        finally { File.Delete(png); }
        return name;
    }
}
