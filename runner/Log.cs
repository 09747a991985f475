namespace Ch13.Runner;

/// <summary>The runner's own messages. All go to stderr so a script's stdout stays its own.</summary>
public sealed class Log(bool verbose)
{
    public bool IsVerbose => verbose;

    /// <summary>Shown only with --verbose; tests read these lines (e.g. "cache hit").</summary>
    public void Info(string message)
    {
        if (verbose) Console.Error.WriteLine($"ch13-csx: {message}");
    }

    public static void Error(string message) => Console.Error.WriteLine(message);
}
