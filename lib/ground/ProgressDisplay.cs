#nullable enable
// The one progress display every long loop reports through (Training.Fit's epochs via EpochProgressBar, the Lightning
// Trainer's epochs and batches via TrainerProgressBar, DataFiles' downloads): a live bar on a terminal, plain lines in a
// pipe, nothing with --quiet. The live bar is tqdm's (percent, bar, count, elapsed<remaining, it/s, labelled values),
// one line sized to the terminal.
//
// Effects on the process, all undone when the display is disposed:
// - Console.SetOut: while a live or plain display is up, Console.Out is a LineWriter (ConsoleCapture), so lines printed
//   meanwhile go above the live bar, or straight through in plain mode with the time of the last one noted for the
//   heartbeat. Dispose puts the original writer back.
// - Live mode: the bar is drawn on the original stdout with \r and clear-to-end-of-line, from the loop's own thread
//   (and from Console.Out's writer when a line is printed); TerminalWidth reads Console.WindowWidth.
using System.Globalization;
using System.Threading;

/// <summary>
/// A progress display for one loop: <see cref="Show"/> a bar frame (terminal only) and <see cref="Update"/> the loop's
/// coarse progress (the plain heartbeat); lines written to Console.Out meanwhile are kept intact (above a live bar).
/// <see cref="Dispose"/> leaves a live bar's last frame on screen (tqdm's <c>leave=True</c>) and restores the console.
/// </summary>
public abstract class ProgressDisplay : IDisposable
{
    /// <summary>In plain mode, a progress line is printed when nothing was printed for this long.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    /// <summary>A live bar is redrawn at most this often.</summary>
    public const int FramesPerSecond = 10;

    /// <summary>A display in <paramref name="mode"/> of <paramref name="total"/> steps for the loop <paramref name="description"/> names; nothing is drawn before the loop's first frame.</summary>
    public static ProgressDisplay Start(ProgressMode mode, string description, double total, TimeSpan? heartbeat = null) => mode switch
    {
        ProgressMode.Live => Live(Console.Out, TerminalWidth, description, total),
        ProgressMode.Plain => new PlainDisplay(heartbeat ?? Heartbeat),
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
            // No frame yet: the first is the loop's own, so a bar never shows a placeholder total (0/1).
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
