#nullable enable
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

/// <summary>One script's output folder: its name, where it is, its metrics.json (null when missing or unreadable) and its PNGs (paths relative to the folder, with '/').</summary>
public sealed record ScriptFolder(string Script, string Dir, JsonObject? Metrics, IReadOnlyList<string> Images);

/// <summary>A training history found in a metrics.json: its JSON path, the epochs, and each numeric column by name.</summary>
public sealed record HistoryTable(string Path, IReadOnlyList<double> Epochs, IReadOnlyDictionary<string, IReadOnlyList<double?>> Columns);

/// <summary>
/// Reading run outputs generically, whatever a script chose to record: script folders, metrics.json, the
/// histories in it (any array of objects with an <c>epoch</c> and numeric fields), its numeric results, and
/// values picked by a small path language (<c>results.mlp.history[epoch=11].valid_loss</c>, <c>lr_cuts[0]</c>, <c>[-1]</c>).
/// </summary>
public static class RunFolders
{
    /// <summary>Numeric arrays longer than this (weights, confusion matrices, per-epoch lists) are not listed as results.</summary>
    public const int MaxListedArray = 8;

    public static bool IsScriptFolder(string dir) => File.Exists(Path.Combine(dir, "metrics.json"));

    /// <summary>
    /// The script folders of <paramref name="dir"/>: the folder itself when it holds a metrics.json, otherwise every
    /// subfolder holding a metrics.json or a PNG (a failed script may have left plots but no metrics).
    /// </summary>
    public static IReadOnlyList<ScriptFolder> Open(string dir)
    {
        if (!Directory.Exists(dir)) throw new Ch13Exception($"no such folder: {dir}", 2);
        if (IsScriptFolder(dir)) return [Read(dir, null)];
        return Directory.GetDirectories(dir)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Where(d => IsScriptFolder(d) || Directory.EnumerateFiles(d, "*.png", SearchOption.AllDirectories).Any())
            .Order(StringComparer.Ordinal)
            .Select(d => Read(d, Path.GetFileName(d)))
            .ToList();
    }

    /// <summary>Reads one script folder; its name is <paramref name="name"/>, else metrics.json's <c>script</c>, else the folder's name.</summary>
    public static ScriptFolder Read(string dir, string? name)
    {
        var metrics = ReadJson(Path.Combine(dir, "metrics.json")) as JsonObject;
        var script = name ?? Text(metrics?["script"]) ?? Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));
        return new ScriptFolder(script, Path.GetFullPath(dir), metrics, Images(dir));
    }

    /// <summary>Every PNG under <paramref name="dir"/> (not hidden temp files), relative, sorted.</summary>
    public static IReadOnlyList<string> Images(string dir) =>
        !Directory.Exists(dir) ? [] :
        Directory.EnumerateFiles(dir, "*.png", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A JSON file's content, or null when it is missing or not valid JSON.</summary>
    public static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException) { return null; }
    }

    /// <summary>A JSON number (or "NaN"/"Infinity" as Runs.Json writes them) as a double; null for anything else.</summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        // Parsed and built values hold different CLR types (JsonElement, int, double…): read the JSON text.
        if (value.GetValueKind() == JsonValueKind.Number) return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (value.GetValueKind() == JsonValueKind.String
            && double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && !double.IsFinite(x)) return x;
        return null;
    }

    /// <summary>A value as tables show it: integers as written, other numbers with 4 decimals (fewer when large, more digits when tiny), text as is.</summary>
    public static string Display(JsonNode? node)
    {
        if (node is null) return "";
        if (Number(node) is not { } x) return Text(node) ?? node.ToJsonString();
        var raw = node.ToJsonString();
        if (Regex.IsMatch(raw, @"^-?\d+$")) return raw;
        if (x != 0 && Math.Abs(x) < 1e-3 && double.IsFinite(x)) return x.ToString("G4", CultureInfo.InvariantCulture);
        return !double.IsFinite(x) ? x.ToString(CultureInfo.InvariantCulture)
            : Math.Abs(x) >= 1000 ? x.ToString("F1", CultureInfo.InvariantCulture)
            : x.ToString("F4", CultureInfo.InvariantCulture);
    }

    /// <summary>A JSON string's value; null for anything else.</summary>
    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>Every history in <paramref name="root"/>, in document order (their paths name them: <c>results.mlp.history</c>).</summary>
    public static IReadOnlyList<HistoryTable> Histories(JsonNode? root)
    {
        var found = new List<HistoryTable>();
        Walk(root, "", (path, node) =>
        {
            if (node is JsonArray array && AsHistory(path, array) is { } history)
            {
                found.Add(history);
                return false;
            }
            return true;
        });
        return found;
    }

    /// <summary>
    /// The numeric leaves of <paramref name="root"/> as (path, node), skipping histories and numeric arrays longer
    /// than <see cref="MaxListedArray"/>: the "final metrics" a table can show.
    /// </summary>
    public static IReadOnlyList<(string Path, JsonNode Node)> Scalars(JsonNode? root, string prefix = "")
    {
        var found = new List<(string, JsonNode)>();
        Walk(root, prefix, (path, node) =>
        {
            switch (node)
            {
                case JsonArray array when AsHistory(path, array) is not null:
                    return false;
                case JsonArray array when array.Count > 0 && array.All(e => e is JsonArray || Number(e) is not null):
                    if (CountLeaves(array) > MaxListedArray) return false;
                    return true;
                case JsonValue when Number(node) is not null:
                    found.Add((path, node));
                    return false;
                default:
                    return true;
            }
        });
        return found;
    }

    static int CountLeaves(JsonArray array) => array.Sum(e => e is JsonArray inner ? CountLeaves(inner) : 1);

    static HistoryTable? AsHistory(string path, JsonArray array)
    {
        if (array.Count == 0) return null;
        var rows = new List<JsonObject>(array.Count);
        foreach (var element in array)
        {
            if (element is not JsonObject row || Number(row["epoch"]) is null) return null;
            rows.Add(row);
        }
        var columns = new List<string>();
        foreach (var row in rows)
            foreach (var (key, value) in row)
                if (key != "epoch" && !columns.Contains(key) && Number(value) is not null) columns.Add(key);
        if (columns.Count == 0) return null;
        return new HistoryTable(path, rows.Select(r => Number(r["epoch"])!.Value).ToList(),
            columns.ToDictionary(c => c, c => (IReadOnlyList<double?>)rows.Select(r => Number(r[c])).ToList()));
    }

    // Depth-first over objects and arrays; visit returns false to skip a node's children.
    static void Walk(JsonNode? node, string path, Func<string, JsonNode, bool> visit)
    {
        if (node is null || !visit(path, node)) return;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj) Walk(child, path.Length == 0 ? key : $"{path}.{key}", visit);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{path}[{i}]", visit);
                break;
        }
    }

    static readonly Regex Segment = new(@"^(?<name>[^.\[\]]*)(?<selectors>(\[[^\]]*\])*)$");
    static readonly Regex Selector = new(@"\[(?<inner>[^\]]*)\]");

    /// <summary>
    /// The node at <paramref name="path"/>: dot-separated property names, each optionally followed by selectors:
    /// <c>[2]</c> (index), <c>[-1]</c> (from the end), <c>[epoch=11]</c> (the first element whose property equals the value).
    /// Null when any step is missing.
    /// </summary>
    public static JsonNode? Select(JsonNode? root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var match = Segment.Match(part);
            if (!match.Success) return null;
            var name = match.Groups["name"].Value;
            if (name.Length > 0) node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var child) ? child : null;
            foreach (Match selector in Selector.Matches(match.Groups["selectors"].Value))
                node = Pick(node, selector.Groups["inner"].Value);
            if (node is null) return null;
        }
        return node;
    }

    static JsonNode? Pick(JsonNode? node, string selector)
    {
        if (node is not JsonArray array) return null;
        if (int.TryParse(selector, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            if (index < 0) index += array.Count;
            return index >= 0 && index < array.Count ? array[index] : null;
        }
        var eq = selector.IndexOf('=');
        if (eq <= 0) return null;
        var (key, wanted) = (selector[..eq].Trim(), selector[(eq + 1)..].Trim());
        return array.FirstOrDefault(e => e is JsonObject obj && obj[key] is { } v && Same(v, wanted));
    }

    static bool Same(JsonNode value, string wanted) =>
        Number(value) is { } x && double.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? x == y
            : Text(value) == wanted;
}
