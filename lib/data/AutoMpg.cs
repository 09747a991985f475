#nullable enable
using System.Globalization;
using Deedle;

// AutoMpg: the UCI Auto MPG file as a Deedle frame, read the way the notebook's pandas call reads it
// (read_csv(names=..., na_values="?", comment="\t", sep=" ", skipinitialspace=True)), plus dropna and describe.

/// <summary>pandas' describe() numbers for one column (std is the sample std, ddof=1; quantiles interpolate linearly).</summary>
public sealed record ColumnStats(string Column, int Count, double Mean, double Std, double Min, double Q25, double Median, double Q75, double Max);

/// <summary>describe() of a frame: one <see cref="ColumnStats"/> per numeric column, in frame order.</summary>
public sealed record FrameSummary(IReadOnlyList<ColumnStats> Columns)
{
    public ColumnStats this[string column] => Columns.First(c => c.Column == column);
    public override string ToString() => AutoMpg.Format(this);
}

/// <summary>Reads <c>auto-mpg.data</c> (398 rows, 6 missing horsepower values) and summarises frames.</summary>
public static class AutoMpg
{
    /// <summary>The notebook's column names, in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["MPG", "Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration", "Model Year", "Origin"];

    /// <summary>Parses the file at <paramref name="path"/>; see <see cref="Parse"/>.</summary>
    public static Frame<int, string> Load(string path)
    {
        if (!File.Exists(path))
            throw new Ch13Exception($"Auto MPG data file {path} not found.\n" +
                                    $"Fix: get it with DataFiles.Ensure (the scripts do), or set {DataFiles.EnvVar} to a folder holding auto-mpg/auto-mpg.data.");
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>
    /// One row per non-blank line: eight whitespace-separated numbers (<c>?</c> = missing, kept as a missing
    /// value) before a tab and the car name, which is ignored. Rows are keyed 0..n-1; every column is double.
    /// A malformed line throws <see cref="Ch13Exception"/> naming <paramref name="sourceName"/> and the line.
    /// </summary>
    public static Frame<int, string> Parse(TextReader reader, string sourceName)
    {
        var columns = Columns.Select(_ => new List<double>()).ToArray();
        var fields = new double[Columns.Count];
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var numbers = line.AsSpan();
            var tab = numbers.IndexOf('\t');
            if (tab >= 0) numbers = numbers[..tab];   // comment="\t": the car name is not data
            if (numbers.IsWhiteSpace()) continue;
            ParseLine(numbers, fields, sourceName, lineNumber, line);
            for (var i = 0; i < fields.Length; i++) columns[i].Add(fields[i]);
        }
        if (columns[0].Count == 0)
            throw new Ch13Exception($"Auto MPG data {sourceName} has no data rows (empty file).\n" +
                                    "Fix: delete it so the next run downloads it again (its sha256 is checked).");
        return FromColumns(Columns, columns.Select(c => c.ToArray()).ToArray());
    }

    static void ParseLine(ReadOnlySpan<char> text, double[] fields, string source, int lineNumber, string line)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            // sep=" " with skipinitialspace: runs of spaces separate fields.
            while (i < text.Length && (text[i] == ' ' || text[i] == '\r')) i++;
            if (i == text.Length) break;
            var start = i;
            while (i < text.Length && text[i] != ' ' && text[i] != '\r') i++;
            var token = text[start..i];
            if (count == fields.Length) { count++; break; }
            fields[count] = token is "?" ? double.NaN
                : double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
                : throw Malformed(source, lineNumber, line, $"field {count + 1} ({Columns[count]}) at column {start + 1} is '{token}', not a number (write ? for a missing value)");
            count++;
        }
        if (count != fields.Length)
            throw Malformed(source, lineNumber, line,
                $"expected {fields.Length} numbers before the tab and car name, found {(count > fields.Length ? "more" : count.ToString())}");
    }

    static Ch13Exception Malformed(string source, int lineNumber, string line, string what) =>
        new($"Auto MPG data {source}, line {lineNumber}: {what}.\n  {line.Trim()}\n" +
            "Fix: delete the file so the next run downloads the original (its sha256 is checked), or correct that line.");

    /// <summary>A frame of double columns keyed 0..n-1 (NaN becomes a missing value, as Deedle does).</summary>
    public static Frame<int, string> FromColumns(IReadOnlyList<string> names, double[][] columns)
    {
        var keys = Enumerable.Range(0, columns.Length == 0 ? 0 : columns[0].Length).ToArray();
        return Frame.FromColumns(names.Select((name, i) =>
            KeyValuePair.Create(name, new Series<int, double>(keys, columns[i]))));
    }

    /// <summary>Rows with no missing value, re-keyed 0..n-1 (pandas' <c>dropna().reset_index(drop=True)</c>).</summary>
    public static Frame<int, string> DropMissing(Frame<int, string> frame) =>
        FrameExtensions.IndexRowsOrdinally(FrameExtensions.DropSparseRows(frame));

    /// <summary>Missing values per column, in column order (pandas' <c>isna().sum()</c>).</summary>
    public static Series<string, int> MissingCounts(Frame<int, string> frame)
    {
        var columns = frame.ColumnKeys.ToArray();
        return new Series<string, int>(columns, columns.Select(c => frame.RowCount - frame.Columns[c].ValueCount).ToArray());
    }

    /// <summary>Counts printed like pandas prints a Series: names left, numbers right-aligned.</summary>
    public static string Format(Series<string, int> counts)
    {
        var keys = counts.Keys.ToArray();
        var width = keys.Max(k => k.Length) + 4;
        var digits = counts.Values.Max(v => v.ToString().Length);
        return string.Join("\n", keys.Select(k => k.PadRight(width) + counts[k].ToString().PadLeft(digits)));
    }

    /// <summary>pandas' <c>describe()</c> of every column (missing values skipped).</summary>
    public static FrameSummary Describe(Frame<int, string> frame) =>
        new(frame.ColumnKeys.Select(c => Stats(c, Features.Column(frame, c))).ToArray());

    /// <summary>Summary numbers of one column, computed as pandas does (numpy pairwise sums, linear quantiles).</summary>
    public static ColumnStats Stats(string column, double[] values)
    {
        // Sums run in row order, as numpy's do; only the quantiles need sorted values.
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        var n = present.Length;
        var mean = n == 0 ? double.NaN : Features.PairwiseSum(present) / n;
        var squares = present.Select(v => (v - mean) * (v - mean)).ToArray();
        var std = n < 2 ? double.NaN : Math.Sqrt(Features.PairwiseSum(squares) / (n - 1));
        Array.Sort(present);
        return new ColumnStats(column, n, mean, std,
            n == 0 ? double.NaN : present[0], Quantile(present, 0.25), Quantile(present, 0.5), Quantile(present, 0.75),
            n == 0 ? double.NaN : present[^1]);
    }

    /// <summary>numpy's 'linear' quantile of sorted values, with its two-sided lerp for exact endpoints.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        var position = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        var t = position - lo;
        var (a, b) = (sorted[lo], sorted[hi]);
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    }

    /// <summary>
    /// The describe() table, one row per column like the notebook's <c>describe().transpose()</c>. Like pandas,
    /// each statistic gets as many decimals (1..6) as its most precise value needs: "9.0", "23.404153".
    /// </summary>
    public static string Format(FrameSummary summary)
    {
        string[] header = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];
        var values = summary.Columns.Select(c => new double[] { c.Count, c.Mean, c.Std, c.Min, c.Q25, c.Median, c.Q75, c.Max }).ToArray();
        var cells = new string[values.Length][];
        for (var i = 0; i < values.Length; i++) cells[i] = new string[header.Length];
        var widths = header.Select(h => h.Length).ToArray();
        for (var j = 0; j < header.Length; j++)
        {
            var decimals = Math.Max(1, values.Select(row => Tables.Decimals(row[j])).DefaultIfEmpty(1).Max());
            for (var i = 0; i < values.Length; i++)
            {
                cells[i][j] = double.IsNaN(values[i][j]) ? "NaN" : values[i][j].ToString("F" + decimals, CultureInfo.InvariantCulture);
                widths[j] = Math.Max(widths[j], cells[i][j].Length);
            }
        }
        var nameWidth = summary.Columns.Select(c => c.Column.Length).DefaultIfEmpty(0).Max();
        var text = new StringBuilder();
        text.Append(new string(' ', nameWidth));
        for (var j = 0; j < header.Length; j++) text.Append("  ").Append(header[j].PadLeft(widths[j]));
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append('\n').Append(summary.Columns[i].Column.PadRight(nameWidth));
            for (var j = 0; j < header.Length; j++) text.Append("  ").Append(cells[i][j].PadLeft(widths[j]));
        }
        return text.ToString();
    }
}
