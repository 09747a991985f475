#nullable enable
using System.Globalization;
using System.Text.Json;

/// <summary>
/// The JSON files a Slurm batch keeps in <c>&lt;run&gt;/.slurm/</c>: written atomically, read back bounded (at most 1 MB,
/// never through a symlink); a missing or unreadable one reads as null.
/// </summary>
public static class SlurmStateFiles
{
    public static string PathOf(string runDir, string file) => Path.Combine(SlurmJobScript.StateDir(runDir), file);

    public static void Write<T>(string runDir, string file, T value) =>
        Files.WriteAllTextAtomic(PathOf(runDir, file), JsonSerializer.Serialize(value, RunRecords.Json) + "\n");

    public static T? Read<T>(string runDir, string file) where T : class
    {
        var path = PathOf(runDir, file);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.Length > 1 << 20) return null;
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), RunRecords.Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }
}

/// <summary>A submitted batch as <c>&lt;run&gt;/.slurm/job.json</c> keeps it: the job id and the task names, in array order.</summary>
public sealed record SlurmJob(string JobId, IReadOnlyList<string> Tasks, string SubmittedAt)
{
    public const string FileName = "job.json";

    public void Save(string runDir) => SlurmStateFiles.Write(runDir, FileName, this);

    /// <summary>The job a run folder holds, or null when it holds none (or not a readable one).</summary>
    public static SlurmJob? Read(string runDir) =>
        SlurmStateFiles.Read<SlurmJob>(runDir, FileName) is { JobId.Length: > 0, Tasks.Count: > 0 } job ? job : null;

    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset Submitted =>
        DateTimeOffset.TryParse(SubmittedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : DateTimeOffset.Now;
}

/// <summary>What run-all needs to finish a Slurm batch later (<c>--collect</c>), kept as <c>&lt;run&gt;/.slurm/batch.json</c>.</summary>
public sealed record SlurmBatch(string Name, bool Quick, string Runner, IReadOnlyList<string> ScriptArgs)
{
    public const string FileName = "batch.json";

    public void Save(string runDir) => SlurmStateFiles.Write(runDir, FileName, this);

    public static SlurmBatch? Read(string runDir) =>
        SlurmStateFiles.Read<SlurmBatch>(runDir, FileName) is { Name: not null, ScriptArgs: not null } batch ? batch : null;
}
