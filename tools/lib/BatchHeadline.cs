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
        return $"Started {Timestamp(summary.StartedAt)} · {summary.Scripts.Count} script{(summary.Scripts.Count == 1 ? "" : "s")}{(summary.Quick ? " (--quick)" : "")} · runner {summary.Runner}{args} · "
            + $"wall {Numbers.Fixed(summary.WallSeconds, "F1")} s · **{ok} ok, {failed} failed{(interrupted > 0 ? $", {interrupted} interrupted" : "")}{(skipped > 0 ? $", {skipped} skipped" : "")}**";
    }

    /// <summary>An ISO timestamp to the second: <c>2026-11-26 08:55:30</c>.</summary>
    public static string Timestamp(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : iso ?? "";
}
