namespace Ch13.Tools.Tests;

/// <summary>Reading run records from their files (tools/lib/RunRecordFiles.cs) and the published schema (RunRecordSchema.cs).</summary>
public sealed class RunRecordFilesTests : IDisposable
{
    readonly TempDir temp = new();

    [Fact]
    public void The_published_schema_is_the_one_the_record_types_generate()
    {
        var committed = File.ReadAllText(RunRecordSchema.PathIn(TestPaths.RepoRoot));

        committed.Should().Be(RunRecordSchema.Generate(),
            "reference/metrics.schema.json is generated from lib/run/RunRecord.cs; after changing a record, regenerate it with " +
            "`./csx tools/write-schema.csx`");
    }

    [Fact]
    public void A_record_reads_back_as_written()
    {
        var path = Path.Combine(temp.Path, "metrics.json");
        File.WriteAllText(path, RunRecords.ToJson(FakeRuns.Record("xor")));

        RunRecords.ToJson(RunRecordFiles.Read(path)).Should().Be(RunRecords.ToJson(FakeRuns.Record("xor")));
    }

    [Fact]
    public void Nesting_deeper_than_a_record_is_refused_naming_the_file()
    {
        var path = Path.Combine(temp.Path, "metrics.json");
        File.WriteAllText(path, new string('[', RunRecordFiles.MaxDepth + 1) + new string(']', RunRecordFiles.MaxDepth + 1));

        FluentActions.Invoking(() => RunRecordFiles.Read(path)).Should().Throw<Ch13Exception>()
            .Which.Message.Should().Contain(path).And.Contain("not a ch13 run record");
        RunRecordFiles.TryRead(path).Should().BeNull();
    }

    [Fact]
    public void A_symbolic_link_is_not_followed()
    {
        if (OperatingSystem.IsWindows()) return; // links need privileges there
        var real = Path.Combine(temp.Path, "real.json");
        File.WriteAllText(real, RunRecords.ToJson(FakeRuns.Record("xor")));
        var link = Path.Combine(temp.Path, "metrics.json");
        File.CreateSymbolicLink(link, real);

        FluentActions.Invoking(() => RunRecordFiles.Read(link)).Should().Throw<Ch13Exception>().Which.Message.Should().Contain("symbolic link");
    }

    [Fact]
    public void A_missing_file_is_null_for_TryRead_and_one_line_for_Read()
    {
        var path = Path.Combine(temp.Path, "none", "metrics.json");

        RunRecordFiles.TryRead(path).Should().BeNull();
        FluentActions.Invoking(() => RunRecordFiles.Read(path)).Should().Throw<Ch13Exception>().Which.Message.Should().Be($"run record {path}: no such file.");
    }

    public void Dispose() => temp.Dispose();
}
