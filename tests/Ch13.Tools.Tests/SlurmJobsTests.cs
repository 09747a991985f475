using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ch13.Tools.Tests;

/// <summary>
/// tools/lib/SlurmJobs.cs against the real single-node cluster (<see cref="SlurmCluster"/>): tasks are small bash
/// commands, so a test takes seconds. run-all itself through Slurm is tested end to end in Ch13.Runner.Tests.
/// </summary>
public sealed class SlurmJobsTests : IDisposable
{
    readonly TempDir temp = new();
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    static ScriptTask Bash(string name, string body) => new(0, name, new ProcessStartInfo("bash") { ArgumentList = { "-c", body }, WorkingDirectory = "/" }, "unused");

    [SlurmFact]
    public void An_array_runs_every_task_and_each_outcome_is_its_exit_code_and_first_error()
    {
        var run = Path.Combine(temp.Path, "run");
        var job = SlurmJobs.Submit(run, "ch13-test", [Bash("ok", "echo fine"), Bash("bad", "echo 'boom: it broke' >&2; exit 3")], []);
        job.Tasks.Should().Equal("ok", "bad");
        SlurmJob.Read(run).Should().BeEquivalentTo(job);
        var seen = new ConcurrentBag<SlurmTaskUpdate>();
        var ended = new ConcurrentBag<SlurmTaskOutcome>();

        var outcomes = SlurmJobs.Wait(run, job, seen.Add, poll: Poll, ended: ended.Add);

        outcomes.Select(o => (o.Name, o.ExitCode, o.Interrupted)).Should().Equal(("ok", 0, false), ("bad", 3, false));
        outcomes[0].Cause.Should().BeNull();
        outcomes[1].Cause.Should().Be("boom: it broke");
        outcomes[1].SlurmState.Should().StartWith("FAILED");
        File.ReadAllText(Path.Combine(run, "ok.log")).Should().Be("fine\n");
        // A task is either still going at a poll (an update) or found ended (once); "echo fine" may end before the first poll.
        ended.Select(o => o.Name).Should().BeEquivalentTo(["ok", "bad"]);
        seen.Where(u => job.Tasks[u.Index] != u.Name).Should().BeEmpty();
        File.Exists(Path.Combine(run, ".slurm", "job.sh")).Should().BeTrue();
    }

    [SlurmFact]
    public void Cancelling_stops_the_running_task_as_SIGTERM_does_and_the_pending_ones_never_start()
    {
        var run = Path.Combine(temp.Path, "run");
        // --exclusive: one task holds the node, so the others wait in the queue.
        const string loop = "trap 'echo stopping; exit 130' TERM; echo started; while :; do sleep 0.1; done";
        var job = SlurmJobs.Submit(run, "ch13-test", [Bash("first", loop), Bash("second", loop), Bash("third", loop)], ["--exclusive"]);
        using var cancel = new CancellationTokenSource();
        var log = Path.Combine(run, "first.log");

        var outcomes = SlurmJobs.Wait(run, job, update =>
        {
            if (File.Exists(log) && File.ReadAllText(log).Contains("started") && !cancel.IsCancellationRequested)
            {
                // A second batch into the same folder is refused while this one runs.
                var refusal = FluentActions.Invoking(() => SlurmJobs.Submit(run, "again", [Bash("x", "true")], [])).Should().Throw<Ch13Exception>().Which;
                refusal.Message.Should().Contain($"Slurm job {job.JobId}").And.Contain("scancel");
                cancel.Cancel();
            }
        }, cancel.Token, Poll);

        outcomes[0].Should().Match<SlurmTaskOutcome>(o => o.ExitCode == 130 && o.Interrupted);
        File.ReadAllText(log).Should().Contain("stopping");
        outcomes.Skip(1).Should().OnlyContain(o => o.ExitCode == null && o.Interrupted && o.SlurmState.StartsWith("CANCELLED"));
        // The tasks' own ends are known (their exit files); Slurm's bookkeeping (COMPLETING) follows within seconds.
        var drained = System.Diagnostics.Stopwatch.StartNew();
        while (SlurmJobs.Unfinished(job).Count > 0 && drained.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(200);
        SlurmJobs.Unfinished(job).Should().BeEmpty("a cancelled array leaves Slurm's queue");
    }

    [SlurmFact]
    public void A_partition_that_does_not_exist_is_one_line_naming_what_sbatch_said_and_leaves_nothing_behind()
    {
        var run = Path.Combine(temp.Path, "run");
        var error = FluentActions.Invoking(() => SlurmJobs.Submit(run, "t", [Bash("x", "true")], ["--partition", "no-such-partition"]))
            .Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(1);
        error.Message.Should().StartWith("run-all: Slurm did not take the job: ").And.Contain("invalid partition specified: no-such-partition").And.NotContain("\n");
        Directory.Exists(run).Should().BeFalse();
    }

    [SlurmFact]
    public void A_rejected_option_in_an_existing_run_folder_removes_only_what_the_submission_wrote()
    {
        var run = temp.Sub("run");
        File.WriteAllText(Path.Combine(run, "keep.txt"), "mine");
        var error = FluentActions.Invoking(() => SlurmJobs.Submit(run, "t", [Bash("x", "true")], ["--time=abc"])).Should().Throw<Ch13Exception>().Which;
        error.Message.Should().Be("run-all: Slurm did not take the job: sbatch: error: Invalid --time specification");
        Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Should().Equal("keep.txt");
    }

    public void Dispose() => temp.Dispose();
}
