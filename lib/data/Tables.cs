#nullable enable
using System.Globalization;
using Deedle;

// Tables: frames printed the way the notebook shows pandas frames, so outputs can be compared by eye.

/// <summary>pandas-style text for Deedle frames (<c>df.tail()</c>).</summary>
public static class Tables
{
    /// <summary>
    /// The last <paramref name="rows"/> rows like pandas prints them: row keys on the left, columns right-aligned
    /// two spaces apart. A column listed in <paramref name="integerColumns"/> whose shown values are all whole
    /// prints without decimals (pandas' int64); other columns get the decimals (1..6) their values need.
    /// </summary>
    public static string Tail(Frame<int, string> frame, int rows = 5, IReadOnlyCollection<string>? integerColumns = null)
    {
        var keys = frame.RowKeys.Skip(Math.Max(0, frame.RowCount - rows)).ToArray();
        var columns = frame.ColumnKeys.ToArray();
        if (keys.Length == 0) return "Empty frame with columns: " + string.Join(", ", columns);
        var cells = columns.Select(c =>
        {
            var all = Features.Column(frame, c);
            var values = all[(all.Length - keys.Length)..];
            var whole = integerColumns?.Contains(c) == true && values.All(double.IsInteger);
            var decimals = whole ? 0 : Math.Max(1, values.Max(Decimals));
            return values.Select(v => double.IsNaN(v) ? "NaN" : v.ToString("F" + decimals, CultureInfo.InvariantCulture)).ToArray();
        }).ToArray();

        var keyWidth = keys.Max(k => k.ToString().Length);
        var widths = columns.Select((c, j) => Math.Max(c.Length, cells[j].Max(s => s.Length))).ToArray();
        var text = new StringBuilder(new string(' ', keyWidth));
        for (var j = 0; j < columns.Length; j++) text.Append("  ").Append(columns[j].PadLeft(widths[j]));
        for (var i = 0; i < keys.Length; i++)
        {
            text.Append('\n').Append(keys[i].ToString().PadRight(keyWidth));
            for (var j = 0; j < columns.Length; j++) text.Append("  ").Append(cells[j][i].PadLeft(widths[j]));
        }
        return text.ToString();
    }

    /// <summary>Decimals a value needs at pandas' display precision of 6 (trailing zeros dropped).</summary>
    public static int Decimals(double value)
    {
        if (!double.IsFinite(value)) return 0;
        var text = value.ToString("F6", CultureInfo.InvariantCulture).TrimEnd('0');
        return text.Length - text.IndexOf('.') - 1;
    }
}
