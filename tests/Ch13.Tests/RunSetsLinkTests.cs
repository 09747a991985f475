using System.Security.Cryptography;

namespace Ch13.Tests;

/// <summary>
/// Symbolic links planted around a run folder (the kept store, a staging folder, --out itself, a kept set) and a folder
/// holding another script's run: each is refused in one line or treated as foreign, and a hash snapshot of everything
/// outside the run's own folders is the same before and after (CH13_KEEP=0 rotation included).
/// </summary>
public sealed class RunSetsLinkTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    string Out => Path.Combine(temp.Path, "out");
    string Folder => Path.Combine(Out, "xor");
    string Victim => Path.Combine(temp.Path, "victim");

    public RunSetsLinkTests()
    {
        Directory.CreateDirectory(Out);
        Directory.CreateDirectory(Path.Combine(Victim, "sub"));
        File.WriteAllText(Path.Combine(Victim, "precious.txt"), "user data");
        File.WriteAllText(Path.Combine(Victim, "sub", "metrics.json"), """{"script": "xor"}""");
        File.WriteAllText(Path.Combine(Victim, RunSets.MarkerName), "looks ours");
    }

    // Every file and link below the victim folder, with a hash of its bytes.
    Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFileSystemEntries(Victim, "*", SearchOption.AllDirectories).ToDictionary(
            p => p, p => SafeFiles.KindOf(p) == EntryKind.File ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : SafeFiles.KindOf(p).ToString());

    static void WriteSet(string folder, string script = "xor")
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), $$$"""{"script": "{{{script}}}", "timings": {"started_at": "2026-01-01T00:00:00Z"}}""");
    }

    string Staged()
    {
        var staging = RunSets.CreateStaging(Folder, "xor");
        File.WriteAllText(Path.Combine(staging, "metrics.json"), """{"script": "xor"}""");
        return staging;
    }

    [Fact]
    public void A_store_that_is_a_link_is_refused_by_the_swap_and_never_pruned_through_even_with_keep_0()
    {
        WriteSet(Folder);
        Directory.CreateSymbolicLink(RunSets.StorePath(Folder), Victim);
        var before = Snapshot();
        var staging = Staged();
        var error = FluentActions.Invoking(() => RunSets.Swap(Folder, staging, keep: 0)).Should().Throw<Ch13Exception>().Which;
        error.Message.Should().Contain(RunSets.StorePath(Folder)).And.Contain("symbolic link").And.NotContain("\n");
        RunSets.Kept(Folder).Should().BeEmpty("a linked store is not listed");
        RunSets.Prune(Folder, 0).Should().Be(0);
        Snapshot().Should().Equal(before);
    }

    [Fact]
    public void A_link_inside_the_store_is_foreign_and_keep_0_leaves_its_target_alone()
    {
        WriteSet(Folder);
        Directory.CreateDirectory(RunSets.StorePath(Folder));
        Directory.CreateSymbolicLink(Path.Combine(RunSets.StorePath(Folder), "20990101T000000.000Z-1"), Victim);
        var before = Snapshot();
        RunSets.Swap(Folder, Staged(), keep: 0);
        Snapshot().Should().Equal(before);
        SafeFiles.IsLink(Path.Combine(RunSets.StorePath(Folder), "20990101T000000.000Z-1")).Should().BeTrue("a foreign entry is left as it is");
        File.Exists(Path.Combine(Folder, "metrics.json")).Should().BeTrue();
    }

    [Fact]
    public void A_planted_staging_link_is_refused_and_receives_nothing()
    {
        Directory.CreateSymbolicLink(RunSets.StagingPath(Folder, Environment.ProcessId), Victim);
        var before = Snapshot();
        var error = FluentActions.Invoking(() => RunSets.CreateStaging(Folder, "xor")).Should().Throw<Ch13Exception>().Which;
        error.Message.Should().Contain(RunSets.StagingPath(Folder, Environment.ProcessId)).And.Contain("symbolic link").And.NotContain("\n");
        Snapshot().Should().Equal(before);
        SafeFiles.KindOf(Folder).Should().Be(EntryKind.Missing);
    }

    [Fact]
    public void Dead_staging_links_are_neither_promoted_nor_deleted_through()
    {
        Directory.CreateSymbolicLink(RunSets.StagingPath(Folder, 999_999_1), Victim);
        var before = Snapshot();
        RunSets.Recover(Folder).Should().BeNull();
        RunSets.Discard(RunSets.StagingPath(Folder, 999_999_1));
        Snapshot().Should().Equal(before);
        SafeFiles.KindOf(Folder).Should().Be(EntryKind.Missing, "out/xor never becomes a link");
    }

    [Fact]
    public void An_out_folder_that_is_a_link_is_refused_with_exit_2()
    {
        Directory.CreateSymbolicLink(Folder, Victim);
        var before = Snapshot();
        var error = FluentActions.Invoking(() => RunSets.CreateStaging(Folder, "xor")).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Contain(Folder).And.Contain("symbolic link");
        Snapshot().Should().Equal(before);
    }

    [Fact]
    public void An_out_folder_holding_another_scripts_run_is_refused_naming_both()
    {
        WriteSet(Folder, "mnist");
        var error = FluentActions.Invoking(() => RunSets.CreateStaging(Folder, "xor")).Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        error.Message.Should().Contain("xor").And.Contain("mnist").And.Contain(Folder).And.NotContain("\n");
        File.ReadAllText(Path.Combine(Folder, "metrics.json")).Should().Contain("mnist");
        Directory.Exists(RunSets.StorePath(Folder)).Should().BeFalse("nothing was moved away");
        RunSets.OtherScript(Folder, "mnist").Should().BeNull("its own script may replace it");
    }

    [Fact]
    public void A_kept_set_holding_a_link_is_pruned_as_a_link()
    {
        WriteSet(Folder);
        RunSets.Swap(Folder, Staged(), keep: 5);
        var kept = RunSets.Kept(Folder).Should().ContainSingle().Subject;
        Directory.CreateSymbolicLink(Path.Combine(kept, "escape"), Victim);
        var before = Snapshot();
        RunSets.Swap(Folder, Staged(), keep: 0);
        RunSets.Kept(Folder).Should().BeEmpty();
        Snapshot().Should().Equal(before);
    }

    [Fact]
    public void An_empty_folder_a_failed_run_made_goes_and_a_full_one_stays()
    {
        Directory.CreateDirectory(Folder);
        RunSets.RemoveIfEmpty(Folder);
        Directory.Exists(Folder).Should().BeFalse();
        WriteSet(Folder);
        RunSets.RemoveIfEmpty(Folder);
        File.Exists(Path.Combine(Folder, "metrics.json")).Should().BeTrue();
        Directory.CreateSymbolicLink(Path.Combine(Out, "empty-link"), Path.Combine(Victim, "sub"));
        RunSets.RemoveIfEmpty(Path.Combine(Out, "empty-link"));
        SafeFiles.IsLink(Path.Combine(Out, "empty-link")).Should().BeTrue();
    }
}
