#nullable enable

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

/// <summary>Which <see cref="ProgressMode"/> a loop gets.</summary>
public static class ProgressModes
{
    /// <summary>The mode for a (quiet or not) loop in this process: reads <c>CH13_PROGRESS</c> and whether stdout is redirected.</summary>
    public static ProgressMode For(bool quiet) =>
        For(quiet, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CH13_PROGRESS"));

    /// <summary>
    /// The mode for a run: quiet wins; then <c>CH13_PROGRESS</c> (<c>plain</c> or <c>live</c>) if set;
    /// otherwise live exactly when stdout is a terminal.
    /// </summary>
    public static ProgressMode For(bool quiet, bool outputRedirected, string? setting)
    {
        if (quiet) return ProgressMode.Quiet;
        return setting?.Trim().ToLowerInvariant() switch
        {
            "plain" => ProgressMode.Plain,
            "live" => ProgressMode.Live,
            _ => outputRedirected ? ProgressMode.Plain : ProgressMode.Live,
        };
    }
}
