#nullable enable
using System.Threading;

// The seam where a batch hands its script runs to something that runs them: local processes today (LocalExecutor),
// a cluster's scheduler later. An executor runs the commands it is given and reports how each ended; reading the
// run records and writing the summaries stay with the batch.

/// <summary>
/// One script run of a batch: its position, name, the command that runs it (from the repository root) and the run
/// folder it writes into (<c>&lt;run&gt;/&lt;script&gt;/</c>, its console output in <c>&lt;run&gt;/&lt;script&gt;.log</c>).
/// </summary>
public sealed record ScriptTask(int Index, string Script, ProcessStartInfo Command, string RunDir)
{
    public string LogName => Script + ".log";
    public string LogPath => Path.Combine(RunDir, LogName);
}

/// <summary>
/// How a task ended, as its executor saw it: the exit code (null when it could not start), its wall time, whether the
/// batch asked it to stop, and the cause of a failure (the first line it wrote to stderr, or why it could not start).
/// </summary>
public sealed record TaskOutcome(int? ExitCode, double WallSeconds, bool Interrupted = false, string? Cause = null);

/// <summary>
/// What an executor reports while it works; it may call from several threads, one call per event. A scheduler's
/// executor also reports a task that waits in its queue (<see cref="Waiting"/>, with the scheduler's word for why).
/// </summary>
public sealed record TaskProgress(
    Action<ScriptTask> Started,
    Action<ScriptTask, double, string?> Running,
    Action<ScriptTask, TaskOutcome> Ended,
    Action<ScriptTask, string>? Waiting = null);

/// <summary>Runs a batch's tasks.</summary>
public interface IScriptExecutor
{
    /// <summary>
    /// Runs <paramref name="tasks"/> (in order, as many at once as the executor allows), writing each one's console
    /// output to its log, and returns each task's outcome in task order (null for a task it never started). When
    /// <paramref name="cancel"/> fires, running tasks are asked to stop as Ctrl+C would and the rest are not started.
    /// </summary>
    IReadOnlyList<TaskOutcome?> Run(IReadOnlyList<ScriptTask> tasks, TaskProgress progress, CancellationToken cancel);
}
