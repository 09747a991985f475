#nullable enable
// Training progress on the console. Process-level effects: Console.SetOut while a training call runs (FitPlain, FitLive),
// restoring the original writer when it returns.
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;

// Progress: the one progress display every long loop reports through (Training.Fit's epochs via EpochProgressBar, the
// Lightning Trainer's epochs and batches via TrainerProgressBar): a live bar on a terminal, plain
// lines in a pipe, nothing with --quiet. The live bar is tqdm's (percent, bar, count, elapsed<remaining, it/s,
// labelled values), one line sized to the terminal.
//
// Process-level effects (this is lib/run, the layer that has them), all undone when the display is disposed:
// - Console.SetOut: while a live or plain display is up, Console.Out is a LineWriter (ConsoleCapture), so lines printed
//   meanwhile go above the live bar, or straight through in plain mode with the time of the last one noted for the
//   heartbeat. Dispose puts the original writer back.
// - Live mode: the bar is drawn on the original stdout with \r and clear-to-end-of-line, from the loop's own thread
//   (and from Console.Out's writer when a line is printed); TerminalWidth reads Console.WindowWidth.
// - ModeFor(run) reads the CH13_PROGRESS environment variable and whether stdout is redirected.

/// <summary>How a training loop shows its progress.</summary>
public enum ProgressMode
{
    /// <summary>--quiet: nothing but what the script itself prints.</summary>
    Quiet,
    /// <summary>stdout is a terminal: a live tqdm-style bar below the notebook's epoch lines.</summary>
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
        var text = new StringBuilder($"{label} · epoch {m.Epoch}/{epochs} · loss {Numbers.Fixed(m.TrainLoss)}");
        if (m.ValidLoss is { } validLoss) text.Append('/').Append(Numbers.Fixed(validLoss));
        if (m.TrainAccuracy is not null || m.ValidAccuracy is not null)
            text.Append(" · acc ").Append(m.TrainAccuracy is { } a ? Numbers.Fixed(a, "F3") : "-").Append('/').Append(m.ValidAccuracy is { } v ? Numbers.Fixed(v, "F3") : "-");
        return text.ToString();
    }
}

/// <summary>
/// Training.Fit's progress bar: on a terminal a tqdm-style bar over each epoch's batches
/// (<c>MLP · Epoch 3/5  45% ████▌  390/860 [00:02&lt;00:03, 160 it/s, train_loss=0.210, val_loss=0.190, val_acc=0.940]</c>),
/// redrawn at most <see cref="ProgressDisplay.FramesPerSecond"/> times a second; in plain mode the epoch-level
/// heartbeat described by <see cref="Progress.Describe"/>.
/// </summary>
/// <remarks><paramref name="start"/> makes the display (tests draw on a fake terminal); by default <see cref="ProgressDisplay.Start"/> in <paramref name="mode"/>.</remarks>
public sealed class EpochProgressBar(ProgressMode mode, string label, int epochs, Func<string, double, ProgressDisplay>? start = null) : EpochCallback
{
    readonly Stopwatch epochClock = new();
    ProgressDisplay? display;
    EpochMetrics? last;
    BatchEnd? lastBatch;

    public override void OnFitStart()
    {
        var description = $"{label} · epoch 0/{epochs}";
        display = start is null ? ProgressDisplay.Start(mode, description, epochs) : start(description, epochs);
        epochClock.Restart();
    }

    public override void OnBatchEnd(BatchEnd batch)
    {
        lastBatch = batch;
        if (display is { } shown && shown.WantsFrame(force: batch.Batch == 1 || batch.Batch == batch.Batches)) shown.Show(State(batch, last));
    }

    public override EpochDecision OnEpochEnd(EpochEnd epoch)
    {
        last = epoch.Metrics;
        if (display is { } shown)
        {
            if (lastBatch is { } b && shown.WantsFrame(force: true)) shown.Show(State(b, last));
            if (mode != ProgressMode.Live) shown.Update(epoch.Metrics.Epoch, Progress.Describe(label, epoch.Metrics, epochs));
        }
        epochClock.Restart();
        return EpochDecision.Continue;
    }

    public override void OnFitEnd()
    {
        display?.Dispose();
        display = null;
    }

    // The bar for a batch: its epoch's running train means, and the last finished epoch's validation numbers
    // (this epoch's once it has finished).
    BarState State(BatchEnd b, EpochMetrics? epoch)
    {
        var fields = new List<(string, string)> { ("train_loss", Numbers.Short(b.TrainLoss)) };
        if (b.TrainAccuracy is { } acc) fields.Add(("train_acc", Numbers.Short(acc)));
        if (epoch?.ValidLoss is { } vl) fields.Add(("val_loss", Numbers.Short(vl)));
        if (epoch?.ValidAccuracy is { } va) fields.Add(("val_acc", Numbers.Short(va)));
        return new BarState($"{label} · Epoch {b.Epoch}/{epochs}", b.Batch, b.Batches, epochClock.Elapsed, fields);
    }
}

/// <summary>One frame of a progress bar: what it counts, how far it is, for how long, and its labelled values.</summary>
public sealed record BarState(string Prefix, long Done, long Total, TimeSpan Elapsed, IReadOnlyList<(string Name, string Value)> Fields);

/// <summary>The bar's one line as a pure function of its state and the terminal's width (tqdm's layout).</summary>
public static class ProgressBars
{
    const string Partials = " ▏▎▍▌▋▊▉";

    /// <summary>
    /// <c>{prefix}  45% ████▌      390/860 [00:02&lt;00:03, 160 it/s, name=value, …]</c>, always shorter than
    /// <paramref name="width"/> (so it never wraps): the last fields go first, then the rate, the times, the bar, the
    /// count, and last the prefix is cut.
    /// </summary>
    public static string Line(BarState state, int width)
    {
        var max = Math.Max(1, width - 1);
        var fraction = state.Total > 0 ? Math.Clamp((double)state.Done / state.Total, 0, 1) : 0;
        var percent = $"{(int)Math.Floor(fraction * 100),3}%";
        var count = $"{state.Done}/{state.Total}";
        var seconds = state.Elapsed.TotalSeconds;
        var rate = seconds > 0 && state.Done > 0 ? state.Done / seconds : (double?)null;
        var eta = rate is { } r && r > 0 ? Clock((state.Total - state.Done) / r) : "?";
        var times = $"{Clock(seconds)}<{eta}";
        var rateText = rate is { } v ? (v >= 10 ? $"{v.ToString("F0", CultureInfo.InvariantCulture)} it/s" : $"{v.ToString("F2", CultureInfo.InvariantCulture)} it/s") : "? it/s";

        for (var fields = state.Fields.Count; fields >= 0; fields--)
        {
            var bracket = new List<string> { times, rateText };
            bracket.AddRange(state.Fields.Take(fields).Select(f => $"{f.Name}={f.Value}"));
            if (TryFit(state.Prefix, percent, count, $" [{string.Join(", ", bracket)}]", fraction, max) is { } line) return line;
        }
        foreach (var tail in new[] { $" [{times}]", "" })
            if (TryFit(state.Prefix, percent, count, tail, fraction, max) is { } line) return line;
        foreach (var candidate in new[] { $"{state.Prefix}  {percent} {count}", $"{state.Prefix}  {percent}" })
            if (candidate.Length <= max) return candidate;
        var cut = $"{state.Prefix}  {percent}";
        return cut.Length <= max ? cut : cut[..max];
    }

    // prefix, percent, a bar of 6..25 cells, count and tail, if that fits in max characters.
    static string? TryFit(string prefix, string percent, string count, string tail, double fraction, int max)
    {
        var rest = $"{prefix}  {percent}  {count}{tail}".Length;
        var cells = Math.Min(25, max - rest);
        return cells < 6 ? null : $"{prefix}  {percent} {Bar(fraction, cells)} {count}{tail}";
    }

    /// <summary>A bar of <paramref name="cells"/> characters: full blocks, one partial block, spaces.</summary>
    public static string Bar(double fraction, int cells)
    {
        var eighths = (int)Math.Floor(Math.Clamp(fraction, 0, 1) * cells * 8);
        var full = eighths / 8;
        var text = new StringBuilder(new string('█', full));
        if (full < cells) text.Append(Partials[eighths % 8]).Append(' ', cells - full - 1);
        return text.ToString();
    }

    /// <summary>mm:ss, or h:mm:ss from an hour.</summary>
    public static string Clock(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "?";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";
    }
}

/// <summary>
/// A progress display for one loop: <see cref="Show"/> a bar frame (terminal only) and <see cref="Update"/> the loop's
/// coarse progress (the plain heartbeat); lines written to Console.Out meanwhile are kept intact (above a live bar).
/// <see cref="Dispose"/> leaves a live bar's last frame on screen (tqdm's <c>leave=True</c>) and restores the console.
/// </summary>
public abstract class ProgressDisplay : IDisposable
{
    /// <summary>A live bar is redrawn at most this often.</summary>
    public const int FramesPerSecond = 10;

    /// <summary>A display in <paramref name="mode"/>, started at 0 of <paramref name="total"/> with <paramref name="description"/>.</summary>
    public static ProgressDisplay Start(ProgressMode mode, string description, double total, TimeSpan? heartbeat = null) => mode switch
    {
        ProgressMode.Live => Live(Console.Out, TerminalWidth, description, total),
        ProgressMode.Plain => new PlainDisplay(heartbeat ?? Progress.Heartbeat),
        _ => new QuietDisplay(),
    };

    /// <summary>A live bar drawn on <paramref name="terminal"/> at <paramref name="width"/> columns (tests give a fake terminal).</summary>
    public static ProgressDisplay Live(TextWriter terminal, Func<int> width, string description, double total) => new LiveDisplay(terminal, width, description, total);

    /// <summary>The terminal's width in columns (80 when it cannot be read).</summary>
    public static int TerminalWidth()
    {
        try { return Console.WindowWidth is > 0 and var w ? w : 80; }
        catch (IOException) { return 80; }
        catch (PlatformNotSupportedException) { return 80; }
    }

    /// <summary>Progress so far: <paramref name="done"/> of the total, and what a plain line (or a simple bar) says.</summary>
    public abstract void Update(double done, string description);

    /// <summary>True when a new bar frame would be drawn now (a live bar, and 1/<see cref="FramesPerSecond"/> s since the last, or <paramref name="force"/>).</summary>
    public virtual bool WantsFrame(bool force = false) => false;

    /// <summary>Draws <paramref name="state"/> as the bar (a live display only).</summary>
    public virtual void Show(BarState state) { }

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
    /// Live mode: one line at the bottom, redrawn in place with <c>\r</c> and clear-to-end-of-line, always shorter than
    /// the terminal (so it never wraps). A line printed meanwhile clears the bar, goes out whole, and the bar is drawn again
    /// below it. No thread of its own: frames are drawn by the loop's own calls.
    /// </summary>
    sealed class LiveDisplay : ProgressDisplay
    {
        const string ClearToEnd = "\u001b[K";
        readonly TextWriter terminal;
        readonly Func<int> width;
        readonly double total;
        readonly object gate = new();
        readonly Stopwatch clock = Stopwatch.StartNew();
        readonly ConsoleCapture capture;
        long lastFrame;
        string? bar;

        public LiveDisplay(TextWriter terminal, Func<int> width, string description, double total)
        {
            (this.terminal, this.width, this.total) = (terminal, width, total);
            capture = ConsoleCapture.Install(OnLine);
            Show(new BarState(description, 0, (long)Math.Max(1, total), TimeSpan.Zero, []));
        }

        void OnLine(string line)
        {
            lock (gate)
            {
                terminal.Write("\r" + ClearToEnd + line + "\n" + (bar ?? ""));
                terminal.Flush();
            }
        }

        public override bool WantsFrame(bool force = false) =>
            force || Stopwatch.GetElapsedTime(Interlocked.Read(ref lastFrame)).TotalSeconds >= 1.0 / FramesPerSecond;

        public override void Show(BarState state)
        {
            var line = ProgressBars.Line(state, width());
            lock (gate)
            {
                bar = line;
                terminal.Write("\r" + line + ClearToEnd);
                terminal.Flush();
            }
            Interlocked.Exchange(ref lastFrame, Stopwatch.GetTimestamp());
        }

        public override void Update(double done, string description)
        {
            if (WantsFrame()) Show(new BarState(description, (long)done, (long)Math.Max(1, total), clock.Elapsed, []));
        }

        public override void Dispose()
        {
            capture.Dispose(); // the console back, and a partial last line printed
            lock (gate)
            {
                if (bar is not null) terminal.Write("\r" + bar + ClearToEnd + "\n");
                bar = null;
                terminal.Flush();
            }
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
