#nullable enable
using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>Where a Slurm task is, in the four words of run-all's live table.</summary>
public enum SlurmPhase { Pending, Running, Completed, Failed }

/// <summary>
/// One array task as Slurm reports it: its state word (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT…), the
/// reason it waits or ended (squeue's; empty from sacct), and its exit code and signal once it ended.
/// </summary>
public sealed record SlurmTaskState(int Task, string State, string Reason, int? ExitCode, int? Signal)
{
    public SlurmPhase Phase => SlurmStates.PhaseOf(State);

    /// <summary>Slurm's word for it, with the reason when there is one: "PENDING (Resources)".</summary>
    public string Describe() => Reason.Length == 0 || Reason == "None" ? State : $"{State} ({Reason})";
}

/// <summary>Reading squeue's and sacct's answers about a job array's tasks.</summary>
public static class SlurmStates
{
    /// <summary>squeue's fields (<c>-O</c>, each ending in '|'): the task's id, its state, its wait status and the reason.</summary>
    public const string SqueueFormat = "JobArrayID:|,State:|,exit_code:|,Reason:|";

    /// <summary>sacct's fields (<c>-n -P -X -o</c>): the task's id, its state and its exit code as code:signal.</summary>
    public const string SacctFormat = "JobID,State,ExitCode";

    /// <summary>Slurm's job states by phase; anything not listed (FAILED, CANCELLED, TIMEOUT, NODE_FAIL, OUT_OF_MEMORY…) has failed.</summary>
    public static SlurmPhase PhaseOf(string state) => state switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" or "CONFIGURING" => SlurmPhase.Pending,
        "RUNNING" or "COMPLETING" or "SIGNALING" or "STAGE_OUT" or "SUSPENDED" or "STOPPED" or "RESIZING" => SlurmPhase.Running,
        "COMPLETED" => SlurmPhase.Completed,
        _ => SlurmPhase.Failed,
    };

    /// <summary>
    /// squeue's lines (<see cref="SqueueFormat"/>) for job <paramref name="jobId"/>, by task index; lines of other jobs
    /// are ignored. Pending tasks squeue did not expand (<c>12_[3-5,7%2]</c>) get one entry each. squeue's exit code is a
    /// wait status: the code is its high byte, the signal its low seven bits.
    /// </summary>
    public static IReadOnlyDictionary<int, SlurmTaskState> ParseSqueue(string output, string jobId)
    {
        var states = new Dictionary<int, SlurmTaskState>();
        foreach (var line in Lines(output))
        {
            var fields = line.Split('|');
            if (fields.Length < 4) continue;
            var (state, reason) = (FirstWord(fields[1]), fields[3].Trim());
            int? code = null, signal = null;
            if (int.TryParse(fields[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) && IsEnded(state))
                (code, signal) = ((status >> 8) & 0xff, status & 0x7f);
            foreach (var task in TaskIds(fields[0].Trim(), jobId))
                states[task] = new SlurmTaskState(task, state, reason, code, signal == 0 ? null : signal);
        }
        return states;
    }

    /// <summary>sacct's lines (<see cref="SacctFormat"/>, <c>-P</c>) for job <paramref name="jobId"/>, by task index.</summary>
    public static IReadOnlyDictionary<int, SlurmTaskState> ParseSacct(string output, string jobId)
    {
        var states = new Dictionary<int, SlurmTaskState>();
        foreach (var line in Lines(output))
        {
            var fields = line.Split('|');
            if (fields.Length < 3) continue;
            var state = FirstWord(fields[1]); // "CANCELLED by 0"
            int? code = null, signal = null;
            var parts = fields[2].Trim().Split(':');
            if (IsEnded(state) && parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var c)
                && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
                (code, signal) = (c, s == 0 ? null : s);
            foreach (var task in TaskIds(fields[0].Trim(), jobId))
                states[task] = new SlurmTaskState(task, state, "", code, signal);
        }
        return states;
    }

    static bool IsEnded(string state) => PhaseOf(state) is SlurmPhase.Completed or SlurmPhase.Failed;

    static IEnumerable<string> Lines(string output) => output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    static string FirstWord(string text) => text.Trim().Split(' ', 2)[0].ToUpperInvariant();

    static readonly Regex Range = new(@"^(\d+)(?:-(\d+))?(?::(\d+))?$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The task indexes an array id names: <c>12_3</c> is task 3, <c>12_[0-4:2,7%2]</c> tasks 0, 2, 4 and 7 (the
    /// step after ':', the throttle after '%' ignored); an id of another job, or one that is not an array task, names none.
    /// </summary>
    public static IReadOnlyList<int> TaskIds(string id, string jobId)
    {
        var prefix = jobId + "_";
        if (!id.StartsWith(prefix, StringComparison.Ordinal)) return [];
        var rest = id[prefix.Length..];
        if (int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var single)) return [single];
        if (!rest.StartsWith('[') || !rest.EndsWith(']')) return [];
        var tasks = new List<int>();
        foreach (var part in rest[1..^1].Split('%')[0].Split(','))
        {
            var m = Range.Match(part.Trim());
            if (!m.Success) return [];
            var from = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var to = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : from;
            var step = m.Groups[3].Success ? Math.Max(1, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)) : 1;
            if (to - from > 100_000) return []; // bounded: an array larger than any batch
            for (var t = from; t <= to; t += step) tasks.Add(t);
        }
        return tasks;
    }
}
