#nullable enable
using System.Runtime.InteropServices;
using System.Threading;

// Ctrl+C and SIGTERM. Process-level effects (this file's only ones): PosixSignalRegistration for SIGINT and SIGTERM,
// cancelling their default action the first time; exit 130 from a watchdog thread (the exit handlers, then _exit) when,
// for a script's run (endIfBlocked), after the first signal the run's thread sits blocked in a read (never running,
// not in a managed wait) for WaitingLimit (200 ms): a read that never returns cannot delay the end.

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a cancellation request; the second one is left to its default
/// action, which ends the process at once. Dispose to unhook.
/// </summary>
/// <remarks>
/// Keep the instance reachable while the hooks should work: a collected PosixSignalRegistration unhooks its signal
/// in its finalizer, and the next SIGTERM would then kill the process without any cleanup.
/// </remarks>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource source = new();
    readonly PosixSignalRegistration[] hooks;
    readonly int thread = OperatingSystem.IsLinux() ? CurrentThreadId() : 0;

    /// <summary>How long after the first signal a run's thread may sit blocked (not running once) before the process ends (exit 130).</summary>
    public static readonly TimeSpan WaitingLimit = TimeSpan.FromMilliseconds(200);

    [DllImport("libc", EntryPoint = "gettid")]
    static extern int CurrentThreadId();

    StopSignals(Action<PosixSignal>? onFirst, bool endIfBlocked)
    {
        void Stop(PosixSignalContext context)
        {
            if (source.IsCancellationRequested) return; // the second signal: its default action ends the process now
            context.Cancel = true;
            onFirst?.Invoke(context.Signal);
            source.Cancel();
            if (endIfBlocked && thread != 0) new Thread(EndIfBlocked) { IsBackground = true, Name = "ch13 stop watchdog" }.Start();
        }
        try { hooks = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)]; }
        catch (PlatformNotSupportedException) { hooks = []; } // no signals (browser/mobile): nothing can interrupt
        // Tells a host that hooked the signals for its own phase (the ./csx runner while compiling) that the script
        // now handles them: the host's hook then leaves them to this one.
        AppContext.SetData(OwnedKey, true);
    }

    // The cancel path needs the run's thread to look at its token; a thread blocked in a read (a FIFO, a pipe, a lost
    // socket) never will. Its state in /proc, sampled every 20 ms: blocked means never running ('R') and never in a
    // managed wait (a futex: locks, tasks, child processes; or a sleep), which ends by itself and then sees the token;
    // disk I/O ('D') is left to finish, so no write is cut short.
    void EndIfBlocked()
    {
        var task = $"/proc/self/task/{thread}";
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < WaitingLimit; Thread.Sleep(20))
        {
            string stat, channel;
            try { (stat, channel) = (File.ReadAllText($"{task}/stat"), File.ReadAllText($"{task}/wchan")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; } // the thread ended: nothing waits
            var state = stat.LastIndexOf(')') is var close and > 0 && close + 2 < stat.Length ? stat[close + 2] : 'R';
            if (state != 'S' || channel.Contains("futex", StringComparison.Ordinal) || channel.Contains("sleep", StringComparison.Ordinal)) return;
        }
        Console.Error.WriteLine("The run is blocked waiting (a read that does not return); ending it now.");
        // Environment.Exit runs the exit handlers (the run's own cleanup: staging folder, folder lock); this one,
        // hooked last, runs after them and ends the process there, so the runtime's and libtorch's native teardown
        // (~150 ms idle, seconds on a loaded machine) cannot hold the end back.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            Console.Out.Flush();
            Console.Error.Flush();
            ExitNow(130);
        };
        Environment.Exit(130);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitNow(int status);

    /// <summary>The AppContext switch set once a run hooked the signals (read by runner/Program.cs).</summary>
    public const string OwnedKey = "ch13.signals.owned";

    /// <summary>
    /// Hooks both signals; <paramref name="onFirst"/> runs on the first one, before the token is cancelled. With
    /// <paramref name="endIfBlocked"/> (a script's run) the watchdog ends the process if the hooking thread then stays
    /// blocked; a tool whose thread waits on purpose (run-all polling Slurm, waiting for its scripts) leaves it off.
    /// </summary>
    public static StopSignals Hook(Action<PosixSignal>? onFirst = null, bool endIfBlocked = false) => new(onFirst, endIfBlocked);

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        foreach (var hook in hooks) hook.Dispose();
    }
}
