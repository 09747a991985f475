#nullable enable
using System.Text.Json;

// The numbers the notebook printed, from reference/notebook.json (script → series → value, as the run records key
// theirs), for a script that prints them beside its own. The report reads the same file (tools/lib/References.cs).

/// <summary>Reads one of the notebook's numbers for the running script.</summary>
public static class NotebookNumbers
{
    /// <summary>Where the notebook's numbers live under a checkout.</summary>
    public static string PathIn(string repoRoot) => Path.Combine(repoRoot, "reference", "notebook.json");

    const long MaxBytes = 1024 * 1024;

    /// <summary>
    /// The notebook's value <paramref name="name"/> of <paramref name="series"/> in <paramref name="run"/>'s script (a bare
    /// number or an entry's <c>notebook</c> number), or null when notebook.json is missing or has none. A file that is
    /// too large or not JSON is an error naming it.
    /// </summary>
    public static double? Value(Run run, string series, string name)
    {
        var path = PathIn(run.RepoRoot);
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        if (info.Length > MaxBytes) throw new Ch13Exception($"{path}: {info.Length} bytes, more than the notebook's numbers take ({MaxBytes}).");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { MaxDepth = 16 });
            var value = Walk(document.RootElement, "scripts", run.Script, "series", series, "values", name);
            if (value is { ValueKind: JsonValueKind.Object } entry) value = Walk(entry, "notebook");
            return value is { ValueKind: JsonValueKind.Number } number ? number.GetDouble() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new Ch13Exception($"cannot read the notebook's numbers in {path}: {e.Message}", 1, e);
        }
    }

    static JsonElement? Walk(JsonElement element, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out var next)) return null;
            element = next;
        }
        return element;
    }
}
