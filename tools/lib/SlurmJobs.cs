#nullable enable
using System.Globalization;
using System.Threading;

/// <summary>A task's progress while the array runs: its Slurm state (null until Slurm reports it) and its log's last line.</summary>
public sealed record SlurmTaskUpdate(int Index, string Name, SlurmTaskState? State, string? LastLine);

/// <summary>
/// How a task ended, in the terms a local batch uses: the command's exit code (null when it never started), its wall
/// time, whether the batch was interrupted, the failure's cause, and Slurm's last word on it.
/// </summary>
public sealed record SlurmTaskOutcome(int Index, string Name, int? ExitCode, double WallSeconds, bool Interrupted, string? Cause, string SlurmState);

/// <summary>
/// A batch as one Slurm job array: submitting it (<see cref="Submit"/>), following its tasks until each has ended
/// (<see cref="Wait"/>), and cancelling it when the batch is interrupted. The tasks write into the run folder
/// themselves, so it must be on a file system every node shares.
/// </summary>
public static class SlurmJobs
{
    /// <summary>Folders that are each node's own: a run folder there is invisible to the other nodes.</summary>
    public static readonly IReadOnlyList<string> NodeLocalRoots = ["/tmp", "/var/tmp", "/dev/shm"];

    /// <summary>
    /// Refuses (exit 1, one line) a run folder under a node-local path when the cluster has more than one node; on a
    /// single node every task sees it.
    /// </summary>
    public static void CheckShared(string runDir, int nodes)
    {
        if (nodes <= 1) return;
        var full = Path.GetFullPath(runDir);
        var local = NodeLocalRoots.FirstOrDefault(root => full == root || full.StartsWith(root + "/", StringComparison.Ordinal));
        if (local is not null)
            throw new Ch13Exception($"run-all: the run folder {full} is under {local}, which each of the cluster's {nodes} nodes has for itself; "
                + "use --out on a file system every node shares (the checkout's out/ is, when the checkout is)");
    }

    /// <summary>
    /// Writes the job script into <c>&lt;run&gt;/.slurm/</c> and submits it as one array (<c>sbatch --parsable --array=0-N</c>,
    /// after <paramref name="slurmArgs"/>, passed unchanged). A submission that fails is one line naming what sbatch said
    /// (exit 1), and leaves nothing of its own behind (the state folder goes, and the run folder when this made it).
    /// </summary>
    public static SlurmJob Submit(string runDir, string jobName, IReadOnlyList<ScriptTask> tasks, IReadOnlyList<string> slurmArgs)
    {
        if (SlurmJob.Read(runDir) is { } previous && Unfinished(previous) is { Count: > 0 } live)
            throw new Ch13Exception($"run-all: {runDir} belongs to Slurm job {previous.JobId}, which still has {live.Count} task{(live.Count == 1 ? "" : "s")} "
                + $"queued or running; wait for it (./run-all --collect {runDir}) or cancel it (scancel {previous.JobId})");
        var madeRun = !Directory.Exists(runDir);
        var state = SlurmJobScript.StateDir(runDir);
        ClearState(state);
        var script = Path.Combine(state, "job.sh");
        Files.WriteAllTextAtomic(script, SlurmJobScript.Text(tasks, runDir, jobName));
        var answer = SlurmCommands.Run("sbatch", [.. slurmArgs, "--parsable", $"--array=0-{tasks.Count - 1}", script]);
        var jobId = answer.Ok ? SlurmCommands.ParseJobId(answer.Output) : null;
        if (jobId is null)
        {
            RemoveQuietly(state, recursive: true);
            if (madeRun) RemoveQuietly(runDir, recursive: false);
            throw Refused(answer);
        }
        var job = new SlurmJob(jobId, tasks.Select(t => t.Name).ToList(), DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
        try { job.Save(runDir); }
        catch (Ch13Exception) { SlurmCommands.Cancel(jobId); throw; }
        return job;
    }

    /// <summary>
    /// Before anything is written: asks sbatch whether it would take an array of <paramref name="count"/> tasks with
    /// <paramref name="slurmArgs"/> (<c>--test-only</c>: nothing is queued), so a missing sbatch, a partition that does not
    /// exist or a rejected option is one line (exit 1) naming what Slurm said.
    /// </summary>
    public static void Check(IReadOnlyList<string> slurmArgs, int count)
    {
        var answer = SlurmCommands.Run("sbatch", [.. slurmArgs, "--test-only", $"--array=0-{count - 1}", "--wrap", "true"]);
        if (!answer.Ok) throw Refused(answer);
    }

    static Ch13Exception Refused(SlurmAnswer answer) => new(answer.Started
        ? $"run-all: Slurm did not take the job: {answer.Problem()}"
        : $"run-all: --executor slurm needs Slurm's client commands, and {answer.Problem()}; to try Slurm on this machine: sudo tools/slurm-cluster.sh start");

    // A previous batch's job script and exit files would pass for this one's: they go before the new job is written.
    static void ClearState(string state)
    {
        if (!Directory.Exists(state) || new DirectoryInfo(state).LinkTarget is not null) { Files.CreateFolder(state); return; }
        foreach (var file in Directory.EnumerateFiles(state))
        {
            var name = Path.GetFileName(file);
            if (name is "job.sh" or "job.json" || name.EndsWith(".exit", StringComparison.Ordinal) || name.EndsWith(".stderr", StringComparison.Ordinal)
                || name.StartsWith("task-", StringComparison.Ordinal)) RemoveQuietly(file, recursive: false);
        }
    }

    static void RemoveQuietly(string path, bool recursive)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
            else if (Directory.Exists(path) && (recursive || !Directory.EnumerateFileSystemEntries(path).Any())) Directory.Delete(path, recursive);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The tasks of <paramref name="job"/> Slurm still has queued or running (none when squeue does not answer).</summary>
    public static IReadOnlyList<int> Unfinished(SlurmJob job) =>
        SlurmCommands.Squeue(job.JobId) is { } states
            ? states.Values.Where(s => s.Phase is SlurmPhase.Pending or SlurmPhase.Running).Select(s => s.Task).ToList()
            : [];

    /// <summary>How long a task Slurm calls ended may take to show its exit file (a shared file system's caches), and how long Slurm may not know a task at all.</summary>
    public static TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long squeue may fail in a row before waiting gives up (the job itself runs on).</summary>
    public static TimeSpan Patience { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Follows the array until every task has ended, polling every <paramref name="poll"/> (default 2 s) and reporting each
    /// task's state to <paramref name="observe"/> and its outcome to <paramref name="ended"/> once. When <paramref name="cancel"/> fires, cancels the array (scancel) and
    /// waits for the running tasks to stop. Each task's outcome comes from its exit file, else from Slurm's state; a task
    /// whose exit file is there is taken once Slurm says it ended too (or after <see cref="Grace"/>), with that state.
    /// </summary>
    public static IReadOnlyList<SlurmTaskOutcome> Wait(string runDir, SlurmJob job, Action<SlurmTaskUpdate>? observe = null,
        CancellationToken cancel = default, TimeSpan? poll = null, Action<SlurmTaskOutcome>? ended = null)
    {
        var count = job.Tasks.Count;
        var outcomes = new SlurmTaskOutcome?[count];
        var last = new SlurmTaskState?[count];
        var endedAt = new DateTime?[count];
        var exitSeenAt = new DateTime?[count];
        var lastAnswer = DateTime.UtcNow;
        var accounting = true;
        var cancelled = false;
        while (true)
        {
            if (cancel.IsCancellationRequested && !cancelled)
            {
                SlurmCommands.Cancel(job.JobId);
                cancelled = true;
            }
            var states = SlurmCommands.Squeue(job.JobId);
            if (states is null && DateTime.UtcNow - lastAnswer > Patience)
                throw new Ch13Exception($"run-all: squeue has not answered for {Patience.TotalMinutes:F0} minutes; job {job.JobId} may still be running: ./run-all --collect {runDir}");
            if (states is not null) lastAnswer = DateTime.UtcNow;
            var known = states ?? new Dictionary<int, SlurmTaskState>();
            if (states is not null && accounting && Enumerable.Range(0, count).Any(i => outcomes[i] is null && !known.ContainsKey(i)))
            {
                // squeue has forgotten some tasks (ended before MinJobAge): the accounting database may know them.
                var accounted = SlurmCommands.Sacct(job.JobId);
                if (accounted is null) accounting = false;
                else known = accounted.Concat(known).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            }
            for (var i = 0; i < count; i++)
            {
                if (outcomes[i] is not null) continue;
                var name = job.Tasks[i];
                if (known.TryGetValue(i, out var s)) last[i] = s;
                else if (states is not null && last[i]?.Phase is SlurmPhase.Pending or SlurmPhase.Running) last[i] = null; // forgotten
                var end = SlurmJobScript.ReadEnd(runDir, name);
                // The exit file comes a moment before Slurm's end state: wait for that (at most Grace), so the outcome carries it.
                if (end is not null) exitSeenAt[i] ??= DateTime.UtcNow;
                var settled = end is not null && (last[i]?.Phase is not (SlurmPhase.Pending or SlurmPhase.Running) || DateTime.UtcNow - exitSeenAt[i] > Grace);
                // Ended by Slurm's word, or lost (squeue answers without it): its exit file may still be on its way.
                var over = last[i]?.Phase is SlurmPhase.Completed or SlurmPhase.Failed || (last[i] is null && states is not null);
                endedAt[i] = over ? endedAt[i] ?? DateTime.UtcNow : null;
                var started = Started(runDir, name);
                if (settled || (last[i]?.Phase == SlurmPhase.Failed && !started) || (over && DateTime.UtcNow - endedAt[i] > Grace))
                {
                    outcomes[i] = Outcome(runDir, i, name, end, last[i], cancelled);
                    ended?.Invoke(outcomes[i]!);
                }
                else observe?.Invoke(new SlurmTaskUpdate(i, name, last[i], started ? SlurmJobScript.LastLogLine(runDir, name) : null));
            }
            if (outcomes.All(o => o is not null)) return outcomes.Select(o => o!).ToList();
            var wait = poll ?? TimeSpan.FromSeconds(2);
            if (cancelled) Thread.Sleep(wait);
            else cancel.WaitHandle.WaitOne(wait);
        }
    }

    // A task that started has made its log (the job script's first write).
    static bool Started(string runDir, string name) => File.Exists(Path.Combine(runDir, name + ".log"));

    // The exit file is the task's own word; without one, Slurm's (a task killed by a time limit, a node failure, scancel).
    static SlurmTaskOutcome Outcome(string runDir, int index, string name, SlurmTaskEnd? end, SlurmTaskState? state, bool cancelled)
    {
        var slurm = state?.Describe() ?? "unknown to Slurm";
        var interrupted = cancelled || state?.State == "CANCELLED";
        if (end is not null)
            return new SlurmTaskOutcome(index, name, end.ExitCode, end.WallSeconds, interrupted, end.ExitCode == 0 ? null : SlurmJobScript.FirstError(runDir, name), slurm);
        if (!Started(runDir, name) && state?.Phase == SlurmPhase.Completed) // ran somewhere, wrote nowhere this host sees
            return new SlurmTaskOutcome(index, name, 1, 0, interrupted, $"Slurm says {slurm}, but the task's log and exit code are not in the run folder: is it on a file system every node shares?", slurm);
        if (!Started(runDir, name))
            return new SlurmTaskOutcome(index, name, null, 0, interrupted, $"never started: Slurm says {slurm}", slurm);
        var code = state?.Signal is { } signal ? 128 + signal : state?.ExitCode ?? 1;
        return new SlurmTaskOutcome(index, name, code, 0, interrupted, $"Slurm says {slurm}, and the task left no exit code", slurm);
    }
}
