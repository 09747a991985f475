#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

/// <summary>
/// One number, tensor or text the notebook printed, and where our run record holds the same quantity: a history
/// metric (<see cref="Name"/>, a column such as <c>valid_loss</c>) of the series named <see cref="Series"/> at
/// <see cref="Epoch"/>, or a value named <see cref="Name"/> of that series (of the run's results when Series is null).
/// Numbers keep the decimals they were printed with (a match means equal at that precision); a text has no numbers.
/// <see cref="Expected"/> is the one-line reason for a difference the project documents (docs/notebook.md); it covers a
/// number up to <see cref="ExpectedWithin"/> away (absolute), or a text equal to <see cref="ExpectedText"/>: nothing else.
/// </summary>
public sealed record ReferenceValue(string Label, string? Series, string Name, int? Epoch, IReadOnlyList<double> Notebook, string NotebookText, int Decimals,
    string? Expected = null, double? ExpectedWithin = null, string? ExpectedText = null)
{
    /// <summary>True for an entry of a series' per-epoch history.</summary>
    public bool IsHistory => Epoch is not null;
}

/// <summary>The notebook's printed values for one script, with the notebook section they come from.</summary>
public sealed record ScriptReference(string Script, string Section, string? Note, IReadOnlyList<ReferenceValue> Values);

/// <summary>How our value compares with the notebook's.</summary>
public enum Agreement
{
    /// <summary>Equal at the precision the notebook printed.</summary>
    Equal,
    /// <summary>Not equal as printed, but within float32 rounding (relative difference ≤ <see cref="References.CloseRelative"/>).</summary>
    Close,
    /// <summary>A real difference.</summary>
    Differs,
    /// <summary>A difference the project documents, within the bound the reference states (its reason is on the row).</summary>
    Expected,
}

/// <summary>A reference value beside ours: ours (and the agreement) is null when the run did not record it; <see cref="Reason"/> says why an expected difference is one.</summary>
public sealed record FidelityRow(string Label, string Notebook, string? Ours, double? Delta, Agreement? Agreement, string? Reason = null);

/// <summary>
/// The notebook's printed numbers kept as data (reference/notebook.json, keyed script → series → value, like run
/// records), so every report can show a "notebook" column next to our values and fidelity stays visible.
/// </summary>
public static class References
{
    /// <summary>
    /// Relative difference still counted as agreement: float32 results differ in their last bits when libtorch
    /// sums in another order, and that drift grows over epochs to a few parts in a million.
    /// </summary>
    public const double CloseRelative = 1e-5;

    /// <summary>reference/notebook.json under the repository root.</summary>
    public static string DefaultPath(string repoRoot) => Path.Combine(repoRoot, "reference", "notebook.json");

    /// <summary>Reads the reference file; a missing file gives no references (reports just leave the column empty).</summary>
    public static IReadOnlyDictionary<string, ScriptReference> Load(string path)
    {
        if (!File.Exists(path)) return new Dictionary<string, ScriptReference>();
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, ScriptReference>();
        foreach (var script in document.RootElement.GetProperty("scripts").EnumerateObject())
        {
            var values = new List<ReferenceValue>();
            if (script.Value.TryGetProperty("series", out var allSeries))
                foreach (var series in allSeries.EnumerateObject())
                {
                    var prefix = Text(series.Value, "label") is { } label ? label + " " : "";
                    if (series.Value.TryGetProperty("history", out var history))
                        foreach (var metric in history.EnumerateObject())
                            foreach (var epoch in metric.Value.EnumerateObject())
                                values.Add(Entry(epoch.Value, $"{prefix}{metric.Name.Replace('_', ' ')}, epoch {epoch.Name}", series.Name, metric.Name,
                                    int.Parse(epoch.Name, CultureInfo.InvariantCulture)));
                    values.AddRange(Values(series.Value, series.Name));
                }
            values.AddRange(Values(script.Value, series: null));
            result[script.Name] = new ScriptReference(script.Name, Text(script.Value, "section") ?? "", Text(script.Value, "note"), values);
        }
        return result;
    }

    static IEnumerable<ReferenceValue> Values(JsonElement owner, string? series) =>
        owner.TryGetProperty("values", out var values)
            ? values.EnumerateObject().Select(v => Entry(v.Value, v.Name, series, v.Name, epoch: null)).ToList()
            : [];

    // An entry is the notebook's value itself (its label made from its place), or {"label": …, "notebook": …}, with
    // optionally "expected": the reason for a documented difference, and what it covers: "within" (the largest
    // absolute difference of a number) or "ours" (the text we print instead).
    static ReferenceValue Entry(JsonElement entry, string label, string? series, string name, int? epoch)
    {
        var notebook = entry;
        string? expected = null, expectedText = null;
        double? within = null;
        if (entry.ValueKind == JsonValueKind.Object)
        {
            notebook = entry.GetProperty("notebook");
            label = Text(entry, "label") ?? label;
            expected = Text(entry, "expected");
            if (entry.TryGetProperty("within", out var bound) && bound.ValueKind == JsonValueKind.Number) within = bound.GetDouble();
            expectedText = Text(entry, "ours");
        }
        if (notebook.ValueKind == JsonValueKind.String)
            return new ReferenceValue(label, series, name, epoch, [], notebook.GetString()!, 0, expected, within, expectedText);
        var numbers = Flatten(notebook).ToList();
        var text = Regex.Replace(notebook.GetRawText(), @"\s+", "").Replace(",", ", ");
        return new ReferenceValue(label, series, name, epoch, numbers.Select(n => n.GetDouble()).ToList(), text,
            numbers.Count == 0 ? 0 : numbers.Max(n => Decimals(n.GetRawText())), expected, within, expectedText);
    }

    static string? Text(JsonElement owner, string property) =>
        owner.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static IEnumerable<JsonElement> Flatten(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().SelectMany(Flatten) : [element];

    /// <summary>Decimals in a printed number: <c>15.7344</c> → 4, <c>23</c> → 0, <c>1e-4</c> → 4.</summary>
    public static int Decimals(string number)
    {
        var mantissa = number.Split('e', 'E')[0];
        var exponent = number.Length > mantissa.Length ? int.Parse(number[(mantissa.Length + 1)..], CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.');
        return Math.Max(0, (dot < 0 ? 0 : mantissa.Length - dot - 1) - exponent);
    }

    /// <summary>Each reference value with ours from <paramref name="record"/>, the largest absolute difference and how they agree.</summary>
    public static IReadOnlyList<FidelityRow> Rows(ScriptReference reference, RunRecord? record) =>
        reference.Values.Select(v => Row(v, record)).ToList();

    public static FidelityRow Row(ReferenceValue value, RunRecord? record) => Explained(value, Compared(value, record));

    // A difference the reference documents is expected, with its reason, only as far as it states: a number within
    // its bound, a text equal to the one it names. Anything else is still a difference.
    static FidelityRow Explained(ReferenceValue value, FidelityRow row) =>
        row.Agreement == Agreement.Differs && value.Expected is { } reason
        && (row.Delta is { } d ? value.ExpectedWithin is { } within && d <= within : value.ExpectedText is { } text && row.Ours == text)
            ? row with { Agreement = Agreement.Expected, Reason = reason }
            : row;

    static FidelityRow Compared(ReferenceValue value, RunRecord? record)
    {
        var ours = Ours(value, record);
        if (ours is null) return new FidelityRow(value.Label, value.NotebookText, null, null, null);
        if (ours.Text is { } text || value.Notebook.Count == 0)
        {
            var same = ours.Text is not null && value.Notebook.Count == 0 && ours.Text == value.NotebookText;
            return new FidelityRow(value.Label, value.NotebookText, ours.Text ?? NumbersText(ours.Numbers, value.Decimals), null,
                ours.Text is null ? null : same ? Agreement.Equal : Agreement.Differs);
        }
        var numbers = ours.Numbers;
        var oursText = NumbersText(numbers, value.Decimals);
        if (numbers.Count == 0 || numbers.Count != value.Notebook.Count || numbers.Any(double.IsNaN))
            return new FidelityRow(value.Label, value.NotebookText, numbers.Count == 0 ? null : oursText, null, null);
        var delta = numbers.Zip(value.Notebook, (a, b) => Math.Abs(a - b)).Max();
        var tolerance = 0.5 * Math.Pow(10, -value.Decimals) * (1 + 1e-9);
        var scale = value.Notebook.Max(Math.Abs);
        var agreement = delta <= tolerance ? Agreement.Equal : delta <= CloseRelative * Math.Max(scale, 1e-12) ? Agreement.Close : Agreement.Differs;
        return new FidelityRow(value.Label, value.NotebookText, oursText, delta, agreement);
    }

    /// <summary>What our run recorded for a reference value: its numbers (none when it never got that far) or its text.</summary>
    public sealed record Recorded(IReadOnlyList<double> Numbers, string? Text);

    /// <summary>
    /// Ours for <paramref name="value"/>: the series' history metric at the epoch, or the series' (or run's) value of
    /// that name; null when the record has no such series, epoch or value.
    /// </summary>
    public static Recorded? Ours(ReferenceValue value, RunRecord? record)
    {
        if (record is null) return null;
        var series = value.Series is null ? null : record.SeriesNamed(value.Series);
        if (value.Series is not null && series is null) return null;
        if (value.Epoch is int epoch)
        {
            var metrics = series!.History.FirstOrDefault(e => e.Epoch == epoch);
            return metrics is null || HistoryColumns.Named(value.Name) is not { } column ? null
                : column.Read(metrics) is double x ? new Recorded([x], null) : new Recorded([], null);
        }
        var recorded = series is null ? record.Result(value.Name) : series.Value(value.Name);
        return recorded is null ? null
            : recorded.Text is not null ? new Recorded([], recorded.Text)
            : new Recorded(recorded.Numbers ?? (recorded.Number is double n ? [n] : []), null);
    }

    /// <summary>True when <paramref name="record"/> records the quantity <paramref name="value"/> refers to: the series' history
    /// column (at any epoch), or the value by name (even if empty).</summary>
    public static bool Records(ReferenceValue value, RunRecord record)
    {
        var series = value.Series is null ? null : record.SeriesNamed(value.Series);
        if (value.Series is not null && series is null) return false;
        if (value.IsHistory)
            return HistoryColumns.Named(value.Name) is { } column && series!.History.Any(e => column.Read(e) is not null);
        return (series is null ? record.Result(value.Name) : series.Value(value.Name)) is not null;
    }

    /// <summary>The notebook value for a key metric: the (non-history, single-number) value of the same series and name.</summary>
    public static ReferenceValue? ForKeyMetric(ScriptReference? reference, KeyMetric? key) =>
        reference is null || key is null ? null :
        reference.Values.FirstOrDefault(v => !v.IsHistory && v.Series == key.Series && v.Name == key.Name && v.Notebook.Count == 1);

    /// <summary>
    /// The value a summary shows for a script's notebook figures: its last single-number value that is not a
    /// history entry (mnist's final valid acc), else its last history entry (the last epoch the notebook printed).
    /// </summary>
    public static ReferenceValue? Headline(ScriptReference? reference) =>
        reference is null ? null :
        reference.Values.LastOrDefault(v => !v.IsHistory && v.Notebook.Count == 1)
        ?? reference.Values.Where(v => v.IsHistory && v.Notebook.Count == 1).OrderBy(v => v.Epoch).LastOrDefault();

    /// <summary>Numbers at the notebook's precision: one as a number, several as a list (<c>[0.1000, 0.2000]</c>).</summary>
    public static string NumbersText(IReadOnlyList<double> numbers, int decimals) =>
        numbers.Count == 1 ? Format(numbers[0], decimals) : "[" + string.Join(", ", numbers.Select(x => Format(x, decimals))) + "]";

    // Ours at the notebook's precision; full precision (Python repr) when the notebook printed more than 6 decimals.
    static string Format(double value, int decimals) =>
        decimals > 6 ? value.ToString("R", CultureInfo.InvariantCulture) : Numbers.Fixed(value, "F" + decimals);
}
