#nullable enable

/// <summary>
/// One script's results in a batch: its seeds' runs in a seed sweep, or its single run. The console's tables and
/// headline show a script as one group, however many seeds it ran.
/// </summary>
public sealed record ResultGroup(string Script, IReadOnlyList<ScriptResult> Results)
{
    /// <summary>Whether the results are a sweep's (seeds set), even a sweep of one seed.</summary>
    public bool IsSweep => Results.Any(r => r.Seed is not null);

    /// <summary>The key metric the group reports: the first run's that has a value.</summary>
    public KeyMetric? Key => Results.Select(r => r.KeyMetric).FirstOrDefault(k => k?.Value is not null);

    /// <summary>The key metric over the runs that reported it (the same metric as <see cref="Key"/>), or null when none did.</summary>
    public SeedSample? Spread => Key is { } key
        ? SeedSample.Of(Results.Select(r => r.KeyMetric).Where(k => k is not null && k.Name == key.Name && k.Series == key.Series).Select(k => k!.Value))
        : null;
}

/// <summary>Groups a batch's results by script, and the words and numbers a group is shown with.</summary>
public static class BatchGroups
{
    /// <summary>The results by script, in the order the scripts first appear (a sweep's seeds in the order they ran).</summary>
    public static IReadOnlyList<ResultGroup> Of(IEnumerable<ScriptResult> results) =>
        results.GroupBy(r => r.Script).Select(g => new ResultGroup(g.Key, g.ToList())).ToList();

    /// <summary>A spread as tables show it: <c>0.9450 ± 0.0120 (n=3)</c>, or <c>0.9450 (n=1)</c>.</summary>
    public static string Describe(SeedSample spread) =>
        spread.N == 0 ? $"not finite (n={spread.NonFinite})"
        : BatchSummaries.Number(spread.Mean) + (spread.N > 1 ? " ± " + BatchSummaries.Number(spread.Sd) : "") + $" (n={spread.N})"
            + (spread.NonFinite > 0 ? $", {spread.NonFinite} not finite" : "");

    /// <summary>
    /// A sweep's status in a few words: <c>ok 3/3</c>, or how many of its runs ended otherwise (<c>ok 2/3, 1 failed</c>);
    /// a single run's is its own status.
    /// </summary>
    public static string Status(ResultGroup group)
    {
        if (!group.IsSweep) return group.Results[0].Status;
        var others = group.Results.Where(r => !r.Ok).GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}");
        return string.Join(", ", others.Prepend($"ok {group.Results.Count(r => r.Ok)}/{group.Results.Count}"));
    }

    /// <summary>A group's emphasis: ok when every run is, muted when none ran (skipped), bad otherwise.</summary>
    public static CellStyle Style(ResultGroup group) =>
        group.Results.All(r => r.Ok) ? CellStyle.Ok : group.Results.All(r => r.Status == ScriptResults.Skipped) ? CellStyle.Muted : CellStyle.Bad;

    /// <summary>The mean of the values its runs have (wall or training seconds), or null when none has one.</summary>
    public static double? Mean(IEnumerable<double?> values) =>
        values.Where(v => v is not null).Select(v => v!.Value).ToList() is { Count: > 0 } list ? list.Average() : null;
}
