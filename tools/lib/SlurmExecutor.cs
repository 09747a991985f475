#nullable enable
using System.Threading;

/// <summary>
/// Runs a batch's tasks as one Slurm job array (<c>./run-all --executor slurm</c>): each task runs exactly the command a
/// local batch would, on whichever node Slurm gives it, writing into the same run folder. It reports a queued task as
/// waiting with Slurm's state, a running one with Slurm's state and its log's last line, and each task's end as a local
/// batch does. Cancelling cancels the array (scancel): running tasks get SIGTERM, queued ones never start.
/// </summary>
public sealed class SlurmExecutor(string runDir, string jobName, IReadOnlyList<string> slurmArgs) : IScriptExecutor
{
    /// <summary>The job, once submitted (or, for <c>--collect</c>, the job submitted earlier).</summary>
    public SlurmJob? Job { get; private set; }

    /// <summary>How often Slurm is asked about the tasks.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An executor that follows a job already submitted into <paramref name="runDir"/> (nothing is submitted).</summary>
    public static SlurmExecutor Following(string runDir, SlurmJob job) => new(runDir, "", []) { Job = job };

    /// <summary>Submits the array (once; see <see cref="SlurmJobs.Submit"/>).</summary>
    public SlurmJob Submit(IReadOnlyList<ScriptTask> tasks) => Job ??= SlurmJobs.Submit(runDir, jobName, tasks, slurmArgs);

    public IReadOnlyList<TaskOutcome?> Run(IReadOnlyList<ScriptTask> tasks, TaskProgress progress, CancellationToken cancel)
    {
        var job = Submit(tasks);
        var gate = new object();
        var runningSince = new DateTime?[tasks.Count];
        var waitingAs = new string?[tasks.Count];
        void Start(int i)
        {
            if (runningSince[i] is not null) return;
            runningSince[i] = DateTime.UtcNow;
            progress.Started(tasks[i]);
        }
        var results = new TaskOutcome?[tasks.Count];
        SlurmJobs.Wait(runDir, job, update =>
        {
            lock (gate)
            {
                var i = update.Index;
                if (update.State is { Phase: SlurmPhase.Pending } queued)
                {
                    if (waitingAs[i] == queued.Describe()) return;
                    waitingAs[i] = queued.Describe();
                    progress.Waiting?.Invoke(tasks[i], waitingAs[i]!);
                }
                else if (update.State is { Phase: SlurmPhase.Running } running)
                {
                    Start(i);
                    var seconds = (DateTime.UtcNow - runningSince[i]!.Value).TotalSeconds;
                    progress.Running(tasks[i], seconds, update.LastLine is { } line ? $"Slurm {running.State} · {line}" : $"Slurm {running.State}");
                }
            }
        }, cancel, Poll, ended =>
        {
            lock (gate)
            {
                // A task the batch's interruption kept from starting is not run, as in a local batch.
                if (ended.ExitCode is null && ended.Interrupted) return;
                Start(ended.Index);
                results[ended.Index] = new TaskOutcome(ended.ExitCode, ended.WallSeconds, ended.Interrupted, ended.Cause);
                progress.Ended(tasks[ended.Index], results[ended.Index]!);
            }
        });
        return results;
    }
}
