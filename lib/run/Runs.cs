#nullable enable
// A script run's life: options, output folder, seed, metrics.json. Process-level effects (listed here, and only in lib/run):
// Environment.Exit (--help, Runs.Fail), AppDomain.ProcessExit handlers (the folder lock, the signal hooks), StopSignals
// (Ctrl+C/SIGTERM, Signals.cs) and UserErrors.ReportWhenEscaping (a Ch13Exception escaping the script, Errors.cs).
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using TorchSharp;

/// <summary>
/// The life of a script run: parse arguments (bad input → one clear line and exit code 2), seed torch once,
/// prepare the output folder, then write <c>metrics.json</c> at the end with the environment and timings.
/// </summary>
public static class Runs
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() }, // enum names as written (ReLU, not re_lu)
    };

    /// <summary>
    /// Starts a run from a script: its description comes from the chapter manifest (scripts/chapter.json; empty for a
    /// script it does not list); parses <paramref name="args"/> against the common options plus
    /// <paramref name="options"/>; prints help (exit 0) or a usage error (exit 2) and ends the process;
    /// otherwise seeds torch, creates the output folder (checking it is writable), locks it for this run
    /// (<c>&lt;parent&gt;/.&lt;name&gt;.lock</c> beside it, released at exit; a folder in use by another live run is an
    /// error, exit 1), settles what killed runs left (<see cref="RunSets.Recover"/>, stale temp files), points
    /// <see cref="Run.OutDir"/> at a fresh staging folder that <see cref="Finish"/> swaps in (<see cref="RunSets"/>;
    /// <c>CH13_KEEP</c> previous runs are kept, a bad value is a usage error), and hooks Ctrl+C/SIGTERM to <see cref="Run.Cancel"/> (a second one ends the
    /// process at once).
    /// </summary>
    /// <remarks>
    /// With <c>--quick</c> the epoch count defaults to <paramref name="quickEpochs"/> (an explicit <c>--epochs</c>
    /// wins); scripts read <see cref="Run.Quick"/> to shrink anything else (data size). A <see cref="ProfileFlag"/> given
    /// on the command line replaces both defaults with its own.
    /// </remarks>
    public static Run Start(string script, IList<string> args, int epochs,
        IReadOnlyList<OptionSpec>? options = null, int quickEpochs = 2, [CallerFilePath] string scriptPath = "")
    {
        var started = DateTimeOffset.Now;
        var startTimestamp = Stopwatch.GetTimestamp();
        // From here on, a Ch13Exception the script lets escape (Mnist.Load's, Checkpoints.Load's…) is one line, not a trace.
        UserErrors.ReportOnEscape();
        // Hooked first, before the folder lock exists: a signal at any moment of Start ends it with 130 below, after
        // the lock is taken (so the exit handler that releases it is registered), never with 143 and a stale lock.
        var cancel = CancelOnSignals();
        var epochsOption = CommonOptions.Epochs(epochs);
        var specs = CommonOptions.All(epochs).Concat(options ?? []).ToList();
        ParsedArgs parsed;
        try { parsed = ArgParser.Parse(script, args, specs); }
        catch (Ch13Exception e) { Fail(e); throw; }
        var description = "";
        try { description = Description(script, scriptPath); }
        catch (Ch13Exception e) { Fail(e); throw; }
        if (parsed.HelpRequested)
        {
            Out.WriteLine(Usage(script, description, specs, ScriptRunners.Current));
            Out.Flush();
            Environment.Exit(0);
        }

        RecordWarmUp.Start(); // metrics.json's serialiser warms up on the other core while libtorch and the data load

        // Before anything loads TorchSharp: an old libstdc++ gets the fix in three lines, not TorchSharp's trace.
        try { NativeRuntime.CheckLibstdcxx(); }
        catch (Ch13Exception e) { Fail(e); throw; }

        var root = RepoRoot(scriptPath);
        // The data's sha256 by file stamp, in the pack's own out/ (used only when out/ is a folder, not a link).
        DataFiles.HashCache ??= new Sha256Cache(Path.Combine(root, "out", Sha256Cache.FileName));
        var outDir = Path.GetFullPath(parsed.Get(CommonOptions.Out) ?? Path.Combine(root, "out", script));
        string staging;
        int keep;
        try
        {
            keep = RunSets.Keep();
            RunSets.CheckNotLink(outDir, "the output folder");
            var created = !Directory.Exists(outDir); // made here: a run that ends without a set leaves no empty folder
            EnsureWritable(outDir);
            var folderLock = FolderLocks.TakeFile(RunSets.LockPath(outDir), script, started, Relative(outDir));
            string? mine = null;
            // At exit: a staging folder never swapped in goes (the previous set stays), then the lock.
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                if (mine is not null) RunSets.Discard(mine);
                if (created) RunSets.RemoveIfEmpty(outDir);
                FolderLocks.Release(folderLock);
            };
            staging = PrepareSet(outDir, script);
            mine = staging;
        }
        catch (Ch13Exception e) { Fail(e); throw; }

        var seed = parsed.Get(CommonOptions.Seed);
        // One thread: the chapter's models are tiny, and libtorch's intra-op threads cost more than they
        // save there (and collapse when another process competes for the cores).
        torch.set_num_threads(parsed.Get(CommonOptions.Threads));
        torch.manual_seed(seed);
        var quick = parsed.Get(CommonOptions.Quick);
        var profile = specs.OfType<ProfileFlag>().LastOrDefault(p => parsed.Get(p));
        var runEpochs = quick && !parsed.WasGiven(epochsOption) ? profile?.QuickEpochs ?? quickEpochs : parsed.Get(epochsOption);
        // A signal before training began: nothing worth keeping was made; exit 130 (the exit handler releases the lock).
        // From here on the token is the cancel path: training stops after its batch and writes the partial results.
        if (cancel.IsCancellationRequested) ExitInterrupted("before training started; nothing was written");
        var run = new Run(script, root, staging, seed, runEpochs, parsed.Get(CommonOptions.Quiet), quick, parsed,
            args.ToList(), started, startTimestamp, cancel)
        { Description = description, ResultDir = outDir, Keep = keep };
        if (!specs.Contains(ModelWeights.File)) return run;
        try { return run with { Weights = ModelWeights.From(run) }; } // a bad --weights is reported before any data loads
        catch (Ch13Exception e) { Fail(e); throw; }
    }

    /// <summary>
    /// Starts a run that trains with <paramref name="training"/> and <paramref name="optimizer"/>: as the other overload,
    /// with <c>--lr</c> (the optimiser's learning rate) and <c>--batch-size</c> declared first among the script's
    /// options, and both specs, with what the command line gave, in <see cref="Run.Training"/> and <see cref="Run.Optimizer"/>.
    /// </summary>
    public static Run Start(string script, IList<string> args, TrainConfig training, OptimizerSpec optimizer,
        IReadOnlyList<OptionSpec>? options = null, int quickEpochs = 2, [CallerFilePath] string scriptPath = "")
    {
        var name = optimizer switch { Sgd => "SGD", Adam => "Adam", _ => optimizer.Name };
        var lr = new DoubleOption("lr", optimizer.LearningRate, $"{name} learning rate");
        var batchSize = CommonOptions.BatchSize(training.BatchSize);
        var run = Start(script, args, training.Epochs, [lr, batchSize, .. options ?? []], quickEpochs, scriptPath);
        return run with
        {
            Training = training with { Epochs = run.Epochs, BatchSize = run.Get(batchSize) },
            Optimizer = optimizer with { LearningRate = run.Get(lr) },
        };
    }

    // Under the lock: what dead runs left beside the folder is settled (RunSets.Recover), stale temps go, and the run
    // gets its staging folder. A folder holding files that are not a run's is refused (exit 2): the swap would move them.
    static string PrepareSet(string outDir, string script)
    {
        try
        {
            RunSets.Recover(outDir);
            if (!RunSets.IsReplaceable(outDir))
                throw new Ch13Exception($"cannot use {Relative(outDir)} as the output folder: it holds files but no metrics.json (not a ch13 run's results); move them away or choose another --out DIR.", 2);
            Files.RemoveStaleTemps(outDir);
            return RunSets.CreateStaging(outDir, script);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Writing(outDir, e, isFolder: true);
        }
    }

    // The manifest's line for the script; none for a script outside a checkout or not listed. A broken manifest is an error.
    static string Description(string script, string scriptPath)
    {
        string root;
        try { root = RepoRoot(scriptPath); }
        catch (Ch13Exception) { return ""; }
        try { return Chapter.TryLoad(root)?.Find(script)?.Description ?? ""; }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new Ch13Exception($"{script}: cannot read the chapter manifest: {e.Message}", 1, e);
        }
    }

    /// <summary>
    /// The --help text: what the script does, how to run it with <paramref name="runner"/>, and every option with its
    /// default.
    /// </summary>
    public static string Usage(string script, string description, IReadOnlyList<OptionSpec> specs, ScriptRunner runner = ScriptRunner.Csx)
    {
        var command = runner == ScriptRunner.DotnetScript ? $"dotnet script scripts/{script}.csx -- [options]" : $"./csx scripts/{script}.csx [options]";
        return $"{script}: {description}\n\nUsage: {command}\n\nOptions:\n{ArgParser.OptionLines(specs)}".TrimEnd();
    }

    /// <summary>Prints a user error (no stack trace) and ends the process with its exit code.</summary>
    public static void Fail(Ch13Exception error)
    {
        Out.Flush();
        Console.Error.WriteLine(error.Message);
        Console.Error.Flush();
        Environment.Exit(error.ExitCode);
    }

    /// <summary>The repository root: the nearest folder above the script holding lib/ch13.csx.</summary>
    public static string RepoRoot(string scriptPath)
    {
        var start = string.IsNullOrEmpty(scriptPath) ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(scriptPath))!;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "lib", "ch13.csx"))) return dir.FullName;
        throw new Ch13Exception($"cannot find the ch13 repository above {start} (no lib/ch13.csx); run scripts from inside the repository.");
    }

    /// <summary>Creates the folder and proves it is writable, before any training time is spent.</summary>
    public static void EnsureWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Files.TempPath(folder, "write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileErrors.Writing(folder, e, isFolder: true);
        }
    }

    /// <summary>Ends the process with exit code 130 (interrupted), saying why on stderr; exit handlers release the folder lock.</summary>
    public static void ExitInterrupted(string what)
    {
        Out.Flush();
        Console.Error.WriteLine($"Interrupted {what}.");
        Console.Error.Flush();
        Environment.Exit(130);
    }

    static CancellationToken CancelOnSignals()
    {
        var signals = StopSignals.Hook(signal => Console.Error.WriteLine("\n" + ConsoleLines.Wrap(
            $"{(signal == PosixSignal.SIGINT ? "Interrupted (Ctrl+C)" : $"Stopping ({signal})")}: finishing the current batch, then writing the partial results. Ctrl+C again quits at once.")), endIfBlocked: true);
        // The hooks must work until the process ends, and a collected registration unhooks its signal: the process's
        // exit handler holds them (reachable from the AppDomain for the process's life) and unhooks them last.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => signals.Dispose();
        return signals.Token;
    }


    /// <summary>What ran, where and how (all but the timings are the same for the same inputs).</summary>
    public static RunEnvironment EnvironmentInfo() => new(
        Torchsharp: typeof(torch).Assembly.GetName().Version?.ToString(3),
        Libtorch: torch.__version__,
        TorchThreads: torch.get_num_threads(),
        Os: RuntimeInformation.OSDescription,
        Architecture: RuntimeInformation.ProcessArchitecture.ToString(),
        Dotnet: Environment.Version.ToString(),
        Host: System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown",
        Allocator: Allocators.InUse());

    /// <summary>
    /// Ends a run: writes <c>metrics.json</c> (a <see cref="RunRecord"/>: script, status, seed, arguments, config, the
    /// series trained, results, environment and timings) atomically, prints where the files are, and returns the exit
    /// code for the script to return: 0 completed or early-stopped, 3 diverged, 130 interrupted (also when a signal came
    /// after training ended, while testing or writing). The run's status is the
    /// worst of its series' (<see cref="RunStatuses.Worst"/>) and its train seconds their sum. A
    /// diverged run also records <c>diverged_at_epoch</c> and says so with a learning-rate hint.
    /// </summary>
    /// <param name="config">The script's settings (its data, training loop, optimiser, loss, models).</param>
    /// <param name="series">The models the script trained, under their human names.</param>
    /// <param name="results">What it measured outside any one model.</param>
    /// <param name="keyMetric">The one number a summary table shows for this script.</param>
    public static int Finish(Run run, RunConfig config, IReadOnlyList<Series> series, IReadOnlyList<RunValue>? results = null,
        KeyMetric? keyMetric = null)
    {
        var record = Record(run, config, series, results, keyMetric);
        var path = run.OutPath("metrics.json");
        Files.WriteAllTextAtomic(path, RunRecords.ToJson(record));
        var files = Directory.GetFiles(run.OutDir).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).Order().ToList();
        string? kept = null;
        if (run.ResultDir != run.OutDir)
        {
            try { kept = RunSets.Swap(run.ResultDir, run.OutDir, run.Keep); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw FileErrors.Writing(run.ResultDir, e, isFolder: true);
            }
        }
        var trainSeconds = series.Sum(s => s.TrainSeconds);
        Out.WriteLine(ConsoleLines.Wrap($"Wrote {Relative(run.ResultDir)}/: {string.Join(", ", files)} (train {trainSeconds:F2} s, wall {run.WallSeconds:F2} s)"));
        // A rerun moved the previous results aside: say where, so nothing moves silently.
        if (kept is not null) Out.WriteLine(ConsoleLines.Wrap($"Previous results kept in {Relative(kept)}/"));
        Out.Flush();
        if (StatusMessage(run, record) is { } message) Console.Error.WriteLine(message);
        var exitCode = RunStatuses.ExitCode(record.Status);
        // A signal after training ended (test phase, writing): the results are complete, but the run was asked to stop.
        if (exitCode == 0 && run.Cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Interrupted after training ended: the complete results are in {Path.Combine(Relative(run.ResultDir), "metrics.json")}.");
            return 130;
        }
        return exitCode;
    }

    /// <summary>The run's record as <see cref="Finish"/> writes it: status, divergence and train seconds derived from the series.</summary>
    public static RunRecord Record(Run run, RunConfig config, IReadOnlyList<Series> series, IReadOnlyList<RunValue>? results = null,
        KeyMetric? keyMetric = null)
    {
        if (series.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"two series are named \"{twice.Key}\": every model a script trains needs its own name", nameof(series));
        var status = RunStatuses.Worst(series.Select(s => s.Status));
        var divergedAt = status == RunStatus.Diverged ? Divergence(series)?.Epoch : null;
        return new RunRecord(RunRecords.SchemaVersion, run.Script, run.Description, status, divergedAt, run.Seed, run.Epochs, run.Quick,
            keyMetric, run.CommandLine, JsonSerializer.SerializeToElement(config, RunRecords.Json), series, results ?? [], EnvironmentInfo(),
            new RunTimings(run.StartedAt.ToString("o", CultureInfo.InvariantCulture),
                Math.Round(series.Sum(s => s.TrainSeconds), 4), Math.Round(run.WallSeconds, 4),
                series.ToDictionary(s => s.Name, s => Math.Round(s.TrainSeconds, 4))));
    }

    /// <summary>What went wrong and what to try, for a run that did not complete (null when it did).</summary>
    static string? StatusMessage(Run run, RunRecord record)
    {
        var metrics = Path.Combine(Relative(run.ResultDir), "metrics.json");
        if (record.Status == RunStatus.Interrupted)
        {
            var after = record.Series.Count > 0 ? $" after {record.Series.Max(s => s.History.Count)} epoch(s)" : "";
            // The epoch the signal cut, if it was cut before its last batch (its history entry is marked partial).
            if (record.Series.Select(s => s.Final?.Partial).LastOrDefault(p => p is not null) is { } cut)
                after += $", the last cut at {(cut.Of is int of ? $"{cut.Batches}/{of}" : $"{cut.Batches}")} batches";
            return ConsoleLines.Wrap($"Interrupted{after}: the partial history is in {metrics} (status \"interrupted\").");
        }
        if (record.Status != RunStatus.Diverged) return null;
        var where = Divergence(record.Series) is { } d ? $" at epoch {d.Epoch} ({d.What})" : " (the loss became NaN or infinite)";
        var hint = run.Options.Values.TryGetValue("lr", out var lr) && lr is double rate
            ? $"try a smaller learning rate, e.g. --lr {Numbers.RoundTrip(rate / 10)} (now {Numbers.RoundTrip(rate)})"
            : "try a smaller learning rate";
        return $"Training diverged{where}: {hint}. The history up to there is in {metrics} (status \"diverged\").";
    }

    /// <summary>
    /// Where training diverged: the earliest of the last epochs of diverged series (the loop stops at the diverging
    /// epoch) and the first epochs of any series with a non-finite loss.
    /// </summary>
    static (int Epoch, string What)? Divergence(IReadOnlyList<Series> series)
    {
        var stopped = series.Where(s => s.Status == RunStatus.Diverged && s.History.Count > 0).Select(s => s.History[^1]);
        var nonFinite = series.SelectMany(s => s.History).Where(e => NonFiniteLoss(e) is not null);
        return stopped.Concat(nonFinite)
            .Select(e => (e.Epoch, What: NonFiniteLoss(e) is { } loss ? $"the loss became {loss}" : "an update overflowed"))
            .Where(e => e.Epoch > 0)
            .OrderBy(e => e.Epoch).Select(e => ((int, string)?)e).FirstOrDefault();
    }

    // As metrics.json writes it: "NaN", "Infinity", "-Infinity" (null when the losses are finite).
    static string? NonFiniteLoss(EpochMetrics epoch) =>
        !double.IsFinite(epoch.TrainLoss) ? epoch.TrainLoss.ToString(CultureInfo.InvariantCulture)
        : epoch.ValidLoss is double valid && !double.IsFinite(valid) ? valid.ToString(CultureInfo.InvariantCulture)
        : null;

    static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..") ? path : relative;
    }
}
