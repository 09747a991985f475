using FluentAssertions;
using Xunit;

namespace Ch13.Tools.Tests;

/// <summary>A seed sweep's layout (<c>&lt;run&gt;/&lt;script&gt;/seed-&lt;N&gt;/</c>) as the tools read it.</summary>
public sealed class SeedFoldersTests : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("seed-1", 1)]
    [InlineData("seed-0", 0)]
    [InlineData("seed-42", 42)]
    [InlineData("seed-", null)]
    [InlineData("seed-01", null)]
    [InlineData("seed--1", null)]
    [InlineData("seed-+1", null)]
    [InlineData("seed- 1", null)]
    [InlineData("seed-1x", null)]
    [InlineData("seed-9999999999", null)]
    [InlineData("Seed-1", null)]
    [InlineData("xor", null)]
    public void A_folder_name_is_a_seed_only_in_the_form_the_sweep_writes(string name, int? seed)
    {
        SeedFolders.SeedOf(name).Should().Be(seed);
        if (seed is { } s) SeedFolders.Name(s).Should().Be(name);
    }

    [Fact]
    public void A_sweep_opens_as_one_folder_per_seed_named_for_the_script_and_groups_back_by_script()
    {
        var run = temp.Sub("run");
        foreach (var seed in new[] { 10, 2, 1 })
            FakeRuns.WriteScript(Path.Combine(run, "xor", SeedFolders.Name(seed)), FakeRuns.Record("xor", validAcc: 0.9 + seed / 100.0) with { Seed = seed });
        FakeRuns.WriteScript(Path.Combine(run, "sequential"), FakeRuns.Record("sequential"));
        Directory.CreateDirectory(Path.Combine(run, "xor", "seed-07")); // not the sweep's form: ignored
        Directory.CreateDirectory(Path.Combine(run, "xor", "seed-3"));  // no record: not a run

        var folders = RunFolders.Open(run);

        folders.Select(f => (f.Script, f.Seed)).Should().Equal(("sequential", null), ("xor", 1), ("xor", 2), ("xor", 10));
        folders.Where(f => f.Seed is not null).Select(f => f.Record!.Seed).Should().Equal(1, 2, 10);
        var groups = RunFolders.Groups(run);
        groups.Select(g => (g.Script, g.Runs.Count, g.IsSweep)).Should().Equal(("sequential", 1, false), ("xor", 3, true));
    }

    [Fact]
    public void A_sweeps_script_folder_given_alone_opens_as_its_seeds()
    {
        var script = Path.Combine(temp.Sub("run"), "xor");
        foreach (var seed in new[] { 1, 2 })
            FakeRuns.WriteScript(Path.Combine(script, SeedFolders.Name(seed)), FakeRuns.Record("xor") with { Seed = seed });

        RunFolders.Open(script).Select(f => (f.Script, f.Seed)).Should().Equal(("xor", 1), ("xor", 2));
    }

    [Fact]
    public void A_linked_seed_folder_is_not_followed()
    {
        if (OperatingSystem.IsWindows()) return;
        var run = temp.Sub("run");
        FakeRuns.WriteScript(Path.Combine(run, "xor", "seed-1"), FakeRuns.Record("xor"));
        var elsewhere = temp.Sub("elsewhere");
        FakeRuns.WriteScript(elsewhere, FakeRuns.Record("xor"));
        Directory.CreateSymbolicLink(Path.Combine(run, "xor", "seed-2"), elsewhere);

        RunFolders.Open(run).Select(f => f.Seed).Should().Equal(1);
    }
}
