#nullable enable

/// <summary>
/// What a script prints, by verbs that say what <c>--quiet</c> does to them: <see cref="Always"/> for the results a run
/// exists to show, <see cref="UnlessQuiet"/> for the running commentary that <c>--quiet</c> silences.
/// </summary>
public static class Print
{
    /// <summary>Printed whether or not the run is quiet.</summary>
    public static void Always(string line) => Out.WriteLine(line);

    /// <summary>Printed unless the run is <c>--quiet</c>.</summary>
    public static void UnlessQuiet(Run run, string line)
    {
        if (!run.Quiet) Out.WriteLine(line);
    }
}
