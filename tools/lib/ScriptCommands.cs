#nullable enable

/// <summary>
/// The command that runs one section script, from the repository root, with the runner a batch was asked for; and
/// running a short command to its end (a runner check, a script's --help).
/// </summary>
public static class ScriptCommands
{
    /// <summary>
    /// With csx, the bundled runner that is running this batch (<c>dotnet ch13-csx.dll file -- args</c>, so every
    /// script runs on the same runner build) or, from another host, <c>./csx file -- args</c>; with dotnet-script,
    /// <c>dotnet script file -- args</c>.
    /// </summary>
    public static ProcessStartInfo Command(ScriptRunner runner, string repoRoot, string scriptPath, IReadOnlyList<string> args)
    {
        ProcessStartInfo start;
        if (runner == ScriptRunner.DotnetScript)
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add("script");
        }
        else if (RunningRunner() is { } dll && Environment.ProcessPath is { } dotnet)
        {
            start = new ProcessStartInfo(dotnet);
            start.ArgumentList.Add(dll);
        }
        else start = new ProcessStartInfo(Path.Combine(repoRoot, OperatingSystem.IsWindows() ? "csx.cmd" : "csx"));
        start.ArgumentList.Add(scriptPath);
        start.ArgumentList.Add("--");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.WorkingDirectory = repoRoot;
        return start;
    }

    // ch13-csx's dll when this process is the bundled runner (run-all.csx started by ./csx), else null.
    static string? RunningRunner() =>
        System.Reflection.Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == "ch13-csx" && File.Exists(entry.Location) ? entry.Location : null;

    /// <summary>Fails with a clear message, before anything runs, when the chosen runner is not there.</summary>
    public static void CheckRunner(ScriptRunner runner, string repoRoot)
    {
        if (runner == ScriptRunner.Csx)
        {
            if (RunningRunner() is not null) return;
            var csx = Path.Combine(repoRoot, OperatingSystem.IsWindows() ? "csx.cmd" : "csx");
            if (!File.Exists(csx)) throw new Ch13Exception($"run-all: the bundled runner {csx} is missing");
            return;
        }
        var (exit, output) = Capture("dotnet", ["script", "--version"], TimeSpan.FromMinutes(1));
        if (exit != 0)
            throw new Ch13Exception("run-all: --runner dotnet-script needs dotnet-script, and `dotnet script --version` failed"
                + $"{(output.Length > 0 ? $" ({output.Split('\n')[0].Trim()})" : "")}. Install it with `dotnet tool install -g dotnet-script`, "
                + "or use the bundled runner (--runner csx, the default).");
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> to its end; see the other overload.</summary>
    public static (int Exit, string Output) Capture(string file, IReadOnlyList<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Capture(start, timeout);
    }

    /// <summary>Runs a process to its end (stderr, then stdout, as one text); exit -1 when it could not start or timed out.</summary>
    public static (int Exit, string Output) Capture(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout)) { process.Kill(entireProcessTree: true); return (-1, "timed out"); }
            return (process.ExitCode, (stderr.Result + stdout.Result).Trim());
        }
        catch (System.ComponentModel.Win32Exception e) { return (-1, e.Message); }
    }
}
