namespace Ch13.Runner.Tests;

public sealed class CompileCacheTests : IDisposable
{
    private readonly RunnerProcess _runner = new();
    private readonly ScratchDir _scratch = new();

    public void Dispose()
    {
        _runner.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void Second_run_of_an_unchanged_script_is_a_cache_hit_that_never_loads_the_compiler()
    {
        var first = _runner.Run("--verbose", Repo.Fixture("HelloWorld"));
        var second = _runner.Run("--verbose", Repo.Fixture("HelloWorld"));

        first.Errors.Should().Contain("cache miss").And.Contain("cache stored");
        second.Errors.Should().Contain("cache hit").And.Contain("Roslyn loaded: False");
        second.Output.Should().Be("Hello world!\n");
        _runner.Entries.Should().ContainSingle()
            .Which.Should().Match(entry => File.Exists(Path.Combine(entry, "submission.dll")) && File.Exists(Path.Combine(entry, "submission.pdb")));
    }

    [Fact]
    public void Editing_a_loaded_file_invalidates_the_cached_build()
    {
        var script = _scratch.Write("Main.csx", "#load \"lib/Value.cs\"\nWriteLine(Value.Text);\n");
        _scratch.Write("lib/Value.cs", "public static class Value { public const string Text = \"before\"; }\n");
        _runner.Run(script).Output.Should().Be("before\n");

        _scratch.Write("lib/Value.cs", "public static class Value { public const string Text = \"after\"; }\n");
        var edited = _runner.Run("--verbose", script);

        edited.Errors.Should().Contain("cache miss");
        edited.Output.Should().Be("after\n");
    }

    [Fact]
    public void Damaged_cache_entry_is_rebuilt_not_a_crash()
    {
        var script = Repo.Fixture("HelloWorld");
        _runner.Run(script);
        var dll = Path.Combine(_runner.Entries.Single(), "submission.dll");
        File.WriteAllBytes(dll, File.ReadAllBytes(dll)[..100]);

        var damaged = _runner.Run("--verbose", script);
        var repaired = _runner.Run("--verbose", script);

        damaged.ExitCode.Should().Be(0, damaged.Errors);
        damaged.Errors.Should().Contain("damaged");
        damaged.Output.Should().Be("Hello world!\n");
        repaired.Errors.Should().Contain("cache hit");
    }

    [Fact]
    public void No_cache_option_neither_reads_nor_writes_the_cache()
    {
        var result = _runner.Run("--no-cache", "--verbose", Repo.Fixture("HelloWorld"));

        result.Output.Should().Be("Hello world!\n");
        result.Errors.Should().Contain("compiling (not cached)");
        _runner.Entries.Should().BeEmpty();
    }
}
