#nullable enable
using System.Runtime.InteropServices;
using System.Threading;

// Ctrl+C and SIGTERM. Process-level effects (this file's only ones): PosixSignalRegistration for SIGINT and SIGTERM,
// cancelling their default action the first time; Environment.Exit(130) from a watchdog thread when, after the first
// signal, the run's thread sits blocked (never running) for WaitingLimit (500 ms): a read that never returns cannot delay the end.

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
    public static readonly TimeSpan WaitingLimit = TimeSpan.FromMilliseconds(500);

    [DllImport("libc", EntryPoint = "gettid")]
    static extern int CurrentThreadId();

    StopSignals(Action<PosixSignal>? onFirst)
    {
        void Stop(PosixSignalContext context)
        {
            if (source.IsCancellationRequested) return; // the second signal: its default action ends the process now
            context.Cancel = true;
            onFirst?.Invoke(context.Signal);
            source.Cancel();
            if (thread != 0) new Thread(EndIfBlocked) { IsBackground = true, Name = "ch13 stop watchdog" }.Start();
        }
        try { hooks = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)]; }
        catch (PlatformNotSupportedException) { hooks = []; } // no signals (browser/mobile): nothing can interrupt
        // Tells a host that hooked the signals for its own phase (the ./csx runner while compiling) that the script
        // now handles them: the host's hook then leaves them to this one.
        AppContext.SetData(OwnedKey, true);
    }

    // The cancel path needs the run's thread to look at its token; a thread blocked in a read (a FIFO, a pipe, a lost
    // mount) never will. Its state in /proc, sampled every 20 ms: never 'R' (running) in WaitingLimit means blocked.
    void EndIfBlocked()
    {
        var stat = $"/proc/self/task/{thread}/stat";
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < WaitingLimit; Thread.Sleep(20))
        {
            string text;
            try { text = File.ReadAllText(stat); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; } // the thread ended: nothing waits
            var state = text.LastIndexOf(')') is var close and > 0 && close + 2 < text.Length ? text[close + 2] : 'R';
            if (state == 'R') return;
        }
        Console.Error.WriteLine("The run is blocked waiting (a read that does not return); ending it now.");
        Console.Error.Flush();
        Environment.Exit(130);
    }

    /// <summary>The AppContext switch set once a run hooked the signals (read by runner/Program.cs).</summary>
    public const string OwnedKey = "ch13.signals.owned";

    /// <summary>Hooks both signals; <paramref name="onFirst"/> runs on the first one, before the token is cancelled.</summary>
    public static StopSignals Hook(Action<PosixSignal>? onFirst = null) => new(onFirst);

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        foreach (var hook in hooks) hook.Dispose();
    }
}
