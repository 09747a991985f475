#nullable enable
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Threading;
using Spectre.Console;

/// <summary>What <c>./run-all</c> was asked to do: where the run goes, which scripts, how, and with which extra arguments.</summary>
public sealed record BatchOptions(
    string RunDir,
    string Name,
    bool Quick,
    IReadOnlyList<string> Only,
    ScriptRunner Runner,
    IReadOnlyList<string> ScriptArgs,
    string ScriptsDir,
    bool Help = false)
{
    /// <summary>Arguments for one script only (<c>--args mnist="--full --epochs 3"</c>), after the ones for every script.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PerScriptArgs { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>How many scripts run at once (<c>--jobs</c>); each uses one torch thread.</summary>
    public int Jobs { get; init; } = 1;
}

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
    string? Note = null)
{
    /// <summary>Completed or stopped early: everything else fails the batch.</summary>
    [JsonIgnore] public bool Ok => Status == RunStatuses.Text(RunStatus.Completed) || Status == RunStatuses.Text(RunStatus.EarlyStopped);
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
public abstract record BatchEvent(string Script, int Index, int Count);
public sealed record ScriptStarted(string Script, int Index, int Count) : BatchEvent(Script, Index, Count);
/// <summary>Sent about twice a second while a script runs, with its last non-empty output line.</summary>
public sealed record ScriptRunning(string Script, int Index, int Count, double Seconds, string? LastLine) : BatchEvent(Script, Index, Count);
public sealed record ScriptFinished(ScriptResult Result, int Index, int Count) : BatchEvent(Result.Script, Index, Count);

/// <summary>
/// Batch runs (<c>./run-all</c>): every section script in its own process, each writing into
/// <c>&lt;run&gt;/&lt;script&gt;/</c> with its output kept as <c>&lt;run&gt;/&lt;script&gt;.log</c>; then summary.json,
/// summary.md and report.html in the run folder. The exit code is non-zero when any script failed.
/// </summary>
public static class BatchRuns
{
    /// <summary>
    /// The chapter's order, from scripts/chapter-order.txt (the list `./csx` shows too); scripts not listed there follow,
    /// alphabetically.
    /// </summary>
    public static readonly IReadOnlyList<string> OutlineOrder = ChapterOrder(Path.Combine(ToolsLibDir(), "..", "..", "scripts", "chapter-order.txt"));

    /// <summary>The script names a chapter-order file lists (one per line; # starts a comment); none when it is missing.</summary>
    public static IReadOnlyList<string> ChapterOrder(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList() : [];

    // This file's folder (tools/lib), as a script and as compiled C# alike.
    static string ToolsLibDir([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    /// <summary>summary.json's format: metrics.json's (snake_case), with readable non-ASCII and '+', and nulls written (a skipped script has no exit code).</summary>
    public static readonly JsonSerializerOptions Json = new(RunRecords.Json)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Statuses a batch gives scripts that did not end normally.</summary>
    public const string Failed = "failed", Skipped = "skipped";

    public const string Usage = """
        run-all: runs every section script in scripts/, each in its own process, into one run folder.

        Usage: ./run-all [options] [-- arguments for every script]

        Options:
          --quick              pass --quick to every script (small settings; the whole batch takes about a minute)
          --tag NAME           name the run folder out/runs/NAME (default: out/runs/<yyyyMMdd-HHmmss>)
          --out DIR            write the run into DIR instead
          --only a,b           run only these scripts (repeatable; names as in scripts/, without .csx)
          --runner R           csx (the bundled ./csx, default) or dotnet-script (dotnet script <file>)
          --args S="A B"       arguments for script S only (repeatable), e.g. --args mnist="--full --epochs 3"
          --jobs N             run N scripts at once (default: the number of cores; metrics are the same as with 1)
          --scripts DIR        run the .csx files of another folder (default: scripts/)
          --help               show this help

        Each script writes <run>/<script>/ (metrics.json, PNGs) and its console output to <run>/<script>.log.
        Arguments a script does not take are reported before anything runs.
        At the end: summary.json, summary.md and report.html in the run folder. Exit code 1 when any script failed.
        Compare two runs with: ./csx tools/compare.csx -- out/runs/A out/runs/B
        """;

    // run-all's options; their help lines are written out in Usage above.
    static readonly FlagOption QuickOption = new("quick", "pass --quick to every script (small settings; the whole batch takes about a minute)");
    static readonly FlagOption HelpOption = new("help", "show this help");
    static readonly TextOption TagOption = new("tag", null, "name the run folder out/runs/NAME (default: out/runs/<yyyyMMdd-HHmmss>)", Placeholder: "NAME");
    static readonly TextOption OutOption = new("out", null, "write the run into DIR instead", Placeholder: "DIR");
    static readonly ListOption OnlyOption = new("only", "run only these scripts (repeatable; names as in scripts/, without .csx)");
    static readonly ChoiceOption RunnerOption = new("runner", ["csx", "dotnet-script"], "csx", "csx (the bundled ./csx, default) or dotnet-script (dotnet script <file>)");
    static readonly TextOption ScriptsOption = new("scripts", null, "run the .csx files of another folder (default: scripts/)", Placeholder: "DIR");
    static readonly RepeatedTextOption ArgsOption = new("args", "arguments for script S only (repeatable), e.g. --args mnist=\"--full --epochs 3\"", Placeholder: "S=\"A B\"");
    static readonly IntOption JobsOption = new("jobs", Environment.ProcessorCount, "run N scripts at once (default: the number of cores; metrics are the same as with 1)", Max: 64);

    /// <summary>Parses run-all's arguments (everything after a bare <c>--</c> goes to every script). Throws a usage error on bad input.</summary>
    public static BatchOptions Parse(IList<string> args, string repoRoot, DateTimeOffset now)
    {
        var parsed = ArgParser.Parse("run-all", args, [QuickOption, HelpOption, TagOption, OutOption, OnlyOption, RunnerOption, ScriptsOption, ArgsOption, JobsOption],
            new ArgSyntax(PassThroughAfterDoubleDash: true));
        var quick = parsed.Get(QuickOption);
        var help = parsed.Get(HelpOption);
        var tag = parsed.Get(TagOption) is { } given ? CheckTag(given) : null;
        var outDir = parsed.Get(OutOption);
        var scriptsDir = parsed.Get(ScriptsOption);
        var only = parsed.Get(OnlyOption).Select(Path.GetFileNameWithoutExtension).Select(n => n!).ToList();
        var runner = parsed.Get(RunnerOption) == "dotnet-script" ? ScriptRunner.DotnetScript : ScriptRunner.Csx;
        var scriptArgs = parsed.PassThrough;

        string runDir, name;
        if (outDir is not null)
        {
            runDir = Path.GetFullPath(outDir);
            name = tag ?? Path.GetFileName(runDir.TrimEnd(Path.DirectorySeparatorChar));
        }
        else
        {
            var runs = Path.Combine(repoRoot, "out", "runs");
            name = tag ?? now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            runDir = Path.Combine(runs, name);
            for (var n = 2; tag is null && Directory.Exists(runDir); n++) runDir = Path.Combine(runs, name = $"{now:yyyyMMdd-HHmmss}-{n}");
        }
        return new BatchOptions(runDir, name, quick, only, runner, scriptArgs,
            Path.GetFullPath(scriptsDir ?? Path.Combine(repoRoot, "scripts")), help)
        {
            PerScriptArgs = PerScript(parsed.Get(ArgsOption)),
            Jobs = parsed.Get(JobsOption),
        };
    }

    // --args S="A B": script S gets A and B (split at spaces; quotes group: --args x="--title 'a b'").
    static IReadOnlyDictionary<string, IReadOnlyList<string>> PerScript(IReadOnlyList<string> given)
    {
        var perScript = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var item in given)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0) throw UsageError($"--args takes SCRIPT=\"ARGUMENTS\", got '{item}'");
            var script = Path.GetFileNameWithoutExtension(item[..eq].Trim());
            perScript[script] = [.. perScript.GetValueOrDefault(script) ?? [], .. SplitWords(item[(eq + 1)..])];
        }
        return perScript;
    }

    /// <summary>Splits at whitespace; single or double quotes group words (no escapes).</summary>
    public static IReadOnlyList<string> SplitWords(string text) =>
        Regex.Matches(text, """ "([^"]*)"|'([^']*)'|(\S+) """.Trim()).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value).ToList();

    static string CheckTag(string tag) =>
        Regex.IsMatch(tag, @"^[A-Za-z0-9][A-Za-z0-9._-]*$") ? tag : throw UsageError($"--tag must be a plain folder name (letters, digits, . _ -), got '{tag}'");

    static Ch13Exception UsageError(string problem) => ArgParser.UsageError("run-all", problem);

    /// <summary>The runnable sections: every .csx directly in <paramref name="scriptsDir"/>, in the chapter's order.</summary>
    public static IReadOnlyList<string> Discover(string scriptsDir)
    {
        if (!Directory.Exists(scriptsDir)) throw new Ch13Exception($"run-all: no scripts folder {scriptsDir}", 2);
        return InOutlineOrder(Directory.GetFiles(scriptsDir, "*.csx").Select(f => Path.GetFileNameWithoutExtension(f)));
    }

    /// <summary>Script names in the chapter's order (<see cref="OutlineOrder"/>), others after them alphabetically.</summary>
    public static IReadOnlyList<string> InOutlineOrder(IEnumerable<string> scripts) =>
        scripts.OrderBy(n => OutlineOrder.Contains(n) ? OutlineOrder.ToList().IndexOf(n) : OutlineOrder.Count)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();

    /// <summary>The scripts <c>--only</c> asks for (all when empty), in discovery order; an unknown name is a usage error listing the known ones.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> discovered, IReadOnlyList<string> only)
    {
        var unknown = only.Where(n => !discovered.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw UsageError($"--only: no script named {string.Join(", ", unknown.Select(u => $"'{u}'"))} (available: {string.Join(", ", discovered)})");
        return only.Count == 0 ? discovered : discovered.Where(only.Contains).ToList();
    }

    /// <summary>The arguments each script gets: its output folder, --quick when asked, then the user's extra arguments.</summary>
    public static IReadOnlyList<string> ScriptArguments(BatchOptions options, string script) =>
        ["--out", Path.Combine(options.RunDir, script), .. options.Quick ? new[] { "--quick" } : [], .. options.ScriptArgs,
         .. options.PerScriptArgs.GetValueOrDefault(script) ?? []];

    /// <summary>
    /// Before anything runs: each script parses its arguments with <c>--help</c> added (a script validates every
    /// argument before it looks at --help, and --help writes nothing), so an argument a script does not take is one
    /// usage error naming the scripts that refused it, not a failure halfway through the batch. Only when the user
    /// gave arguments; the scripts named by <c>--args</c> must be in the batch.
    /// </summary>
    public static void CheckArguments(BatchOptions options, IReadOnlyList<string> scripts, Func<string, IReadOnlyList<string>, ProcessStartInfo> launch)
    {
        var stray = options.PerScriptArgs.Keys.Where(s => !scripts.Contains(s)).ToList();
        if (stray.Count > 0)
            throw UsageError($"--args names {string.Join(", ", stray.Select(s => $"'{s}'"))}, which this batch does not run (it runs: {string.Join(", ", scripts)})");
        var toCheck = scripts.Where(s => options.ScriptArgs.Count > 0 || options.PerScriptArgs.ContainsKey(s)).ToList();
        var refusals = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        Parallel.ForEach(toCheck, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Jobs) }, script =>
        {
            var start = launch(Path.Combine(options.ScriptsDir, script + ".csx"), [.. ScriptArguments(options, script), "--help"]);
            var (exit, output) = Capture(start, TimeSpan.FromMinutes(3));
            if (exit != 0) refusals[script] = LastLine(output) ?? $"exit code {exit}";
        });
        if (refusals.IsEmpty) return;
        var lines = scripts.Where(refusals.ContainsKey).Select(s => $"  {s}: {refusals[s]}");
        throw new Ch13Exception("run-all: nothing was run; these scripts do not take the arguments given " +
            "(give one script its own with --args SCRIPT=\"ARGS\"):\n" + string.Join("\n", lines), 2);
    }

    static string? LastLine(string text) => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    /// <summary>
    /// The process that runs one script, from the repository root: with csx, the bundled runner that is running
    /// this batch (<c>dotnet ch13-csx.dll file -- args</c>, so every script runs on the same runner build) or, from
    /// another host, <c>./csx file -- args</c>; with dotnet-script, <c>dotnet script file -- args</c>.
    /// </summary>
    public static ProcessStartInfo Command(ScriptRunner runner, string repoRoot, string scriptPath, IReadOnlyList<string> args)
    {
        ProcessStartInfo start;
        if (runner == ScriptRunner.DotnetScript)
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add("script");
        }
        else if (RunningRunner() is { } dll && Environment.ProcessPath is { } dotnet)
        {
            start = new ProcessStartInfo(dotnet);
            start.ArgumentList.Add(dll);
        }
        else start = new ProcessStartInfo(Path.Combine(repoRoot, OperatingSystem.IsWindows() ? "csx.cmd" : "csx"));
        start.ArgumentList.Add(scriptPath);
        start.ArgumentList.Add("--");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.WorkingDirectory = repoRoot;
        return start;
    }

    // ch13-csx's dll when this process is the bundled runner (run-all.csx started by ./csx), else null.
    static string? RunningRunner() =>
        System.Reflection.Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == "ch13-csx" && File.Exists(entry.Location) ? entry.Location : null;

    /// <summary>Fails with a clear message, before anything runs, when the chosen runner is not there.</summary>
    public static void CheckRunner(ScriptRunner runner, string repoRoot)
    {
        if (runner == ScriptRunner.Csx)
        {
            if (RunningRunner() is not null) return;
            var csx = Path.Combine(repoRoot, OperatingSystem.IsWindows() ? "csx.cmd" : "csx");
            if (!File.Exists(csx)) throw new Ch13Exception($"run-all: the bundled runner {csx} is missing");
            return;
        }
        var (exit, output) = Capture("dotnet", ["script", "--version"], TimeSpan.FromMinutes(1));
        if (exit != 0)
            throw new Ch13Exception("run-all: --runner dotnet-script needs dotnet-script, and `dotnet script --version` failed"
                + $"{(output.Length > 0 ? $" ({output.Split('\n')[0].Trim()})" : "")}. Install it with `dotnet tool install -g dotnet-script`, "
                + "or use the bundled runner (--runner csx, the default).");
    }

    static (int Exit, string Output) Capture(string file, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Capture(start, timeout);
    }

    // Runs a process to its end (stderr, then stdout, as one text); exit -1 when it could not start or timed out.
    static (int Exit, string Output) Capture(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout)) { process.Kill(entireProcessTree: true); return (-1, "timed out"); }
            return (process.ExitCode, (stderr.Result + stdout.Result).Trim());
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }

    /// <summary>
    /// Runs <paramref name="scripts"/> in order, <see cref="BatchOptions.Jobs"/> at a time (each in its own process,
    /// started by <paramref name="launch"/>, by default <see cref="Command"/>), reporting progress to
    /// <paramref name="observe"/> (one event at a time, from the worker threads). When <paramref name="cancel"/> fires,
    /// the running scripts are asked to stop (SIGTERM, then killed after 15 s) and the rest are skipped.
    /// </summary>
    public static BatchSummary Run(BatchOptions options, string repoRoot, IReadOnlyList<string> scripts,
        Action<BatchEvent>? observe = null, CancellationToken cancel = default,
        Func<string, IReadOnlyList<string>, ProcessStartInfo>? launch = null)
    {
        launch ??= (path, args) => Command(options.Runner, repoRoot, path, args);
        Directory.CreateDirectory(options.RunDir);
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var results = new ScriptResult?[scripts.Count];
        var gate = new object();
        void Observe(BatchEvent e) { lock (gate) observe?.Invoke(e); }
        var next = -1;
        // Jobs workers take the scripts in order; each script is its own process with one torch thread, so running
        // several at once changes only the wall time, not a number.
        void Worker()
        {
            for (var i = Interlocked.Increment(ref next); i < scripts.Count; i = Interlocked.Increment(ref next))
            {
                var script = scripts[i];
                if (cancel.IsCancellationRequested)
                {
                    results[i] = new ScriptResult(script, Skipped, null, 0, null, null, "", "", "not run: the batch was interrupted");
                    continue;
                }
                Observe(new ScriptStarted(script, i, scripts.Count));
                var index = i;
                var start = launch(Path.Combine(options.ScriptsDir, script + ".csx"), ScriptArguments(options, script));
                var result = Launch(options.RunDir, script, start, (seconds, line) => Observe(new ScriptRunning(script, index, scripts.Count, seconds, line)), cancel);
                results[i] = result;
                Observe(new ScriptFinished(result, i, scripts.Count));
            }
        }
        var workers = Enumerable.Range(0, Math.Clamp(options.Jobs, 1, Math.Max(1, scripts.Count))).Select(_ => new Thread(Worker)).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return new BatchSummary(options.Name, started.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), Math.Round(clock.Elapsed.TotalSeconds, 2),
            options.Quick, options.Runner == ScriptRunner.Csx ? "csx" : "dotnet-script", options.ScriptArgs, results.Select(r => r!).ToList());
    }

    static ScriptResult Launch(string runDir, string script, ProcessStartInfo start, Action<double, string?> tick, CancellationToken cancel)
    {
        var outDir = Path.Combine(runDir, script);
        var logName = script + ".log";
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var clock = Stopwatch.StartNew();
        using var log = new StreamWriter(Path.Combine(runDir, logName), append: false, new UTF8Encoding(false)) { AutoFlush = true };
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
            return new ScriptResult(script, Failed, null, Math.Round(clock.Elapsed.TotalSeconds, 2), null, null, logName, script + "/", $"could not start {start.FileName}: {e.Message}");
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
        return ReadResult(runDir, script, exitCode, clock.Elapsed.TotalSeconds, interrupted || cancel.IsCancellationRequested, firstError);
    }

    // Asks a script to stop as Ctrl+C would (scripts end their epoch and still write metrics.json).
    static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows()) { process.Kill(entireProcessTree: true); return; }
        try { Capture("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5)); }
        catch (InvalidOperationException) { }
    }

    /// <summary>A script's result from its exit code and the run record it left (status, key metric, training time).</summary>
    public static ScriptResult ReadResult(string runDir, string script, int exitCode, double wallSeconds, bool interrupted = false, string? cause = null)
    {
        var metrics = RunFolders.MetricsPath(Path.Combine(runDir, script));
        var record = RunRecords.TryRead(metrics);
        var (diverged, stopped) = (RunStatuses.Text(RunStatus.Diverged), RunStatuses.Text(RunStatus.Interrupted));
        var (status, note) = exitCode switch
        {
            0 when record is not null => (RunStatuses.Text(record.Status), (string?)null),
            0 when File.Exists(metrics) => (Failed, "exited 0, but its metrics.json is not a ch13 run record"),
            0 => (Failed, "exited 0 without writing metrics.json"),
            3 => (diverged, "exit code 3"),
            130 => (stopped, "exit code 130"),
            143 => (stopped, "ended by SIGTERM (exit code 143)"), // killed by a signal before it could hook it: still a stop, not a failure
            _ when interrupted => (stopped, $"exit code {exitCode} after the batch was interrupted"),
            _ => (Failed, cause is null ? $"exit code {exitCode}" : $"exit code {exitCode}: {cause}"),
        };
        return new ScriptResult(script, status, exitCode, Math.Round(wallSeconds, 2), record is null ? null : Math.Round(record.Timings.TrainSeconds, 2),
            record?.KeyMetric, script + ".log", script + "/", note);
    }

    /// <summary>Writes summary.json and summary.md into the run folder (atomically).</summary>
    public static void WriteSummary(string runDir, BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        Files.WriteAllTextAtomic(Path.Combine(runDir, "summary.json"), JsonSerializer.Serialize(summary, Json) + "\n");
        Files.WriteAllTextAtomic(Path.Combine(runDir, "summary.md"), Markdown(summary, references) + Reports.FidelityMarkdown(runDir, summary, references));
    }

    static readonly TextColumn[] SummaryColumns =
    [
        new("script"), new("status"), TextColumn.Number("wall (s)"), TextColumn.Number("train (s)"), new("key metric"),
        TextColumn.Number("value"), TextColumn.Number("notebook"),
    ];

    /// <summary>
    /// The summary table, one row per script: status (marked ok, muted when skipped, bad otherwise), times, key metric
    /// and the notebook's value for it. The console prints it; summary.md adds links and a log column.
    /// </summary>
    public static TextTable SummaryTable(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references) =>
        TextTable.Of(SummaryColumns, summary.Scripts.Select(s => (IReadOnlyList<TextCell>)
        [
            s.Script,
            new TextCell(s.Note is null || s.Ok ? s.Status : $"{s.Status} ({s.Note})", Style: s.Ok ? CellStyle.Ok : s.Status == Skipped ? CellStyle.Muted : CellStyle.Bad),
            s.Status == Skipped ? "" : s.WallSeconds.ToString("F1", CultureInfo.InvariantCulture),
            s.TrainSeconds?.ToString("F1", CultureInfo.InvariantCulture),
            s.KeyMetric is { } key ? RunFolders.Label(key) : "",
            s.KeyMetric?.Value is { } value ? Number(value) : "",
            References.ForKeyMetric(references.GetValueOrDefault(s.Script), s.KeyMetric)?.NotebookText,
        ]));

    /// <summary>summary.md: a heading line with the counts, then the table with links to each script's folder and log.</summary>
    public static string Markdown(BatchSummary summary, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var table = SummaryTable(summary, references);
        var linked = table with
        {
            Columns = [.. table.Columns, new TextColumn("log")],
            Rows = summary.Scripts.Zip(table.Rows, (result, row) => (IReadOnlyList<TextCell>)
            [
                row[0] with { Link = result.Out.Length > 0 ? result.Out : null },
                row[1] with { Text = (result.Ok ? "✅ " : result.Status == Skipped ? "⏭ " : "❌ ") + row[1].Text },
                .. row.Skip(2),
                new TextCell(result.Log, Link: result.Log.Length > 0 ? result.Log : null),
            ]).ToList(),
        };
        var text = new StringBuilder($"# ch13 run `{summary.Name}`\n\n");
        text.Append(Headline(summary)).Append("\n\n");
        text.Append(TextTables.ToMarkdown(linked, empty: "—"));
        text.Append("\nOpen `report.html` in this folder for every plot, config and the notebook's numbers.\n");
        return text.ToString();
    }

    /// <summary>One line: when, how many scripts, how many failed, total wall time.</summary>
    public static string Headline(BatchSummary summary)
    {
        var ok = summary.Scripts.Count(s => s.Ok);
        var stopped = RunStatuses.Text(RunStatus.Interrupted);
        var failed = summary.Scripts.Count(s => !s.Ok && s.Status != Skipped && s.Status != stopped);
        var interrupted = summary.Scripts.Count(s => s.Status == stopped);
        var skipped = summary.Scripts.Count(s => s.Status == Skipped);
        var args = summary.ScriptArgs.Count > 0 ? $" · script arguments `{string.Join(' ', summary.ScriptArgs)}`" : "";
        return $"Started {Reports.Timestamp(summary.StartedAt)} · {summary.Scripts.Count} script{(summary.Scripts.Count == 1 ? "" : "s")}{(summary.Quick ? " (--quick)" : "")} · runner {summary.Runner}{args} · "
            + $"wall {summary.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)} s · **{ok} ok, {failed} failed{(interrupted > 0 ? $", {interrupted} interrupted" : "")}{(skipped > 0 ? $", {skipped} skipped" : "")}**";
    }

    /// <summary>A metric as tables show it: 4 decimals for small numbers, fewer for large ones, tiny ones in scientific notation (1.6e-7, not 0.0000).</summary>
    public static string Number(double value) =>
        !double.IsFinite(value) ? value.ToString(CultureInfo.InvariantCulture)
        : value != 0 && Math.Abs(value) < 1e-3 ? RunFolders.Display(value)
        : Math.Abs(value) >= 1000 ? value.ToString("F1", CultureInfo.InvariantCulture)
        : value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>./run-all</c> tool: parse, run every script with a live summary (a table on a terminal, plain lines
    /// otherwise), write summary.json, summary.md and report.html, print the table, and return the exit code
    /// (0 all ok, 1 any failed, 2 bad usage, 130 interrupted).
    /// </summary>
    // Not named Main: beside a script's global code, dotnet-script warns (CS7022) about a second entry point.
    public static int RunTool(IList<string> args, string repoRoot)
    {
        try
        {
            var options = Parse(args, repoRoot, DateTimeOffset.Now);
            if (options.Help) { Out.WriteLine(Usage); return 0; }
            var scripts = Select(Discover(options.ScriptsDir), options.Only);
            if (scripts.Count == 0) throw new Ch13Exception($"run-all: no .csx scripts in {options.ScriptsDir}", 2);
            CheckRunner(options.Runner, repoRoot);
            CheckArguments(options, scripts, (path, scriptArgs) => Command(options.Runner, repoRoot, path, scriptArgs));
            var references = References.Load(References.DefaultPath(repoRoot));
            // One writer per run folder: a second run-all into it stops with the "in use by PID …" line.
            Runs.EnsureWritable(options.RunDir);
            var runLock = Files.TakeLock(options.RunDir, "run-all", DateTimeOffset.Now, Relative(options.RunDir));
            try { return RunLocked(options, repoRoot, scripts, references); }
            finally { Files.ReleaseLock(runLock); }
        }
        catch (Ch13Exception e)
        {
            Out.Flush();
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
    }

    // The batch itself, with the run folder locked: run the scripts, then write the summaries and the report.
    static int RunLocked(BatchOptions options, string repoRoot, IReadOnlyList<string> scripts, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var live = Progress.ModeFor(false, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CH13_PROGRESS")) == ProgressMode.Live;
        // The first Ctrl+C or SIGTERM stops the running script and skips the rest; a second one ends run-all at once.
        using var signals = StopSignals.Hook(_ =>
        {
            if (!live) Console.Error.WriteLine("run-all: interrupted; stopping the running script, skipping the rest (Ctrl+C again to quit now).");
        });
        var cancel = signals.Token;

        Out.WriteLine($"run-all: {scripts.Count} script{(scripts.Count == 1 ? "" : "s")} → {Relative(options.RunDir)}/{(options.Quick ? " (--quick)" : "")}");
        var summary = live
            ? RunLive(options, repoRoot, scripts, cancel)
            : Run(options, repoRoot, scripts, PlainObserver(options.RunDir), cancel);
        signals.Dispose(); // from here on, Ctrl+C ends run-all at once
        if (cancel.IsCancellationRequested) Out.WriteLine("run-all: interrupted; the scripts not yet started were skipped.");

        WriteSummary(options.RunDir, summary, references);
        Reports.WriteRunReport(options.RunDir, summary, references, options.ScriptsDir);
        if (live) AnsiConsole.Write(TextTables.ToTerminal(SummaryTable(summary, references)));
        else Out.Write(TextTables.ToText(SummaryTable(summary, references)));
        Out.WriteLine(Headline(summary).Replace("**", ""));
        foreach (var failed in summary.Scripts.Where(s => !s.Ok && s.Status != Skipped))
            Out.WriteLine($"  {failed.Script}: {failed.Status} ({failed.Note}); log: {Relative(Path.Combine(options.RunDir, failed.Log))}");
        Out.WriteLine($"Open {Relative(Path.Combine(options.RunDir, "report.html"))} (summary: summary.md, summary.json).");
        return cancel.IsCancellationRequested ? 130 : summary.Failed ? 1 : 0;
    }

    static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }

    // Plain lines for logs and pipes: one when a script starts and ends, one every 30 s while it runs.
    static Action<BatchEvent> PlainObserver(string runDir)
    {
        var lastPrinted = 0.0;
        return e =>
        {
            var prefix = $"[{e.Index + 1}/{e.Count}] {e.Script}";
            switch (e)
            {
                case ScriptStarted:
                    lastPrinted = 0;
                    Out.WriteLine($"{prefix}: running");
                    break;
                case ScriptRunning r when r.Seconds - lastPrinted >= 30:
                    lastPrinted = r.Seconds;
                    Out.WriteLine($"{prefix}: still running after {r.Seconds:F0} s{(r.LastLine is null ? "" : $" · {Shorten(r.LastLine, 100)}")}");
                    break;
                case ScriptFinished f:
                    Out.WriteLine($"{prefix}: {Describe(f.Result)}{(f.Result.Ok ? "" : $"; log: {Relative(Path.Combine(runDir, f.Result.Log))}")}");
                    break;
            }
            Out.Flush();
        };
    }

    static string Describe(ScriptResult r) =>
        $"{r.Status}{(r.Ok || r.Note is null ? "" : $" ({r.Note})")} in {r.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)} s"
        + (r.TrainSeconds is { } t ? $" (train {t.ToString("F1", CultureInfo.InvariantCulture)} s)" : "")
        + (r.KeyMetric is { Value: { } value } k ? $" · {RunFolders.Label(k)} {Number(value)}" : "");

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    // A terminal: a live table, one row per script, the running one showing its last output line.
    static BatchSummary RunLive(BatchOptions options, string repoRoot, IReadOnlyList<string> scripts, CancellationToken cancel)
    {
        var rows = scripts.Select(s => (Status: new TextCell("waiting"), Time: "", Detail: "")).ToArray();
        return AnsiConsole.Live(LiveTable(scripts, rows)).AutoClear(true).Start(context => Run(options, repoRoot, scripts, e =>
        {
            rows[e.Index] = e switch
            {
                ScriptStarted => (new TextCell("running", Style: CellStyle.Highlight), "0 s", ""),
                ScriptRunning r => (new TextCell("running", Style: CellStyle.Highlight), $"{r.Seconds:F0} s", Shorten(r.LastLine ?? "", 70)),
                ScriptFinished f => (new TextCell(f.Result.Status, Style: f.Result.Ok ? CellStyle.Ok : CellStyle.Bad),
                                     $"{f.Result.WallSeconds:F1} s",
                                     f.Result.KeyMetric is { Value: { } value } k ? $"{RunFolders.Label(k)} {Number(value)}" : f.Result.Note ?? ""),
                _ => rows[e.Index],
            };
            context.UpdateTarget(LiveTable(scripts, rows));
        }, cancel));
    }

    static Table LiveTable(IReadOnlyList<string> scripts, (TextCell Status, string Time, string Detail)[] rows) =>
        TextTables.ToTerminal(TextTable.Of([new("#"), new("script"), new("status"), new("time"), new("")],
            scripts.Select((script, i) => (IReadOnlyList<TextCell>)[$"{i + 1}/{scripts.Count}", script, rows[i].Status, rows[i].Time, rows[i].Detail])));
}
