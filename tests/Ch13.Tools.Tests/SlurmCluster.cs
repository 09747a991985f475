using System.Diagnostics;

namespace Ch13.Tools.Tests;

/// <summary>
/// The real single-node Slurm cluster the Slurm tests use, started once per test run by tools/slurm-cluster.sh
/// (which installs Slurm from apt when it is missing; a running cluster is left as it is). Where it cannot start (not
/// root, no apt, not Linux), <see cref="SkipReason"/> says why in one line.
/// </summary>
public static class SlurmCluster
{
    static readonly Lazy<string?> Reason = new(Start);

    public static string? SkipReason => Reason.Value;

    static string? Start()
    {
        if (!OperatingSystem.IsLinux()) return "Slurm tests need Linux (tools/slurm-cluster.sh starts a cluster there)";
        var script = Path.Combine(Ch13.Tests.TestPaths.RepoRoot, "tools", "slurm-cluster.sh");
        var start = new ProcessStartInfo("bash", [script, "start"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            return "Slurm could not be started: tools/slurm-cluster.sh start took over 15 minutes";
        }
        if (process.ExitCode == 0) return null;
        var why = (errors.Result + output.Result).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? $"exit code {process.ExitCode}";
        return $"Slurm could not be started here ({why})";
    }
}

/// <summary>A fact that runs only where the single-node Slurm cluster is up (started on first use).</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SlurmCluster.SkipReason is { } reason) Skip = reason;
    }
}
