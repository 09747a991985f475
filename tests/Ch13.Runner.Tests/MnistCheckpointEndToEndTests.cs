namespace Ch13.Runner.Tests;

/// <summary>
/// Issue 10, instance 4: mnist interrupted early, in a folder holding an older run, must not present the older run's
/// best_model.pth as its own. Whatever moment the signal lands, the record and the files agree: a best checkpoint in
/// the folder means the record says it restored one from an epoch ≥ 1; no checkpoint means it says none was saved; and
/// the older run's set is kept whole in the store.
/// </summary>
public sealed class MnistCheckpointEndToEndTests(SharedRunner shared) : IClassFixture<SharedRunner>, IDisposable
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    readonly ScratchDir scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void An_interrupted_rerun_never_claims_the_older_runs_checkpoint()
    {
        var outDir = Path.Combine(scratch.PathFor("mnist-runs"), "mnist");
        var script = Path.Combine(Repo.Root, "scripts", "mnist.csx");
        using (var older = ScriptProcess.Start(shared.Runner.CacheDir, [script, "--", "--quick", "--quiet", "--out", outDir]))
            older.WaitForExit(Long).ExitCode.Should().Be(0);
        var olderCheckpoint = File.ReadAllBytes(Path.Combine(outDir, "best_model.pth"));

        // Batch size 1: the first epoch takes a while, and the signal lands in it (or just after: either way the
        // record must describe the files the folder holds).
        using var rerun = ScriptProcess.Start(shared.Runner.CacheDir, [script, "--", "--quick", "--batch-size", "1", "--seed", "9", "--out", outDir]);
        rerun.WaitForOutput("Sequential(", Long).Should().BeTrue(rerun.Describe());
        rerun.Signal("INT");
        var result = rerun.WaitForExit(Long);

        result.ExitCode.Should().Be(130, rerun.Describe());
        var record = RunRecordFiles.Read(Path.Combine(outDir, "metrics.json"));
        record.Seed.Should().Be(9);
        record.Status.Should().Be(RunStatus.Interrupted);
        var values = record.Series.Single().Values;
        var weights = values.Single(v => v.Name == "test_acc_weights").Text!;
        var bestEpoch = values.Single(v => v.Name == "best_epoch").Number;
        var checkpoint = Path.Combine(outDir, "best_model.pth");
        if (File.Exists(checkpoint))
        {
            weights.Should().StartWith("best epoch").And.Contain("restored from best_model.pth");
            bestEpoch.Should().BeGreaterThanOrEqualTo(1);
        }
        else
        {
            weights.Should().Be("the weights training ended with (no best checkpoint was saved)");
        }
        RunSets.Kept(outDir).Should().ContainSingle().Which.Should().Match(kept =>
            File.ReadAllBytes(Path.Combine(kept, "best_model.pth")).SequenceEqual(olderCheckpoint), "the older run's checkpoint is kept with its own set");
    }
}
