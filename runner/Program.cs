using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ch13.Runner;

/// <summary>
/// ch13-csx: find the script's sources, reuse a cached build or compile one, then run it.
/// The cached path never calls <see cref="ScriptCompiler"/>, so Roslyn stays unloaded and start-up stays short.
/// </summary>
public static class Program
{
    // Held for the process's life: a collected registration unhooks its signal.
    internal static PosixSignalRegistration[] SignalHooks = [];

    public static int Main(string[] args)
    {
        var clock = Stopwatch.StartNew();
        HookSignals();
        var options = CommandLine.Parse(args);
        if (options.Help) { Console.WriteLine(CommandLine.Usage); return 0; }
        if (options.Version) { Console.WriteLine(VersionLine()); return 0; }
        if (options.Error is not null)
        {
            Log.Error(options.Error);
            return 2;
        }

        var repoRoot = ScriptFinder.RepoRoot();
        if (options.ScriptPath is null)
        {
            if (repoRoot is null) { Log.Error($"ch13-csx: no script given\n\n{CommandLine.Usage}"); return 2; }
            try { Console.WriteLine(ScriptFinder.Listing(repoRoot)); }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Log.Error($"ch13-csx: {e.Message}");
                return 1;
            }
            return 0;
        }

        var log = new Log(options.Verbose);
        if (ScriptFinder.Resolve(options.ScriptPath, repoRoot) is not { } path)
        {
            Log.Error(ScriptFinder.NotFound(options.ScriptPath, repoRoot));
            return 2;
        }

        // A tool's --help from its help file: no compile (tools/write-help.csx writes the files from the tools' options).
        if (ToolHelp.Text(path, options.ScriptArgs) is { } help)
        {
            Console.Out.Write(help);
            return 0;
        }

        var sources = LoadGraph.Read(path);
        if (sources.Errors.Count > 0)
        {
            foreach (var error in sources.Errors) Log.Error(error);
            return 1;
        }

        var entry = options.NoCache || !sources.Complete ? null : CompileCache.EntryFor(sources);
        var factory = entry is null ? null : LoadCached(entry, log);
        if (factory is null)
        {
            log.Info(entry is null ? "compiling (not cached)" : $"cache miss: {entry}");
            var status = CompileStatus.Show(path, repoRoot);
            CompileResult result;
            try { result = Compile(sources); }
            finally { status?.Dispose(); }
            foreach (var warning in result.Warnings) log.Info(warning);
            if (result.Script is null)
            {
                foreach (var error in result.Errors) Log.Error(error);
                return 1;
            }
            log.Info($"compiled in {clock.ElapsedMilliseconds} ms");
            if (entry is not null && result.Cacheable) CompileCache.Store(entry, result.Script, log);
            factory = SubmissionRunner.Load(result.Script);
        }
        log.Info($"starting script after {clock.ElapsedMilliseconds} ms (Roslyn loaded: {RoslynLoaded()})");
        return SubmissionRunner.Run(factory, options.ScriptArgs);
    }

    // Ctrl+C or SIGTERM while the runner reads, compiles or loads the script, or before the script's Runs.Start hooks
    // them itself: exit 130 at once (nothing has been written yet). Once the script hooked them (StopSignals sets the
    // AppContext switch "ch13.signals.owned"), this hook leaves every signal to the script's.
    private static void HookSignals()
    {
        static void Stop(PosixSignalContext context)
        {
            if (AppContext.GetData("ch13.signals.owned") is true) return;
            context.Cancel = true;
            Console.Out.Flush();
            Console.Error.WriteLine($"ch13-csx: interrupted ({context.Signal}) before the script started.");
            Environment.Exit(130);
        }
        try { SignalHooks = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)]; }
        catch (PlatformNotSupportedException) { }
        // Tests: "the hooks are in place". Before this point the runtime itself is still starting, and a SIGTERM ends
        // the process with 143 before any instruction of ours ran (nothing is written then, no lock exists).
        if (Environment.GetEnvironmentVariable("CH13_CSX_SIGNALS_READY") is { Length: > 0 } ready) File.WriteAllText(ready, "");
    }

    private static MethodInfo? LoadCached(string entry, Log log)
    {
        if (CompileCache.TryLoad(entry, log) is not { } cached) return null;
        try
        {
            var factory = SubmissionRunner.Load(cached);
            log.Info($"cache hit: {entry}");
            return factory;
        }
        catch (BadImageFormatException ex)
        {
            log.Info($"cache entry damaged ({ex.Message}), rebuilding: {entry}");
            CompileCache.Discard(entry, log);
            return null;
        }
    }

    // Kept out of Main so that JIT-compiling Main does not pull in Roslyn's assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CompileResult Compile(ScriptSources sources) => ScriptCompiler.Compile(sources);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string VersionLine()
    {
        var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];
        return $"ch13-csx {version} (Roslyn {ScriptCompiler.CompilerVersion()}, .NET {Environment.Version})";
    }

    /// <summary>
    /// "compiling scripts/xor.csx…" while a script compiles (3–12 s on a first run), on a terminal only; erased when the
    /// compile ends, so the screen then holds what a pipe would.
    /// </summary>
    private sealed class CompileStatus : IDisposable
    {
        private CompileStatus() { }

        public static IDisposable? Show(string path, string? repoRoot)
        {
            if (Console.IsErrorRedirected) return null;
            var shown = repoRoot is not null && path.StartsWith(repoRoot + Path.DirectorySeparatorChar) ? Path.GetRelativePath(repoRoot, path) : path;
            Console.Error.Write($"ch13-csx: compiling {shown}…");
            return new CompileStatus();
        }

        public void Dispose() => Console.Error.Write("\r\u001b[K");
    }

    private static bool RoslynLoaded() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.CodeAnalysis");
}
