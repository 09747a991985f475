#nullable enable

/// <summary>
/// One row of a comparison's metrics table: every side's value (A the first run, B the last; null where a run has none),
/// the notebook's value when known, and whether it is a timing. A side is a group of seed runs: <see cref="Groups"/>
/// holds every seed's value per side (one per side for plain runs), <see cref="Runs"/> one value per side (the seed's
/// own, or the mean of a group's numbers). Values are kept as numbers (or lists, texts) and shown when rendered:
/// <see cref="Values"/> at <see cref="Decimals"/> when given (the notebook's precision), a group as
/// <c>mean ± sd (min–max, n)</c>. B − A (of the means), (B − A)/|A|, whether the values differ and the verdict
/// (<see cref="Noise"/>) are computed from them.
/// </summary>
public sealed record MetricDelta(string Metric, IReadOnlyList<RunValue?> Runs, string? Notebook, bool Timing = false, int? Decimals = null)
{
    IReadOnlyList<IReadOnlyList<RunValue?>>? groups;

    /// <summary>Every seed's value, per side (a plain run is a group of one).</summary>
    public IReadOnlyList<IReadOnlyList<RunValue?>> Groups
    {
        get => groups ?? Runs.Select(r => (IReadOnlyList<RunValue?>)[r]).ToList();
        init => groups = value;
    }

    /// <summary>A row from every seed's value per side: a side's value is its seed's, or the mean of its seeds' numbers.</summary>
    public static MetricDelta OfGroups(string metric, IReadOnlyList<IReadOnlyList<RunValue?>> groups, string? notebook, bool timing = false, int? decimals = null) =>
        new(metric, groups.Select(Representative).ToList(), notebook, timing, decimals) { Groups = groups };

    static RunValue? Representative(IReadOnlyList<RunValue?> seeds)
    {
        if (seeds.Count <= 1) return seeds.FirstOrDefault();
        var first = seeds.FirstOrDefault(v => v is not null);
        if (first is null || seeds.Any(v => v is null || v.Number is null)) return first;
        return RunValue.Of(first.Name, SeedSample.Of(seeds.Select(v => v!.Number)) is { N: > 0 } s ? s.Mean : double.NaN, first.Better);
    }

    /// <summary>Every side's value as shown, in run order (A … B): a group of numbers as its mean, spread and n.</summary>
    public IReadOnlyList<string?> Values => Groups.Select((g, i) => Shown(g, Runs[i])).ToList();

    public string? A => Values[0];
    public string? B => Values[^1];

    /// <summary>The most seeds any side has.</summary>
    public int Seeds => Groups.Max(g => g.Count);

    /// <summary>B − A (of the means), when both are finite single numbers.</summary>
    public double? Delta => Runs[0]?.Number is { } x && Runs[^1]?.Number is { } y && double.IsFinite(y - x) ? y - x : null;

    /// <summary>(B − A)/|A|, when A is not zero.</summary>
    public double? Relative => Delta is { } d && Runs[0]?.Number is { } x && x != 0 ? d / Math.Abs(x) : null;

    /// <summary>Some side's values differ from A's (every seed; NaN equals NaN; a missing value only a missing one).</summary>
    public bool Differs => Groups.Skip(1).Any(g => g.Count != Groups[0].Count || g.Zip(Groups[0]).Any(p => !RunFolders.Same(p.First, p.Second)));

    /// <summary>The values differ (a timing row never counts as a change: it differs every run).</summary>
    public bool Changed => !Timing && Differs;

    /// <summary>Which way the value improves, when that means anything.</summary>
    public Better? Better => Runs[0]?.Better ?? Runs[^1]?.Better;

    /// <summary>
    /// B against A by <see cref="SeedStatistics.Judge"/> for a number with a direction (not a timing), null otherwise.
    /// At the notebook's precision (<see cref="Decimals"/>) the rounded values are judged, as they are shown.
    /// </summary>
    public Verdict? Noise =>
        Timing || Better is not { } better || !Groups.All(g => g.All(v => v is null || v.Number is not null)) || Runs[0]?.Number is null || Runs[^1]?.Number is null
            ? null
            : SeedStatistics.Judge(Groups[0].Select(v => v?.Number).ToList(), Groups[^1].Select(v => v?.Number).ToList(), better);

    /// <summary>A and B are whole numbers (their delta shows as one: +38).</summary>
    public bool Integers => Runs[0]?.Number is { } i && Runs[^1]?.Number is { } j && i == Math.Round(i) && j == Math.Round(j);

    string? Shown(IReadOnlyList<RunValue?> seeds, RunValue? side)
    {
        if (seeds.Count <= 1 || side is null) return Show(side);
        if (seeds.All(v => v?.Number is not null)) return SeedSample.Of(seeds.Select(v => v!.Number)).Text();
        var shown = seeds.Select(Show).ToList();
        return shown.Distinct().Count() == 1 ? $"{shown[0] ?? "—"} (n={seeds.Count})"
            : string.Join(", ", shown.GroupBy(s => s ?? "—").Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"));
    }

    string? Show(RunValue? value) => value is null ? null
        : Decimals is { } decimals && value.Text is null ? References.NumbersText(value.Number is { } x ? [x] : value.Numbers ?? [], decimals)
        : RunFolders.Display(value);
}

/// <summary>A same-named image in the runs: compact copies beside the page (relative to the comparison folder; one when every run's file is the same, else one per run), the image of where A and B differ (null when identical) and the difference.</summary>
public sealed record ImagePair(string Image, IReadOnlyList<string> Sources, string? Difference, ImageDiff Diff);

/// <summary>
/// One chart per history column of a script: every series of every side on shared axes (a group of seeds as its mean
/// line and a min–max band); <see cref="Series"/> the models drawn.
/// </summary>
public sealed record HistoryChart(string Column, string Chart, IReadOnlyList<string> Series);

/// <summary>One entry of a script's shared chart legend: what it stands for, its colour (#rrggbb) and line pattern (an SVG dash array, empty for solid).</summary>
public sealed record LegendEntry(string Label, string Color, string Dash);

/// <summary>A setting in which the runs differ (arguments, seed, quick or full, runner, versions, a script's config): its value in each run.</summary>
public sealed record SettingDifference(string Setting, IReadOnlyList<string> Values);

/// <summary>Everything compared for one script present on both sides, and what only one side has.</summary>
public sealed record ScriptComparison(
    string Script,
    IReadOnlyList<MetricDelta> Metrics,
    IReadOnlyList<HistoryChart> Charts,
    IReadOnlyList<ImagePair> Images,
    IReadOnlyList<string> ImagesOnlyInA,
    IReadOnlyList<string> ImagesOnlyInB,
    IReadOnlyList<string> SeriesOnlyInA,
    IReadOnlyList<string> SeriesOnlyInB)
{
    /// <summary>The charts' shared legend (drawn once, not in every chart).</summary>
    public IReadOnlyList<LegendEntry> Legend { get; init; } = [];

    /// <summary>One line per history column left out of the charts because it held one value throughout (a constant lr).</summary>
    public IReadOnlyList<string> FlatColumns { get; init; } = [];

    /// <summary>Seeds per side (1 for plain runs).</summary>
    public IReadOnlyList<int> SeedCounts { get; init; } = [];

    public int ChangedMetrics => Metrics.Count(m => m.Changed);
    public int ChangedImages => Images.Count(i => !i.Diff.Identical);

    /// <summary>The key metric's row, when the script has one.</summary>
    public MetricDelta? Key => Metrics.FirstOrDefault(m => m.Metric.StartsWith("key metric: ", StringComparison.Ordinal));

    /// <summary>
    /// The key metric's verdict (<see cref="MetricDelta.Noise"/>: Welch's test across the seeds); without a key metric
    /// that has a direction, changed when any value or plot moved, else unchanged.
    /// </summary>
    public Verdict Verdict => Key?.Noise is { } noise ? noise
        : Key is { Changed: false } ? Verdict.Unchanged
        : ChangedMetrics > 0 || ChangedImages > 0 ? Verdict.Changed : Verdict.Unchanged;

    /// <summary>
    /// One line that leads with the verdict: <c>mnist: worse · test_acc 0.8800 → 0.1210</c>, a group as its mean ± sd
    /// (min–max, n); then how many other values and plots changed.
    /// </summary>
    public string Summary
    {
        get
        {
            var key = Key is { } k ? $" · {k.Metric["key metric: ".Length..]} {string.Join(" → ", k.Values.Select(v => v ?? "—"))}" : "";
            var rest = ChangedMetrics - (Key?.Changed == true ? 1 : 0);
            var others = rest > 0 ? $" ({rest} other value{(rest == 1 ? "" : "s")} changed)" : "";
            var images = ChangedImages > 0 ? $", {ChangedImages} of {Images.Count} plots differ" : "";
            return $"{Script}: {CompareTables.VerdictText(Verdict)}{key}{others}{images}";
        }
    }
}

/// <summary>
/// Runs (or script folders) compared: A the first, B the last (<see cref="Names"/>/<see cref="Paths"/> hold all of them
/// in order), the settings they differ in, the per-script comparisons, and scripts only one side has.
/// </summary>
public sealed record Comparison(string NameA, string NameB, string PathA, string PathB, IReadOnlyList<ScriptComparison> Scripts,
    IReadOnlyList<string> OnlyInA, IReadOnlyList<string> OnlyInB)
{
    public IReadOnlyList<string> Names { get; init; } = [NameA, NameB];
    public IReadOnlyList<string> Paths { get; init; } = [PathA, PathB];
    public IReadOnlyList<SettingDifference> Differences { get; init; } = [];

    /// <summary>
    /// The page's first line: how many scripts' key metrics got better, worse, stayed within the seeds' noise, and
    /// (when any) could not be told from one seed, stayed unchanged, or changed without a direction:
    /// <c>3 better · 1 worse · 5 within noise · 2 cannot tell</c>.
    /// </summary>
    public string Tally
    {
        get
        {
            int Count(Verdict v) => Scripts.Count(s => s.Verdict == v);
            var parts = new List<string> { $"{Count(Verdict.Better)} better", $"{Count(Verdict.Worse)} worse", $"{Count(Verdict.WithinNoise)} within noise" };
            if (Count(Verdict.CannotTell) > 0) parts.Add($"{Count(Verdict.CannotTell)} cannot tell");
            if (Count(Verdict.Unchanged) > 0) parts.Add($"{Count(Verdict.Unchanged)} unchanged");
            if (Count(Verdict.Changed) > 0) parts.Add($"{Count(Verdict.Changed)} changed");
            return string.Join(" · ", parts);
        }
    }
}
