namespace Ch13.Runner.Tests;

/// <summary>
/// Every write point, end to end, through the file-writing module's seam (CH13_WRITE_FAULT=N[:bytes[:errno]]: the Nth
/// atomic write fails, optionally after some bytes): a script stops with one line and exit 1, and its folder still holds
/// the previous complete set byte for byte, with no lock or staging folder left; compare stops with one line too.
/// </summary>
public sealed class FaultInjectionEndToEndTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    readonly ScratchDir scratch = new();
    readonly List<ScriptProcess> started = [];

    public void Dispose()
    {
        foreach (var process in started) process.Dispose();
        scratch.Dispose();
    }

    RunResult Run(string program, IEnumerable<string> args, string? fault)
    {
        var env = fault is null ? null : new Dictionary<string, string> { [WriteFaults.EnvVar] = fault };
        var process = ScriptProcess.Start(shared.Runner.CacheDir, [program, "--", .. args], env);
        started.Add(process);
        return process.WaitForExit(Long);
    }

    static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    [Theory]
    [InlineData("", "no space left on the device", 20)]            // ENOSPC at the start of each write in turn
    [InlineData(":100", "no space left on the device", 20)]        // the disk fills after 100 bytes of each write
    [InlineData(":0:30", "the file system is read-only", 2)]       // EROFS, at the first two writes
    [InlineData(":0:13", "permission denied", 2)]                  // EACCES, at the first two writes
    public void A_failing_write_anywhere_in_a_run_is_one_line_exit_1_and_the_previous_set_stays_whole(string faultTail, string says, int writes)
    {
        var xor = Path.Combine(Repo.Root, "scripts", "xor.csx");
        var outDir = Path.Combine(scratch.PathFor("faults"), "xor");
        var good = Run(xor, ["--quick", "--quiet", "--out", outDir], null);
        good.ExitCode.Should().Be(0, good.Errors);
        var previous = Contents(outDir);

        var failed = 0;
        for (var n = 1; n <= writes; n++)
        {
            var result = Run(xor, ["--quick", "--quiet", "--seed", "5", "--out", outDir], $"{n}{faultTail}");
            if (result.ExitCode == 0)
            {
                failed.Should().BeGreaterThanOrEqualTo(4, "xor writes metrics.json, two PNGs and its weights");
                return;
            }
            result.ExitCode.Should().Be(1, $"write {n}: {result.Errors}");
            var lines = result.Errors.Trim().Split('\n');
            lines.Should().ContainSingle($"write {n}: one line, no stack trace");
            lines[0].ToLowerInvariant().Should().Contain(says, $"write {n}");
            Contents(outDir).Should().Equal(previous, $"write {n}: the previous set is untouched");
            Directory.GetFileSystemEntries(Path.GetDirectoryName(outDir)!).Select(Path.GetFileName)
                .Where(name => name!.EndsWith(".lock") || name.Contains(".staging-")).Should().BeEmpty($"write {n}: nothing left behind");
            failed++;
        }
        if (writes == 20) throw new InvalidOperationException("xor never completed: more than 20 writes?");
    }

    [Fact]
    public void Compare_with_a_failing_write_is_one_line_and_exit_1()
    {
        var xor = Path.Combine(Repo.Root, "scripts", "xor.csx");
        var a = scratch.PathFor("a");
        var b = scratch.PathFor("b");
        Run(xor, ["--quick", "--quiet", "--out", Path.Combine(a, "xor")], null).ExitCode.Should().Be(0);
        Run(xor, ["--quick", "--quiet", "--seed", "2", "--out", Path.Combine(b, "xor")], null).ExitCode.Should().Be(0);
        var compare = Path.Combine(Repo.Root, "tools", "compare.csx");

        var result = Run(compare, [a, b, "--out", scratch.PathFor("cmp")], "1");

        result.ExitCode.Should().Be(1, result.Output + result.Errors);
        result.Errors.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("no space left on the device");
    }
}
