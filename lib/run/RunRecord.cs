#nullable enable
using System.Text.Json;
using System.Text.Json.Serialization;

// The run record: what every script run leaves in metrics.json, as sealed records. Scripts build it through
// Runs.Finish; reports, comparisons and run folders read it back with RunRecords.Read. Nothing addresses a value by
// JSON path: a value is found by its series' name and its own name. The JSON Schema of this file is published as
// reference/metrics.schema.json (RunRecords.Schema; a test keeps the two equal).

/// <summary>How a run, or one series in it, ended. Written as <c>completed</c>, <c>early_stopped</c>, <c>diverged</c>, <c>interrupted</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("early_stopped")] EarlyStopped,
    [JsonStringEnumMemberName("diverged")] Diverged,
    [JsonStringEnumMemberName("interrupted")] Interrupted,
}

/// <summary>Which way a value improves, for comparisons and colours. Written as <c>higher</c> or <c>lower</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Better>))]
public enum Better
{
    [JsonStringEnumMemberName("higher")] Higher,
    [JsonStringEnumMemberName("lower")] Lower,
}

/// <summary>
/// One named result: a number (null when the run never got that far), a list of numbers with its shape (a tensor, a
/// confusion matrix, epochs of LR cuts), or a text. <see cref="Better"/> says which way the number improves, where that
/// means anything.
/// </summary>
public sealed record RunValue(
    string Name,
    double? Number = null,
    Better? Better = null,
    IReadOnlyList<double>? Numbers = null,
    IReadOnlyList<int>? Shape = null,
    string? Text = null)
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
}

/// <summary>
/// One model a script trains, under a human name ("Linear(2, 2)", "MLP 2-10-6-2", "xavier_uniform_", "λ = 0.001"): how its
/// training ended, its per-epoch history (epochs from 1), and the values measured on it (test accuracy, best epoch…).
/// </summary>
public sealed record Series(
    string Name,
    RunStatus Status,
    double TrainSeconds,
    IReadOnlyList<EpochMetrics> History,
    IReadOnlyList<RunValue> Values)
{
    /// <summary>The last epoch, or null when training never finished one (written to metrics.json for readers).</summary>
    public EpochMetrics? Final => History.Count == 0 ? null : History[^1];

    /// <summary>The value named <paramref name="name"/>, or null.</summary>
    public RunValue? Value(string name) => Values.FirstOrDefault(v => v.Name == name);
}

/// <summary>The one number a summary table shows for a script: a value of a series (or of the run, when Series is null).</summary>
public sealed record KeyMetric(string Name, double? Value, Better? Better, string? Series);

/// <summary>What ran, where and how: the same for the same machine and packages.</summary>
public sealed record RunEnvironment(string? Torchsharp, string Libtorch, int TorchThreads, string Os, string Architecture, string Dotnet, string Host);

/// <summary>When and how long: the only part of a record that differs between two runs with the same seed.</summary>
public sealed record RunTimings(string StartedAt, double TrainSeconds, double WallSeconds);

/// <summary>
/// Everything a script run leaves in metrics.json. <see cref="Config"/> is the script's own settings (free-form, shown as
/// written); <see cref="Series"/> the models it trained; <see cref="Results"/> what it measured outside any one model.
/// </summary>
public sealed record RunRecord(
    int SchemaVersion,
    string Script,
    string Description,
    RunStatus Status,
    int? DivergedAtEpoch,
    int Seed,
    int Epochs,
    bool Quick,
    IReadOnlyList<string> Arguments,
    JsonElement Config,
    IReadOnlyList<Series> Series,
    IReadOnlyList<RunValue> Results,
    KeyMetric? KeyMetric,
    RunEnvironment Environment,
    RunTimings Timings)
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
}
