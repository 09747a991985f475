#nullable enable
// How a user error (Ch13Exception, lib/ground/Errors.cs) reaches the user. Process-level effects: UserErrors.ReportWhenEscaping
// (and ReportOnEscape): an AppDomain.FirstChanceException handler that calls Environment.Exit.

/// <summary>
/// Makes a <see cref="Ch13Exception"/> that escapes a script print as one line under any host. Process-level effects
/// (this file's only ones): <see cref="ReportWhenEscaping"/> (and <see cref="ReportOnEscape"/>) subscribes to
/// <c>AppDomain.FirstChanceException</c> and ends the process with <c>Environment.Exit</c>.
/// </summary>
/// <remarks>
/// Neither host lets the exception reach <c>AppDomain.UnhandledException</c>: the bundled runner and dotnet-script
/// both await the script's task, catch what it threw and print the whole trace (dotnet-script then throws its own
/// ScriptRuntimeException). What both do first is rethrow the exception from their await, where no frame of the
/// script is on the stack any more: that first-chance event is the moment it has escaped, and lib reports it there,
/// before the host prints anything. A Ch13Exception that the script or lib catches never gets there.
/// </remarks>
public static class UserErrors
{
    /// <summary>True when this code was compiled as part of a script (Roslyn nests script types in <c>Submission#N</c>).</summary>
    public static bool RunningAsScript => typeof(UserErrors).DeclaringType?.Name.StartsWith("Submission#") == true;

    /// <summary>
    /// In a script (see <see cref="RunningAsScript"/>): from now on a Ch13Exception that escapes it prints its message
    /// on stderr and ends the process with its ExitCode. Elsewhere (the compiled lib in a test host) it does nothing.
    /// </summary>
    public static void ReportOnEscape()
    {
        if (RunningAsScript) ReportWhenEscaping(typeof(UserErrors).Assembly);
    }

    /// <summary>
    /// From now on, a Ch13Exception rethrown outside <paramref name="script"/> (by the host) prints its message on
    /// stderr and ends the process with its ExitCode. Call it only from a script: in a test host it would end the tests.
    /// </summary>
    public static void ReportWhenEscaping(System.Reflection.Assembly script)
    {
        AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (e.Exception is not Ch13Exception error || !HasEscaped(new StackTrace(1, false), script)) return;
            Console.Out.Flush();
            Console.Error.WriteLine(error.Message);
            Console.Error.Flush();
            Environment.Exit(error.ExitCode);
        };
    }

    /// <summary>True when no frame of <paramref name="stack"/> runs code of <paramref name="script"/>.</summary>
    public static bool HasEscaped(StackTrace stack, System.Reflection.Assembly script) =>
        !stack.GetFrames().Any(frame => frame.GetMethod()?.DeclaringType?.Assembly == script);
}
