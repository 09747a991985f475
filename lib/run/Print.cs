#nullable enable

/// <summary>
/// What a script prints, by verbs that say what <c>--quiet</c> does to them: <see cref="Always"/> for the results a run
/// exists to show, <see cref="UnlessQuiet"/> for the running commentary that <c>--quiet</c> silences. Both split a line
/// wider than <see cref="ConsoleLines.Width"/> at spaces; <see cref="Notebook"/> prints the notebook's own output (its
/// epoch lines, pandas tables) exactly as the notebook did, however wide: fidelity wins there.
/// </summary>
public static class Print
{
    /// <summary>Printed whether or not the run is quiet.</summary>
    public static void Always(string text) => Out.WriteLine(Fitted(text));

    /// <summary>Printed unless the run is <c>--quiet</c>.</summary>
    public static void UnlessQuiet(Run run, string text)
    {
        if (!run.Quiet) Out.WriteLine(Fitted(text));
    }

    /// <summary>The notebook's own output, as the notebook printed it (not split), unless the run is <c>--quiet</c>.</summary>
    public static void Notebook(Run run, string text)
    {
        if (!run.Quiet) Out.WriteLine(text);
    }

    // Each line of the text split to fit the width (a multi-line text keeps its line breaks).
    static string Fitted(string text) => string.Join("\n", text.Split('\n').Select(line => ConsoleLines.Wrap(line)));
}
