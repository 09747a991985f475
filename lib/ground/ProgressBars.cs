#nullable enable
using System.Globalization;

/// <summary>
/// One frame of a progress bar: what it counts (in <paramref name="Unit"/>s: batches are <c>it</c>), how far it is, for
/// how long, and its labelled values; a <paramref name="CountName"/> names the count (<c>Epoch 28/100</c>).
/// </summary>
public sealed record BarState(string Prefix, long Done, long Total, TimeSpan Elapsed, IReadOnlyList<(string Name, string Value)> Fields, string Unit = "it", string? CountName = null);

/// <summary>The bar's one line as a pure function of its state and the terminal's width (tqdm's layout).</summary>
public static class ProgressBars
{
    const string Partials = " ▏▎▍▌▋▊▉";

    /// <summary>
    /// <c>{prefix}  45% ████▌      390/860 [00:02&lt;00:03, 160 it/s, name=value, …]</c>, always shorter than
    /// <paramref name="width"/> (so it never wraps): the last fields go first, then the rate, the times, the bar, the
    /// count, and last the prefix is cut. Before the first field goes, the prefix is shortened to its part after the
    /// last <c> · </c> (the model's name goes, <c>Epoch 3/5</c> stays), or to nothing: the loss is worth more than the name.
    /// </summary>
    public static string Line(BarState state, int width)
    {
        var max = Math.Max(1, width - 1);
        var fraction = state.Total > 0 ? Math.Clamp((double)state.Done / state.Total, 0, 1) : 0;
        // In whole numbers: 29/100 is 29%, where floor(0.29 * 100) would say 28.
        var percent = $"{(state.Total > 0 ? Math.Clamp(state.Done * 100 / state.Total, 0, 100) : 0),3}%";
        var count = state.CountName is { } name ? $"{name} {state.Done}/{state.Total}" : $"{state.Done}/{state.Total}";
        var seconds = state.Elapsed.TotalSeconds;
        var rate = seconds > 0 && state.Done > 0 ? state.Done / seconds : (double?)null;
        var eta = rate is { } r && r > 0 ? Clock((state.Total - state.Done) / r) : "?";
        var times = $"{Clock(seconds)}<{eta}";
        var rateText = rate is { } v ? $"{v.ToString(v >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture)} {state.Unit}/s" : $"? {state.Unit}/s";

        string Tail(int fields) => $" [{string.Join(", ", new[] { times, rateText }.Concat(state.Fields.Take(fields).Select(f => $"{f.Name}={f.Value}")))}]";
        for (var fields = state.Fields.Count; fields >= 1; fields--)
            if (TryFit(state.Prefix, percent, count, Tail(fields), fraction, max) is { } line) return line;
        if (state.Fields.Count > 0 && TryFit(ShortPrefix(state.Prefix), percent, count, Tail(1), fraction, max) is { } shortened) return shortened;
        if (TryFit(state.Prefix, percent, count, Tail(0), fraction, max) is { } bare) return bare;
        foreach (var tail in new[] { $" [{times}]", "" })
            if (TryFit(state.Prefix, percent, count, tail, fraction, max) is { } line) return line;
        foreach (var candidate in new[] { $"{state.Prefix}  {percent} {count}", $"{state.Prefix}  {percent}" })
            if (candidate.Length <= max) return candidate;
        var cut = $"{state.Prefix}  {percent}";
        return cut.Length <= max ? cut : cut[..max];
    }

    // prefix, percent, a bar of 6..25 cells, count and tail, if that fits in max characters (no prefix: the percent first).
    static string? TryFit(string prefix, string percent, string count, string tail, double fraction, int max)
    {
        var head = prefix.Length > 0 ? $"{prefix}  {percent}" : percent.TrimStart();
        var cells = Math.Min(25, max - $"{head}  {count}{tail}".Length);
        return cells < 6 ? null : $"{head} {Bar(fraction, cells)} {count}{tail}";
    }

    // The prefix without the model's name: what follows its last " · ", or nothing.
    static string ShortPrefix(string prefix) => prefix.LastIndexOf(" · ", StringComparison.Ordinal) is >= 0 and var at ? prefix[(at + 3)..] : "";

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
