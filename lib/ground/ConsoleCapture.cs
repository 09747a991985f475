#nullable enable
using System.Threading;

/// <summary>
/// Console.Out replaced by a <see cref="LineWriter"/> until disposed, then the original put back (the effect of a
/// progress display on the process; see the header of ProgressDisplay.cs).
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
