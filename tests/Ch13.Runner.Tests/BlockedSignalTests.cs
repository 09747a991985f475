using System.Diagnostics;
using FluentAssertions;
using Xunit;

namespace Ch13.Runner.Tests;

/// <summary>
/// A signal ends a run within a second whatever it waits on: here a read of a FIFO that nobody ever writes, which
/// blocks in the kernel where no managed code runs (StopSignals' watchdog ends the process with 130).
/// Timed, so it runs alone (<see cref="TimedCollection"/>): the second measures the run, not the suite's other jobs.
/// </summary>
[Collection(TimedCollection.Name)]
public sealed class BlockedSignalTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    readonly ScratchDir scratch = new();

    public void Dispose() => scratch.Dispose();

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void A_run_blocked_on_a_read_that_never_returns_ends_with_130_within_a_second_of_the_signal(string signal)
    {
        if (OperatingSystem.IsWindows()) return;
        var fifo = scratch.PathFor("never-written");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var script = scratch.Write("blocked.csx", $"""
            #load "{Path.Combine(Repo.Root, "lib", "ch13.csx")}"
            var run = Runs.Start("blocked", Args, epochs: 1, scriptPath: "{Path.Combine(Repo.Root, "scripts", "blocked.csx")}");
            Console.WriteLine("blocking");
            Console.Out.Flush();
            File.ReadAllText("{fifo}");
            Console.WriteLine("never");
            """);
        using var run = ScriptProcess.Start(shared.Runner.CacheDir, [script, "--", "--out", scratch.PathFor("out/blocked")]);

        run.WaitForOutput("blocking", TimeSpan.FromMinutes(3)).Should().BeTrue(run.Describe());
        Thread.Sleep(300); // into the blocking open(2)
        var clock = Stopwatch.StartNew();
        run.Signal(signal);
        var result = run.WaitForExit(TimeSpan.FromSeconds(30));
        var took = clock.Elapsed;

        result.ExitCode.Should().Be(130, run.Describe());
        took.Should().BeLessThan(TimeSpan.FromSeconds(1), "a signal ends the process within a second whatever it waits on");
        run.Output.Should().NotContain("never");
        run.Errors.Should().NotContain("   at ");
    }
}

/// <summary>Tests that time a process run one after the other, after the parallel ones, on an otherwise idle machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedCollection
{
    public const string Name = "timed";
}
