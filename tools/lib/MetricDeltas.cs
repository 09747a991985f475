#nullable enable

/// <summary>The metrics table of a comparison: one <see cref="MetricDelta"/> per value any run recorded, and which way each moved.</summary>
public static class MetricDeltas
{
    /// <summary>The metrics table of A against B (see <see cref="Of(IReadOnlyList{RunRecord?}, ScriptReference?)"/>).</summary>
    public static IReadOnlyList<MetricDelta> Of(RunRecord? a, RunRecord? b, ScriptReference? reference) => Of([a, b], reference);

    /// <summary>
    /// The metrics table: status, epochs, key metric; per series its final epoch metrics and values, then the run's
    /// values (<see cref="RunFolders.Results"/>); the notebook's printed values beside the runs' (<see cref="NotebookRows"/>);
    /// then the timings. Deltas are the last run's against the first's; a value missing in a run shows as null.
    /// </summary>
    public static IReadOnlyList<MetricDelta> Of(IReadOnlyList<RunRecord?> records, ScriptReference? reference)
    {
        RunValue? Status(RunRecord? r) => r is null ? null : RunValue.OfText("status", RunStatuses.Text(r.Status));
        RunValue? Epochs(RunRecord? r) => r is null ? null : RunValue.Of("epochs", r.Epochs);
        var rows = new List<MetricDelta>
        {
            new("status", records.Select(Status).ToList(), null),
            new("epochs", records.Select(Epochs).ToList(), null),
        };
        if (records.Select(r => r?.KeyMetric).FirstOrDefault(k => k is not null) is { } key)
        {
            RunValue? Key(RunRecord? r) => r?.KeyMetric is { } k ? RunValue.Of(k.Name, k.Value, k.Better) : null;
            rows.Add(new($"key metric: {RunFolders.Label(key)}", records.Select(Key).ToList(), References.ForKeyMetric(reference, key)?.NotebookText));
        }

        var results = records.Select(r => r is null ? [] : RunFolders.Results(r)).ToList();
        foreach (var name in results.SelectMany(v => v.Select(x => x.Name)).Distinct())
            rows.Add(new(name, results.Select(v => v.FirstOrDefault(x => x.Name == name)).ToList(), null));

        if (reference is not null) rows.AddRange(NotebookRows(reference, records));

        RunValue? Seconds(RunRecord? r, Func<RunTimings, double> read) => r is null ? null : RunValue.Of("seconds", read(r.Timings));
        rows.Add(new("train seconds", records.Select(r => Seconds(r, t => t.TrainSeconds)).ToList(), null, Timing: true));
        rows.Add(new("wall seconds", records.Select(r => Seconds(r, t => t.WallSeconds)).ToList(), null, Timing: true));
        return rows;
    }

    /// <summary>
    /// The notebook's printed values (one row per reference value, by its label) with every run's, as References finds
    /// them, rounded to the notebook's precision (the precision they are compared at); the delta is the last run's
    /// against the first's.
    /// </summary>
    public static IReadOnlyList<MetricDelta> NotebookRows(ScriptReference reference, IReadOnlyList<RunRecord?> records) =>
        reference.Values.Select(value => new MetricDelta(value.Label, records.Select(r => Ours(value, r)).ToList(), value.NotebookText, Decimals: value.Decimals)).ToList();

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
