#nullable enable
// Training progress on the console. Process-level effects: Console.SetOut while a training call runs (FitPlain, FitLive),
// restoring the original writer when it returns.
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using Spectre.Console;

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

/// <summary>
/// Training progress around any training call: the notebook's epoch lines (printed by the script's own
/// <c>log</c> action, unchanged) plus a live bar with loss and accuracy on a terminal, or plain periodic lines
/// when stdout is not a terminal. Scripts wrap their call:
/// <c>Progress.Fit(run, "MLP", config.Epochs, LogEpoch, onEpoch => Training.Fit(..., onEpoch, run.Cancel))</c>.
/// </summary>
public static class Progress
{
    /// <summary>In plain mode, a progress line is printed when nothing was printed for this long.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="fit"/> with an epoch callback that calls <paramref name="log"/> and updates the
    /// progress display; returns what <paramref name="fit"/> returns. Console output written during training
    /// (the epoch lines) appears above the live bar, and the bar is cleared at the end, so the terminal shows
    /// exactly what a pipe would.
    /// </summary>
    public static T Fit<T>(Run run, string label, int epochs, Action<EpochMetrics>? log, Func<Action<EpochMetrics>, T> fit)
    {
        var mode = ModeFor(run.Quiet, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CH13_PROGRESS"));
        return mode switch
        {
            ProgressMode.Live => FitLive(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }), label, epochs, log, fit),
            ProgressMode.Plain => FitPlain(label, epochs, log, fit, Heartbeat),
            _ => fit(m => log?.Invoke(m)),
        };
    }

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

    /// <summary>Plain mode: the epoch lines go straight through; after <paramref name="heartbeat"/> of silence a progress line follows an epoch.</summary>
    public static T FitPlain<T>(string label, int epochs, Action<EpochMetrics>? log, Func<Action<EpochMetrics>, T> fit, TimeSpan heartbeat)
    {
        var original = Console.Out;
        var clock = Stopwatch.StartNew();
        var writer = new LineWriter(original.WriteLine);
        Console.SetOut(writer);
        try
        {
            return fit(m =>
            {
                log?.Invoke(m);
                if (writer.SinceLastLine >= heartbeat)
                    writer.WriteLine($"{Describe(label, m, epochs)} · {clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s");
            });
        }
        finally
        {
            writer.Flush();
            Console.SetOut(original);
        }
    }

    /// <summary>
    /// Live mode on <paramref name="console"/>: a bar that advances each epoch; lines printed meanwhile go above it.
    /// </summary>
    /// <remarks>
    /// Lines written to Console.Out are queued and handed to Spectre from the epoch callback, never from inside
    /// Console.Out's own lock: .NET takes that lock to read the window size, which Spectre's refresh thread does
    /// while holding its render lock, so writing through to Spectre there would deadlock.
    /// </remarks>
    public static T FitLive<T>(IAnsiConsole console, string label, int epochs, Action<EpochMetrics>? log, Func<Action<EpochMetrics>, T> fit)
    {
        var original = Console.Out;
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"{label} · epoch 0/{epochs}"), autoStart: true, maxValue: Math.Max(1, epochs));
                var lines = new ConcurrentQueue<string>();
                var writer = new LineWriter(lines.Enqueue);
                void Drain()
                {
                    while (lines.TryDequeue(out var line)) console.WriteLine(line);
                }
                Console.SetOut(writer);
                try
                {
                    return fit(m =>
                    {
                        log?.Invoke(m);
                        Drain();
                        task.Value = m.Epoch;
                        task.Description = Markup.Escape(Describe(label, m, epochs));
                    });
                }
                finally
                {
                    Console.SetOut(original);
                    writer.Flush();
                    Drain();
                    task.StopTask();
                }
            });
    }

    static string F(double value, string format = "F4") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
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
