namespace Ch13.Runner.Tests;

public sealed class ErrorReportingTests : IDisposable
{
    private readonly RunnerProcess _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public void Compile_error_is_reported_as_file_line_column_and_exits_1()
    {
        var result = _runner.Run(Repo.Fixture("CompileError"));

        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith($"{Repo.Fixture("CompileError")}(2,11): error CS0103: The name 'undefinedName' does not exist");
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public void Compile_error_in_a_loaded_file_names_that_file()
    {
        var result = _runner.Run(Repo.Fixture("ErrorInLoadedFile"));

        result.ExitCode.Should().Be(1);
        var broken = Path.Combine(Repo.FixtureDir("ErrorInLoadedFile"), "lib", "Broken.cs");
        result.Errors.Should().StartWith($"{broken}(4,32): error CS0029:");
    }

    [Fact]
    public void Language_features_newer_than_dotnet_scripts_are_rejected()
    {
        // params collections are C# 13: dotnet-script 1.5 (Roslyn 4.8) would not compile this, so neither do we.
        using var scratch = new ScratchDir();
        var script = scratch.Write("Newer.csx", "int Sum(params ReadOnlySpan<int> xs) => xs.Length;\nWriteLine(Sum(1, 2));\n");

        var result = _runner.Run(script);

        result.ExitCode.Should().Be(1);
        result.Errors.Should().Contain($"{script}(1,9): error CS").And.Contain("12");
    }

    [Fact]
    public void Nullable_warning_in_a_nullable_enabled_file_is_an_error()
    {
        var result = _runner.Run(Repo.Fixture("NullableError"));

        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith($"{Repo.Fixture("NullableError")}(3,11): error CS8602:");
    }

    [Fact]
    public void Missing_load_is_reported_at_the_directive()
    {
        var result = _runner.Run(Repo.Fixture("MissingLoad"));

        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith($"{Repo.Fixture("MissingLoad")}(2,").And.Contain("DoesNotExist.cs");
    }

    [Fact]
    public void Load_cycle_is_an_error_at_the_directive_that_closes_it()
    {
        var result = _runner.Run(Repo.Fixture("LoadCycle"));

        result.ExitCode.Should().Be(1);
        var other = Path.Combine(Repo.FixtureDir("LoadCycle"), "Other.csx");
        result.Errors.Should().StartWith($"{other}(1,1): error").And.Contain("#load cycle: LoadCycle.csx -> Other.csx -> LoadCycle.csx");
    }

    [Fact]
    public void Unhandled_exception_prints_the_stack_trace_with_script_file_and_line_and_exits_1()
    {
        var result = _runner.Run(Repo.Fixture("UnhandledException"));

        result.ExitCode.Should().Be(1);
        result.Output.Should().Be("before\n");
        result.Errors.Should().StartWith("System.InvalidOperationException: script failed here")
            .And.Contain($"{Repo.Fixture("UnhandledException")}:line 3");
    }

    [Fact]
    public void Lib_user_error_escaping_the_script_prints_only_its_message_and_exits_with_its_code()
    {
        var result = _runner.Run(Repo.Fixture("UserError"));

        result.ExitCode.Should().Be(2);
        result.Errors.Should().Be("--epochs must be a positive integer\n");
    }

    [Fact]
    public void An_exception_named_Ch13Exception_is_nothing_special_to_the_runner()
    {
        // The lib reports its own errors (UserErrors); the runner no longer matches exceptions by type name.
        using var scratch = new ScratchDir();
        var script = scratch.Write("Impostor.csx", """
            throw new Ch13Exception("not the lib's");
            public sealed class Ch13Exception(string message) : Exception(message) { public int ExitCode => 2; }
            """);

        var result = _runner.Run(script);

        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith("Submission#0+Ch13Exception: not the lib's").And.Contain($"{script}:line 1");
    }

    [Fact]
    public void Missing_script_is_reported_and_exits_2()
    {
        var result = _runner.Run("no/such/script.csx");

        result.ExitCode.Should().Be(2);
        result.Errors.Should().Contain("script not found").And.Contain("script.csx");
    }

    [Fact]
    public void Help_and_version_print_to_stdout_and_exit_0()
    {
        var help = _runner.Run("--help");
        var version = _runner.Run("--version");

        help.ExitCode.Should().Be(0);
        help.Output.Should().Contain("Usage: ch13-csx").And.Contain("--no-cache");
        version.ExitCode.Should().Be(0);
        version.Output.Should().StartWith("ch13-csx ").And.Contain("Roslyn 5.12.0");
    }

    [Fact]
    public void Unknown_option_before_the_script_exits_2()
    {
        var result = _runner.Run("--bogus", Repo.Fixture("HelloWorld"));

        result.ExitCode.Should().Be(2);
        result.Errors.Should().Contain("unknown option '--bogus'");
    }

    [Fact]
    public void No_script_lists_the_chapter_scripts_and_exits_0()
    {
        var result = _runner.Run();

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().StartWith("The chapter's scripts, in the chapter's order:").And.Contain("./csx --help");
        result.Errors.Should().BeEmpty();
    }
}
