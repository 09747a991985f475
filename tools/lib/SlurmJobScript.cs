#nullable enable
using System.Globalization;
using System.Text.RegularExpressions;

/// <summary>How a task ended, as its job script recorded it: the command's exit code and when it started and ended.</summary>
public sealed record SlurmTaskEnd(int ExitCode, double StartedUnix, double EndedUnix)
{
    public double WallSeconds => Math.Max(0, EndedUnix - StartedUnix);
}

/// <summary>
/// The array job script <c>./run-all --executor slurm</c> submits (kept as <c>&lt;run&gt;/.slurm/job.sh</c>): task i runs
/// the i-th command from its working directory, its output (stdout and stderr, as a local batch keeps it) to
/// <c>&lt;run&gt;/&lt;name&gt;.log</c>, its stderr also to <c>.slurm/&lt;name&gt;.stderr</c> (the failure's cause is its first
/// line), and at the end <c>.slurm/&lt;name&gt;.exit</c> (exit code, start and end time; written by rename, so it is whole).
/// </summary>
public static class SlurmJobScript
{
    /// <summary>The folder in a run folder that holds the job's script, its id and the tasks' exit files.</summary>
    public const string StateFolder = ".slurm";

    public static string StateDir(string runDir) => Path.Combine(runDir, StateFolder);
    public static string ExitPath(string runDir, string name) => Path.Combine(StateDir(runDir), StateKey(name) + ".exit");
    public static string StderrPath(string runDir, string name) => Path.Combine(StateDir(runDir), StateKey(name) + ".stderr");

    /// <summary>
    /// A task's name in the state folder, which holds no subfolders: a sweep's <c>xor/seed-3</c> is <c>xor.seed-3</c>
    /// (the job script makes the same from <c>$name</c>). A batch is a sweep or not, so names never collide.
    /// </summary>
    public static string StateKey(string name) => name.Replace('/', '.');

    /// <summary>
    /// The script's text. Task names (<see cref="ScriptTask.Name"/>) must be plain folder names, or a sweep's
    /// <c>script/seed-N</c> (they name files in the run folder).
    /// </summary>
    public static string Text(IReadOnlyList<ScriptTask> tasks, string runDir, string jobName)
    {
        if (tasks.Count == 0) throw new ArgumentException("a job array needs at least one task", nameof(tasks));
        foreach (var task in tasks)
            if (!PlainName.IsMatch(task.Script) || ScriptTask.ParseName(task.Name) is null)
                throw new ArgumentException($"task name '{task.Name}' is not a plain folder name", nameof(tasks));
        var state = StateDir(runDir);
        var text = new StringBuilder();
        text.Append("#!/usr/bin/env bash\n");
        text.Append($"#SBATCH --job-name={Quote(jobName)}\n");
        // Slurm's own output for a task (a task that could not even start says why here); the script's output goes to its log.
        text.Append($"#SBATCH --output={Quote(Path.Combine(state, "task-%a.out"))}\n");
        text.Append("# Written by ./run-all --executor slurm: one array task per run of the batch, each running exactly the\n");
        text.Append("# command a local batch runs. The run folder must be on a file system every node shares.\n");
        text.Append("set -u\n");
        text.Append($"state={Quote(state)}\n");
        text.Append("case \"${SLURM_ARRAY_TASK_ID:-}\" in\n");
        for (var i = 0; i < tasks.Count; i++)
        {
            var command = tasks[i].Command;
            text.Append($"  {i.ToString(CultureInfo.InvariantCulture)}) name={Quote(tasks[i].Name)}; dir={Quote(command.WorkingDirectory is { Length: > 0 } dir ? dir : Directory.GetCurrentDirectory())}; ");
            text.Append($"cmd=({string.Join(' ', new[] { command.FileName }.Concat(command.ArgumentList).Select(Quote))}) ;;\n");
        }
        text.Append("  *) echo \"run-all: this job has no task ${SLURM_ARRAY_TASK_ID:-(not an array task)}\" >&2; exit 2 ;;\n");
        text.Append("esac\n");
        text.Append($"log={Quote(runDir)}/\"$name.log\"\n");
        text.Append("key=\"${name//\\//.}\"\n"); // the name in the state folder: xor/seed-3 is xor.seed-3
        text.Append("""
            started=$(date +%s.%N)
            # Slurm stops a task with SIGTERM to all its processes: the script ends its epoch and writes its record, and this
            # shell waits for it (a trap, unlike an ignored signal, is not inherited) to write the exit file.
            trap ':' TERM
            cd "$dir" || exit 1
            mkdir -p "${log%/*}" # a sweep's script folder, which holds its seeds' logs
            : >"$log"
            # stderr goes through tee to the log and aside; tee ignores SIGTERM, so the script's last lines still arrive.
            "${cmd[@]}" 2>&1 >>"$log" | (trap '' TERM; exec tee -a "$log" >"$state/$key.stderr")
            code=${PIPESTATUS[0]}
            printf '%s %s %s\n' "$code" "$started" "$(date +%s.%N)" >"$state/$key.exit.tmp" && mv -f "$state/$key.exit.tmp" "$state/$key.exit"
            exit "$code"

            """);
        return text.ToString();
    }

    static readonly Regex PlainName = new(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant);

    /// <summary>A word for bash, in single quotes (a quote inside becomes <c>'\''</c>).</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>
    /// A task's exit file (<c>code started ended</c>, Unix seconds), or null when the task has not written one (still
    /// running, never started, or killed before it could) or it is not in that form.
    /// </summary>
    public static SlurmTaskEnd? ReadEnd(string runDir, string name)
    {
        var path = ExitPath(runDir, name);
        string text;
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 200) return null;
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return ParseEnd(text);
    }

    /// <summary>An exit file's text as a <see cref="SlurmTaskEnd"/>, or null when it is not <c>code started ended</c>.</summary>
    public static SlurmTaskEnd? ParseEnd(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 3
            && int.TryParse(words[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
            && double.TryParse(words[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var started)
            && double.TryParse(words[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ended)
            ? new SlurmTaskEnd(code, started, ended)
            : null;
    }

    /// <summary>The first non-empty line a task wrote to stderr (its one-line error), from at most its first 16 KB.</summary>
    public static string? FirstError(string runDir, string name) =>
        ReadBounded(StderrPath(runDir, name), fromEnd: false)?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

    /// <summary>The last non-empty line of a task's log (for the live table), from at most its last 16 KB.</summary>
    public static string? LastLogLine(string runDir, string name) =>
        ReadBounded(Path.Combine(runDir, name + ".log"), fromEnd: true)?.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    const int Bound = 16 * 1024;

    static string? ReadBounded(string path, bool fromEnd)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null) return null;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (fromEnd && stream.Length > Bound) stream.Seek(-Bound, SeekOrigin.End);
            var buffer = new byte[Bound];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
