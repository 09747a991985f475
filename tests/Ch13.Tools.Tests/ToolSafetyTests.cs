using System.Text;

namespace Ch13.Tools.Tests;

/// <summary>Tests that swap Console.Out/Error run alone, so no other test's capture takes their lines.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection { }

/// <summary>
/// compare, runs.csx and run-all handed hostile run folders (issue 19): a record naming a path, damaged records, FIFOs,
/// links and a user's own files where a tool writes. Each refusal is one line with a defined exit code, nothing outside
/// the tool's own folder changes (hash snapshot) and nothing hangs (timeout).
/// </summary>
[Collection("Console")]
public sealed class ToolSafetyTests : IDisposable
{
    readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    static readonly Dictionary<string, ScriptReference> NoReferences = new();

    // A user's folder beside the runs: what a compare that climbed out of --out would delete.
    string Victim()
    {
        var victim = temp.Sub("victim");
        File.WriteAllText(Path.Combine(victim, "thesis.tex"), "years of work");
        return victim;
    }

    (int Exit, string Out, string Error) CompareTool(params string[] args) => HostileFiles.Run(() => Compare.RunTool(args, temp.Path));

    // Class 1: a record's script becomes compare's per-script folder name; hostile ones must not leave --out.
    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("../../x")]
    [InlineData("../victim")]
    [InlineData("/tmp")]
    [InlineData("a\u0000b")]
    [InlineData("x\ny")]
    public void A_record_whose_script_names_a_path_is_refused_and_compare_writes_nothing_outside_its_out(string script)
    {
        Victim();
        var a = FakeRuns.WriteScript(temp.Sub("runs", "a", "xor"), FakeRuns.Record("xor") with { Script = script }, "plot.png");
        var b = FakeRuns.WriteScript(temp.Sub("runs", "b", "xor"), FakeRuns.Record("xor") with { Script = script }, "plot.png");
        var outDir = Path.Combine(temp.Path, "runs", "cmp");
        var before = HostileFiles.Snapshot(temp.Path, outDir);

        var (exit, _, error) = CompareTool(a, b, "--out", outDir);

        exit.Should().Be(1);
        HostileFiles.ShouldBeOneLine(error);
        error.Should().Contain(Path.Combine(a, "metrics.json")).And.Contain("cannot name a folder");
        HostileFiles.Snapshot(temp.Path, outDir).Should().Equal(before);
        Directory.Exists(outDir).Should().BeFalse("refused before anything is written");
    }

    // Class 1 and 2: an earlier comparison's per-script folder replaced by a link to the user's folder is not followed.
    [Fact]
    public void A_link_planted_as_a_scripts_folder_in_compare_s_out_is_refused_and_its_target_kept()
    {
        var victim = Victim();
        var a = FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        var b = FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor"));
        var outDir = Path.Combine(temp.Path, "cmp");
        CompareTool(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), "--out", outDir).Exit.Should().Be(0);
        Directory.Delete(Path.Combine(outDir, "xor"), recursive: true);
        File.CreateSymbolicLink(Path.Combine(outDir, "xor"), victim);
        var before = HostileFiles.Snapshot(temp.Path, outDir);

        var (exit, _, error) = CompareTool(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), "--out", outDir);

        exit.Should().Be(1);
        HostileFiles.ShouldBeOneLine(error);
        error.Should().Contain(Path.Combine(outDir, "xor"));
        HostileFiles.Snapshot(temp.Path, outDir).Should().Equal(before);
        SafeFiles.IsLink(Path.Combine(outDir, "xor")).Should().BeTrue();
    }

    // Class 2: --out itself a link (to a folder that would pass as empty) is refused, exit 2.
    [Fact]
    public void A_link_given_as_compare_s_out_is_refused()
    {
        var target = temp.Sub("empty-target");
        var a = FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        var link = Path.Combine(temp.Path, "cmp");
        File.CreateSymbolicLink(link, target);
        var before = HostileFiles.Snapshot(temp.Path);

        var (exit, _, error) = CompareTool(a, a, "--out", link);

        exit.Should().Be(2);
        HostileFiles.ShouldBeOneLine(error);
        error.Should().Contain(link).And.Contain("symbolic link");
        HostileFiles.Snapshot(temp.Path).Should().Equal(before);
    }

    // Class 6: damaged records, written for real.
    public static TheoryData<string> Damages() => ["truncated", "not json", "other schema", "not a record", "huge", "deep", "empty"];

    static void Damage(string metrics, string how)
    {
        var whole = File.ReadAllText(metrics);
        switch (how)
        {
            case "truncated": File.WriteAllText(metrics, whole[..(whole.Length / 2)]); break;
            case "not json": File.WriteAllText(metrics, "<html>not a record</html>"); break;
            case "other schema": File.WriteAllText(metrics, whole.Replace($"\"schema_version\": {RunRecords.SchemaVersion}", "\"schema_version\": 999")); break;
            case "not a record": File.WriteAllText(metrics, """{"loss": [1, 2, 3]}"""); break;
            case "huge": using (var f = File.OpenWrite(metrics)) f.SetLength(RunRecordFiles.MaxBytes + 1); break; // sparse: costs no disk
            case "deep": File.WriteAllText(metrics, new string('[', 100_000) + new string(']', 100_000)); break;
            case "empty": File.WriteAllText(metrics, ""); break;
        }
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void Compare_refuses_a_damaged_record_naming_the_file(string how)
    {
        var a = FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        FakeRuns.WriteScript(temp.Sub("a", "autograd"), FakeRuns.Record("autograd"));
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor"));
        FakeRuns.WriteScript(temp.Sub("b", "autograd"), FakeRuns.Record("autograd"));
        var damaged = Path.Combine(temp.Path, "b", "autograd", "metrics.json");
        Damage(damaged, how);
        var outDir = Path.Combine(temp.Path, "cmp");
        var before = HostileFiles.Snapshot(temp.Path);

        var (exit, _, error) = CompareTool(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), "--out", outDir);

        exit.Should().Be(1);
        HostileFiles.ShouldBeOneLine(error);
        error.Should().Contain(damaged);
        HostileFiles.Snapshot(temp.Path).Should().Equal(before);
        _ = a;
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void Runs_lists_the_other_runs_and_marks_the_damaged_one_naming_its_problem(string how)
    {
        var folder = Path.Combine(temp.Path, "xor");
        for (var i = 1; i <= 3; i++)
        {
            var staging = RunSets.CreateStaging(folder, "xor");
            FakeRuns.WriteScript(staging, FakeRuns.Record("xor") with { Arguments = ["--seed", $"{i}"] });
            RunSets.Swap(folder, staging, keep: 5);
        }
        var kept = RunHistory.KeptRuns(folder);
        var damaged = Path.Combine(kept[0], "metrics.json");
        Damage(damaged, how);

        var (exit, output, error) = HostileFiles.Run(() => RunHistory.RunTool([folder], temp.Path));

        exit.Should().Be(0);
        error.Should().BeEmpty();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.Contains("latest") && l.Contains("--seed 3"));
        lines.Should().Contain(l => l.Contains("--seed 1"));
        lines.Should().Contain(l => l.Contains("damaged record (below)"));
        lines.Last().Should().StartWith("damaged record: ").And.Contain(damaged);
        output.Should().NotContain("   at ");
    }

    // Class 5: FIFOs where a record or an image would be never block compare or run-all's reading of a result.
    [Fact]
    public void A_fifo_as_an_image_is_not_an_image_and_compare_does_not_hang()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"), "plot.png");
        FakeRuns.WriteScript(temp.Sub("b", "xor"), FakeRuns.Record("xor"), "plot.png");
        HostileFiles.Fifo(Path.Combine(temp.Path, "a", "xor", "trap.png"));
        HostileFiles.Fifo(Path.Combine(temp.Path, "b", "xor", "trap.png"));
        var outDir = Path.Combine(temp.Path, "cmp");
        var before = HostileFiles.Snapshot(temp.Path, outDir);

        var (exit, _, error) = CompareTool(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), "--out", outDir);

        exit.Should().Be(0, error);
        RunFolders.Images(Path.Combine(temp.Path, "a", "xor")).Should().Equal("plot.png");
        HostileFiles.Snapshot(temp.Path, outDir).Should().Equal(before);
    }

    [Fact]
    public void A_fifo_as_a_record_is_refused_by_compare_and_fails_run_all_s_result_without_hanging()
    {
        FakeRuns.WriteScript(temp.Sub("a", "xor"), FakeRuns.Record("xor"));
        var fifo = HostileFiles.Fifo(Path.Combine(temp.Path, "b", "xor", "metrics.json"));
        var outDir = Path.Combine(temp.Path, "cmp");

        var (exit, _, error) = CompareTool(Path.Combine(temp.Path, "a"), Path.Combine(temp.Path, "b"), "--out", outDir);

        exit.Should().Be(1);
        HostileFiles.ShouldBeOneLine(error);
        error.Should().Contain(fifo).And.Contain("named pipe");
        var result = HostileFiles.Run(() => ScriptResults.Read(Path.Combine(temp.Path, "b"), "xor", 0, 1.0).Ok ? 0 : 1);
        result.Exit.Should().Be(1, "a FIFO is no record: the script failed");
    }

    // Class 3 and 2: run-all's --out.
    [Fact]
    public void Run_all_refuses_an_out_folder_holding_a_users_files_and_leaves_them_as_they_were()
    {
        var dir = temp.Sub("mine");
        foreach (var name in new[] { "report.html", "summary.md", "summary.json", "xor.log" })
            File.WriteAllText(Path.Combine(dir, name), "the user's own " + name);
        var before = HostileFiles.Snapshot(temp.Path);

        var refused = () => BatchFolders.Claim(dir, temp.Path);

        var error = refused.Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        HostileFiles.ShouldBeOneLine(error.Message);
        error.Message.Should().Contain(dir);
        HostileFiles.Snapshot(temp.Path).Should().Equal(before);
    }

    [Fact]
    public void Run_all_takes_a_new_or_empty_folder_marks_it_and_takes_it_again()
    {
        var fresh = Path.Combine(temp.Path, "fresh");
        var empty = temp.Sub("empty");

        BatchFolders.Claim(fresh, temp.Path);
        BatchFolders.Claim(empty, temp.Path);
        File.WriteAllText(Path.Combine(fresh, "summary.json"), "{}"); // run-all's own by now
        BatchFolders.Claim(fresh, temp.Path);

        SafeFiles.KindOf(Path.Combine(fresh, BatchFolders.Marker)).Should().Be(EntryKind.File);
        SafeFiles.KindOf(Path.Combine(empty, BatchFolders.Marker)).Should().Be(EntryKind.File);
    }

    [Fact]
    public void Run_all_s_own_runs_under_out_runs_need_no_marker()
    {
        var tagged = temp.Sub("out", "runs", "nightly");
        File.WriteAllText(Path.Combine(tagged, "summary.json"), "{}");

        BatchFolders.Claim(tagged, temp.Path);

        SafeFiles.KindOf(Path.Combine(tagged, BatchFolders.Marker)).Should().Be(EntryKind.File);
    }

    [Fact]
    public void Run_all_refuses_a_link_as_its_out_folder_even_to_a_marked_one()
    {
        var target = temp.Sub("target");
        BatchFolders.Claim(target, temp.Path);
        var link = Path.Combine(temp.Path, "link");
        File.CreateSymbolicLink(link, target);
        var before = HostileFiles.Snapshot(temp.Path);

        var refused = () => BatchFolders.Claim(link, temp.Path);

        var error = refused.Should().Throw<Ch13Exception>().Which;
        error.ExitCode.Should().Be(2);
        HostileFiles.ShouldBeOneLine(error.Message);
        error.Message.Should().Contain(link).And.Contain("symbolic link");
        HostileFiles.Snapshot(temp.Path).Should().Equal(before);
    }

    [Fact]
    public void Run_all_refuses_a_fifo_as_its_out_folder_without_hanging()
    {
        var fifo = HostileFiles.Fifo(Path.Combine(temp.Path, "pipe"));

        var (exit, _, _) = HostileFiles.Run(() =>
        {
            try { BatchFolders.Claim(fifo, temp.Path); return 0; }
            catch (Ch13Exception e) { HostileFiles.ShouldBeOneLine(e.Message); return e.ExitCode; }
        });

        exit.Should().Be(2);
    }
}
