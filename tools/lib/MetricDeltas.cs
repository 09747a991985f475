#nullable enable

/// <summary>The metrics table of a comparison: one <see cref="MetricDelta"/> per value any run recorded, and which way each moved.</summary>
public static class MetricDeltas
{
    /// <summary>The metrics table of A against B (see <see cref="Of(IReadOnlyList{RunRecord?}, ScriptReference?, string?)"/>).</summary>
    public static IReadOnlyList<MetricDelta> Of(RunRecord? a, RunRecord? b, ScriptReference? reference) => Of([a, b], reference);

    /// <summary>The metrics table of single runs, one per side (see <see cref="OfGroups"/>).</summary>
    public static IReadOnlyList<MetricDelta> Of(IReadOnlyList<RunRecord?> records, ScriptReference? reference) =>
        OfGroups(records.Select(r => (IReadOnlyList<RunRecord?>)[r]).ToList(), reference);

    /// <summary>
    /// The metrics table, each side a group of seed runs (a plain run is a group of one): status, epochs, key metric;
    /// per series its final epoch metrics, each directed history metric's best value and the epoch it was reached
    /// (beside its last: early stopping and ReduceLROnPlateau make the last epoch the wrong one to read), and its
    /// values; then the run's values; the notebook's printed values beside the runs' (<see cref="NotebookRows"/>);
    /// then the timings. A value missing in a run shows as null. Epochs count as the run counts them
    /// (<see cref="Epochs"/>).
    /// </summary>
    public static IReadOnlyList<MetricDelta> OfGroups(IReadOnlyList<IReadOnlyList<RunRecord?>> sides, ScriptReference? reference)
    {
        MetricDelta Row(string name, Func<RunRecord?, RunValue?> read, string? notebook = null, bool timing = false, int? decimals = null) =>
            MetricDelta.OfGroups(name, sides.Select(side => (IReadOnlyList<RunValue?>)side.Select(read).ToList()).ToList(), notebook, timing, decimals);

        var rows = new List<MetricDelta>
        {
            Row("status", r => r is null ? null : RunValue.OfText("status", RunStatuses.Text(r.Status))),
            Row("epochs", r => r is null ? null : RunValue.Of("epochs", r.Epochs)),
        };
        if (sides.SelectMany(s => s).Select(r => r?.KeyMetric).FirstOrDefault(k => k is not null) is { } key)
            rows.Add(Row($"key metric: {RunFolders.Label(key)}", r => r?.KeyMetric is { } k ? RunValue.Of(k.Name, k.Value, k.Better) : null,
                References.ForKeyMetric(reference, key)?.NotebookText));

        var results = sides.Select(side => side.Select(r => r is null ? [] : Results(r)).ToList()).ToList();
        foreach (var name in results.SelectMany(s => s).SelectMany(v => v.Select(x => x.Name)).Distinct())
            rows.Add(MetricDelta.OfGroups(name, results.Select(side => (IReadOnlyList<RunValue?>)side.Select(v => v.FirstOrDefault(x => x.Name == name)).ToList()).ToList(), null));

        if (reference is not null) rows.AddRange(NotebookRows(reference, sides));

        rows.Add(Row("train seconds", r => r is null ? null : RunValue.Of("seconds", r.Timings.TrainSeconds), timing: true));
        rows.Add(Row("wall seconds", r => r is null ? null : RunValue.Of("seconds", r.Timings.WallSeconds), timing: true));
        return rows;
    }

    /// <summary>Suffixes of the rows that hold a history metric's best value and the epoch it was reached.</summary>
    public const string BestSuffix = " (best)", BestEpochSuffix = " (best epoch)";

    /// <summary>
    /// <see cref="RunFolders.Results"/> with, after each directed history metric of a series' last epoch, its best
    /// value over the epochs and the epoch of that best (the first epoch reaching it), counted as the run counts
    /// epochs (<see cref="Epochs"/>: Lightning's from 0).
    /// </summary>
    public static IReadOnlyList<RunValue> Results(RunRecord record)
    {
        var epochOffset = Epochs.Offset(record);
        var values = new List<RunValue>();
        foreach (var series in record.Series)
        {
            foreach (var last in RunFolders.FinalMetrics(series))
            {
                values.Add(last with { Name = RunFolders.Label(series.Name, last.Name) });
                if (HistoryColumns.Named(last.Name) is not { Better: { } better } column || Epochs.Best(series, column) is not { } best) continue;
                values.Add(RunValue.Of(RunFolders.Label(series.Name, column.Name + BestSuffix), best.Value, better));
                values.Add(RunValue.Of(RunFolders.Label(series.Name, column.Name + BestEpochSuffix), best.Epoch + epochOffset));
            }
            values.AddRange(series.Values.Select(v => v with { Name = RunFolders.Label(series.Name, v.Name) }));
        }
        values.AddRange(record.Results);
        return values;
    }

    /// <summary>
    /// The notebook's printed values (one row per reference value, by its label) with every side's, as References finds
    /// them, rounded to the notebook's precision (the precision they are compared at).
    /// </summary>
    public static IReadOnlyList<MetricDelta> NotebookRows(ScriptReference reference, IReadOnlyList<RunRecord?> records) =>
        NotebookRows(reference, records.Select(r => (IReadOnlyList<RunRecord?>)[r]).ToList());

    /// <summary>The notebook's rows with every seed's value per side.</summary>
    public static IReadOnlyList<MetricDelta> NotebookRows(ScriptReference reference, IReadOnlyList<IReadOnlyList<RunRecord?>> sides) =>
        reference.Values.Select(value => MetricDelta.OfGroups(value.Label,
            sides.Select(side => (IReadOnlyList<RunValue?>)side.Select(r => Ours(value, r)).ToList()).ToList(), value.NotebookText, decimals: value.Decimals)).ToList();

    static RunValue? Ours(ReferenceValue value, RunRecord? record)
    {
        if (References.Ours(value, record) is not { } ours) return null;
        if (ours.Text is { } text) return RunValue.OfText(value.Label, text);
        double Round(double x) => value.Decimals > 6 || !double.IsFinite(x) ? x : Math.Round(x, value.Decimals);
        return ours.Numbers.Count switch
        {
            0 => null,
            1 => RunValue.Of(value.Label, Round(ours.Numbers[0])),
            _ => RunValue.OfList(value.Label, ours.Numbers.Select(Round)),
        };
    }

    /// <summary>Whether B improved on A (true), got worse (false), or neither is known (no direction, no number, or no change).</summary>
    public static bool? Improved(MetricDelta m) =>
        m.Better is not { } better || m.Delta is not { } d || d == 0 ? null : d > 0 == (better == Better.Higher);
}
