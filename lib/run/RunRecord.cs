#nullable enable
using System.ComponentModel;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

// The run record: what every script run leaves in metrics.json, as sealed records. Scripts build it through
// Runs.Finish; reports, comparisons and run folders read it back with RunRecords.Read. Nothing addresses a value by
// JSON path: a value is found by its series' name and its own name. The JSON Schema of this file is published as
// reference/metrics.schema.json (RunRecords.Schema; a test keeps the two equal).

/// <summary>
/// One named result: a number (null when the run never got that far), a list of numbers with its shape (a tensor, a
/// confusion matrix, epochs of LR cuts), or a text. <see cref="Better"/> says which way the number improves, where that
/// means anything.
/// </summary>
public sealed record RunValue(
    [property: Description("What was measured, unique within its series (or within the run's results).")] string Name,
    [property: Description("A single number; absent when the run never got that far.")] double? Number = null,
    [property: Description("Which way the number improves, where that means anything (not for counts, epochs, shares).")] Better? Better = null,
    [property: Description("A list of numbers in row-major order (a tensor, a matrix), with its shape."), JsonConverter(typeof(OneLineNumbers))]
    IReadOnlyList<double>? Numbers = null,
    [property: Description("The shape of numbers: [n] for a list, [rows, columns] for a matrix."), JsonConverter(typeof(OneLineCounts))]
    IReadOnlyList<int>? Shape = null,
    [property: Description("A text result (a file name, a verdict).")] string? Text = null)
{
    public static RunValue Of(string name, double? number, Better? better = null) => new(name, Number: number, Better: better);
    public static RunValue OfText(string name, string? text) => new(name, Text: text);
    public static RunValue OfList(string name, IEnumerable<double> numbers, Better? better = null)
    {
        var list = numbers.ToArray();
        return new(name, Better: better, Numbers: list, Shape: [list.Length]);
    }
    public static RunValue OfMatrix(string name, double[,] matrix) =>
        new(name, Numbers: matrix.Cast<double>().ToArray(), Shape: [matrix.GetLength(0), matrix.GetLength(1)]);
    /// <summary>A matrix of counts (a confusion matrix).</summary>
    public static RunValue OfMatrix(string name, int[,] counts) =>
        new(name, Numbers: counts.Cast<int>().Select(c => (double)c).ToArray(), Shape: [counts.GetLength(0), counts.GetLength(1)]);
    /// <summary>A matrix given as its rows (all of the same length).</summary>
    public static RunValue OfRows(string name, IEnumerable<IReadOnlyList<double>> rows)
    {
        var list = rows.ToList();
        return new(name, Numbers: list.SelectMany(r => r).ToArray(), Shape: [list.Count, list.Count == 0 ? 0 : list[0].Count]);
    }
}

/// <summary>A list of numbers written on one line (<c>[0.5, 1E-05, "NaN"]</c>: non-finite ones as their names), read back.</summary>
public sealed class OneLineNumbers : JsonConverter<IReadOnlyList<double>>
{
    public override IReadOnlyList<double> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a list of numbers");
        var numbers = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            numbers.Add(reader.TokenType == JsonTokenType.String ? Named(reader.GetString()) : reader.GetDouble());
        return numbers;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<double> value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(", ", value.Select(Text)) + "]", skipInputValidation: true);

    static string Text(double x) => double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : $"\"{x.ToString(CultureInfo.InvariantCulture)}\"";

    static double Named(string? name) => name switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => throw new JsonException($"expected a number, got \"{name}\""),
    };
}

/// <summary>A list of counts (a shape) written on one line, read back.</summary>
public sealed class OneLineCounts : JsonConverter<IReadOnlyList<int>>
{
    public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a list of integers");
        var counts = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) counts.Add(reader.GetInt32());
        return counts;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options) =>
        writer.WriteRawValue("[" + string.Join(", ", value.Select(c => c.ToString(CultureInfo.InvariantCulture))) + "]", skipInputValidation: true);
}

/// <summary>
/// One model a script trains, under a human name ("Linear(2, 2)", "MLP 2-10-6-2", "xavier_uniform_", "λ = 0.001"): how its
/// training ended, its per-epoch history (epochs from 1), and the values measured on it (test accuracy, best epoch…).
/// </summary>
public sealed record Series(
    [property: Description("The model's human name, as the script's progress line shows it.")] string Name,
    [property: Description("How its training ended.")] RunStatus Status,
    [property: Description("One entry per finished epoch, epochs from 1."), JsonPropertyOrder(1)] IReadOnlyList<EpochMetrics> History,
    [property: Description("What was measured on the model besides its history.")] IReadOnlyList<RunValue> Values)
{
    /// <summary>A model that was loaded and evaluated, not trained (<c>--eval-only</c>): status evaluated, no epochs.</summary>
    public static Series Evaluated(string name, params RunValue[] values) => new(name, RunStatus.Evaluated, [], values);

    /// <summary>A series from a training loop's <see cref="global::History"/>: its status, epochs and seconds.</summary>
    public static Series Of(string name, History history, params RunValue[] values) =>
        new(name, history.Status, history.Epochs, values) { TrainSeconds = history.Seconds };

    /// <summary>
    /// Seconds in its training loop, for <see cref="Runs.Finish"/>. Not written with the series: a timing differs between
    /// runs with the same seed, so it goes to the record's timings (<see cref="RunTimings.SeriesTrainSeconds"/>).
    /// </summary>
    [JsonIgnore] public double TrainSeconds { get; init; }

    /// <summary>The last epoch, or null when training never finished one (written to metrics.json for readers).</summary>
    [Description("The last epoch of history (absent when none finished); written for readers, ignored when read.")]
    public EpochMetrics? Final => History.Count == 0 ? null : History[^1];

    /// <summary>The value named <paramref name="name"/>, or null.</summary>
    public RunValue? Value(string name) => Values.FirstOrDefault(v => v.Name == name);
}

/// <summary>The one number a summary table shows for a script: a value of a series (or of the run, when Series is null).</summary>
public sealed record KeyMetric(
    [property: Description("The metric's name (a history column such as valid_acc, or a value's name).")] string Name,
    [property: Description("Its value; absent when the run never got that far.")] double? Value,
    [property: Description("Which way it improves.")] Better? Better,
    [property: Description("The series it belongs to; absent for a run-level result.")] string? Series);

/// <summary>What ran, where and how: the same for the same machine and packages.</summary>
public sealed record RunEnvironment(string? Torchsharp, string Libtorch, int TorchThreads, string Os, string Architecture, string Dotnet, string Host);

/// <summary>When and how long: the only part of a record that differs between two runs with the same seed.</summary>
public sealed record RunTimings(
    [property: Description("When the run started (ISO 8601 with offset).")] string StartedAt,
    [property: Description("Seconds in training loops, all series together.")] double TrainSeconds,
    [property: Description("Seconds from start to the writing of this record.")] double WallSeconds,
    [property: Description("Seconds in each series' training loop, by series name.")] IReadOnlyDictionary<string, double> SeriesTrainSeconds);

/// <summary>
/// Everything a script run leaves in metrics.json. <see cref="Config"/> is the script's settings (a <see cref="RunConfig"/>, kept as
/// written); <see cref="Series"/> the models it trained; <see cref="Results"/> what it measured outside any one model.
/// </summary>
public sealed record RunRecord(
    [property: Description("The version of this form (RunRecords.SchemaVersion); readers refuse another.")] int SchemaVersion,
    [property: Description("The script's name (scripts/<script>.csx).")] string Script,
    [property: Description("What the script demonstrates, in a sentence.")] string Description,
    [property: Description("How the run ended: the worst of its series' statuses.")] RunStatus Status,
    [property: Description("For a diverged run: the first epoch whose loss was not finite (or whose update overflowed).")] int? DivergedAtEpoch,
    [property: Description("torch.manual_seed for the run.")] int Seed,
    [property: Description("The epochs asked for (a series may stop earlier).")] int Epochs,
    [property: Description("True for a --quick smoke run (few epochs, small data).")] bool Quick,
    [property: Description("The one number a summary table shows for the script.")] KeyMetric? KeyMetric,
    [property: Description("The command-line arguments, as given.")] IReadOnlyList<string> Arguments,
    [property: Description("The script's settings (a RunConfig), as the script wrote them.")] JsonElement Config,
    [property: Description("The models the script trained, each under its human name.")] IReadOnlyList<Series> Series,
    [property: Description("What the script measured outside any one model.")] IReadOnlyList<RunValue> Results,
    [property: Description("What ran, where and how.")] RunEnvironment Environment,
    [property: Description("When and how long.")] RunTimings Timings)
{
    /// <summary>The series named <paramref name="name"/>, or null.</summary>
    public Series? SeriesNamed(string name) => Series.FirstOrDefault(s => s.Name == name);

    /// <summary>The run-level result named <paramref name="name"/>, or null.</summary>
    public RunValue? Result(string name) => Results.FirstOrDefault(v => v.Name == name);
}

/// <summary>Reading and writing run records, and their JSON Schema.</summary>
public static class RunRecords
{
    /// <summary>The version this lib writes; a reader refuses records of another.</summary>
    public const int SchemaVersion = 1;

    /// <summary>metrics.json's form: snake_case keys, indented, NaN and ±∞ as the strings "NaN", "Infinity", "-Infinity".</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RunConfigs.DerivedOptimizers } }, // the schema exporter needs one set
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // λ and <script> as written: the file is read by people, not embedded in HTML
        Converters = { new JsonStringEnumConverter() }, // enum names as written (ReLU, not re_lu) where no member name is given
    };

    public static string ToJson(RunRecord record) => JsonSerializer.Serialize(record, Json) + "\n";

    /// <summary>Parses a record; throws <see cref="Ch13Exception"/> (exit 1) naming <paramref name="source"/> when it is not one.</summary>
    public static RunRecord Parse(string json, string source)
    {
        RunRecord? record;
        try { record = JsonSerializer.Deserialize<RunRecord>(json, Json); }
        catch (JsonException e) { throw new Ch13Exception($"{source} is not a ch13 run record: {e.Message}", 1, e); }
        if (record is null) throw new Ch13Exception($"{source} is not a ch13 run record (it is null).", 1);
        if (record.SchemaVersion != SchemaVersion)
            throw new Ch13Exception($"{source} has schema version {record.SchemaVersion}; this ch13 reads version {SchemaVersion}. Run the script again.", 1);
        return record;
    }

    /// <summary>The record in <paramref name="json"/>, or null when it is not one (of this version).</summary>
    public static RunRecord? TryParse(string json)
    {
        try { return Parse(json, "the record"); }
        catch (Ch13Exception) { return null; }
    }

    /// <summary>The record in <paramref name="path"/>; throws <see cref="Ch13Exception"/> when it is missing or not a record.</summary>
    public static RunRecord Read(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Ch13Exception($"cannot read {path}: {e.Message}", 1, e);
        }
        return Parse(json, path);
    }

    /// <summary>The record in <paramref name="path"/>, or null when it is missing or unreadable (a failed run leaves none).</summary>
    public static RunRecord? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        try { return Read(path); }
        catch (Ch13Exception) { return null; }
    }

    /// <summary>reference/metrics.schema.json under the repository root.</summary>
    public static string SchemaPath(string repoRoot) => Path.Combine(repoRoot, "reference", "metrics.schema.json");

    /// <summary>
    /// The JSON Schema (draft 2020-12) of metrics.json, generated from <see cref="RunRecord"/> with <see cref="Json"/>:
    /// what reference/metrics.schema.json holds (regenerate it with <see cref="WriteSchema"/> after changing a record).
    /// Properties are required unless nullable or computed; descriptions come from the records' [Description]s.
    /// </summary>
    public static string Schema()
    {
        var exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Describe };
        var generated = JsonSchemaExporter.GetJsonSchemaAsNode(Json, typeof(RunRecord), exporter).AsObject();
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "ch13 run record (metrics.json)",
            ["description"] = $"What a ch13 script run leaves in out/<script>/metrics.json (schema version {SchemaVersion}): the run's " +
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

    /// <summary>Writes <see cref="Schema"/> to reference/metrics.schema.json (a test says when it is stale).</summary>
    public static void WriteSchema(string repoRoot) => Files.WriteAllTextAtomic(SchemaPath(repoRoot), Schema());

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
        if (context.PropertyInfo is { Name: "config" } && context.PropertyInfo.DeclaringType == typeof(RunRecord)) // read as JSON, written from a RunConfig
            node = JsonSchemaExporter.GetJsonSchemaAsNode(Json, typeof(RunConfig), new() { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Describe });
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
