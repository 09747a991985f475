using System.Reflection;
using System.Runtime.Loader;

namespace Ch13.Runner;

/// <summary>
/// Loads a compiled script and runs it the way dotnet-script runs its cached dlls: call the static
/// <c>Submission#0.&lt;Factory&gt;(object[])</c> with the globals in slot 0, then await its result.
/// </summary>
public static class SubmissionRunner
{
    /// <summary>Loads the assembly (with its PDB, for file/line in stack traces). Throws BadImageFormatException on a bad image.</summary>
    public static MethodInfo Load(CompiledScript script)
    {
        ResolveByPath(script.LocalAssemblies);
        var assembly = AssemblyLoadContext.Default.LoadFromStream(new MemoryStream(script.Assembly), new MemoryStream(script.Pdb));
        return assembly.GetType("Submission#0")?.GetMethod("<Factory>", BindingFlags.Static | BindingFlags.Public)
            ?? throw new BadImageFormatException("ch13-csx: compiled script has no Submission#0.<Factory>");
    }

    /// <summary>
    /// Runs the script; returns the exit code: the script's <c>return N;</c>, else <see cref="Environment.ExitCode"/>.
    /// An unhandled exception prints its stack trace and gives 1, as dotnet-script does. (The lib reports its own user
    /// errors, Ch13Exception, in one line under either host: see UserErrors in lib/run/UserErrors.cs.)
    /// </summary>
    public static int Run(MethodInfo factory, IReadOnlyList<string> args)
    {
        var submissionStates = new object?[] { new ScriptGlobals(args.ToList()), null };
        object? result;
        try
        {
            var task = (Task<object>)factory.Invoke(null, [submissionStates])!;
            result = task.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            return Report(Unwrap(ex));
        }
        return result is int code ? code : Environment.ExitCode;
    }

    private static int Report(Exception ex)
    {
        Log.Error(WithoutRunnerFrames(ex.ToString()));
        return 1;
    }

    // The last frames are the runner awaiting or invoking the script: noise under the script's own frames.
    private static string WithoutRunnerFrames(string trace)
    {
        string[] noise = ["at Ch13.Runner.", "at System.Runtime", "at System.Reflection.", "--- End of stack trace from previous location"];
        var lines = trace.Split('\n').ToList();
        while (lines.Count > 1 && noise.Any(lines[^1].TrimStart().StartsWith))
            lines.RemoveAt(lines.Count - 1);
        return string.Join('\n', lines);
    }

    private static Exception Unwrap(Exception ex) => ex switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => ex,
    };

    // Packages resolve through the runner's deps.json; a dll #r'd by path has to be pointed at.
    private static void ResolveByPath(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) return;
        var byName = paths.ToDictionary(p => AssemblyName.GetAssemblyName(p).Name ?? p, StringComparer.OrdinalIgnoreCase);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name is { } simple && byName.TryGetValue(simple, out var path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
