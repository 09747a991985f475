#nullable enable
using System.Globalization;

/// <summary>A batch in one line (when, how many scripts, how they ended, wall time): summary.md, report.html and the console start with it.</summary>
public static class BatchHeadline
{
    /// <summary>When, how many scripts, how many failed, total wall time; the counts in Markdown bold.</summary>
    public static string Of(BatchSummary summary)
    {
        var ok = summary.Scripts.Count(s => s.Ok);
        var stopped = RunStatuses.Text(RunStatus.Interrupted);
        var failed = summary.Scripts.Count(s => !s.Ok && s.Status != ScriptResults.Skipped && s.Status != stopped);
        var interrupted = summary.Scripts.Count(s => s.Status == stopped);
        var skipped = summary.Scripts.Count(s => s.Status == ScriptResults.Skipped);
        var args = summary.ScriptArgs.Count > 0 ? $" · script arguments `{string.Join(' ', summary.ScriptArgs)}`" : "";
        return $"Started {Timestamp(summary.StartedAt)} · {Count(summary.Scripts.Select(s => (s.Script, s.Seed)).ToList())}{(summary.Quick ? " (--quick)" : "")} · runner {summary.Runner}{args} · "
            + $"wall {Numbers.Fixed(summary.WallSeconds, "F1")} s · **{ok} ok, {failed} failed{(interrupted > 0 ? $", {interrupted} interrupted" : "")}{(skipped > 0 ? $", {skipped} skipped" : "")}**";
    }

    /// <summary>
    /// How many scripts a batch runs: <c>9 scripts</c>, or for a seed sweep <c>2 scripts × 3 seeds (6 runs)</c> (the
    /// ok and failed counts that follow are runs).
    /// </summary>
    public static string Count(IReadOnlyList<(string Script, int? Seed)> runs)
    {
        var scripts = runs.Select(r => r.Script).Distinct().Count();
        var text = $"{scripts} script{(scripts == 1 ? "" : "s")}";
        if (runs.All(r => r.Seed is null)) return text;
        var seeds = runs.GroupBy(r => r.Script).Select(g => g.Count()).Distinct().ToList();
        return text + (seeds.Count == 1 ? $" × {seeds[0]} seed{(seeds[0] == 1 ? "" : "s")}" : "") + $" ({runs.Count} run{(runs.Count == 1 ? "" : "s")})";
    }

    /// <summary>An ISO timestamp to the second: <c>2026-11-26 08:55:30</c>.</summary>
    public static string Timestamp(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : iso ?? "";
}
