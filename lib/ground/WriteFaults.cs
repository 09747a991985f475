#nullable enable
using System.Globalization;
using System.Threading;

/// <summary>
/// A fault to inject into <see cref="Files.WriteAtomic"/> (tests): the <see cref="AtWrite"/>-th atomic write from now
/// fails with errno <see cref="Errno"/>, before writing anything or, with <see cref="AfterBytes"/>, after its temp file
/// got that many bytes (a disk that fills mid-write). In-process tests use <see cref="WriteFaults.Inject"/>; a child
/// process reads <c>CH13_WRITE_FAULT=N[:bytes[:errno]]</c> once (e.g. <c>3:100:28</c>).
/// </summary>
public sealed record WriteFault(int AtWrite, long? AfterBytes = null, int Errno = FileErrors.ENOSPC)
{
    int writes;

    internal bool Counts() => Interlocked.Increment(ref writes) == AtWrite;

    internal void ThrowBefore()
    {
        if (AfterBytes is null) throw Error();
    }

    internal void ThrowAfter(string temp)
    {
        if (AfterBytes is not long bytes) return;
        using (var stream = new FileStream(temp, FileMode.OpenOrCreate, FileAccess.Write))
            if (stream.Length > bytes) stream.SetLength(bytes);
        throw Error();
    }

    IOException Error() => new($"injected fault (errno {Errno})", Errno);
}

/// <summary>The fault seam of <see cref="Files.WriteAtomic"/>: off unless a test injects a <see cref="WriteFault"/>.</summary>
public static class WriteFaults
{
    /// <summary>The environment variable a child process reads its fault from: <c>N[:bytes[:errno]]</c>.</summary>
    public const string EnvVar = "CH13_WRITE_FAULT";

    static readonly AsyncLocal<WriteFault?> Injected = new();
    static readonly Lazy<WriteFault?> FromEnvironment = new(() => Parse(Environment.GetEnvironmentVariable(EnvVar)));

    /// <summary>Makes <paramref name="fault"/> apply to this async flow (one test) until disposed.</summary>
    public static IDisposable Inject(WriteFault fault)
    {
        var before = Injected.Value;
        Injected.Value = fault;
        return new Undo(() => Injected.Value = before);
    }

    /// <summary><c>N[:bytes[:errno]]</c> as a fault; null for null or blank.</summary>
    public static WriteFault? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(':');
        try
        {
            var at = int.Parse(parts[0], CultureInfo.InvariantCulture);
            long? bytes = parts.Length > 1 && parts[1].Length > 0 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : null;
            var errno = parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : FileErrors.ENOSPC;
            return new WriteFault(at, bytes, errno);
        }
        catch (FormatException) { throw new Ch13Exception($"{EnvVar}={text} is not N[:bytes[:errno]]; fix or unset it."); }
    }

    // The fault that fires at this write, if any (each write counts once against the active fault).
    internal static WriteFault? Next() =>
        (Injected.Value ?? FromEnvironment.Value) is { } fault && fault.Counts() ? fault : null;

    sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
