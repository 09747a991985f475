namespace Ch13.Runner.Tests;

/// <summary>Reading what a script printed when a line of it may have been split to fit 80 columns.</summary>
public static class PrintedLines
{
    /// <summary>
    /// The output with every split line joined again: ConsoleLines.Wrap splits at a space and indents what follows by
    /// two spaces, so "\n  " becomes that space.
    /// </summary>
    public static string Joined(string output) => output.Replace("\n  ", " ");
}
