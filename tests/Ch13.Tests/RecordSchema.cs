using System.Text.Json;
using Json.Schema;

namespace Ch13.Tests;

/// <summary>reference/metrics.schema.json as a validator (JsonSchema.Net); shared with Ch13.Runner.Tests.</summary>
public static class RecordSchema
{
    static readonly Dictionary<string, JsonSchema> Loaded = [];

    /// <summary>The errors of <paramref name="json"/> against the published schema in <paramref name="repoRoot"/> (none: valid).</summary>
    public static IReadOnlyList<string> Errors(string repoRoot, string json)
    {
        JsonSchema schema;
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(repoRoot, out schema!))
                Loaded[repoRoot] = schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(repoRoot, "reference", "metrics.schema.json")));
        }
        using var document = JsonDocument.Parse(json);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid (no details)")
            .ToList();
    }
}
