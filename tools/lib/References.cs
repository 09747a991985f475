#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

/// <summary>
/// One number (or tensor) the notebook printed: a label, where our run records the same quantity in its
/// metrics.json (<see cref="RunFolders.Select"/> path; null when scripts do not record it), the value as
/// printed, and how many decimals it was printed with (a match means equal at that precision).
/// </summary>
public sealed record ReferenceValue(string Label, string? Path, IReadOnlyList<double> Notebook, string NotebookText, int Decimals);

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
}

/// <summary>A reference value beside ours: ours (and the agreement) is null when the run did not record it.</summary>
public sealed record FidelityRow(string Label, string Notebook, string? Ours, double? Delta, Agreement? Agreement);

/// <summary>
/// The notebook's printed numbers kept as data (reference/notebook.json), so every report can show a
/// "notebook" column next to our values and fidelity stays visible.
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
            var values = script.Value.GetProperty("values").EnumerateArray().Select(v =>
            {
                var notebook = v.GetProperty("notebook");
                var numbers = Flatten(notebook).ToList();
                var text = Regex.Replace(notebook.GetRawText(), @"\s+", "").Replace(",", ", ");
                return new ReferenceValue(
                    v.GetProperty("label").GetString()!,
                    v.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
                    numbers.Select(n => n.GetDouble()).ToList(),
                    text,
                    numbers.Count == 0 ? 0 : numbers.Max(n => Decimals(n.GetRawText())));
            }).ToList();
            result[script.Name] = new ScriptReference(script.Name,
                script.Value.TryGetProperty("section", out var s) ? s.GetString() ?? "" : "",
                script.Value.TryGetProperty("note", out var n) ? n.GetString() : null,
                values);
        }
        return result;
    }

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

    /// <summary>Each reference value with ours from <paramref name="metrics"/>, the largest absolute difference and how they agree.</summary>
    public static IReadOnlyList<FidelityRow> Rows(ScriptReference reference, JsonNode? metrics) =>
        reference.Values.Select(v => Row(v, metrics)).ToList();

    public static FidelityRow Row(ReferenceValue value, JsonNode? metrics)
    {
        var node = value.Path is null ? null : RunFolders.Select(metrics, value.Path);
        var ours = node is null ? [] : Numbers(node).ToList();
        if (ours.Count == 0 || ours.Count != value.Notebook.Count)
            return new FidelityRow(value.Label, value.NotebookText, node is null ? null : node.ToJsonString(), null, null);
        var delta = ours.Zip(value.Notebook, (a, b) => Math.Abs(a - b)).Max();
        var tolerance = 0.5 * Math.Pow(10, -value.Decimals) * (1 + 1e-9);
        var text = ours.Count == 1 ? Format(ours[0], value.Decimals) : "[" + string.Join(", ", ours.Select(x => Format(x, value.Decimals))) + "]";
        var scale = value.Notebook.Max(Math.Abs);
        var agreement = delta <= tolerance ? Agreement.Equal : delta <= CloseRelative * Math.Max(scale, 1e-12) ? Agreement.Close : Agreement.Differs;
        return new FidelityRow(value.Label, value.NotebookText, text, delta, agreement);
    }

    /// <summary>The notebook value for a key metric named <paramref name="name"/>: one whose path ends in that name.</summary>
    public static ReferenceValue? ForKeyMetric(ScriptReference? reference, string? name) =>
        reference is null || name is null ? null :
        reference.Values.FirstOrDefault(v => v.Path is not null && (v.Path == name || v.Path.EndsWith("." + name, StringComparison.Ordinal)) && v.Notebook.Count == 1);

    static IEnumerable<double> Numbers(JsonNode node) => node switch
    {
        JsonArray array => array.SelectMany(e => e is null ? [] : Numbers(e)),
        _ => RunFolders.Number(node) is { } x ? [x] : [],
    };

    // Ours at the notebook's precision; full precision (Python repr) when the notebook printed more than 6 decimals.
    static string Format(double value, int decimals) =>
        decimals > 6 ? value.ToString("R", CultureInfo.InvariantCulture) : value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
