#nullable enable
// Training progress on the console. Process-level effects: Console.SetOut while a training call runs (FitPlain, FitLive),
// restoring the original writer when it returns.
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using Spectre.Console;

// Progress: the one progress display every long loop reports through (Training.Fit's epochs via EpochProgressBar, the
// Lightning Trainer's epochs and batches via TrainerProgressBar): a live Spectre.Console bar on a terminal, plain
// lines in a pipe, nothing with --quiet.
//
// Process-level effects (this is lib/run, the layer that has them), all undone when the display is disposed:
// - Console.SetOut: while a live or plain display is up, Console.Out is a LineWriter (ConsoleCapture), so lines printed
//   meanwhile go above the live bar, or straight through in plain mode with the time of the last one noted for the
//   heartbeat. Dispose puts the original writer back.
// - Live mode: Spectre's progress loop runs on a thread of the display's own (Spectre runs it inside a callback; the
//   hooks start, update and stop it from outside), and Spectre redraws the original stdout from its refresh thread.
// - ModeFor(run) reads the CH13_PROGRESS environment variable and whether stdout is redirected.

/// <summary>How a training loop shows its progress.</summary>
public enum ProgressMode
{
    /// <summary>--quiet: nothing but what the script itself prints.</summary>
    Quiet,
    /// <summary>stdout is a terminal: a live Spectre.Console bar below the notebook's epoch lines.</summary>
    Live,
    /// <summary>stdout is a file or pipe (CI logs, ./run-all): the epoch lines, plus a plain line after a long silence.</summary>
    Plain,
}

/// <summary>The mode for a run, the progress line's text, and the hooks a script hands to Training.Fit.</summary>
public static class Progress
{
    /// <summary>In plain mode, a progress line is printed when nothing was printed for this long.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hooks for <see cref="Training.Fit(TorchSharp.torch.nn.Module{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor}, TensorData, TensorData?, TrainConfig, OptimizerSpec, LossSpec, FitHooks?)"/>
    /// in a script: <paramref name="callbacks"/> in order, then a progress bar labelled <paramref name="label"/>,
    /// interrupted by the run's Ctrl+C. <c>Training.Fit(..., Progress.Hooks(run, "MLP", config.Epochs, log))</c>.
    /// </summary>
    public static FitHooks Hooks(Run run, string label, int epochs, params EpochCallback[] callbacks) =>
        new([.. callbacks, new EpochProgressBar(ModeFor(run), label, epochs)], Cancel: run.Cancel);

    /// <summary>The mode for <paramref name="run"/>: <see cref="ModeFor(bool, bool, string?)"/> with this process's stdout and setting.</summary>
    public static ProgressMode ModeFor(Run run) => ModeFor(run.Quiet);

    /// <summary>The mode for a (quiet or not) loop in this process.</summary>
    public static ProgressMode ModeFor(bool quiet) =>
        ModeFor(quiet, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CH13_PROGRESS"));

    /// <summary>
    /// The mode for a run: quiet wins; then <c>CH13_PROGRESS</c> (<c>plain</c> or <c>live</c>) if set;
    /// otherwise live exactly when stdout is a terminal.
    /// </summary>
    public static ProgressMode ModeFor(bool quiet, bool outputRedirected, string? setting)
    {
        if (quiet) return ProgressMode.Quiet;
        return setting?.Trim().ToLowerInvariant() switch
        {
            "plain" => ProgressMode.Plain,
            "live" => ProgressMode.Live,
            _ => outputRedirected ? ProgressMode.Plain : ProgressMode.Live,
        };
    }

    /// <summary>The bar's text and the plain progress line: <c>MLP · epoch 37/100 · loss 0.1234/0.1100 · acc 0.956/0.960</c> (train/valid).</summary>
    public static string Describe(string label, EpochMetrics m, int epochs)
    {
        var text = new StringBuilder($"{label} · epoch {m.Epoch}/{epochs} · loss {F(m.TrainLoss)}");
        if (m.ValidLoss is { } validLoss) text.Append('/').Append(F(validLoss));
        if (m.TrainAccuracy is not null || m.ValidAccuracy is not null)
            text.Append(" · acc ").Append(m.TrainAccuracy is { } a ? F(a, "F3") : "-").Append('/').Append(m.ValidAccuracy is { } v ? F(v, "F3") : "-");
        return text.ToString();
    }

    static string F(double value, string format = "F4") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Training.Fit's progress bar: one step per epoch, described by <see cref="Progress.Describe"/>.</summary>
public sealed class EpochProgressBar(ProgressMode mode, string label, int epochs) : EpochCallback
{
    ProgressDisplay? display;

    public override void OnFitStart() => display = ProgressDisplay.Start(mode, $"{label} · epoch 0/{epochs}", epochs);

    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        display?.Update(epoch.Metrics.Epoch, Progress.Describe(label, epoch.Metrics, epochs));
        return EpochDecision.Continue;
    }

    public override void OnFitEnd()
    {
        display?.Dispose();
        display = null;
    }
}

/// <summary>
/// A progress display for one loop: <see cref="Update"/> as it advances; lines written to Console.Out meanwhile are
/// kept intact (above a live bar). <see cref="Dispose"/> clears a live bar and restores the console, so the terminal
/// ends up showing exactly what a pipe would.
/// </summary>
public abstract class ProgressDisplay : IDisposable
{
    /// <summary>A display in <paramref name="mode"/>, started at 0 of <paramref name="total"/> with <paramref name="description"/>.</summary>
    public static ProgressDisplay Start(ProgressMode mode, string description, double total, TimeSpan? heartbeat = null) => mode switch
    {
        ProgressMode.Live => Live(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }), description, total),
        ProgressMode.Plain => new PlainDisplay(heartbeat ?? Progress.Heartbeat),
        _ => new QuietDisplay(),
    };

    /// <summary>A live bar on <paramref name="console"/> (tests give a fake terminal).</summary>
    public static ProgressDisplay Live(IAnsiConsole console, string description, double total) => new LiveDisplay(console, description, total);

    /// <summary>Progress so far: <paramref name="done"/> of the total, and what the bar (or a plain line) says.</summary>
    public abstract void Update(double done, string description);

    public abstract void Dispose();

    /// <summary>--quiet: shows nothing and leaves the console alone.</summary>
    sealed class QuietDisplay : ProgressDisplay
    {
        public override void Update(double done, string description) { }
        public override void Dispose() { }
    }

    /// <summary>Plain mode: lines go straight through; an update after <c>heartbeat</c> of silence prints its description and the time.</summary>
    sealed class PlainDisplay : ProgressDisplay
    {
        readonly Stopwatch clock = Stopwatch.StartNew();
        readonly TimeSpan heartbeat;
        readonly ConsoleCapture capture;

        public PlainDisplay(TimeSpan heartbeat)
        {
            this.heartbeat = heartbeat;
            var original = Console.Out;
            capture = ConsoleCapture.Install(original.WriteLine);
        }

        public override void Update(double done, string description)
        {
            if (capture.Writer.SinceLastLine >= heartbeat)
                capture.Writer.WriteLine($"{description} · {clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s");
        }

        public override void Dispose() => capture.Dispose();
    }

    /// <summary>
    /// Live mode: a Spectre bar that lines printed meanwhile go above.
    /// </summary>
    /// <remarks>
    /// Lines written to Console.Out are queued and handed to Spectre from <see cref="Update"/> and at the end, never from
    /// inside Console.Out's own lock: .NET takes that lock to read the window size, which Spectre's refresh thread does
    /// while holding its render lock, so writing through to Spectre there would deadlock. Spectre runs its progress
    /// loop inside a callback, so that callback runs on a thread of its own until <see cref="Dispose"/>.
    /// </remarks>
    sealed class LiveDisplay : ProgressDisplay
    {
        readonly IAnsiConsole console;
        readonly ConcurrentQueue<string> lines = new();
        readonly ManualResetEventSlim started = new(), finished = new();
        readonly Thread host;
        readonly ConsoleCapture capture;
        ProgressTask? task;
        Exception? failure;

        public LiveDisplay(IAnsiConsole console, string description, double total)
        {
            this.console = console;
            host = new Thread(() => Host(description, total)) { IsBackground = true, Name = "ch13 progress" };
            host.Start();
            started.Wait();
            if (failure is not null) throw new InvalidOperationException("the live progress bar could not start", failure);
            capture = ConsoleCapture.Install(lines.Enqueue);
        }

        void Host(string description, double total)
        {
            try
            {
                console.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .Start(context =>
                    {
                        task = context.AddTask(Markup.Escape(description), autoStart: true, maxValue: Math.Max(1, total));
                        started.Set();
                        finished.Wait();
                        Drain();
                        task.StopTask();
                    });
            }
            catch (Exception e) { failure = e; }
            finally { started.Set(); }
        }

        void Drain()
        {
            while (lines.TryDequeue(out var line)) console.WriteLine(line);
        }

        public override void Update(double done, string description)
        {
            Drain();
            if (task is null) return;
            task.Value = done;
            task.Description = Markup.Escape(description);
        }

        public override void Dispose()
        {
            capture.Dispose(); // the console back, and a partial last line queued
            finished.Set();
            host.Join();
            started.Dispose();
            finished.Dispose();
        }
    }
}

/// <summary>
/// Console.Out replaced by a <see cref="LineWriter"/> until disposed, then the original put back (the process-level
/// effect of a progress display; see the header of Progress.cs).
/// </summary>
public sealed class ConsoleCapture : IDisposable
{
    readonly TextWriter original;

    ConsoleCapture(TextWriter original, LineWriter writer) => (this.original, Writer) = (original, writer);

    /// <summary>What Console.Out is meanwhile.</summary>
    public LineWriter Writer { get; }

    /// <summary>Installs a writer that hands every complete line printed to Console.Out to <paramref name="onLine"/>.</summary>
    public static ConsoleCapture Install(Action<string> onLine)
    {
        var capture = new ConsoleCapture(Console.Out, new LineWriter(onLine));
        Console.SetOut(capture.Writer);
        return capture;
    }

    /// <summary>Puts the original Console.Out back, then hands over a partial last line, if any.</summary>
    public void Dispose()
    {
        Console.SetOut(original);
        Writer.Flush();
    }
}

/// <summary>A console writer that hands each complete line to an action (and remembers when it last did).</summary>
public sealed class LineWriter : TextWriter
{
    readonly Action<string> onLine;
    readonly StringBuilder pending = new();
    readonly object gate = new();
    long lastLine = Stopwatch.GetTimestamp();

    public LineWriter(Action<string> onLine) => this.onLine = onLine;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Time since the last line went out (or since this writer was made).</summary>
    public TimeSpan SinceLastLine => Stopwatch.GetElapsedTime(Interlocked.Read(ref lastLine));

    public override void Write(char value)
    {
        lock (gate)
        {
            if (value == '\n') EmitLocked();
            else if (value != '\r') pending.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (gate)
            foreach (var c in value)
            {
                if (c == '\n') EmitLocked();
                else if (c != '\r') pending.Append(c);
            }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    /// <summary>Sends a partial line, if any, as a line of its own.</summary>
    public override void Flush()
    {
        lock (gate)
            if (pending.Length > 0) EmitLocked();
    }

    void EmitLocked()
    {
        var line = pending.ToString();
        pending.Clear();
        onLine(line);
        Interlocked.Exchange(ref lastLine, Stopwatch.GetTimestamp());
    }
}
