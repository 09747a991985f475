#nullable enable
using System.Globalization;
using System.Threading;

/// <summary>
/// Batch runs (<c>./run-all</c>): every section script in its own process, each writing into
/// <c>&lt;run&gt;/&lt;script&gt;/</c> with its output kept as <c>&lt;run&gt;/&lt;script&gt;.log</c>; then summary.json,
/// summary.md and report.html in the run folder. The exit code is non-zero when any script failed.
/// </summary>
public static class BatchRuns
{
    /// <summary>The runnable sections: every .csx directly in <paramref name="scriptsDir"/>, in the chapter's order.</summary>
    public static IReadOnlyList<string> Discover(string scriptsDir)
    {
        if (!Directory.Exists(scriptsDir)) throw new Ch13Exception($"run-all: no scripts folder {scriptsDir}", 2);
        return ChapterOrder.Sort(Directory.GetFiles(scriptsDir, "*.csx").Select(f => Path.GetFileNameWithoutExtension(f)));
    }

    /// <summary>The scripts <c>--only</c> asks for (all when empty), in discovery order; an unknown name is a usage error listing the known ones.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> discovered, IReadOnlyList<string> only)
    {
        var unknown = only.Where(n => !discovered.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw BatchArgs.UsageError($"--only: no script named {string.Join(", ", unknown.Select(u => $"'{u}'"))} (available: {string.Join(", ", discovered)})");
        return only.Count == 0 ? discovered : discovered.Where(only.Contains).ToList();
    }

    /// <summary>
    /// The arguments each script gets: its output folder (a sweep's seed folder, and that --seed), --quick when asked,
    /// then the user's extra arguments.
    /// </summary>
    public static IReadOnlyList<string> ScriptArguments(BatchOptions options, string script, int? seed = null) =>
        [.. seed is { } s ? new[] { "--out", Path.Combine(options.RunDir, script, SeedFolders.Name(s)), "--seed", s.ToString(CultureInfo.InvariantCulture) }
                          : ["--out", Path.Combine(options.RunDir, script)],
         .. options.Quick ? new[] { "--quick" } : [], .. options.ScriptArgs, .. options.PerScriptArgs.GetValueOrDefault(script) ?? []];

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
            throw BatchArgs.UsageError($"--args names {string.Join(", ", stray.Select(s => $"'{s}'"))}, which this batch does not run (it runs: {string.Join(", ", scripts)})");
        var toCheck = scripts.Where(s => options.ScriptArgs.Count > 0 || options.PerScriptArgs.ContainsKey(s)).ToList();
        var refusals = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        Parallel.ForEach(toCheck, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Jobs) }, script =>
        {
            var start = launch(Path.Combine(options.ScriptsDir, script + ".csx"), [.. ScriptArguments(options, script, options.Seeds?[0]), "--help"]);
            var (exit, output) = ScriptCommands.Capture(start, TimeSpan.FromMinutes(3));
            if (exit != 0) refusals[script] = LastLine(output) ?? $"exit code {exit}";
        });
        if (refusals.IsEmpty) return;
        var lines = scripts.Where(refusals.ContainsKey).Select(s => $"  {s}: {refusals[s]}");
        throw new Ch13Exception("run-all: nothing was run; these scripts do not take the arguments given " +
            "(give one script its own with --args SCRIPT=\"ARGS\"):\n" + string.Join("\n", lines), 2);
    }

    static string? LastLine(string text) => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    /// <summary>
    /// The tasks of a batch, each the command <paramref name="launch"/> makes for it: one per script, or in a seed sweep
    /// one per script and seed, script by script (a script's seeds run one after another, so its group completes
    /// early and the live table fills group by group; with --jobs the seeds of one script run side by side).
    /// </summary>
    public static IReadOnlyList<ScriptTask> Tasks(BatchOptions options, IReadOnlyList<string> scripts, Func<string, IReadOnlyList<string>, ProcessStartInfo> launch) =>
        scripts.SelectMany(script => (options.Seeds?.Select(s => (int?)s) ?? [null]).Select(seed => (script, seed)))
            .Select((run, i) => new ScriptTask(i, run.script, launch(Path.Combine(options.ScriptsDir, run.script + ".csx"), ScriptArguments(options, run.script, run.seed)), options.RunDir) { Seed = run.seed })
            .ToList();

    /// <summary>
    /// Runs <paramref name="tasks"/> through <paramref name="executor"/>, reporting progress to <paramref name="observe"/>
    /// (one event at a time) and reading each script's run record once, when it ends. When <paramref name="cancel"/>
    /// fires, the running scripts are asked to stop and the rest are skipped.
    /// </summary>
    public static BatchSummary Run(BatchOptions options, IReadOnlyList<ScriptTask> tasks, IScriptExecutor executor,
        Action<BatchEvent>? observe = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(options.RunDir);
        var started = options.StartedAt ?? DateTimeOffset.Now;
        var results = new ScriptResult?[tasks.Count];
        var gate = new object();
        void Observe(BatchEvent e) { lock (gate) observe?.Invoke(e); }
        var progress = new TaskProgress(
            task => Observe(new ScriptStarted(task.Script, task.Index, tasks.Count) { Seed = task.Seed }),
            (task, seconds, line) => Observe(new ScriptRunning(task.Script, task.Index, tasks.Count, seconds, line) { Seed = task.Seed }),
            (task, outcome) =>
            {
                var result = results[task.Index] = ScriptResults.Of(task, outcome);
                Observe(new ScriptFinished(result, task.Index, tasks.Count) { Seed = task.Seed });
            },
            (task, state) => Observe(new ScriptWaiting(task.Script, task.Index, tasks.Count, state) { Seed = task.Seed }));
        executor.Run(tasks, progress, cancel);
        return new BatchSummary(options.Name, started.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), Math.Round((DateTimeOffset.Now - started).TotalSeconds, 2),
            options.Quick, options.Runner == ScriptRunner.Csx ? "csx" : "dotnet-script", options.ScriptArgs,
            tasks.Select(t => results[t.Index] ?? ScriptResults.NotRun(t)).ToList());
    }

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
            var options = BatchArgs.Parse(args, repoRoot, DateTimeOffset.Now);
            if (options.Help) { Out.WriteLine(BatchArgs.Usage); return 0; }
            IReadOnlyList<ScriptTask> tasks;
            IScriptExecutor executor;
            if (options.Collect is { } collect) (options, tasks, executor) = SlurmBatches.Resume(collect, options);
            else
            {
                var scripts = Select(Discover(options.ScriptsDir), options.Only);
                if (scripts.Count == 0) throw new Ch13Exception($"run-all: no .csx scripts in {options.ScriptsDir}", 2);
                ScriptCommands.CheckRunner(options.Runner, repoRoot);
                Func<string, IReadOnlyList<string>, ProcessStartInfo> launch = (path, scriptArgs) => ScriptCommands.Command(options.Runner, repoRoot, path, scriptArgs);
                CheckArguments(options, scripts, launch);
                tasks = Tasks(options, scripts, launch);
                executor = options.Executor == "slurm" ? SlurmBatches.Prepare(options, tasks) : new LocalExecutor(options.Jobs);
            }
            var references = References.Load(References.DefaultPath(repoRoot));
            // One writer per run folder: a second run-all into it stops with the "in use by PID …" line.
            BatchFolders.Claim(options.RunDir, repoRoot);
            Runs.EnsureWritable(options.RunDir);
            var runLock = FolderLocks.Take(options.RunDir, "run-all", DateTimeOffset.Now, BatchConsole.Relative(options.RunDir));
            try
            {
                if (executor is SlurmExecutor slurm && SlurmBatches.Submit(options, tasks, slurm)) return 0; // --no-wait: Slurm has it
                return RunLocked(executor is SlurmExecutor submitted ? SlurmBatches.Started(options, submitted) : options, tasks, executor, references);
            }
            finally { FolderLocks.Release(runLock); }
        }
        catch (Ch13Exception e)
        {
            Out.Flush();
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
    }

    // The batch itself, with the run folder locked: run the scripts, then write the summaries and the report.
    static int RunLocked(BatchOptions options, IReadOnlyList<ScriptTask> tasks, IScriptExecutor executor, IReadOnlyDictionary<string, ScriptReference> references)
    {
        var live = ProgressModes.For(false, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CH13_PROGRESS")) == ProgressMode.Live;
        // The first Ctrl+C or SIGTERM stops the running script and skips the rest; a second one ends run-all at once.
        using var signals = StopSignals.Hook(_ =>
        {
            if (!live) Console.Error.WriteLine("run-all: interrupted; stopping the running script, skipping the rest (Ctrl+C again to quit now).");
        });
        var cancel = signals.Token;

        Out.WriteLine($"run-all: {BatchHeadline.Count(tasks.Select(t => (t.Script, t.Seed)).ToList())} → {BatchConsole.Relative(options.RunDir)}/{(options.Quick ? " (--quick)" : "")}");
        var summary = live
            ? BatchConsole.Live(tasks, observe => Run(options, tasks, executor, observe, cancel))
            : Run(options, tasks, executor, BatchConsole.Plain(options.RunDir), cancel);
        signals.Dispose(); // from here on, Ctrl+C ends run-all at once
        if (cancel.IsCancellationRequested) Out.WriteLine("run-all: interrupted; the scripts not yet started were skipped.");

        BatchSummaries.Write(options.RunDir, summary, references);
        Reports.WriteRunReport(options.RunDir, summary, references);
        BatchConsole.WriteTable(BatchSummaries.Table(summary, references), live, BatchSummaries.NarrowTable(summary, references), BatchSummaries.NarrowDropOrder);
        BatchConsole.WriteLine(BatchHeadline.Of(summary).Replace("**", ""), live);
        foreach (var failed in summary.Scripts.Where(s => !s.Ok && s.Status != ScriptResults.Skipped))
            BatchConsole.WriteLine($"  {failed.Script}{(failed.Seed is { } seed ? $" seed {seed}" : "")}: {failed.Status} ({failed.Note}); log: {BatchConsole.Relative(Path.Combine(options.RunDir, failed.Log))}", live);
        BatchConsole.WriteLine($"Open {BatchConsole.Relative(Path.Combine(options.RunDir, "report.html"))} (summary: summary.md, summary.json).", live);
        return cancel.IsCancellationRequested ? 130 : summary.Failed ? 1 : 0;
    }
}
