#nullable enable
using System.Text.Json.Serialization;

/// <summary>How one script of a batch ended. Paths are relative to the run folder.</summary>
public sealed record ScriptResult(
    string Script,
    string Status,
    int? ExitCode,
    double WallSeconds,
    double? TrainSeconds,
    KeyMetric? KeyMetric,
    string Log,
    string Out,
    string? Note = null,
    // A sweep's seed; a single-seed batch writes no "seed" key, so its summary.json keeps the shape it always had.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Seed = null)
{
    /// <summary>Completed, stopped early or evaluated (<c>--eval-only</c>, exit 0): everything else fails the batch.</summary>
    [JsonIgnore]
    public bool Ok => Status == RunStatuses.Text(RunStatus.Completed) || Status == RunStatuses.Text(RunStatus.EarlyStopped)
        || Status == RunStatuses.Text(RunStatus.Evaluated);

    /// <summary>The script's folder as read when it ended (its run record and plots), so nothing reads a record twice; not written to summary.json.</summary>
    [JsonIgnore] public ScriptFolder? Folder { get; init; }
}

/// <summary>A whole batch: summary.json holds exactly this.</summary>
public sealed record BatchSummary(
    string Name,
    string StartedAt,
    double WallSeconds,
    bool Quick,
    string Runner,
    IReadOnlyList<string> ScriptArgs,
    IReadOnlyList<ScriptResult> Scripts)
{
    [JsonIgnore] public bool Failed => Scripts.Any(s => !s.Ok);
}

/// <summary>What a running batch reports, for its live summary.</summary>
public abstract record BatchEvent(string Script, int Index, int Count)
{
    /// <summary>The seed of the run the event is about, in a seed sweep; null otherwise.</summary>
    public int? Seed { get; init; }
}
public sealed record ScriptStarted(string Script, int Index, int Count) : BatchEvent(Script, Index, Count);
/// <summary>Sent when a script waits in a scheduler's queue (Slurm), with the scheduler's state: "PENDING (Resources)".</summary>
public sealed record ScriptWaiting(string Script, int Index, int Count, string State) : BatchEvent(Script, Index, Count);
/// <summary>Sent about twice a second while a script runs, with its last non-empty output line.</summary>
public sealed record ScriptRunning(string Script, int Index, int Count, double Seconds, string? LastLine) : BatchEvent(Script, Index, Count);
public sealed record ScriptFinished(ScriptResult Result, int Index, int Count) : BatchEvent(Result.Script, Index, Count);

/// <summary>A script's result from how its task ended and the run record it left (read once, here).</summary>
public static class ScriptResults
{
    /// <summary>Statuses a batch gives scripts that did not end normally.</summary>
    public const string Failed = "failed", Skipped = "skipped";

    /// <summary>A script's folder as its result read it when the script ended, else read now (a summary from summary.json).</summary>
    public static ScriptFolder FolderOf(string runDir, ScriptResult result) => result.Folder ?? Folder(runDir, result.Script, result.Seed);

    // A script's folder in a run, or one seed's in a sweep (with its seed, as RunFolders.Open reads it).
    static ScriptFolder Folder(string runDir, string script, int? seed) => seed is { } s
        ? RunFolders.Read(Path.Combine(runDir, script, SeedFolders.Name(s)), script) with { Seed = s }
        : RunFolders.Read(Path.Combine(runDir, script), script);

    /// <summary>A script the batch never started (it was interrupted first).</summary>
    public static ScriptResult NotRun(string script) => new(script, Skipped, null, 0, null, null, "", "", "not run: the batch was interrupted");

    /// <summary>A task the batch never started (it was interrupted first), with its seed in a sweep.</summary>
    public static ScriptResult NotRun(ScriptTask task) => NotRun(task.Script) with { Seed = task.Seed };

    /// <summary>The result of a task that ran (or could not start): its status from its exit code and its run record.</summary>
    public static ScriptResult Of(ScriptTask task, TaskOutcome outcome)
    {
        if (outcome.ExitCode is not { } exitCode)
            return new ScriptResult(task.Script, Failed, null, Math.Round(outcome.WallSeconds, 2), null, null, task.LogName, task.OutName, outcome.Cause, task.Seed);
        return Read(task.RunDir, task.Script, exitCode, outcome.WallSeconds, outcome.Interrupted, outcome.Cause, task.Seed);
    }

    /// <summary>
    /// A script's result from its exit code and the run record it left (status, key metric, training time); with
    /// <paramref name="seed"/>, that seed's run of a sweep (<c>&lt;run&gt;/&lt;script&gt;/seed-&lt;N&gt;/</c>).
    /// </summary>
    public static ScriptResult Read(string runDir, string script, int exitCode, double wallSeconds, bool interrupted = false, string? cause = null, int? seed = null)
    {
        var name = seed is { } s ? script + "/" + SeedFolders.Name(s) : script;
        var dir = Path.Combine(runDir, name);
        var folder = Folder(runDir, script, seed);
        var record = folder.Record;
        var (diverged, stopped) = (RunStatuses.Text(RunStatus.Diverged), RunStatuses.Text(RunStatus.Interrupted));
        var (status, note) = exitCode switch
        {
            0 when record is not null => (RunStatuses.Text(record.Status), (string?)null),
            0 when File.Exists(RunFolders.MetricsPath(dir)) => (Failed, "exited 0, but its metrics.json is not a ch13 run record"),
            0 => (Failed, "exited 0 without writing metrics.json"),
            3 => (diverged, "exit code 3"),
            130 => (stopped, "exit code 130"),
            143 => (stopped, "ended by SIGTERM (exit code 143)"), // killed by a signal before it could hook it: still a stop, not a failure
            _ when interrupted => (stopped, $"exit code {exitCode} after the batch was interrupted"),
            _ => (Failed, cause is null ? $"exit code {exitCode}" : $"exit code {exitCode}: {cause}"),
        };
        return new ScriptResult(script, status, exitCode, Math.Round(wallSeconds, 2), record is null ? null : Math.Round(record.Timings.TrainSeconds, 2),
            record?.KeyMetric, name + ".log", name + "/", note, seed)
        { Folder = folder };
    }
}
