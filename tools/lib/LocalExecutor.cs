#nullable enable
using System.Globalization;
using System.Threading;

/// <summary>
/// Runs a batch's tasks as processes on this machine, <see cref="Jobs"/> at a time (each script is its own process with
/// one torch thread, so running several at once changes only the wall time, not a number). A task that is asked to stop
/// gets SIGTERM (scripts end their epoch and still write metrics.json), and is killed 15 s later if it is still running.
/// </summary>
public sealed class LocalExecutor(int jobs) : IScriptExecutor
{
    public int Jobs { get; } = Math.Max(1, jobs);

    public IReadOnlyList<TaskOutcome?> Run(IReadOnlyList<ScriptTask> tasks, TaskProgress progress, CancellationToken cancel)
    {
        var outcomes = new TaskOutcome?[tasks.Count];
        var next = -1;
        void Worker()
        {
            for (var i = Interlocked.Increment(ref next); i < tasks.Count; i = Interlocked.Increment(ref next))
            {
                if (cancel.IsCancellationRequested) continue;
                var task = tasks[i];
                progress.Started(task);
                var outcome = RunOne(task, (seconds, line) => progress.Running(task, seconds, line), cancel);
                outcomes[i] = outcome;
                progress.Ended(task, outcome);
            }
        }
        var workers = Enumerable.Range(0, Math.Clamp(Jobs, 1, Math.Max(1, tasks.Count))).Select(_ => new Thread(Worker)).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return outcomes;
    }

    static TaskOutcome RunOne(ScriptTask task, Action<double, string?> tick, CancellationToken cancel)
    {
        var start = task.Command;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var clock = Stopwatch.StartNew();
        // A sweep's log sits in its script's folder (<run>/xor/seed-3.log), made here, never through a link.
        var logDir = Path.GetDirectoryName(task.LogPath)!;
        if (SafeFiles.IsLink(logDir)) return new TaskOutcome(null, 0, Cause: $"{logDir} is a symbolic link; run-all writes only into real folders");
        try { Directory.CreateDirectory(logDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return new TaskOutcome(null, 0, Cause: $"cannot create {logDir}: {e.Message}"); }
        using var log = new StreamWriter(task.LogPath, append: false, new UTF8Encoding(false)) { AutoFlush = true };
        var gate = new object();
        string? last = null, firstError = null;
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (gate)
            {
                log.WriteLine(line);
                if (line.Trim().Length > 0) last = line;
            }
        }
        // A script's one-line error (a usage error, a data error; an exception's type and message) is its first line
        // on stderr: the failure's cause, shown in the table and the summary.
        void OnError(string? line)
        {
            OnLine(line);
            if (line is { } l && l.Trim().Length > 0) lock (gate) firstError ??= l.Trim();
        }

        Process process;
        try { process = Process.Start(start) ?? throw new InvalidOperationException("no process started"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            OnLine($"run-all: could not start {start.FileName}: {e.Message}");
            return new TaskOutcome(null, clock.Elapsed.TotalSeconds, Cause: $"could not start {start.FileName}: {e.Message}");
        }
        int exitCode;
        var interrupted = false;
        using (process)
        {
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnError(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            TimeSpan? stopAsked = null;
            while (!process.WaitForExit(TimeSpan.FromMilliseconds(500)))
            {
                string? lastLine;
                lock (gate) lastLine = last;
                tick(clock.Elapsed.TotalSeconds, lastLine);
                if (!cancel.IsCancellationRequested) continue;
                interrupted = true;
                if (stopAsked is null) { Terminate(process); stopAsked = clock.Elapsed; }
                else if (clock.Elapsed - stopAsked > TimeSpan.FromSeconds(15)) process.Kill(entireProcessTree: true);
            }
            process.WaitForExit(); // drains the redirected output
            exitCode = process.ExitCode;
        }
        return new TaskOutcome(exitCode, clock.Elapsed.TotalSeconds, interrupted || cancel.IsCancellationRequested, firstError);
    }

    // Asks a script to stop as Ctrl+C would (scripts end their epoch and still write metrics.json).
    static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows()) { process.Kill(entireProcessTree: true); return; }
        try { ScriptCommands.Capture("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5)); }
        catch (InvalidOperationException) { }
    }
}
