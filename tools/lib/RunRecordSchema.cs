#nullable enable
using System.ComponentModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

/// <summary>The JSON Schema of metrics.json, generated from the run record types (lib/run/RunRecord.cs) and published as reference/metrics.schema.json.</summary>
// (The schema's own description still names RunRecords.Schema(): changing it would change the published file.)
public static class RunRecordSchema
{
    /// <summary>reference/metrics.schema.json under the repository root.</summary>
    public static string PathIn(string repoRoot) => Path.Combine(repoRoot, "reference", "metrics.schema.json");

    /// <summary>
    /// The JSON Schema (draft 2020-12) of metrics.json, generated from <see cref="RunRecord"/> with <see cref="RunRecords.Json"/>:
    /// what reference/metrics.schema.json holds (regenerate it with <see cref="Write"/> after changing a record).
    /// Properties are required unless nullable or computed; descriptions come from the records' [Description]s.
    /// </summary>
    public static string Generate()
    {
        var exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Describe };
        var generated = JsonSchemaExporter.GetJsonSchemaAsNode(RunRecords.Json, typeof(RunRecord), exporter).AsObject();
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "ch13 run record (metrics.json)",
            ["description"] = $"What a ch13 script run leaves in out/<script>/metrics.json (schema version {RunRecords.SchemaVersion}): the run's " +
                              "status, settings, the models it trained (series, each with its per-epoch history and values), its " +
                              "results, environment and timings. Non-finite numbers are the strings \"NaN\", \"Infinity\", \"-Infinity\". " +
                              "Generated from lib/run/RunRecord.cs by RunRecords.Schema().",
        };
        foreach (var (key, value) in generated.ToList())
        {
            generated.Remove(key);
            if (key != "description") schema[key] = value;
        }
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Writes <see cref="Generate"/> to reference/metrics.schema.json (a test says when it is stale).</summary>
    public static void Write(string repoRoot) => Files.WriteAllTextAtomic(PathIn(repoRoot), Generate());

    // Adds each member's [Description] and, on objects, the list of required properties: the constructor parameters
    // that are neither nullable nor optional (nulls are omitted when written, so nullable ones may be absent; the
    // exporter alone would require every constructor parameter).
    static JsonNode Describe(JsonSchemaExporterContext context, JsonNode node)
    {
        if (context.PropertyInfo?.CustomConverter is OneLineNumbers or OneLineCounts)
            node = new JsonObject // what the exporter cannot see through a converter
            {
                ["type"] = new JsonArray("array", "null"),
                ["items"] = context.PropertyInfo.CustomConverter is OneLineCounts
                    ? new JsonObject { ["type"] = "integer" }
                    : new JsonObject
                    {
                        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "number" },
                            new JsonObject { ["enum"] = new JsonArray("NaN", "Infinity", "-Infinity") }),
                    },
            };
        if (node is not JsonObject schema) return node;
        var provider = context.PropertyInfo?.AttributeProvider ?? (context.PropertyInfo is null ? context.TypeInfo.Type : null);
        if (provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).OfType<DescriptionAttribute>().FirstOrDefault() is { } description)
            schema.Insert(0, "description", description.Description);
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema.ContainsKey("properties")) // not a $ref to one
        {
            var required = context.TypeInfo.Properties
                .Where(p => p.AssociatedParameter is { HasDefaultValue: false } && !p.IsGetNullable && Nullable.GetUnderlyingType(p.PropertyType) is null)
                .Select(p => (JsonNode?)p.Name).ToArray();
            schema.Remove("required");
            if (required.Length > 0) schema["required"] = new JsonArray(required);
        }
        return schema;
    }
}
