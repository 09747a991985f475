using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace Ch13.Runner.Tests;

/// <summary>
/// Ctrl+C and SIGTERM from the first instruction to the last: exit 130 and no lock (<c>.&lt;name&gt;.lock</c> beside the folder) left, whatever the phase
/// (runner start-up, compile, Runs.Start, data load, training), and 130 from the ./csx wrapper while it builds.
/// </summary>
public sealed class SignalEndToEndTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    readonly ScratchDir scratch = new();

    public void Dispose() => scratch.Dispose();

    [Theory]
    [InlineData("TERM", 200)]
    [InlineData("TERM", 500)]
    [InlineData("TERM", 1000)]
    [InlineData("INT", 200)]
    [InlineData("INT", 500)]
    [InlineData("INT", 1000)]
    public void An_early_signal_exits_130_and_leaves_no_lock(string signal, int afterMs)
    {
        if (OperatingSystem.IsWindows()) return;
        var outDir = scratch.PathFor($"early-{signal}-{afterMs}");
        var ready = scratch.PathFor($"ready-{signal}-{afterMs}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var run = ScriptProcess.Start(shared.Runner.CacheDir,
            [Path.Combine(Repo.Root, "scripts", "xor.csx"), "--", "--epochs", "100000", "--out", outDir],
            new Dictionary<string, string> { ["CH13_CSX_SIGNALS_READY"] = ready });
        // afterMs after the start, but not before the runner's first instruction hooked the signals: on a loaded
        // machine the .NET runtime alone can take longer than 200 ms to get there.
        while (!File.Exists(ready) && clock.Elapsed < Long && !run.HasExited) Thread.Sleep(10);
        Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(0, afterMs - clock.Elapsed.TotalMilliseconds)));
        run.Signal(signal);
        var result = run.WaitForExit(Long);

        result.ExitCode.Should().Be(130, run.Describe());
        File.Exists(RunSets.LockPath(outDir)).Should().BeFalse("the lock is released on every interrupted exit");
        Directory.Exists(RunSets.StagingPath(outDir, run.Pid)).Should().BeFalse("a run that never swapped removes its staging folder");
        if (Directory.Exists(outDir)) OutputFolder.ShouldHoldOnlyCompleteFiles(outDir);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_while_the_csx_wrapper_builds_the_runner_exits_130(string signal)
    {
        if (OperatingSystem.IsWindows()) return;
        // A copy of the wrapper over an unbuilt runner/, with a stub `dotnet` whose "build" never ends.
        var root = scratch.PathFor("wrapper");
        Directory.CreateDirectory(Path.Combine(root, "runner"));
        File.WriteAllText(Path.Combine(root, "runner", "Program.cs"), "");
        Repo.CopyCsxWrapper(root);
        var bin = Path.Combine(root, "bin");
        Directory.CreateDirectory(bin);
        var marker = Path.Combine(root, "building");
        File.WriteAllText(Path.Combine(bin, "dotnet"), $"#!/bin/sh\ntouch '{marker}'\nexec sleep 60\n");
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo("bash", [Path.Combine(root, "csx"), "scripts/xor.csx"])
        { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var wrapper = Process.Start(start)!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(marker) && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(20);
        File.Exists(marker).Should().BeTrue("the stub build started");

        using (var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", wrapper.Id.ToString()]) { UseShellExecute = false })!) kill.WaitForExit();
        wrapper.WaitForExit(10_000).Should().BeTrue("the trap ends the wrapper at once, not after the build");
        var errors = wrapper.StandardError.ReadToEnd();
        wrapper.ExitCode.Should().Be(130, errors);
        errors.Should().Contain("csx: interrupted while building the runner.");
    }
}
