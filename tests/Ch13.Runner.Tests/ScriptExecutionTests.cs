namespace Ch13.Runner.Tests;

public sealed class ScriptExecutionTests : IDisposable
{
    private readonly RunnerProcess _runner = new();
    private readonly ScratchDir _scratch = new();

    public void Dispose()
    {
        _runner.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void Loaded_file_sees_the_args_and_the_script_return_value_is_the_exit_code()
    {
        var result = _runner.Run(Repo.Fixture("LoadArgsReturn"), "--", "one", "two words");

        result.ExitCode.Should().Be(3, result.Errors);
        result.Output.Should().Be("args: [one, two words]\n");
    }

    [Fact]
    public void Args_are_the_same_with_or_without_a_leading_double_dash()
    {
        var plain = _runner.Run(Repo.Fixture("LoadArgsReturn"), "--epochs", "3");
        var dashed = _runner.Run(Repo.Fixture("LoadArgsReturn"), "--", "--epochs", "3");

        plain.Output.Should().Be("args: [--epochs, 3]\n", plain.Errors);
        dashed.Output.Should().Be(plain.Output);
    }

    [Fact]
    public void Environment_exit_code_is_the_exit_code_when_the_script_returns_nothing()
    {
        _runner.Run(Repo.Fixture("EnvironmentExitCode")).ExitCode.Should().Be(42);
    }

    [Fact]
    public void Implicit_usings_and_the_whole_shared_framework_are_available()
    {
        var result = _runner.Run(Repo.Fixture("ImplicitUsings"));

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Be("1,2,3 bag 42 False {\"ok\":true}\n");
    }

    [Fact]
    public void Caller_file_path_is_the_absolute_path_of_the_script_and_of_each_loaded_file()
    {
        var result = _runner.Run(Repo.Fixture("CallerFilePath"));

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Be(
            $"script: {Repo.Fixture("CallerFilePath")}\nloaded: {Path.Combine(Repo.FixtureDir("CallerFilePath"), "Where.cs")}\n");
    }

    [Fact]
    public void A_file_loaded_along_two_paths_is_compiled_once()
    {
        var result = _runner.Run(Repo.Fixture("DiamondLoad"));

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Be("shared middle\n");
    }

    [Fact]
    public void TorchSharp_package_reference_runs_a_tensor_computation()
    {
        var result = _runner.Run(Repo.Fixture("TorchSharp"));

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Be("sum = 2\n");
    }

    [Fact]
    public void Assembly_referenced_by_path_loads_when_compiled_and_when_cached()
    {
        File.Copy(typeof(FixtureLibrary).Assembly.Location, _scratch.PathFor("libs/fixture-lib.dll"));
        var script = _scratch.Write("UsesDll.csx", """
            #r "libs/fixture-lib.dll"
            WriteLine(Ch13.Runner.Tests.FixtureLibrary.Greet("script"));
            """);

        var compiled = _runner.Run("--verbose", script);
        var cached = _runner.Run("--verbose", script);

        compiled.Output.Should().Be("hello script from a #r'd dll\n", compiled.Errors);
        cached.Errors.Should().Contain("cache hit");
        cached.Output.Should().Be(compiled.Output);
    }
}
