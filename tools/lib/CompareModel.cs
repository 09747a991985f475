#nullable enable

/// <summary>
/// One row of a comparison's metrics table: every run's value (A the first run, B the last; null where a run has none),
/// the notebook's value when known, and whether it is a timing. Values are kept as numbers (or lists, texts) and shown
/// when rendered: <see cref="Values"/> at <see cref="Decimals"/> when given (the notebook's precision), else as run
/// values are shown everywhere. B − A, (B − A)/|A| and whether the values differ are computed from them.
/// </summary>
public sealed record MetricDelta(string Metric, IReadOnlyList<RunValue?> Runs, string? Notebook, bool Timing = false, int? Decimals = null)
{
    /// <summary>Every run's value as shown, in run order (A … B).</summary>
    public IReadOnlyList<string?> Values => Runs.Select(Show).ToList();

    public string? A => Show(Runs[0]);
    public string? B => Show(Runs[^1]);

    /// <summary>B − A, when both are finite single numbers.</summary>
    public double? Delta => Runs[0]?.Number is { } x && Runs[^1]?.Number is { } y && double.IsFinite(y - x) ? y - x : null;

    /// <summary>(B − A)/|A|, when A is not zero.</summary>
    public double? Relative => Delta is { } d && Runs[0]?.Number is { } x && x != 0 ? d / Math.Abs(x) : null;

    /// <summary>Some run's value differs from A's (NaN equals NaN; a missing value only a missing one).</summary>
    public bool Differs => Runs.Skip(1).Any(v => !RunFolders.Same(Runs[0], v));

    /// <summary>The values differ (a timing row never counts as a change: it differs every run).</summary>
    public bool Changed => !Timing && Differs;

    /// <summary>Which way the value improves, when that means anything.</summary>
    public Better? Better => Runs[0]?.Better ?? Runs[^1]?.Better;

    /// <summary>A and B are whole numbers (their delta shows as one: +38).</summary>
    public bool Integers => Runs[0]?.Number is { } i && Runs[^1]?.Number is { } j && i == Math.Round(i) && j == Math.Round(j);

    string? Show(RunValue? value) => value is null ? null
        : Decimals is { } decimals && value.Text is null ? References.NumbersText(value.Number is { } x ? [x] : value.Numbers ?? [], decimals)
        : RunFolders.Display(value);
}

/// <summary>A same-named image in the runs: compact copies beside the page (relative to the comparison folder; one when every run's file is the same, else one per run), the image of where A and B differ (null when identical) and the difference.</summary>
public sealed record ImagePair(string Image, IReadOnlyList<string> Sources, string? Difference, ImageDiff Diff);

/// <summary>One chart per history column of a script: every series of every run overlaid on shared axes.</summary>
public sealed record HistoryChart(string Column, string Chart, IReadOnlyList<string> Series);

/// <summary>A setting in which the runs differ (arguments, seed, quick or full, runner, versions, a script's config): its value in each run.</summary>
public sealed record SettingDifference(string Setting, IReadOnlyList<string> Values);

/// <summary>How B's key metric compares with A's.</summary>
public enum Verdict { Unchanged, Better, Worse, Changed }

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
    public int ChangedMetrics => Metrics.Count(m => m.Changed);
    public int ChangedImages => Images.Count(i => !i.Diff.Identical);

    /// <summary>The key metric's row, when the script has one.</summary>
    public MetricDelta? Key => Metrics.FirstOrDefault(m => m.Metric.StartsWith("key metric: ", StringComparison.Ordinal));

    /// <summary>Better, worse or unchanged by the key metric's direction (Changed: it moved and has no direction, or other values moved).</summary>
    public Verdict Verdict => Key is { } key && MetricDeltas.Improved(key) is { } improved ? (improved ? Verdict.Better : Verdict.Worse)
        : ChangedMetrics > 0 || ChangedImages > 0 ? Verdict.Changed : Verdict.Unchanged;

    /// <summary>One line: <c>mnist: test_acc 0.8800 → 0.1210, worse</c>.</summary>
    public string Summary
    {
        get
        {
            // The word is the key metric's when there is one (its value unchanged while others moved is "unchanged").
            var verdict = Key is { Changed: false } ? "unchanged"
                : Verdict switch { Verdict.Better => "better", Verdict.Worse => "worse", Verdict.Unchanged => "unchanged", _ => "changed" };
            var key = Key is { } k ? $"{k.Metric["key metric: ".Length..]} {string.Join(" → ", k.Values.Select(v => v ?? "—"))}, " : "";
            var rest = ChangedMetrics - (Key?.Changed == true ? 1 : 0);
            var others = rest > 0 ? $" ({rest} other value{(rest == 1 ? "" : "s")} changed)" : "";
            var images = ChangedImages > 0 ? $", {ChangedImages} of {Images.Count} plots differ" : "";
            return $"{Script}: {key}{verdict}{others}{images}";
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
}

/// <summary>
/// <c>tools/compare.csx</c>: compares two or more run folders (or single script folders) through their run records:
/// first what differs between the runs (arguments, config, seed, quick or full, runner, versions) and one line per
/// script saying whether its key metric got better or worse; then per script the values with direction-aware deltas,
/// one chart per history column with every series of every run overlaid, and every same-named PNG of A and B side by
/// side with a difference image. Writes compare.md and compare.html (images beside the page, loaded lazily).
/// A run compared with itself shows zero deltas and identical images.
