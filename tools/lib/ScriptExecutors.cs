#nullable enable
using System.Threading;

// The seam where a batch hands its script runs to something that runs them: local processes today (LocalExecutor),
// a cluster's scheduler later. An executor runs the commands it is given and reports how each ended; reading the
// run records and writing the summaries stay with the batch.

/// <summary>
/// One script run of a batch: its position, script, the command that runs it (from the repository root) and the run
/// folder it writes into (<c>&lt;run&gt;/&lt;script&gt;/</c>, its console output in <c>&lt;run&gt;/&lt;script&gt;.log</c>);
/// in a seed sweep, one seed's run (<c>&lt;run&gt;/&lt;script&gt;/seed-&lt;N&gt;/</c> and <c>…/seed-&lt;N&gt;.log</c>).
/// </summary>
public sealed record ScriptTask(int Index, string Script, ProcessStartInfo Command, string RunDir)
{
    /// <summary>The sweep's seed this task runs, or null in a single-seed batch.</summary>
    public int? Seed { get; init; }

    /// <summary>The task's name, unique in its batch and relative to the run folder: <c>xor</c>, or <c>xor/seed-3</c> in a sweep.</summary>
    public string Name => Seed is { } seed ? Script + "/" + SeedFolders.Name(seed) : Script;

    /// <summary>Its output folder relative to the run folder, with a trailing slash: <c>xor/</c>, <c>xor/seed-3/</c>.</summary>
    public string OutName => Name + "/";

    public string LogName => Name + ".log";
    public string LogPath => Path.Combine(RunDir, LogName);

    /// <summary>A task from its <see cref="Name"/> (<c>xor</c> or <c>xor/seed-3</c>), or null when the name is neither.</summary>
    public static (string Script, int? Seed)? ParseName(string name)
    {
        var slash = name.IndexOf('/');
        var script = slash < 0 ? name : name[..slash];
        if (SafePaths.SegmentProblem(script) is not null) return null; // it names files in the run folder
        if (slash < 0) return (script, null);
        return SeedFolders.SeedOf(name[(slash + 1)..]) is { } seed ? (script, seed) : null;
    }
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
