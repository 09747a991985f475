using System.Text.RegularExpressions;

namespace Ch13.Runner.Tests;

public sealed class PackageReferenceTests : IDisposable
{
    private readonly RunnerProcess _runner = new();
    private readonly ScratchDir _scratch = new();

    public void Dispose()
    {
        _runner.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public void Unknown_package_error_names_the_package_and_the_fix()
    {
        var result = _runner.Run(Repo.Fixture("UnknownPackage"));

        result.ExitCode.Should().Be(1);
        result.Errors.Should().StartWith($"{Repo.Fixture("UnknownPackage")}(1,1): error CS0006:")
            .And.Contain("does not provide the package 'Newtonsoft.Json'")
            .And.Contain("runner/Ch13.Runner.csproj");
    }

    [Fact]
    public void Wrong_version_error_names_the_version_provided_and_the_fix()
    {
        var result = _runner.Run(Repo.Fixture("WrongVersion"));

        result.ExitCode.Should().Be(1);
        result.Errors.Should().Contain("ch13-csx provides ScottPlot 5.1.59 only, not 5.0.0")
            .And.Contain("change the #r line to \"nuget: ScottPlot, 5.1.59\"");
    }

    [Fact]
    public void Every_nuget_reference_in_lib_scripts_and_tools_is_provided_at_its_exact_version()
    {
        var references = new[] { "lib", "scripts", "tools" }
            .Select(folder => Path.Combine(Repo.Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csx", SearchOption.AllDirectories))
            .SelectMany(File.ReadLines)
            .Select(line => line.Trim())
            .Where(line => Regex.IsMatch(line, """^#r\s+"nuget:"""))
            .Distinct()
            .ToList();
        references.Should().NotBeEmpty("lib/ch13.csx pins the packages");
        references.Should().OnlyContain(line => Regex.IsMatch(line, """^#r\s+"nuget:\s*[^,"]+,\s*[^"\s]+\s*"$"""), "dotnet-script caches need exact versions");

        var script = _scratch.Write("AllReferences.csx", string.Join("\n", references) + "\nWriteLine(\"all provided\");\n");
        var result = _runner.Run(script);

        result.ExitCode.Should().Be(0, result.Errors);
        result.Output.Should().Be("all provided\n");
    }
}
