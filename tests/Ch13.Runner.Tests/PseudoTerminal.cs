using System.Diagnostics;
using FluentAssertions;

namespace Ch13.Runner.Tests;

/// <summary>Runs a command on a pseudo-terminal of a given width (<c>script</c> with <c>stty cols</c>), as a user's terminal would show it.</summary>
public static class PseudoTerminal
{
    /// <summary>
    /// Everything <paramref name="command"/> wrote on a terminal <paramref name="columns"/> wide, with the runner's
    /// compile cache <paramref name="cacheDir"/>; fails unless it exits 0 within <paramref name="timeout"/>.
    /// </summary>
    public static string Run(int columns, IReadOnlyList<string> command, string cacheDir, TimeSpan timeout)
    {
        var quoted = string.Join(' ', command.Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var start = new ProcessStartInfo("/usr/bin/script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-q", "-e", "-c", $"stty cols {columns} rows 40; {quoted}", "/dev/null" }) start.ArgumentList.Add(a);
        start.Environment["CH13_CSX_CACHE"] = cacheDir;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CH13_DATA")) && Directory.Exists(Repo.SharedData))
            start.Environment["CH13_DATA"] = Repo.SharedData;
        start.Environment.Remove("CH13_PROGRESS");
        start.Environment.Remove("COLUMNS"); // the terminal's own width (stty), as a user's shell has it
        var result = RunnerProcess.Complete(start, timeout, $"script -c {quoted}");
        result.ExitCode.Should().Be(0, result.Output + result.Errors);
        return result.Output;
    }
}
