#nullable enable

/// <summary>
/// A problem the user can fix (a bad argument, a missing or corrupt data file, an unwritable folder).
/// The message says what was wrong and how to fix it; scripts print it without a stack trace and exit
/// with <see cref="ExitCode"/> (2 for bad usage, 1 otherwise).
/// </summary>
public sealed class Ch13Exception : Exception
{
    public int ExitCode { get; }
    public Ch13Exception(string message, int exitCode = 1, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;

    /// <summary>Bad command-line usage: exit code 2, like most Unix tools.</summary>
    public static Ch13Exception Usage(string message) => new(message, 2);
}
