namespace Ch13.Tools.Tests;

/// <summary>Reading squeue's and sacct's answers (tools/lib/SlurmStates.cs), from lines as Slurm 22.05 prints them.</summary>
public sealed class SlurmStatesTests
{
    [Fact]
    public void Squeue_lines_give_each_tasks_state_reason_and_exit_code_from_its_wait_status()
    {
        var states = SlurmStates.ParseSqueue("""
            4_1|FAILED|9|JobLaunchFailure|
            4_0|FAILED|768|NonZeroExitCode|
            4_2|RUNNING|0|None|
            4_3|PENDING|0|Resources|
            5_0|COMPLETED|0|None|
            """, "4");
        states.Keys.Should().BeEquivalentTo([0, 1, 2, 3]);
        states[0].Should().Be(new SlurmTaskState(0, "FAILED", "NonZeroExitCode", 3, null));
        states[1].Should().Be(new SlurmTaskState(1, "FAILED", "JobLaunchFailure", 0, 9));
        states[2].Should().Be(new SlurmTaskState(2, "RUNNING", "None", null, null));
        states[3].Describe().Should().Be("PENDING (Resources)");
        states[2].Describe().Should().Be("RUNNING");
        states[3].Phase.Should().Be(SlurmPhase.Pending);
        states[2].Phase.Should().Be(SlurmPhase.Running);
    }

    [Fact]
    public void Pending_tasks_squeue_did_not_expand_get_one_state_each()
    {
        var states = SlurmStates.ParseSqueue("12_[3-5,8%2]|PENDING|0|Priority|\n12_1|RUNNING|0|None|\n", "12");
        states.Keys.Should().BeEquivalentTo([1, 3, 4, 5, 8]);
        states[8].Reason.Should().Be("Priority");
    }

    [Fact]
    public void Sacct_lines_give_code_and_signal_and_keep_only_the_state_word()
    {
        var states = SlurmStates.ParseSacct("7_0|COMPLETED|0:0\n7_1|CANCELLED by 0|0:15\n7_2|TIMEOUT|0:0\n7_[3-4]|PENDING|0:0\n", "7");
        states[0].Should().Be(new SlurmTaskState(0, "COMPLETED", "", 0, null));
        states[1].Should().Be(new SlurmTaskState(1, "CANCELLED", "", 0, 15));
        states[2].Phase.Should().Be(SlurmPhase.Failed);
        states[4].Should().Be(new SlurmTaskState(4, "PENDING", "", null, null));
    }

    [Theory]
    [InlineData("PENDING", SlurmPhase.Pending)]
    [InlineData("REQUEUED", SlurmPhase.Pending)]
    [InlineData("RUNNING", SlurmPhase.Running)]
    [InlineData("COMPLETING", SlurmPhase.Running)]
    [InlineData("COMPLETED", SlurmPhase.Completed)]
    [InlineData("FAILED", SlurmPhase.Failed)]
    [InlineData("CANCELLED", SlurmPhase.Failed)]
    [InlineData("TIMEOUT", SlurmPhase.Failed)]
    [InlineData("OUT_OF_MEMORY", SlurmPhase.Failed)]
    [InlineData("NODE_FAIL", SlurmPhase.Failed)]
    public void Slurm_states_fall_into_four_phases(string state, SlurmPhase phase) => SlurmStates.PhaseOf(state).Should().Be(phase);

    [Theory]
    [InlineData("12_3", "12", new[] { 3 })]
    [InlineData("12_[0-4:2,7]", "12", new[] { 0, 2, 4, 7 })]
    [InlineData("12", "12", new int[0])]
    [InlineData("123_4", "12", new int[0])]
    [InlineData("12_[x]", "12", new int[0])]
    [InlineData("12_[0-999999999]", "12", new int[0])]
    public void Array_ids_name_their_tasks(string id, string job, int[] tasks) => SlurmStates.TaskIds(id, job).Should().Equal(tasks);

    [Theory]
    [InlineData("12\n", "12")]
    [InlineData("34;cluster2\n", "34")]
    [InlineData("", null)]
    [InlineData("Submitted batch job 12\n", null)]
    public void Sbatch_parsable_answers_give_the_job_id(string output, string? id) => SlurmCommands.ParseJobId(output).Should().Be(id);

    [Fact]
    public void A_failed_command_says_what_it_printed_on_one_line_without_the_help_hint()
    {
        new SlurmAnswer(1, "", "sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job submission failed: Invalid partition name specified\n").Problem()
            .Should().Be("sbatch: error: invalid partition specified: nosuch; sbatch: error: Batch job submission failed: Invalid partition name specified");
        new SlurmAnswer(255, "", "sbatch: unrecognized option '--bogus'\nTry \"sbatch --help\" for more information\n").Problem()
            .Should().Be("sbatch: unrecognized option '--bogus'");
        new SlurmAnswer(1, "", "").Problem().Should().Be("exit code 1");
    }

    [Fact]
    public void A_node_local_run_folder_is_refused_only_on_a_cluster_of_several_nodes()
    {
        SlurmJobs.CheckShared("/tmp/runs/a", 1);
        SlurmJobs.CheckShared("/home/me/out/runs/a", 8);
        SlurmJobs.CheckShared("/tmpfiles/a", 8);
        foreach (var local in new[] { "/tmp/runs/a", "/var/tmp/x", "/dev/shm/x/../y" })
        {
            var error = FluentActions.Invoking(() => SlurmJobs.CheckShared(local, 3)).Should().Throw<Ch13Exception>().Which;
            error.ExitCode.Should().Be(1);
            error.Message.Should().StartWith("run-all: the run folder ").And.Contain("3 nodes").And.Contain("--out").And.NotContain("\n");
        }
    }
}
