#nullable enable

/// <summary>What one Slurm client command answered: its exit code and output, or that it could not be started.</summary>
public sealed record SlurmAnswer(int ExitCode, string Output, string Errors, bool Started = true)
{
    public bool Ok => Started && ExitCode == 0;

    /// <summary>What the command said went wrong, on one line: its error lines (help hints dropped), else its exit code.</summary>
    public string Problem()
    {
        if (!Started) return Errors;
        var lines = (Errors + "\n" + Output).Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("Try \"", StringComparison.Ordinal)).Distinct().ToList();
        return lines.Count == 0 ? $"exit code {ExitCode}" : string.Join("; ", lines.Take(3));
    }
}

/// <summary>
/// Slurm's client commands (sbatch, squeue, sacct, scancel, sinfo), each run to its end with a time limit. Process-level
/// effect: starts those processes (nothing else).
/// </summary>
public static class SlurmCommands
{
    /// <summary>Runs <paramref name="tool"/> with <paramref name="args"/>; one that is not on PATH is an answer with Started false.</summary>
    public static SlurmAnswer Run(string tool, IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("no process started");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(1)))
            {
                process.Kill(entireProcessTree: true);
                return new SlurmAnswer(-1, "", $"{tool} did not answer within {(timeout ?? TimeSpan.FromMinutes(1)).TotalSeconds:F0} s", Started: false);
            }
            return new SlurmAnswer(process.ExitCode, output.Result, errors.Result);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new SlurmAnswer(-1, "", $"{tool} could not be started ({e.Message})", Started: false);
        }
    }

    /// <summary>The array's tasks squeue still knows (it forgets ended ones after the cluster's MinJobAge); null when squeue failed.</summary>
    public static IReadOnlyDictionary<int, SlurmTaskState>? Squeue(string jobId)
    {
        var answer = Run("squeue", ["-h", "-r", "--states=all", "-j", jobId, "-O", SlurmStates.SqueueFormat]);
        if (answer.Ok) return SlurmStates.ParseSqueue(answer.Output, jobId);
        // A purged job is not an error: squeue knows none of its tasks.
        return answer.Started && answer.Errors.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? new Dictionary<int, SlurmTaskState>() : null;
    }

    /// <summary>The array's tasks from the accounting database; null when there is none (sacct fails) or sacct is missing.</summary>
    public static IReadOnlyDictionary<int, SlurmTaskState>? Sacct(string jobId)
    {
        var answer = Run("sacct", ["-n", "-P", "-X", "-j", jobId, "-o", SlurmStates.SacctFormat]);
        return answer.Ok ? SlurmStates.ParseSacct(answer.Output, jobId) : null;
    }

    /// <summary>Cancels the whole array: pending tasks never start, running ones get SIGTERM (SIGKILL after the cluster's KillWait).</summary>
    public static SlurmAnswer Cancel(string jobId) => Run("scancel", [jobId]);

    /// <summary>How many nodes the cluster has (sinfo), or null when sinfo does not answer.</summary>
    public static int? NodeCount()
    {
        var answer = Run("sinfo", ["-h", "-N", "-o", "%N"]);
        return answer.Ok ? answer.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Distinct().Count() : null;
    }

    /// <summary>The job id in sbatch's <c>--parsable</c> answer (<c>12</c> or <c>12;cluster</c>), or null.</summary>
    public static string? ParseJobId(string output)
    {
        var first = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        var id = first?.Split(';')[0];
        return id is not null && id.Length > 0 && id.All(char.IsAsciiDigit) ? id : null;
    }
}
