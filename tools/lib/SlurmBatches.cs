#nullable enable

/// <summary>
/// run-all's Slurm side (<c>--executor slurm</c>, <c>--no-wait</c>, <c>--collect</c>): the checks before anything is
/// written, the submission and its lines, and picking a submitted batch up again. Running, following and cancelling
/// the array is <see cref="SlurmExecutor"/>'s.
/// </summary>
public static class SlurmBatches
{
    /// <summary>
    /// Before the run folder is touched: sbatch is there and takes the job's options (a test submission), and the run
    /// folder is one every node sees. Returns the executor that will submit the array.
    /// </summary>
    public static SlurmExecutor Prepare(BatchOptions options, IReadOnlyList<ScriptTask> tasks)
    {
        SlurmJobs.Check(options.SlurmArgs, tasks.Count);
        SlurmJobs.CheckShared(options.RunDir, SlurmCommands.NodeCount() ?? 1);
        return new SlurmExecutor(options.RunDir, "ch13-" + options.Name, options.SlurmArgs);
    }

    /// <summary>
    /// Submits the array (with the run folder locked) and says so; with <c>--no-wait</c> also how to finish the batch,
    /// and returns true (the batch is left to Slurm). A job picked up by <c>--collect</c> is only named.
    /// </summary>
    public static bool Submit(BatchOptions options, IReadOnlyList<ScriptTask> tasks, SlurmExecutor executor)
    {
        var dir = BatchConsole.Relative(options.RunDir);
        if (executor.Job is { } followed)
        {
            Out.WriteLine($"run-all: following Slurm job {followed.JobId} ({tasks.Count} task{(tasks.Count == 1 ? "" : "s")}) of {dir}/");
            return false;
        }
        var job = executor.Submit(tasks);
        new SlurmBatch(options.Name, options.Quick, options.Runner == ScriptRunner.Csx ? "csx" : "dotnet-script", options.ScriptArgs).Save(options.RunDir);
        Out.WriteLine($"run-all: submitted Slurm job {job.JobId} ({tasks.Count} task{(tasks.Count == 1 ? "" : "s")}); the tasks write into {dir}/, "
            + "so it must be on a file system every node shares.");
        if (!options.NoWait) return false;
        Out.WriteLine($"run-all: not waiting. Follow it with `squeue -j {job.JobId}`; write the summary and report (waiting for what still runs) with:");
        Out.WriteLine($"  ./run-all --collect {dir}");
        return true;
    }

    /// <summary>
    /// <c>--collect DIR</c>: the batch submitted into <paramref name="runDir"/>, its tasks (by name; their commands are
    /// the job's already) and an executor that follows its job. A folder without a Slurm job is a usage error.
    /// </summary>
    public static (BatchOptions Options, IReadOnlyList<ScriptTask> Tasks, SlurmExecutor Executor) Resume(string runDir, BatchOptions given)
    {
        if (SlurmJob.Read(runDir) is not { } job || SlurmBatch.Read(runDir) is not { } batch)
            throw BatchArgs.UsageError($"--collect: {runDir} holds no Slurm batch (.slurm/job.json and batch.json); "
                + "it takes a run folder made by ./run-all --executor slurm --no-wait");
        var options = given with
        {
            RunDir = runDir,
            Name = batch.Name,
            Quick = batch.Quick,
            Runner = batch.Runner == "dotnet-script" ? ScriptRunner.DotnetScript : ScriptRunner.Csx,
            ScriptArgs = batch.ScriptArgs,
            Executor = "slurm",
            StartedAt = job.Submitted,
        };
        // A task's name is its script, or in a sweep script/seed-N (its log and output folder under the run folder).
        var tasks = job.Tasks.Select((name, i) => ScriptTask.ParseName(name) is { } task
            ? new ScriptTask(i, task.Script, new ProcessStartInfo(), runDir) { Seed = task.Seed }
            : throw new Ch13Exception($"run-all: --collect: {runDir}/.slurm/job.json names a task '{name}', which is not a script or script/seed-N", 2)).ToList();
        return (options, tasks, SlurmExecutor.Following(runDir, job));
    }

    /// <summary>The batch's start, for its summary: when its job was submitted (the queue's wait is part of its wall time).</summary>
    public static BatchOptions Started(BatchOptions options, SlurmExecutor executor) =>
        executor.Job is { } job ? options with { StartedAt = job.Submitted } : options;
}
