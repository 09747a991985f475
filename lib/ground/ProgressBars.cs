#nullable enable
using System.Globalization;

/// <summary>One frame of a progress bar: what it counts (in <paramref name="Unit"/>s: batches are <c>it</c>), how far it is, for how long, and its labelled values.</summary>
public sealed record BarState(string Prefix, long Done, long Total, TimeSpan Elapsed, IReadOnlyList<(string Name, string Value)> Fields, string Unit = "it");

/// <summary>The bar's one line as a pure function of its state and the terminal's width (tqdm's layout).</summary>
public static class ProgressBars
{
    const string Partials = " ▏▎▍▌▋▊▉";

    /// <summary>
    /// <c>{prefix}  45% ████▌      390/860 [00:02&lt;00:03, 160 it/s, name=value, …]</c>, always shorter than
    /// <paramref name="width"/> (so it never wraps): the last fields go first, then the rate, the times, the bar, the
    /// count, and last the prefix is cut.
    /// </summary>
    public static string Line(BarState state, int width)
    {
        var max = Math.Max(1, width - 1);
        var fraction = state.Total > 0 ? Math.Clamp((double)state.Done / state.Total, 0, 1) : 0;
        var percent = $"{(int)Math.Floor(fraction * 100),3}%";
        var count = $"{state.Done}/{state.Total}";
        var seconds = state.Elapsed.TotalSeconds;
        var rate = seconds > 0 && state.Done > 0 ? state.Done / seconds : (double?)null;
        var eta = rate is { } r && r > 0 ? Clock((state.Total - state.Done) / r) : "?";
        var times = $"{Clock(seconds)}<{eta}";
        var rateText = rate is { } v ? $"{v.ToString(v >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture)} {state.Unit}/s" : $"? {state.Unit}/s";

        for (var fields = state.Fields.Count; fields >= 0; fields--)
        {
            var bracket = new List<string> { times, rateText };
            bracket.AddRange(state.Fields.Take(fields).Select(f => $"{f.Name}={f.Value}"));
            if (TryFit(state.Prefix, percent, count, $" [{string.Join(", ", bracket)}]", fraction, max) is { } line) return line;
        }
        foreach (var tail in new[] { $" [{times}]", "" })
            if (TryFit(state.Prefix, percent, count, tail, fraction, max) is { } line) return line;
        foreach (var candidate in new[] { $"{state.Prefix}  {percent} {count}", $"{state.Prefix}  {percent}" })
            if (candidate.Length <= max) return candidate;
        var cut = $"{state.Prefix}  {percent}";
        return cut.Length <= max ? cut : cut[..max];
    }

    // prefix, percent, a bar of 6..25 cells, count and tail, if that fits in max characters.
    static string? TryFit(string prefix, string percent, string count, string tail, double fraction, int max)
    {
        var rest = $"{prefix}  {percent}  {count}{tail}".Length;
        var cells = Math.Min(25, max - rest);
        return cells < 6 ? null : $"{prefix}  {percent} {Bar(fraction, cells)} {count}{tail}";
    }

    /// <summary>A bar of <paramref name="cells"/> characters: full blocks, one partial block, spaces.</summary>
    public static string Bar(double fraction, int cells)
    {
        var eighths = (int)Math.Floor(Math.Clamp(fraction, 0, 1) * cells * 8);
        var full = eighths / 8;
        var text = new StringBuilder(new string('█', full));
        if (full < cells) text.Append(Partials[eighths % 8]).Append(' ', cells - full - 1);
        return text.ToString();
    }

    /// <summary>mm:ss, or h:mm:ss from an hour.</summary>
    public static string Clock(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "?";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";
    }
}
