using System.Diagnostics;
using Ch13.Tools.Tests;
using Xunit.Abstractions;

namespace Ch13.Runner.Tests;

/// <summary>
/// Environment failures in the tools (issue 10, instance 6): an output path of the wrong kind (a regular file, a path
/// under one: ENOTDIR), a <c>.lock</c> that is a folder, a read-only file system (EROFS). Each is one line on stderr —
/// the path, what happened, what to do — and exit 1, for run-all and compare, end to end through the runner.
/// The read-only cases mount a small read-only tmpfs (CI runs as root); where mount is refused, a non-root user gets a
/// chmod 555 folder instead, and root without mount is told why the case is not exercised.
/// </summary>
public sealed class ToolsEnvironmentTests(ToolsTests.Tools tools, ITestOutputHelper log) : IClassFixture<ToolsTests.Tools>, IDisposable
{
    readonly List<string> mounts = [];

    static void OneLineExit1(RunResult result, string expected)
    {
        result.ExitCode.Should().Be(1, $"stdout:\n{result.Output}\nstderr:\n{result.Errors}");
        var lines = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle($"one line, no stack trace; stderr was:\n{result.Errors}");
        lines[0].Should().Match(expected);
    }

    string AFile()
    {
        var path = tools.Scratch.PathFor($"file-{Guid.NewGuid():N}");
        File.WriteAllText(path, "not a folder\n");
        return path;
    }

    string Runs()
    {
        var dir = tools.Scratch.PathFor($"fake-run-{Guid.NewGuid():N}");
        FakeRuns.WriteRun(dir, "xor");
        return dir;
    }

    /// <summary>A read-only folder (an existing empty one inside it is <c>sub</c>), or null with the reason logged.</summary>
    string? ReadOnlyFolder()
    {
        if (OperatingSystem.IsWindows()) return null;
        var dir = tools.Scratch.PathFor($"ro-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        if (Sh($"mount -t tmpfs -o size=1m tmpfs '{dir}' && mkdir '{dir}/sub' && mount -o remount,ro '{dir}'") is null)
        {
            mounts.Add(dir);
            return dir;
        }
        if (Environment.UserName != "root")
        {
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            File.SetUnixFileMode(Path.Combine(dir, "sub"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return dir;
        }
        log.WriteLine("not exercised: running as root (chmod cannot stop root) and mount of a tmpfs is refused here");
        return null;
    }

    static string? Sh(string command)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        try
        {
            var result = RunnerProcess.Complete(start, TimeSpan.FromSeconds(30), command);
            return result.ExitCode == 0 ? null : result.Errors.Trim();
        }
        catch (System.ComponentModel.Win32Exception e) { return e.Message; }
    }

    [Fact]
    public void Run_all_out_that_is_a_regular_file_or_under_one_is_one_line_and_exit_1()
    {
        var file = AFile();
        OneLineExit1(tools.Tool("run-all", "--quick", "--only", "xor", "--out", file),
            $"cannot write to the output folder {file}: it is a file where a folder belongs; move that file away or choose another --out DIR.");
        OneLineExit1(tools.Tool("run-all", "--quick", "--only", "xor", "--out", Path.Combine(file, "run")),
            $"cannot write to the output folder {file}/run: {file} is a file where a folder belongs; *");
        File.ReadAllText(file).Should().Be("not a folder\n");
    }

    [Fact]
    public void Run_all_into_a_folder_whose_lock_is_a_folder_is_one_line_and_exit_1()
    {
        var run = tools.Scratch.PathFor($"lock-run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(run, ".lock"));
        OneLineExit1(tools.Tool("run-all", "--quick", "--only", "xor", "--out", run), "cannot lock *: *.lock is a folder*rmdir*");
        Directory.Exists(Path.Combine(run, ".lock")).Should().BeTrue();
    }

    [Fact]
    public void Compare_out_that_is_a_regular_file_or_under_one_is_one_line_and_exit_1()
    {
        var runs = Runs();
        var file = AFile();
        OneLineExit1(tools.Tool("compare", runs, runs, "--out", file),
            $"cannot write to the output folder {file}: it is a file where a folder belongs; move that file away or choose another --out DIR.");
        OneLineExit1(tools.Tool("compare", runs, runs, "--out", Path.Combine(file, "cmp")),
            $"cannot write to the output folder {file}/cmp: {file} is a file where a folder belongs; *");
        File.ReadAllText(file).Should().Be("not a folder\n");
    }

    [Fact]
    public void Run_all_and_compare_on_a_read_only_file_system_are_one_line_and_exit_1()
    {
        if (ReadOnlyFolder() is not { } readOnly) return;
        var what = mounts.Contains(readOnly) ? "the file system is read-only" : "permission denied";
        OneLineExit1(tools.Tool("run-all", "--quick", "--only", "xor", "--out", Path.Combine(readOnly, "run")),
            $"cannot write to the output folder {readOnly}/run: {what}; *");
        OneLineExit1(tools.Tool("run-all", "--quick", "--only", "xor", "--out", Path.Combine(readOnly, "sub")), $"cannot *{readOnly}/sub*: {what}; *");
        var runs = Runs();
        OneLineExit1(tools.Tool("compare", runs, runs, "--out", Path.Combine(readOnly, "cmp")),
            $"cannot write to the output folder {readOnly}/cmp: {what}; *");
        OneLineExit1(tools.Tool("compare", runs, runs, "--out", Path.Combine(readOnly, "sub")), $"cannot write {readOnly}/sub/*: {what}; *");
    }

    public void Dispose()
    {
        foreach (var mount in mounts) Sh($"umount -l '{mount}'");
    }
}
