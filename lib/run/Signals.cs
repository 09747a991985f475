#nullable enable
using System.Runtime.InteropServices;
using System.Threading;

// Ctrl+C and SIGTERM. Process-level effects (this file's only ones): PosixSignalRegistration for SIGINT and SIGTERM,
// cancelling their default action the first time.

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

    StopSignals(Action<PosixSignal>? onFirst)
    {
        void Stop(PosixSignalContext context)
        {
            if (source.IsCancellationRequested) return; // the second signal: its default action ends the process now
            context.Cancel = true;
            onFirst?.Invoke(context.Signal);
            source.Cancel();
        }
        try { hooks = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)]; }
        catch (PlatformNotSupportedException) { hooks = []; } // no signals (browser/mobile): nothing can interrupt
        // Tells a host that hooked the signals for its own phase (the ./csx runner while compiling) that the script
        // now handles them: the host's hook then leaves them to this one.
        AppContext.SetData(OwnedKey, true);
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
