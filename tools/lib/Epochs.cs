#nullable enable
using System.Globalization;
using System.Text.Json;

/// <summary>
/// Epochs as a reader of a run meets them elsewhere. Run records number epochs from 1; a run trained by the
/// Lightning-style Trainer (its config has a <c>trainer</c>) is shown from 0, as Lightning's logs, progress bar and
/// checkpoint names (<c>epoch=8-step=7740.ckpt</c>) count them.
/// </summary>
public static class Epochs
{
    /// <summary>True when the run's epochs are shown from 0 (a Lightning-style Trainer ran it).</summary>
    public static bool FromZero(RunRecord record) =>
        record.Config.ValueKind == JsonValueKind.Object && record.Config.TryGetProperty("trainer", out _);

    /// <summary>A record's epoch (from 1) as the run counts it.</summary>
    public static int Shown(RunRecord record, int epoch) => FromZero(record) ? epoch - 1 : epoch;

    public static string Text(RunRecord record, int epoch) => Shown(record, epoch).ToString(CultureInfo.InvariantCulture);

    /// <summary>What to add to a record's epoch to show it: −1 for a run counted from 0, else 0.</summary>
    public static int Offset(RunRecord record) => FromZero(record) ? -1 : 0;

    /// <summary>A history metric's best finite value (by its direction) and the first epoch (record numbering) that reached it; null without a direction or values.</summary>
    public static (double Value, int Epoch)? Best(Series series, EpochColumn column)
    {
        if (column.Better is not { } better) return null;
        (double Value, int Epoch)? best = null;
        foreach (var e in series.History)
            if (column.Read(e) is double x && double.IsFinite(x) && (best is null || (better == Better.Lower ? x < best.Value.Value : x > best.Value.Value)))
                best = (x, e.Epoch);
        return best;
    }
}
